import Foundation

/// Which escalation levels of a ticket are due at an instant, given its SLA clock and the levels already fired.
///
/// A level fires once for each moment it falls at: a firing is recorded (``SLAEscalationFiring``), and the level
/// counts as fired while it fired at or after its current moment. When the deadline moves later — the ticket is
/// reopened, a pause ends, a priority change gives longer targets — the level's moment moves past its firing and
/// the level is armed again; when the deadline moves earlier, a level whose new moment is still ahead is armed
/// again, and one whose new moment is before the time it fired is not (it already fired for a later moment).
///
/// - A time-to-own level is live until the ticket is taken into account; the clock is never paused.
/// - A time-to-resolve level is live while the time-to-resolve clock runs: not while the ticket is pending, solved
///   or closed. Its moment is computed as the deadline is, with the business time paused so far added.
public enum SLAEscalationPlanner {
    /// The levels due at `now` and not yet fired for their current deadline, in the policy's order.
    public static func due(_ levels: [SLAEscalationLevel], clock: SLAClock, at now: Date,
                           fired: Set<SLAEscalationFiring>) -> [SLAEscalationDue] {
        levels.compactMap { level in
            guard let moment = moment(of: level, clock: clock, at: now), moment.at <= now else { return nil }
            let seconds = SLAEscalationFiring.seconds(moment.at)
            if fired.contains(where: { $0.levelID == level.id && $0.firedSeconds >= seconds }) { return nil }
            return SLAEscalationDue(level: level, moment: moment.at, deadline: moment.deadline)
        }
    }

    /// When `level` falls for this ticket as known at `now`, with the deadline it is set against; nil while the
    /// level's clock does not run (no target, taken into account, paused, solved).
    public static func moment(of level: SLAEscalationLevel, clock: SLAClock, at now: Date)
        -> (at: Date, deadline: Date)?
    {
        let calendar = clock.calculator.calendar
        let offset = TimeInterval(level.offset.seconds(in: calendar)) * (level.side == .before ? -1 : 1)
        switch level.target {
        case .timeToOwn:
            guard let target = clock.timeToOwn, let deadline = clock.timeToOwnDue else { return nil }
            if let taken = clock.takenIntoAccountAt, taken <= now { return nil }
            if clock.state(at: now).timeToResolveIsPaused { return nil }
            let seconds = TimeInterval(target.seconds(in: calendar)) + offset
            return (clock.calculator.adding(seconds: max(seconds, 0), to: clock.openedAt), deadline)
        case .timeToResolve:
            guard let target = clock.timeToResolve, let deadline = clock.timeToResolveDue(at: now),
                  !clock.state(at: now).timeToResolveIsPaused else { return nil }
            let seconds = TimeInterval(target.seconds(in: calendar)) + clock.pausedBusinessTime(until: now) + offset
            return (clock.calculator.adding(seconds: max(seconds, 0), to: clock.openedAt), deadline)
        }
    }
}
