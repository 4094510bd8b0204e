import FluentKit
import Foundation
import ParcCore
import Fluent
import SQLKit
import Vapor

/// The fleet view's data: for every agent the user may see, its backup state (ParcCore rules).
struct BackupFleet {
    struct PlanState: Content {
        let plan_id: UUID
        let name: String
        let rpo_hours: Int
        let rpo_state: String
        let last_good_backup_at: Date?
    }

    struct RepositoryState: Content {
        let id: UUID
        let name: String
        let off_site: Bool
        let last_good_backup_at: Date?
    }

    struct DrillState: Content {
        let id: UUID
        let finished_at: Date
        let passed: Bool
        let files_checked: Int
        let failures: Int
    }

    struct Row: Content {
        let agent_id: UUID
        let hostname: String
        let entity_id: UUID
        let entity: String
        let last_seen_at: Date?
        let last_good_backup_at: Date?
        let rpo_state: String
        let rpo_hours: Int
        let plans: [PlanState]
        let last_drill: DrillState?
        let drill_state: String
        /// Repositories holding a recovery point within their RPO.
        let repositories: [RepositoryState]
        let three_two_one: String

        static let schema = OpenAPISchema.object([
            "agent_id": .uuid, "hostname": .string(), "entity_id": .uuid, "entity": .string(),
            "last_seen_at": .nullable(.dateTime), "last_good_backup_at": .nullable(.dateTime),
            "rpo_state": .string(enumValues: RPOState.allCases.map(\.rawValue)), "rpo_hours": .integer,
            "plans": .array(.object([
                "plan_id": .uuid, "name": .string(), "rpo_hours": .integer,
                "rpo_state": .string(enumValues: RPOState.allCases.map(\.rawValue)),
                "last_good_backup_at": .nullable(.dateTime),
            ], required: ["plan_id", "name", "rpo_hours", "rpo_state"])),
            "last_drill": .nullable(.object([
                "id": .uuid, "finished_at": .dateTime, "passed": .boolean, "files_checked": .integer,
                "failures": .integer,
            ], required: ["id", "finished_at", "passed"])),
            "drill_state": .string(enumValues: ["passed", "failed", "never"]),
            "repositories": .array(.object([
                "id": .uuid, "name": .string(), "off_site": .boolean, "last_good_backup_at": .nullable(.dateTime),
            ], required: ["id", "name", "off_site"])),
            "three_two_one": .string(enumValues: ThreeTwoOneState.allCases.map(\.rawValue)),
        ], required: ["agent_id", "hostname", "entity_id", "rpo_state", "rpo_hours", "drill_state", "three_two_one"])
    }

    /// Every active agent the user may see for backups, with its state, sorted by host name.
    static func rows(_ req: Request) async throws -> [Row] {
        let visible = try await req.entities(for: .backupRead)
        let agents = try await AgentModel.query(on: req.db).scoped(to: visible, \.$entityID)
            .filter(\.$revokedAt == nil).sort(\.$hostname).sort(\.$id).all()
        return try await rows(for: agents, req: req)
    }

    /// Where a machine's recovery points are: per agent, plan and repository.
    struct RecoveryPointKey: Hashable {
        let agent: UUID
        let plan: UUID?
        let repository: UUID?
    }

    /// The last recovery point per (agent, plan, repository): one grouped query per 500 agents.
    static func lastRecoveryPoints(of agentIDs: [UUID], on sql: any SQLDatabase) async throws
        -> [RecoveryPointKey: Date] {
        var lastGood: [RecoveryPointKey: Date] = [:]
        for chunk in agentIDs.chunked(500) {
            let rows = try await sql.select().column("agent_id").column("plan_id").column("repository_id")
                .column(SQLFunction("MAX", args: SQLColumn("finished_at")), as: "last_at")
                .from(BackupRunModel.schema)
                .where("status", .in, [BackupRunStatus.success.rawValue, BackupRunStatus.partial.rawValue])
                .where("agent_id", .in, Array(chunk))
                .groupBy("agent_id").groupBy("plan_id").groupBy("repository_id").all()
            for row in rows {
                let key = RecoveryPointKey(agent: try row.decode(column: "agent_id", as: UUID.self),
                                           plan: try row.decode(column: "plan_id", as: UUID?.self),
                                           repository: try row.decode(column: "repository_id", as: UUID?.self))
                if let date = try row.decode(column: "last_at", as: Date?.self) { lastGood[key] = date }
            }
        }
        return lastGood
    }

    static func rows(for agents: [AgentModel], req: Request) async throws -> [Row] {
        guard !agents.isEmpty else { return [] }
        let tree = try await req.entityTree()
        let now = req.now
        let agentIDs = agents.map { $0.id! }
        let sql = req.db as! any SQLDatabase

        let lastGood = try await lastRecoveryPoints(of: agentIDs, on: sql)
        // Last drill per agent.
        var lastDrill: [UUID: BackupDrillModel] = [:]
        for chunk in agentIDs.chunked(500) {
            let rows = try await sql.select().column("agent_id")
                .column(SQLFunction("MAX", args: SQLColumn("finished_at")), as: "last_at")
                .from(BackupDrillModel.schema).where("agent_id", .in, Array(chunk)).groupBy("agent_id").all()
            var latest: [UUID: Date] = [:]
            for row in rows {
                if let date = try row.decode(column: "last_at", as: Date?.self) {
                    latest[try row.decode(column: "agent_id", as: UUID.self)] = date
                }
            }
            guard !latest.isEmpty else { continue }
            let drills = try await BackupDrillModel.query(on: req.db).filter(\.$agentID ~~ Array(latest.keys))
                .filter(\.$finishedAt ~~ Array(Set(latest.values))).all()
            for drill in drills where latest[drill.agentID] == drill.finishedAt {
                if let existing = lastDrill[drill.agentID], existing.receivedAt >= drill.receivedAt { continue }
                lastDrill[drill.agentID] = drill
            }
        }
        let plansByAgent: [UUID: [BackupPlanModel]]
        if agents.count == 1, let agent = agents.first {
            // One agent's page: its own plans, without evaluating every saved view of every plan.
            plansByAgent = [agent.id!: try await PlanTargeting.plans(for: agent, tree: tree, now: now, on: req.db)]
        } else {
            plansByAgent = PlanTargeting.plansByAgent(agents, snapshot: try await snapshot(req), tree: tree)
        }
        var repositoryIDs = Set(lastGood.keys.compactMap(\.repository))
        for plans in plansByAgent.values { repositoryIDs.formUnion(plans.map(\.repositoryID)) }
        let repositories = repositoryIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await BackupRepositoryModel.query(on: req.db).filter(\.$id ~~ Array(repositoryIDs)).all()
                .map { ($0.id!, $0) })

        return agents.map { agent in
            let id = agent.id!
            let plans = plansByAgent[id] ?? []
            let mine = lastGood.filter { $0.key.agent == id }
            let lastAny = mine.values.max()
            let planInputs = plans.map { plan in
                BackupFleetStatus.PlanInput(planID: plan.id!, rpo: .init(hours: plan.rpoHours),
                                            lastRecoveryPoint: mine.filter { $0.key.plan == plan.id }.values.max())
            }
            var copyIDs = Set(mine.keys.compactMap(\.repository))
            copyIDs.formUnion(plans.map(\.repositoryID))
            let copies = copyIDs.compactMap { repositoryID -> RepositoryCopy? in
                guard let repository = repositories[repositoryID] else { return nil }
                let rpoHours = plans.filter { $0.repositoryID == repositoryID }.map(\.rpoHours).max()
                return RepositoryCopy(repositoryID: repositoryID, offSite: repository.offSite,
                                      lastRecoveryPoint: mine.filter { $0.key.repository == repositoryID }.values.max(),
                                      rpo: .init(hours: rpoHours ?? RecoveryPointObjective.defaultHours))
            }.sorted { (repositories[$0.repositoryID]?.name ?? "") < (repositories[$1.repositoryID]?.name ?? "") }
            let status = BackupFleetStatus(plans: planInputs, lastRecoveryPoint: lastAny, copies: copies, now: now)
            let drill = lastDrill[id]
            let copiesByID = Dictionary(uniqueKeysWithValues: copies.map { ($0.repositoryID, $0) })
            return Row(
                agent_id: id, hostname: agent.hostname, entity_id: agent.entityID, entity: tree.path(of: agent.entityID),
                last_seen_at: agent.lastSeenAt, last_good_backup_at: lastAny, rpo_state: status.rpoState.rawValue,
                rpo_hours: status.rpo.hours,
                plans: zip(plans, status.plans).map { plan, state in
                    PlanState(plan_id: plan.id!, name: plan.name, rpo_hours: plan.rpoHours,
                              rpo_state: state.state.rawValue, last_good_backup_at: state.lastRecoveryPoint)
                },
                last_drill: drill.map {
                    DrillState(id: $0.id!, finished_at: $0.finishedAt, passed: $0.passed, files_checked: $0.filesChecked,
                               failures: $0.failureCount)
                },
                drill_state: drill.map { $0.passed ? "passed" : "failed" } ?? "never",
                repositories: status.recentRepositories.compactMap { repositoryID in
                    repositories[repositoryID].map {
                        RepositoryState(id: repositoryID, name: $0.name, off_site: $0.offSite,
                                        last_good_backup_at: copiesByID[repositoryID]?.lastRecoveryPoint)
                    }
                },
                three_two_one: status.threeTwoOne.rawValue)
        }
    }
}

extension BackupFleet {
    /// An asset that enabled plans target and that no active agent backs up (decision 0067).
    struct UncoveredRow: Content {
        struct Plan: Content {
            let id: UUID
            let name: String
        }

        let asset_id: UUID
        let name: String
        let entity_id: UUID
        let entity: String
        /// The plans concerned that the user may see.
        let plans: [Plan]

        static let schema = OpenAPISchema.object([
            "asset_id": .uuid, "name": .string(), "entity_id": .uuid, "entity": .string(),
            "plans": .array(.object(["id": .uuid, "name": .string()], required: ["id", "name"])),
        ], required: ["asset_id", "name", "entity_id", "entity", "plans"])
    }

    /// The targeted assets without an agent, of the entities where the user reads backups, by name.
    static func uncovered(_ req: Request) async throws -> [UncoveredRow] {
        let visible = try await req.entities(for: .backupRead)
        let tree = try await req.entityTree()
        return try await snapshot(req).uncovered.filter { visible.contains($0.asset.entityID) }.map { asset, plans in
            UncoveredRow(asset_id: asset.id, name: asset.name, entity_id: asset.entityID,
                         entity: tree.path(of: asset.entityID),
                         plans: plans.filter { visible.contains($0.entityID) }.map { .init(id: $0.id!, name: $0.name) })
        }
    }

    private struct SnapshotKey: StorageKey { typealias Value = PlanTargeting.Snapshot }

    /// The plans' targets as they stand, computed once per request (the fleet page needs them twice).
    static func snapshot(_ req: Request) async throws -> PlanTargeting.Snapshot {
        if let snapshot = req.storage[SnapshotKey.self] { return snapshot }
        let snapshot = try await PlanTargeting.Snapshot.load(tree: try await req.entityTree(), now: req.now, on: req.db)
        req.storage[SnapshotKey.self] = snapshot
        return snapshot
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
