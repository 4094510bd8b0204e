import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// `/api/agent/v1/backup/…`: what parc-agent asks and reports (docs/agent-api.md). The contract is
/// fixed: change it only with a new version and a CHANGELOG note.
struct BackupAgentAPI {
    // MARK: plans

    struct AgentPlan: Content {
        struct Repository: Content {
            let id: UUID
            let name: String
            let location: String
            let off_site: Bool
        }

        struct Schedules: Content {
            let full: String?
            let incremental: String?
            let differential: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(full, forKey: .full)
                try container.encode(incremental, forKey: .incremental)
                try container.encode(differential, forKey: .differential)
            }
        }

        struct Retention: Content {
            let keep_last: Int?
            let keep_hourly: Int?
            let keep_daily: Int?
            let keep_weekly: Int?
            let keep_monthly: Int?
            let keep_yearly: Int?

            init(_ retention: BackupRetention) {
                keep_last = retention.keepLast
                keep_hourly = retention.keepHourly
                keep_daily = retention.keepDaily
                keep_weekly = retention.keepWeekly
                keep_monthly = retention.keepMonthly
                keep_yearly = retention.keepYearly
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(keep_last, forKey: .keep_last)
                try container.encode(keep_hourly, forKey: .keep_hourly)
                try container.encode(keep_daily, forKey: .keep_daily)
                try container.encode(keep_weekly, forKey: .keep_weekly)
                try container.encode(keep_monthly, forKey: .keep_monthly)
                try container.encode(keep_yearly, forKey: .keep_yearly)
            }
        }

        struct Drill: Content {
            let schedule: String?
            let sample: Int

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(schedule, forKey: .schedule)
                try container.encode(sample, forKey: .sample)
            }
        }

        let id: UUID
        let name: String
        let repository: Repository
        let paths: [String]
        let excludes: [String]
        let one_file_system: Bool
        let schedules: Schedules
        let retention: Retention
        let drill: Drill
        let rpo_hours: Int

        init(_ plan: BackupPlanModel, repository: BackupRepositoryModel) {
            id = plan.id!
            name = plan.name
            self.repository = Repository(id: repository.id!, name: repository.name, location: repository.location,
                                         off_site: repository.offSite)
            paths = plan.paths
            excludes = plan.excludes
            one_file_system = plan.oneFileSystem
            schedules = Schedules(full: plan.scheduleFull, incremental: plan.scheduleIncremental,
                                  differential: plan.scheduleDifferential)
            retention = Retention(plan.retention)
            drill = Drill(schedule: plan.drillSchedule, sample: plan.drillSample)
            rpo_hours = plan.rpoHours
        }
    }

    struct PlansResponse: Content {
        let plans: [AgentPlan]
    }

    @Sendable static func plans(_ req: Request) async throws -> PlansResponse {
        let agent = try req.requireAgent()
        let plans = try await PlanTargeting.plans(for: agent, tree: try await req.entityTree(), now: req.now, on: req.db)
        let repositoryIDs = Set(plans.map(\.repositoryID))
        let repositories = repositoryIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await BackupRepositoryModel.query(on: req.db).filter(\.$id ~~ Array(repositoryIDs)).all()
                .map { ($0.id!, $0) })
        return PlansResponse(plans: plans.compactMap { plan in
            repositories[plan.repositoryID].map { AgentPlan(plan, repository: $0) }
        })
    }

    // MARK: runs

    struct RunReport: StrictContent, Content {
        let plan_id: UUID?
        let repository_id: UUID?
        let snapshot_id: String?
        let method: String
        let started_at: Date
        let finished_at: Date
        let status: String
        let files: Int
        let directories: Int
        let bytes: Int
        let new_bytes: Int
        let stored_bytes: Int
        let errors: Int
        let error_messages: [String]
        let repository_size_bytes: Int?
        static let acceptedFields: Set<String> = [
            "plan_id", "repository_id", "snapshot_id", "method", "started_at", "finished_at", "status", "files",
            "directories", "bytes", "new_bytes", "stored_bytes", "errors", "error_messages", "repository_size_bytes",
        ]
    }

    struct Created: Content {
        let id: UUID
    }

    static let maxErrorMessages = 50
    static let maxMessageLength = 4096

    @Sendable static func reportRun(_ req: Request) async throws -> Response {
        let agent = try req.requireAgent()
        let report = try req.decodeStrict(RunReport.self, decoder: .agent, unknownFieldsStatus: .badRequest)
        var errors: [String: String] = [:]
        let method = BackupRunMethod(rawValue: report.method)
        if method == nil { errors["method"] = "Use full, incremental or differential." }
        let status = BackupRunStatus(rawValue: report.status)
        if status == nil { errors["status"] = "Use success, partial or failed." }
        checkTimes(report.started_at, report.finished_at, now: req.now, into: &errors)
        for (field, value) in [("files", report.files), ("directories", report.directories), ("bytes", report.bytes),
                               ("new_bytes", report.new_bytes), ("stored_bytes", report.stored_bytes),
                               ("errors", report.errors), ("repository_size_bytes", report.repository_size_bytes ?? 0)]
            where value < 0 {
            errors[field] = "Must be zero or more."
        }
        if report.error_messages.count > maxErrorMessages {
            errors["error_messages"] = "Send at most \(maxErrorMessages) messages (the first ones)."
        } else if report.error_messages.contains(where: { $0.count > maxMessageLength }) {
            errors["error_messages"] = "Each message must be at most \(maxMessageLength) characters."
        }
        if let snapshot = report.snapshot_id, !BackupPlanRules.isCleanText(snapshot, max: 200) {
            errors["snapshot_id"] = "Give the snapshot id (1–200 characters) or null."
        }
        let (plan, repository) = try await resolveTargets(req, agent: agent, planID: report.plan_id,
                                                          repositoryID: report.repository_id, into: &errors)
        guard errors.isEmpty, let method, let status else { throw ParcError.validation(errors) }

        let run = BackupRunModel()
        run.entityID = agent.entityID
        run.agentID = agent.id!
        run.planID = plan?.id
        run.repositoryID = repository?.id
        run.snapshotID = report.snapshot_id
        run.method = method.rawValue
        run.startedAt = report.started_at
        run.finishedAt = report.finished_at
        run.status = status.rawValue
        run.files = report.files
        run.directories = report.directories
        run.bytes = report.bytes
        run.newBytes = report.new_bytes
        run.storedBytes = report.stored_bytes
        run.errors = report.errors
        run.errorMessagesJSON = BackupPlanModel.json(report.error_messages.map(Self.sanitised))
        run.repositorySizeBytes = report.repository_size_bytes
        run.receivedAt = req.now
        let alerts = AlertService(request: req)
        let dedupKey = "backup.run:\(agent.id!):\(plan?.id?.uuidString ?? "-")"
        try await req.db.transaction { db in
            try await run.create(on: db)
            if status == .failed {
                let detail = report.error_messages.prefix(5).map(Self.sanitised).joined(separator: "\n")
                try await alerts.raise(.init(
                    entityID: agent.entityID, source: "backup.run", severity: .warning,
                    titleKey: "alerts.title.backup_run_failed", titleArgs: [agent.hostname, plan?.name ?? "—"],
                    detail: detail.isEmpty ? "The agent reported a failed backup without a message." : detail,
                    objectType: "agent", objectID: agent.id!.uuidString, objectURL: "/agents/\(agent.id!)",
                    dedupKey: dedupKey), on: db)
            } else {
                try await alerts.resolveOpen(dedupKey: dedupKey, entityID: agent.entityID,
                                             by: "parc-agent \(agent.hostname)", on: db)
                // A recovery point within the plan's RPO ends the "RPO late" alert at once (the job would next time).
                if let plan, RecoveryPointObjective(hours: plan.rpoHours).state(lastRecoveryPoint: report.finished_at,
                                                                                 now: alerts.now) == .ok {
                    try await alerts.resolveOpen(dedupKey: BackupRPOJob.dedupKey(agent: agent.id!, plan: plan.id!),
                                                 entityID: agent.entityID, by: "parc-agent \(agent.hostname)", on: db)
                }
            }
        }
        let response = Response(status: .created)
        try response.content.encode(Created(id: run.id!), using: JSONEncoder.parc)
        return response
    }

    // MARK: drills

    struct DrillReport: StrictContent, Content {
        struct Failure: Content {
            let path: String
            let reason: String
        }

        let plan_id: UUID
        let repository_id: UUID
        let snapshot_id: String
        let started_at: Date
        let finished_at: Date
        let files_checked: Int
        let bytes_checked: Int
        let failures: [Failure]
        let passed: Bool
        static let acceptedFields: Set<String> = [
            "plan_id", "repository_id", "snapshot_id", "started_at", "finished_at", "files_checked", "bytes_checked",
            "failures", "passed",
        ]
    }

    static let maxFailures = 1000

    @Sendable static func reportDrill(_ req: Request) async throws -> Response {
        let agent = try req.requireAgent()
        let report = try req.decodeStrict(DrillReport.self, decoder: .agent, unknownFieldsStatus: .badRequest)
        var errors: [String: String] = [:]
        checkTimes(report.started_at, report.finished_at, now: req.now, into: &errors)
        if report.files_checked < 0 { errors["files_checked"] = "Must be zero or more." }
        if report.bytes_checked < 0 { errors["bytes_checked"] = "Must be zero or more." }
        if !BackupPlanRules.isCleanText(report.snapshot_id, max: 200) {
            errors["snapshot_id"] = "Give the snapshot id (1–200 characters)."
        }
        if report.failures.count > maxFailures {
            errors["failures"] = "Send at most \(maxFailures) failures (the first ones)."
        } else if report.failures.contains(where: { $0.path.count > maxMessageLength || $0.reason.count > maxMessageLength }) {
            errors["failures"] = "Each path and reason must be at most \(maxMessageLength) characters."
        }
        if report.passed, !report.failures.isEmpty {
            errors["passed"] = "A restore test with failures did not pass; send passed: false."
        }
        let (plan, repository) = try await resolveTargets(req, agent: agent, planID: report.plan_id,
                                                          repositoryID: report.repository_id, into: &errors)
        guard errors.isEmpty, let plan, let repository else { throw ParcError.validation(errors) }

        let failures = report.failures.map { BackupDrillModel.Failure(path: sanitised($0.path), reason: sanitised($0.reason)) }
        let drill = BackupDrillModel()
        drill.entityID = agent.entityID
        drill.agentID = agent.id!
        drill.planID = plan.id
        drill.repositoryID = repository.id
        drill.snapshotID = report.snapshot_id
        drill.startedAt = report.started_at
        drill.finishedAt = report.finished_at
        drill.filesChecked = report.files_checked
        drill.bytesChecked = report.bytes_checked
        drill.failuresJSON = String(decoding: try JSONEncoder().encode(failures), as: UTF8.self)
        drill.failureCount = failures.count
        drill.passed = report.passed
        drill.receivedAt = req.now
        let alerts = AlertService(request: req)
        try await req.db.transaction { db in
            try await drill.create(on: db)
            if !report.passed {
                var lines = failures.prefix(10).map { "\($0.path): \($0.reason)" }
                if failures.count > 10 { lines.append("… and \(failures.count - 10) more.") }
                let summary = "Restore test of snapshot \(report.snapshot_id) from \(repository.name): "
                    + "\(failures.count) failure(s) in \(report.files_checked) file(s) checked."
                try await alerts.raise(.init(
                    entityID: agent.entityID, source: "backup.drill", severity: .critical,
                    titleKey: "alerts.title.backup_drill_failed", titleArgs: [agent.hostname, plan.name],
                    detail: ([summary] + lines).joined(separator: "\n"),
                    objectType: "agent", objectID: agent.id!.uuidString, objectURL: "/agents/\(agent.id!)?tab=backup",
                    dedupKey: "backup.drill:\(agent.id!):\(plan.id!)"), on: db)
            }
        }
        let response = Response(status: .created)
        try response.content.encode(Created(id: drill.id!), using: JSONEncoder.parc)
        return response
    }

    // MARK: shared checks

    private static func checkTimes(_ started: Date, _ finished: Date, now: Date, into errors: inout [String: String]) {
        if finished < started { errors["finished_at"] = "Must not be before started_at." }
        // A day of slack for machines whose clock runs ahead; beyond that the date is wrong.
        if finished > now.addingTimeInterval(86400) { errors["finished_at"] = "Is more than a day in the future." }
        if started < Date(timeIntervalSince1970: 946_684_800) { errors["started_at"] = "Is before the year 2000." }
    }

    /// The plan and repository of a report, checked against the agent: the plan must target it
    /// (enabled or not: a run may finish after a plan was paused), the repository must be the plan's,
    /// or — without a plan — one of the agent's entity or an entity above it.
    private static func resolveTargets(_ req: Request, agent: AgentModel, planID: UUID?, repositoryID: UUID?,
                                       into errors: inout [String: String]) async throws
        -> (BackupPlanModel?, BackupRepositoryModel?) {
        let tree = try await req.entityTree()
        var plan: BackupPlanModel?
        if let planID {
            plan = try await PlanTargeting.plans(for: agent, tree: tree, now: req.now, includeDisabled: true, on: req.db)
                .first { $0.id == planID }
            if plan == nil { errors["plan_id"] = "No such plan applies to this agent." }
        }
        var repository: BackupRepositoryModel?
        if let id = repositoryID ?? plan?.repositoryID {
            let lineage = Set([agent.entityID] + tree.ancestors(of: agent.entityID))
            repository = try await BackupRepositoryModel.find(id, on: req.db)
            if let found = repository, let plan, found.id != plan.repositoryID {
                errors["repository_id"] = "This is not the repository of the plan."
                repository = nil
            } else if let found = repository, plan == nil, !lineage.contains(found.entityID) {
                errors["repository_id"] = "No such repository applies to this agent."
                repository = nil
            } else if repository == nil {
                errors["repository_id"] = "No such repository applies to this agent."
            }
        }
        return (plan, repository)
    }

    /// Control characters (but tab) become spaces: messages end up in pages, mails and CSV files.
    static func sanitised(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0 != "\t" && $0.properties.generalCategory == .control ? " " : $0
        }))
    }
}
