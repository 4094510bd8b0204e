import Foundation

/// What a fleet row says about one machine, computed from its plans and its recovery points.
///
/// - Each plan that targets the machine is judged on its own: its RPO against the machine's last
///   recovery point made for that plan. The machine shows the worst of them.
/// - A machine that no plan targets is judged on any recovery point it reported, with the default
///   RPO (26 h).
/// - 3-2-1 looks at every repository the machine wrote to or should write to (see `ThreeTwoOneRule`).
public struct BackupFleetStatus: Sendable, Equatable {
    public struct PlanStatus: Sendable, Equatable {
        public let planID: UUID
        public let rpo: RecoveryPointObjective
        public let lastRecoveryPoint: Date?
        public let state: RPOState
    }

    public let plans: [PlanStatus]
    public let rpoState: RPOState
    /// The RPO the machine's state was judged by (the one of its worst plan, the strictest on ties).
    public let rpo: RecoveryPointObjective
    public let lastRecoveryPoint: Date?
    public let threeTwoOne: ThreeTwoOneState
    public let recentRepositories: [UUID]

    /// One plan as it applies to the machine.
    public struct PlanInput: Sendable {
        public let planID: UUID
        public let rpo: RecoveryPointObjective
        public let lastRecoveryPoint: Date?

        public init(planID: UUID, rpo: RecoveryPointObjective, lastRecoveryPoint: Date?) {
            self.planID = planID
            self.rpo = rpo
            self.lastRecoveryPoint = lastRecoveryPoint
        }
    }

    public init(plans: [PlanInput], lastRecoveryPoint: Date?, copies: [RepositoryCopy], now: Date) {
        self.plans = plans.map {
            PlanStatus(planID: $0.planID, rpo: $0.rpo, lastRecoveryPoint: $0.lastRecoveryPoint,
                       state: $0.rpo.state(lastRecoveryPoint: $0.lastRecoveryPoint, now: now))
        }
        self.lastRecoveryPoint = lastRecoveryPoint
        if let worst = self.plans.max(by: { ($0.state, -$0.rpo.hours) < ($1.state, -$1.rpo.hours) }) {
            rpoState = worst.state
            rpo = worst.rpo
        } else {
            rpo = RecoveryPointObjective()
            rpoState = rpo.state(lastRecoveryPoint: lastRecoveryPoint, now: now)
        }
        threeTwoOne = ThreeTwoOneRule.evaluate(copies, now: now)
        recentRepositories = ThreeTwoOneRule.recentCopies(copies, now: now).map(\.repositoryID)
    }
}
