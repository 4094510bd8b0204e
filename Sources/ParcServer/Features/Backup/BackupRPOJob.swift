import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Every 15 minutes: the "RPO late" alert for each machine and plan whose last good backup is older than the plan's
/// RPO — or that never backed up, one RPO after it came under the plan (decision 0068, ParcCore ``RPOAlertRule``).
///
/// A machine that stops backing up (off, agent broken, plan wrong) reports nothing: only the clock can tell. The
/// alert is a warning, one per machine and plan (`backup.rpo:<agent>:<plan>`), raised again once per further RPO
/// missed (its occurrences count them), resolved when a good backup arrives (by the run report at once, by this job
/// otherwise) or when the machine is no longer under the plan. The scheduler runs each occurrence once across
/// instances (decision 0004); each raise or resolve also re-reads the alert under a lock in its own transaction, so
/// a run started by hand at the same moment cannot add a second line.
struct BackupRPOJob: JobHandler {
    let kind = "backup.rpo"

    static let schedule = ScheduleDefinition(name: "backup.rpo", cron: "*/15 * * * *", timeZone: "UTC",
                                             kind: "backup.rpo", payload: "{}")
    static let source = "backup.rpo"
    static let resolver = "backup RPO check"

    static func dedupKey(agent: UUID, plan: UUID) -> String { "backup.rpo:\(agent):\(plan)" }

    /// One machine under one plan.
    private struct Pair {
        let agent: AgentModel
        let plan: BackupPlanModel
        /// When it came under the plan, as best known from the targets (a saved view's machines: now).
        let since: Date
    }

    func run(payload: String, context: JobContext) async throws -> String {
        let db = context.db
        let now = context.now
        let sql = db as! any SQLDatabase
        let tree = EntityTree(try await EntityModel.query(on: db).all().map(\.node))
        let agents = try await AgentModel.query(on: db).filter(\.$revokedAt == nil).all()
        let snapshot = try await PlanTargeting.Snapshot.load(tree: tree, now: now, on: db)

        var pairs: [String: Pair] = [:]
        for agent in agents {
            for (planID, targets) in Dictionary(grouping: snapshot.targets(reaching: agent, tree: tree), by: \.planID) {
                guard let plan = snapshot.plans[planID] else { continue }
                let since = targets.map { target in
                    target.targetKind == .savedView ? now : max(target.createdAt, agent.enrolledAt)
                }.min() ?? now
                pairs[Self.dedupKey(agent: agent.id!, plan: planID)] = Pair(agent: agent, plan: plan, since: since)
            }
        }
        let coveredSince = try await Self.recordCoverage(pairs.values, now: now, on: db)
        let lastGood = try await BackupFleet.lastRecoveryPoints(of: agents.map { $0.id! }, on: sql)
        var lastByPair: [String: Date] = [:]
        for (key, date) in lastGood {
            guard let plan = key.plan else { continue }
            let pair = Self.dedupKey(agent: key.agent, plan: plan)
            lastByPair[pair] = Swift.max(lastByPair[pair] ?? date, date)
        }
        let open = Dictionary(try await AlertModel.query(on: db).filter(\.$source == Self.source)
            .filter(\.$resolvedAt == nil).all().map { ($0.dedupKey, $0) }, uniquingKeysWith: { first, _ in first })

        let services = context.application.parc
        let alerts = AlertService(application: context.application)
        var raised = 0, created = 0, resolved = 0
        for (key, pair) in pairs.sorted(by: { $0.key < $1.key }) {
            let since = coveredSince[key] ?? pair.since
            let rpo = RecoveryPointObjective(hours: pair.plan.rpoHours)
            let decision = RPOAlertRule.decide(lastRecoveryPoint: lastByPair[key], coveredSince: since, rpo: rpo,
                                               now: now, openAlertLastRaised: open[key]?.lastRaisedAt)
            guard decision != .quiet else { continue }
            let last = lastByPair[key]
            let outcome: Outcome = try await services.writeTransaction(on: db) { db in
                try await Self.lock(db)
                // Another run may have acted since the first read: decide again on what is stored now.
                let current = try await AlertModel.query(on: db).filter(\.$dedupKey == key)
                    .filter(\.$entityID == pair.agent.entityID).filter(\.$resolvedAt == nil).first()
                let fresh = RPOAlertRule.decide(lastRecoveryPoint: last, coveredSince: since, rpo: rpo,
                                                now: now, openAlertLastRaised: current?.lastRaisedAt)
                switch fresh {
                case .quiet:
                    return .none
                case .resolve:
                    try await alerts.resolveOpen(dedupKey: key, entityID: pair.agent.entityID, by: Self.resolver, on: db)
                    return .resolved
                case .raise(let overdueSince):
                    let (_, isNew) = try await alerts.raise(Self.alert(pair, key: key, last: last,
                                                                       since: since, overdueSince: overdueSince),
                                                            on: db)
                    return isNew ? .created : .raisedAgain
                }
            }
            switch outcome {
            case .created: created += 1; raised += 1
            case .raisedAgain: raised += 1
            case .resolved: resolved += 1
            case .none: break
            }
        }
        // Machines no longer under the plan (left the group, agent revoked, plan paused or deleted): nothing is late.
        for (key, alert) in open where pairs[key] == nil {
            try await services.writeTransaction(on: db) { db in
                try await Self.lock(db)
                try await alerts.resolveOpen(dedupKey: key, entityID: alert.entityID, by: Self.resolver, on: db)
            }
            resolved += 1
        }
        return "\(pairs.count) machine(s) and plan(s) checked: \(created) new late alert(s), "
            + "\(raised - created) raised again, \(resolved) resolved"
    }

    private enum Outcome: Sendable { case none, created, raisedAgain, resolved }

    private static func alert(_ pair: Pair, key: String, last: Date?, since: Date, overdueSince: Date)
        -> AlertService.NewAlert {
        let iso = ISO8601DateFormatter()
        let detail = if let last {
            "No good backup for plan \(pair.plan.name) since \(iso.string(from: last)) (RPO \(pair.plan.rpoHours) h): "
                + "late since \(iso.string(from: overdueSince))."
        } else {
            "No good backup for plan \(pair.plan.name) since the machine came under it on \(iso.string(from: since)) "
                + "(RPO \(pair.plan.rpoHours) h): late since \(iso.string(from: overdueSince))."
        }
        return AlertService.NewAlert(
            entityID: pair.agent.entityID, source: source, severity: .warning,
            titleKey: "alerts.title.backup_rpo_late", titleArgs: [pair.agent.hostname, pair.plan.name],
            detail: detail + " Check that the machine is on, that its agent runs, and the plan's paths and repository.",
            objectType: "agent", objectID: pair.agent.id!.uuidString, objectURL: "/agents/\(pair.agent.id!)?tab=backup",
            dedupKey: key)
    }

    /// Keeps `backup_plan_coverage` equal to the pairs: new ones start at their best-known date, gone ones are
    /// forgotten (a machine that comes back starts a new RPO). Answers the stored date of each pair.
    private static func recordCoverage(_ pairs: Dictionary<String, Pair>.Values, now: Date, on db: any Database)
        async throws -> [String: Date] {
        let current = Dictionary(pairs.map { (dedupKey(agent: $0.agent.id!, plan: $0.plan.id!), $0) },
                                 uniquingKeysWith: { first, _ in first })
        var since: [String: Date] = [:]
        var stale: [UUID] = []
        for row in try await BackupPlanCoverageModel.query(on: db).all() {
            let key = dedupKey(agent: row.agentID, plan: row.planID)
            if current[key] == nil { stale.append(row.id!) } else { since[key] = row.since }
        }
        for chunk in stale.chunked(500) {
            try await BackupPlanCoverageModel.query(on: db).filter(\.$id ~~ Array(chunk)).delete()
        }
        let missing = current.filter { since[$0.key] == nil }.values
        let sql = db as! any SQLDatabase
        for chunk in Array(missing).chunked(200) {
            let insert = sql.insert(into: BackupPlanCoverageModel.schema).columns("id", "plan_id", "agent_id", "since")
            for pair in chunk {
                insert.values(SQLBind(UUID()), SQLBind(pair.plan.id!), SQLBind(pair.agent.id!), SQLBind(pair.since))
            }
            // Another instance may record the same pair at the same moment: the unique pair keeps one.
            try await insert.ignoringConflicts(with: ["plan_id", "agent_id"]).run()
        }
        for pair in missing { since[dedupKey(agent: pair.agent.id!, plan: pair.plan.id!)] = pair.since }
        return since
    }

    /// Serialises the alert writes of concurrent runs (PostgreSQL; SQLite has one writer).
    private static func lock(_ db: any Database) async throws {
        guard db.isPostgres, let sql = db as? any SQLDatabase else { return }
        _ = try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: Int64(0x7270_6f6c_6174_65)))").all()
    }
}
