import Foundation

/// A ticket's two SLA clocks, time-to-own (TTO) and time-to-resolve (TTR), and their pause rules.
///
/// - TTO runs from the opening, in business time, and is never paused.
/// - TTR runs from the opening too, but stops while the ticket is pending, solved or closed. The business time it
///   stood still is added to the deadline, so the deadline moves by exactly the working time lost; a pause spent
///   entirely outside working hours moves nothing.
/// - Reopening a solved ticket continues the TTR clock where it stopped: the time spent solved counts as paused.
/// - A deadline is breached when the ticket is taken into account (TTO) or solved (TTR) strictly after it, or when
///   `now` is strictly after it and that has not happened yet.
public struct SLAClock: Hashable, Sendable {
    /// The business-time arithmetic.
    public let calculator: SLADeadlineCalculator
    /// When the ticket was opened.
    public let openedAt: Date
    /// The time-to-own target, if the SLA has one.
    public let timeToOwn: BusinessDuration?
    /// The time-to-resolve target, if the SLA has one.
    public let timeToResolve: BusinessDuration?
    /// When a technician first took the ticket into account (assignment or first technician followup), if yet.
    public let takenIntoAccountAt: Date?
    /// The ticket's status changes, oldest first; the ticket is `new` before the first one.
    public let statusChanges: [TicketStatusChange]

    /// A clock for one ticket.
    public init(
        calculator: SLADeadlineCalculator,
        openedAt: Date,
        timeToOwn: BusinessDuration?,
        timeToResolve: BusinessDuration?,
        takenIntoAccountAt: Date? = nil,
        statusChanges: [TicketStatusChange] = []
    ) {
        self.calculator = calculator
        self.openedAt = openedAt
        self.timeToOwn = timeToOwn
        self.timeToResolve = timeToResolve
        self.takenIntoAccountAt = takenIntoAccountAt
        self.statusChanges = statusChanges.sorted { $0.date < $1.date }
    }

    /// When the ticket must be taken into account; never moved by pauses.
    public var timeToOwnDue: Date? {
        timeToOwn.map { calculator.deadline(adding: $0, to: openedAt) }
    }

    /// The periods during which TTR stood still up to `now`; the last one is open (`end == nil`) while it lasts.
    public func pauses(until now: Date) -> [(start: Date, end: Date?)] {
        var result: [(start: Date, end: Date?)] = []
        var pausedSince: Date?
        for change in statusChanges where change.date <= now {
            let stops = Self.stopsResolveClock(change.status)
            if stops, pausedSince == nil {
                pausedSince = change.date
            } else if !stops, let since = pausedSince {
                result.append((since, change.date))
                pausedSince = nil
            }
        }
        if let since = pausedSince { result.append((since, nil)) }
        return result
    }

    /// The business time TTR stood still between the opening and `now`.
    public func pausedBusinessTime(until now: Date) -> TimeInterval {
        pausedBusinessTime(pauses(until: now), until: now)
    }

    private func pausedBusinessTime(_ pauses: [(start: Date, end: Date?)], until now: Date) -> TimeInterval {
        pauses.reduce(0) { total, pause in
            guard pause.start <= now else { return total }
            return total + calculator.businessTime(from: max(pause.start, openedAt), to: min(pause.end ?? now, now))
        }
    }

    /// When the ticket was solved, if it is solved or closed at `now` (the start of the current stop).
    public func solvedAt(at now: Date) -> Date? {
        solvedAt(at: now, pauses: pauses(until: now))
    }

    private func solvedAt(at now: Date, pauses: [(start: Date, end: Date?)]) -> Date? {
        guard let last = pauses.last, last.end == nil else { return nil }
        let current = statusChanges.last { $0.date <= now }?.status
        return current == .solved || current == .closed ? last.start : nil
    }

    /// The TTR deadline as known at `now`: the target plus the business time paused so far. Once the ticket is
    /// solved, the deadline is frozen at its value at the moment of solving.
    public func timeToResolveDue(at now: Date) -> Date? {
        let pauses = pauses(until: now)
        return timeToResolveDue(solvedAt: solvedAt(at: now, pauses: pauses), pauses: pauses, now: now)
    }

    /// The deadline from the pauses up to `now`: those up to the solving moment when solved (the last pause then
    /// starts at that moment, so it adds nothing).
    private func timeToResolveDue(solvedAt: Date?, pauses: [(start: Date, end: Date?)], now: Date) -> Date? {
        guard let timeToResolve else { return nil }
        let asOf = solvedAt ?? now
        let seconds = TimeInterval(timeToResolve.seconds(in: calculator.calendar)) + pausedBusinessTime(pauses, until: asOf)
        return calculator.adding(seconds: seconds, to: openedAt)
    }

    /// Deadlines and breach flags at `now`.
    public func state(at now: Date) -> SLAClockState {
        let pauses = pauses(until: now)
        let solved = solvedAt(at: now, pauses: pauses)
        let ownDue = timeToOwnDue
        let resolveDue = timeToResolveDue(solvedAt: solved, pauses: pauses, now: now)
        // Taken into account later than `now` means not yet, as far as `now` can know.
        let ownedAt = takenIntoAccountAt.flatMap { $0 <= now ? $0 : nil } ?? now
        let ownBreached = ownDue.map { ownedAt > $0 } ?? false
        let resolveBreached = resolveDue.map { due in (solved ?? now) > due } ?? false
        return SLAClockState(
            timeToOwnDue: ownDue,
            timeToResolveDue: resolveDue,
            timeToOwnBreached: ownBreached,
            timeToResolveBreached: resolveBreached,
            timeToResolveIsPaused: pauses.last.map { $0.end == nil } ?? false
        )
    }

    private static func stopsResolveClock(_ status: TicketStatus) -> Bool {
        status == .pending || status == .solved || status == .closed
    }
}
