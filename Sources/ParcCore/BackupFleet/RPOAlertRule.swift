import Foundation

/// When a machine that stopped backing up raises the "RPO late" alert, raises it again, or resolves it
/// (decision 0068).
///
/// - The machine is overdue once its plan's RPO has passed since the later of its last recovery point for the
///   plan and the moment it came under the plan: a machine that joins a plan gets one RPO to make its first
///   backup, and one that never backs up is overdue one RPO after it joined.
/// - An overdue machine without an open alert raises one. With one open, the alert is raised again (one more
///   occurrence) only once another whole RPO has passed since it was last raised: the count says how many
///   recovery points were missed, whatever the job's frequency.
/// - A machine back within its RPO resolves the open alert.
public enum RPOAlertRule {
    public enum Decision: Sendable, Equatable {
        /// Nothing to do.
        case quiet
        /// Raise the alert (new, or once more): the machine has been overdue since the date.
        case raise(overdueSince: Date)
        /// Resolve the open alert: the machine is within its RPO again.
        case resolve
    }

    /// The moment the machine turns (or turned) late.
    public static func overdueSince(lastRecoveryPoint: Date?, coveredSince: Date, rpo: RecoveryPointObjective)
        -> Date
    {
        max(lastRecoveryPoint ?? coveredSince, coveredSince).addingTimeInterval(rpo.interval)
    }

    /// What to do now, given the open alert's last raise (nil without an open alert). Exactly one RPO after is
    /// still on time, as in ``RecoveryPointObjective/state(lastRecoveryPoint:now:)``.
    public static func decide(lastRecoveryPoint: Date?, coveredSince: Date, rpo: RecoveryPointObjective, now: Date,
                              openAlertLastRaised: Date?) -> Decision {
        let due = overdueSince(lastRecoveryPoint: lastRecoveryPoint, coveredSince: coveredSince, rpo: rpo)
        guard now > due else { return openAlertLastRaised == nil ? .quiet : .resolve }
        guard let raised = openAlertLastRaised else { return .raise(overdueSince: due) }
        return now.timeIntervalSince(raised) >= rpo.interval ? .raise(overdueSince: due) : .quiet
    }
}
