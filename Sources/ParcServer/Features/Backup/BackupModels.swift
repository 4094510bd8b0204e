import FluentKit
import Foundation
import ParcCore
import SQLKit

/// Where backups go, as agents see it (a path or a mount point). The server never holds its
/// passphrase: agents keep it (decision 0013).
final class BackupRepositoryModel: Model, @unchecked Sendable {
    static let schema = "backup_repositories"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "name") var name: String
    @Field(key: "location") var location: String
    @Field(key: "off_site") var offSite: Bool
    @OptionalField(key: "comment") var comment: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditSnapshot: [String: String?] {
        ["name": name, "location": location, "off_site": String(offSite), "comment": comment,
         "entity_id": entityID.uuidString]
    }
}

/// What to back up, where, when, how long to keep it, how often to test a restore, and the RPO.
final class BackupPlanModel: Model, @unchecked Sendable {
    static let schema = "backup_plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "repository_id") var repositoryID: UUID
    @Field(key: "name") var name: String
    /// JSON array of strings.
    @Field(key: "paths") var pathsJSON: String
    /// JSON array of strings.
    @Field(key: "excludes") var excludesJSON: String
    @Field(key: "one_file_system") var oneFileSystem: Bool
    @OptionalField(key: "schedule_full") var scheduleFull: String?
    @OptionalField(key: "schedule_incremental") var scheduleIncremental: String?
    @OptionalField(key: "schedule_differential") var scheduleDifferential: String?
    @OptionalField(key: "keep_last") var keepLast: Int?
    @OptionalField(key: "keep_hourly") var keepHourly: Int?
    @OptionalField(key: "keep_daily") var keepDaily: Int?
    @OptionalField(key: "keep_weekly") var keepWeekly: Int?
    @OptionalField(key: "keep_monthly") var keepMonthly: Int?
    @OptionalField(key: "keep_yearly") var keepYearly: Int?
    @OptionalField(key: "drill_schedule") var drillSchedule: String?
    @Field(key: "drill_sample") var drillSample: Int
    @Field(key: "rpo_hours") var rpoHours: Int
    @Field(key: "enabled") var enabled: Bool
    @OptionalField(key: "comment") var comment: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var paths: [String] {
        get { (try? JSONDecoder().decode([String].self, from: Data(pathsJSON.utf8))) ?? [] }
        set { pathsJSON = Self.json(newValue) }
    }

    var excludes: [String] {
        get { (try? JSONDecoder().decode([String].self, from: Data(excludesJSON.utf8))) ?? [] }
        set { excludesJSON = Self.json(newValue) }
    }

    static func json(_ strings: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
    }

    var retention: BackupRetention {
        get {
            BackupRetention(keepLast: keepLast, keepHourly: keepHourly, keepDaily: keepDaily, keepWeekly: keepWeekly,
                            keepMonthly: keepMonthly, keepYearly: keepYearly)
        }
        set {
            keepLast = newValue.keepLast
            keepHourly = newValue.keepHourly
            keepDaily = newValue.keepDaily
            keepWeekly = newValue.keepWeekly
            keepMonthly = newValue.keepMonthly
            keepYearly = newValue.keepYearly
        }
    }

    func schedule(_ method: BackupRunMethod) -> String? {
        switch method {
        case .full: scheduleFull
        case .incremental: scheduleIncremental
        case .differential: scheduleDifferential
        }
    }

    var settings: BackupPlanSettings {
        get {
            var schedules: [BackupRunMethod: String] = [:]
            for method in BackupRunMethod.allCases { if let text = schedule(method) { schedules[method] = text } }
            return BackupPlanSettings(name: name, paths: paths, excludes: excludes, oneFileSystem: oneFileSystem,
                                      schedules: schedules, retention: retention, drillSchedule: drillSchedule,
                                      drillSample: drillSample, rpoHours: rpoHours)
        }
        set {
            name = newValue.name.trimmingCharacters(in: .whitespaces)
            paths = newValue.paths
            excludes = newValue.excludes
            oneFileSystem = newValue.oneFileSystem
            func clean(_ text: String?) -> String? {
                guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
                return trimmed
            }
            scheduleFull = clean(newValue.schedules[.full])
            scheduleIncremental = clean(newValue.schedules[.incremental])
            scheduleDifferential = clean(newValue.schedules[.differential])
            retention = newValue.retention
            drillSchedule = clean(newValue.drillSchedule)
            drillSample = newValue.drillSample
            rpoHours = newValue.rpoHours
        }
    }

    var auditSnapshot: [String: String?] {
        var snapshot: [String: String?] = [
            "name": name, "repository_id": repositoryID.uuidString, "paths": pathsJSON, "excludes": excludesJSON,
            "one_file_system": String(oneFileSystem), "schedule_full": scheduleFull,
            "schedule_incremental": scheduleIncremental, "schedule_differential": scheduleDifferential,
            "drill_schedule": drillSchedule, "drill_sample": String(drillSample), "rpo_hours": String(rpoHours),
            "enabled": String(enabled), "comment": comment, "entity_id": entityID.uuidString,
        ]
        for (field, value) in retention.fields { snapshot[field] = value.map(String.init) }
        return snapshot
    }
}

/// What a plan applies to: one agent, every agent of an entity and its sub-entities, one asset (the agents linked
/// to it), or a group of assets — a shared saved view of the asset list, evaluated when it is used (decision 0067).
final class BackupPlanTargetModel: Model, @unchecked Sendable {
    static let schema = "backup_plan_targets"

    enum Kind: String, Codable, Sendable, CaseIterable {
        case agent, entity, asset
        case savedView = "saved_view"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "plan_id") var planID: UUID
    /// The plan's entity (what scopes the row).
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "kind") var kind: String
    @OptionalField(key: "agent_id") var agentID: UUID?
    @OptionalField(key: "target_entity_id") var targetEntityID: UUID?
    @OptionalField(key: "asset_id") var assetID: UUID?
    @OptionalField(key: "saved_view_id") var savedViewID: UUID?
    /// The asset's or the view's name when it was added: what the plan's page names once it is gone.
    @OptionalField(key: "label") var label: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var targetKind: Kind? { Kind(rawValue: kind) }
}

/// Since when an agent has been under a plan, as the "RPO late" job first saw it (decision 0068): a machine gets one
/// RPO from then to make its first backup. Rows go when the machine leaves the plan.
final class BackupPlanCoverageModel: Model, @unchecked Sendable {
    static let schema = "backup_plan_coverage"

    @ID(key: .id) var id: UUID?
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "agent_id") var agentID: UUID
    @Field(key: "since") var since: Date

    init() {}
}

/// One backup run, as the agent reported it.
final class BackupRunModel: Model, @unchecked Sendable {
    static let schema = "backup_runs"

    @ID(key: .id) var id: UUID?
    /// The agent's entity.
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "agent_id") var agentID: UUID
    @OptionalField(key: "plan_id") var planID: UUID?
    @OptionalField(key: "repository_id") var repositoryID: UUID?
    @OptionalField(key: "snapshot_id") var snapshotID: String?
    @Field(key: "method") var method: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "finished_at") var finishedAt: Date
    @Field(key: "status") var status: String
    @Field(key: "files") var files: Int
    @Field(key: "directories") var directories: Int
    @Field(key: "bytes") var bytes: Int
    @Field(key: "new_bytes") var newBytes: Int
    @Field(key: "stored_bytes") var storedBytes: Int
    @Field(key: "errors") var errors: Int
    /// JSON array of strings (at most 50).
    @Field(key: "error_messages") var errorMessagesJSON: String
    @OptionalField(key: "repository_size_bytes") var repositorySizeBytes: Int?
    @Field(key: "received_at") var receivedAt: Date

    init() {}

    var errorMessages: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(errorMessagesJSON.utf8))) ?? []
    }

    var runStatus: BackupRunStatus { BackupRunStatus(rawValue: status) ?? .failed }
}

/// One restore test ("drill"), as the agent reported it.
final class BackupDrillModel: Model, @unchecked Sendable {
    static let schema = "backup_drills"

    struct Failure: Codable, Sendable, Equatable {
        let path: String
        let reason: String
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "agent_id") var agentID: UUID
    @OptionalField(key: "plan_id") var planID: UUID?
    @OptionalField(key: "repository_id") var repositoryID: UUID?
    @Field(key: "snapshot_id") var snapshotID: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "finished_at") var finishedAt: Date
    @Field(key: "files_checked") var filesChecked: Int
    @Field(key: "bytes_checked") var bytesChecked: Int
    /// JSON array of {path, reason}.
    @Field(key: "failures") var failuresJSON: String
    @Field(key: "failure_count") var failureCount: Int
    @Field(key: "passed") var passed: Bool
    @Field(key: "received_at") var receivedAt: Date

    init() {}

    var failures: [Failure] {
        (try? JSONDecoder().decode([Failure].self, from: Data(failuresJSON.utf8))) ?? []
    }
}

struct CreateBackupTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("backup_repositories")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("location", .string, .required)
            .field("off_site", .bool, .required)
            .field("comment", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("backup_plans")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("repository_id", .uuid, .required, .references("backup_repositories", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("paths", .string, .required)
            .field("excludes", .string, .required)
            .field("one_file_system", .bool, .required)
            .field("schedule_full", .string)
            .field("schedule_incremental", .string)
            .field("schedule_differential", .string)
            .field("keep_last", .int)
            .field("keep_hourly", .int)
            .field("keep_daily", .int)
            .field("keep_weekly", .int)
            .field("keep_monthly", .int)
            .field("keep_yearly", .int)
            .field("drill_schedule", .string)
            .field("drill_sample", .int, .required)
            .field("rpo_hours", .int, .required)
            .field("enabled", .bool, .required)
            .field("comment", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("backup_plan_targets")
            .id()
            .field("plan_id", .uuid, .required, .references("backup_plans", "id", onDelete: .cascade))
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("agent_id", .uuid, .references("agents", "id", onDelete: .cascade))
            .field("target_entity_id", .uuid, .references("entities", "id", onDelete: .cascade))
            .field("asset_id", .uuid)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("backup_runs")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("plan_id", .uuid, .references("backup_plans", "id", onDelete: .setNull))
            .field("repository_id", .uuid, .references("backup_repositories", "id", onDelete: .setNull))
            .field("snapshot_id", .string)
            .field("method", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime, .required)
            .field("status", .string, .required)
            .field("files", .int64, .required)
            .field("directories", .int64, .required)
            .field("bytes", .int64, .required)
            .field("new_bytes", .int64, .required)
            .field("stored_bytes", .int64, .required)
            .field("errors", .int64, .required)
            .field("error_messages", .string, .required)
            .field("repository_size_bytes", .int64)
            .field("received_at", .datetime, .required)
            .create()
        try await database.schema("backup_drills")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("plan_id", .uuid, .references("backup_plans", "id", onDelete: .setNull))
            .field("repository_id", .uuid, .references("backup_repositories", "id", onDelete: .setNull))
            .field("snapshot_id", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime, .required)
            .field("files_checked", .int64, .required)
            .field("bytes_checked", .int64, .required)
            .field("failures", .string, .required)
            .field("failure_count", .int64, .required)
            .field("passed", .bool, .required)
            .field("received_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "backup_plan_targets_plan_idx").on("backup_plan_targets").column("plan_id").run()
        try await sql.create(index: "backup_runs_agent_idx").on("backup_runs").column("agent_id").column("finished_at")
            .run()
        try await sql.create(index: "backup_runs_repository_idx").on("backup_runs").column("repository_id")
            .column("finished_at").run()
        try await sql.create(index: "backup_runs_entity_idx").on("backup_runs").column("entity_id")
            .column("finished_at").run()
        try await sql.create(index: "backup_drills_agent_idx").on("backup_drills").column("agent_id")
            .column("finished_at").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["backup_drills", "backup_runs", "backup_plan_targets", "backup_plans", "backup_repositories"] {
            try await database.schema(table).delete()
        }
    }
}
