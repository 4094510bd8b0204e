import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// `/api/v1/backup/…`: repositories, plans and targets, runs, restore tests and the fleet view.
struct BackupAPIController {
    // MARK: DTOs

    struct RepositoryDTO: Content {
        let id: UUID
        let entity_id: UUID
        let name: String
        let location: String
        let off_site: Bool
        let comment: String?
        let created_at: Date?
        let updated_at: Date?

        init(_ model: BackupRepositoryModel) {
            id = model.id!
            entity_id = model.entityID
            name = model.name
            location = model.location
            off_site = model.offSite
            comment = model.comment
            created_at = model.createdAt
            updated_at = model.updatedAt
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "name": .string(),
            "location": .string(description: "Where agents reach the repository: a path or mount point"),
            "off_site": .boolean, "comment": .nullable(.string()), "created_at": .dateTime, "updated_at": .dateTime,
        ], required: ["id", "entity_id", "name", "location", "off_site"])
    }

    struct RepositoryInput: StrictContent, Content {
        let entity_id: UUID?
        let name: String?
        let location: String?
        let off_site: Bool?
        let comment: String?
        static let acceptedFields: Set<String> = ["entity_id", "name", "location", "off_site", "comment"]
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "name": .string(), "location": .string(), "off_site": .boolean,
            "comment": .nullable(.string()),
        ], required: [])
    }

    struct TargetDTO: Content {
        let id: UUID
        let kind: String
        let agent_id: UUID?
        let entity_id: UUID?
        let asset_id: UUID?
        let saved_view_id: UUID?
        let label: String
        /// `ok`, or why an asset or saved-view target reaches no machine (``PlanTargeting/Problem``).
        let state: String
        let problem: String?
        /// Asset and saved-view targets: the in-service assets designated now, the agents reached, and the assets
        /// without an agent.
        let assets: Int?
        let agents: Int?
        let uncovered_assets: Int?
    }

    struct PlanDTO: Content {
        let id: UUID
        let entity_id: UUID
        let name: String
        let repository_id: UUID
        let paths: [String]
        let excludes: [String]
        let one_file_system: Bool
        let schedules: BackupAgentAPI.AgentPlan.Schedules
        let retention: BackupAgentAPI.AgentPlan.Retention
        let drill: BackupAgentAPI.AgentPlan.Drill
        let rpo_hours: Int
        let enabled: Bool
        let comment: String?
        let targets: [TargetDTO]
        let created_at: Date?
        let updated_at: Date?

        init(_ plan: BackupPlanModel, targets: [TargetDTO]) {
            id = plan.id!
            entity_id = plan.entityID
            name = plan.name
            repository_id = plan.repositoryID
            paths = plan.paths
            excludes = plan.excludes
            one_file_system = plan.oneFileSystem
            schedules = .init(full: plan.scheduleFull, incremental: plan.scheduleIncremental,
                              differential: plan.scheduleDifferential)
            retention = .init(plan.retention)
            drill = .init(schedule: plan.drillSchedule, sample: plan.drillSample)
            rpo_hours = plan.rpoHours
            enabled = plan.enabled
            comment = plan.comment
            self.targets = targets
            created_at = plan.createdAt
            updated_at = plan.updatedAt
        }

        static let schedulesSchema = OpenAPISchema.object([
            "full": .nullable(.string(description: "Cron expression")),
            "incremental": .nullable(.string(description: "Cron expression")),
            "differential": .nullable(.string(description: "Cron expression")),
        ], required: [])
        static let retentionSchema = OpenAPISchema.object([
            "keep_last": .nullable(.integer), "keep_hourly": .nullable(.integer), "keep_daily": .nullable(.integer),
            "keep_weekly": .nullable(.integer), "keep_monthly": .nullable(.integer), "keep_yearly": .nullable(.integer),
        ], required: [])
        static let drillSchema = OpenAPISchema.object([
            "schedule": .nullable(.string(description: "Cron expression")),
            "sample": .integer,
        ], required: [])
        static let targetSchema = OpenAPISchema.object([
            "id": .uuid, "kind": .string(enumValues: BackupPlanTargetModel.Kind.allCases.map(\.rawValue)),
            "agent_id": .nullable(.uuid), "entity_id": .nullable(.uuid), "asset_id": .nullable(.uuid),
            "saved_view_id": .nullable(.uuid),
            "label": .string(description: "The agent's host name, the entity's path, the asset's or the view's name"),
            "state": .string(enumValues: ["ok"] + PlanTargeting.Problem.allCases.map(\.rawValue)),
            "problem": .nullable(.string(description: "Why the target reaches no machine, when it does not")),
            "assets": .nullable(.integer), "agents": .nullable(.integer), "uncovered_assets": .nullable(.integer),
        ], required: ["id", "kind", "label", "state"])
        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "name": .string(), "repository_id": .uuid,
            "paths": .array(.string()), "excludes": .array(.string()), "one_file_system": .boolean,
            "schedules": schedulesSchema, "retention": retentionSchema, "drill": drillSchema,
            "rpo_hours": .integer, "enabled": .boolean, "comment": .nullable(.string()),
            "targets": .array(.ref("BackupPlanTarget")), "created_at": .dateTime, "updated_at": .dateTime,
        ], required: ["id", "entity_id", "name", "repository_id", "paths", "schedules", "retention", "drill",
                      "rpo_hours", "enabled", "targets"])
    }

    /// Nested objects of a plan: strict too (an unknown key is refused, not ignored).
    struct SchedulesInput: Decodable, Sendable {
        let full: String?
        let incremental: String?
        let differential: String?

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, ["full", "incremental", "differential"])
            let container = try decoder.container(keyedBy: CodingKeys.self)
            full = try container.decodeIfPresent(String.self, forKey: .full)
            incremental = try container.decodeIfPresent(String.self, forKey: .incremental)
            differential = try container.decodeIfPresent(String.self, forKey: .differential)
        }

        private enum CodingKeys: String, CodingKey { case full, incremental, differential }
    }

    struct RetentionInput: Decodable, Sendable {
        let retention: BackupRetention

        init(from decoder: any Decoder) throws {
            let keys = ["keep_last", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly"]
            try StrictKeys.check(decoder, Set(keys))
            let container = try decoder.container(keyedBy: StrictKeys.self)
            func value(_ key: String) throws -> Int? { try container.decodeIfPresent(Int.self, forKey: StrictKeys(key)) }
            retention = BackupRetention(keepLast: try value("keep_last"), keepHourly: try value("keep_hourly"),
                                        keepDaily: try value("keep_daily"), keepWeekly: try value("keep_weekly"),
                                        keepMonthly: try value("keep_monthly"), keepYearly: try value("keep_yearly"))
        }
    }

    struct DrillInput: Decodable, Sendable {
        let schedule: String?
        let sample: Int?

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, ["schedule", "sample"])
            let container = try decoder.container(keyedBy: CodingKeys.self)
            schedule = try container.decodeIfPresent(String.self, forKey: .schedule)
            sample = try container.decodeIfPresent(Int.self, forKey: .sample)
        }

        private enum CodingKeys: String, CodingKey { case schedule, sample }
    }

    struct PlanInput: StrictContent, Decodable, Sendable {
        let entity_id: UUID?
        let name: String?
        let repository_id: UUID?
        let paths: [String]?
        let excludes: [String]?
        let one_file_system: Bool?
        let schedules: SchedulesInput?
        let retention: RetentionInput?
        let drill: DrillInput?
        let rpo_hours: Int?
        let enabled: Bool?
        let comment: String?
        static let acceptedFields: Set<String> = [
            "entity_id", "name", "repository_id", "paths", "excludes", "one_file_system", "schedules", "retention",
            "drill", "rpo_hours", "enabled", "comment",
        ]
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "name": .string(), "repository_id": .uuid, "paths": .array(.string()),
            "excludes": .array(.string()), "one_file_system": .boolean, "schedules": PlanDTO.schedulesSchema,
            "retention": PlanDTO.retentionSchema, "drill": PlanDTO.drillSchema, "rpo_hours": .integer,
            "enabled": .boolean, "comment": .nullable(.string()),
        ], required: [])

        /// The settings after applying this input to `base` (nested objects are replaced whole).
        func changes(over plan: BackupPlanModel?) -> BackupService.PlanChanges {
            var settings = plan?.settings ?? BackupPlanSettings(name: "", paths: [])
            if let name { settings.name = name }
            if let paths { settings.paths = paths }
            if let excludes { settings.excludes = excludes }
            if let one_file_system { settings.oneFileSystem = one_file_system }
            if let schedules {
                settings.schedules = [:]
                if let full = schedules.full { settings.schedules[.full] = full }
                if let incremental = schedules.incremental { settings.schedules[.incremental] = incremental }
                if let differential = schedules.differential { settings.schedules[.differential] = differential }
            }
            if let retention { settings.retention = retention.retention }
            if let drill {
                settings.drillSchedule = drill.schedule
                if let sample = drill.sample { settings.drillSample = sample }
            }
            if let rpo_hours { settings.rpoHours = rpo_hours }
            return .init(settings: settings, repositoryID: repository_id ?? plan?.repositoryID,
                         enabled: enabled ?? plan?.enabled ?? true, comment: comment ?? plan?.comment)
        }
    }

    struct TargetInput: StrictContent, Content {
        let agent_id: UUID?
        let entity_id: UUID?
        let asset_id: UUID?
        let saved_view_id: UUID?
        static let acceptedFields: Set<String> = ["agent_id", "entity_id", "asset_id", "saved_view_id"]
        static let schema = OpenAPISchema.object([
            "agent_id": .uuid, "entity_id": .uuid, "asset_id": .uuid,
            "saved_view_id": .string(format: "uuid", description: "A shared view of the asset list"),
        ], required: [])

        /// The one target given.
        var target: BackupService.NewTarget? {
            switch (agent_id, entity_id, asset_id, saved_view_id) {
            case let (agent?, nil, nil, nil): .agent(agent)
            case let (nil, entity?, nil, nil): .entity(entity)
            case let (nil, nil, asset?, nil): .asset(asset)
            case let (nil, nil, nil, view?): .savedView(view)
            default: nil
            }
        }
    }

    struct RunDTO: Content {
        let id: UUID
        let entity_id: UUID
        let agent_id: UUID
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
        let received_at: Date

        init(_ run: BackupRunModel) {
            id = run.id!
            entity_id = run.entityID
            agent_id = run.agentID
            plan_id = run.planID
            repository_id = run.repositoryID
            snapshot_id = run.snapshotID
            method = run.method
            started_at = run.startedAt
            finished_at = run.finishedAt
            status = run.status
            files = run.files
            directories = run.directories
            bytes = run.bytes
            new_bytes = run.newBytes
            stored_bytes = run.storedBytes
            errors = run.errors
            error_messages = run.errorMessages
            repository_size_bytes = run.repositorySizeBytes
            received_at = run.receivedAt
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "agent_id": .uuid, "plan_id": .nullable(.uuid),
            "repository_id": .nullable(.uuid), "snapshot_id": .nullable(.string()),
            "method": .string(enumValues: BackupRunMethod.allCases.map(\.rawValue)),
            "started_at": .dateTime, "finished_at": .dateTime,
            "status": .string(enumValues: BackupRunStatus.allCases.map(\.rawValue)),
            "files": .integer, "directories": .integer, "bytes": .integer, "new_bytes": .integer,
            "stored_bytes": .integer, "errors": .integer, "error_messages": .array(.string()),
            "repository_size_bytes": .nullable(.integer), "received_at": .dateTime,
        ], required: ["id", "entity_id", "agent_id", "method", "started_at", "finished_at", "status"])
    }

    struct DrillDTO: Content {
        let id: UUID
        let entity_id: UUID
        let agent_id: UUID
        let plan_id: UUID?
        let repository_id: UUID?
        let snapshot_id: String
        let started_at: Date
        let finished_at: Date
        let files_checked: Int
        let bytes_checked: Int
        let failures: [BackupDrillModel.Failure]
        let passed: Bool
        let received_at: Date

        init(_ drill: BackupDrillModel) {
            id = drill.id!
            entity_id = drill.entityID
            agent_id = drill.agentID
            plan_id = drill.planID
            repository_id = drill.repositoryID
            snapshot_id = drill.snapshotID
            started_at = drill.startedAt
            finished_at = drill.finishedAt
            files_checked = drill.filesChecked
            bytes_checked = drill.bytesChecked
            failures = drill.failures
            passed = drill.passed
            received_at = drill.receivedAt
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "agent_id": .uuid, "plan_id": .nullable(.uuid),
            "repository_id": .nullable(.uuid), "snapshot_id": .string(), "started_at": .dateTime,
            "finished_at": .dateTime, "files_checked": .integer, "bytes_checked": .integer,
            "failures": .array(.object(["path": .string(), "reason": .string()], required: ["path", "reason"])),
            "passed": .boolean, "received_at": .dateTime,
        ], required: ["id", "entity_id", "agent_id", "snapshot_id", "started_at", "finished_at", "passed"])
    }

    // MARK: list specs

    static let repositorySpec = ListQuerySpec(sortable: ["name", "created_at"], filterable: ["entity_id", "off_site"],
                                              defaultSort: [.init("name")])
    static let planSpec = ListQuerySpec(sortable: ["name", "created_at", "rpo_hours"],
                                        filterable: ["entity_id", "repository_id", "enabled"],
                                        defaultSort: [.init("name")])
    static let runSpec = ListQuerySpec(sortable: ["finished_at", "started_at", "bytes"],
                                       filterable: ["agent_id", "plan_id", "repository_id", "status", "since"],
                                       defaultSort: [.init("finished_at", descending: true)])
    static let drillSpec = ListQuerySpec(sortable: ["finished_at"],
                                         filterable: ["agent_id", "plan_id", "repository_id", "status", "since"],
                                         defaultSort: [.init("finished_at", descending: true)])
    static let fleetSpec = ListQuerySpec(sortable: ["hostname", "last_good_backup_at", "rpo_state"],
                                         filterable: ["entity_id", "rpo_state", "drill_state", "three_two_one"],
                                         defaultSort: [.init("hostname")], passthrough: ["format"])

    func register(_ api: APIRoutes) {
        api.schema("BackupRepository", RepositoryDTO.schema)
        api.schema("BackupRepositoryInput", RepositoryInput.schema)
        api.schema("BackupPlan", PlanDTO.schema)
        api.schema("BackupPlanInput", PlanInput.schema)
        api.schema("BackupPlanTarget", PlanDTO.targetSchema)
        api.schema("BackupPlanTargetInput", TargetInput.schema)
        api.schema("BackupUncoveredAsset", BackupFleet.UncoveredRow.schema)
        api.schema("BackupRun", RunDTO.schema)
        api.schema("BackupDrill", DrillDTO.schema)
        api.schema("BackupFleetRow", BackupFleet.Row.schema)
        func list(_ name: String) -> OpenAPISchema {
            .object(["items": .array(.ref(name)), "total": .integer, "next": .nullable(.string())],
                    required: ["items", "total", "next"])
        }
        let tag = "Backup"
        api.on(.GET, "backup/repositories", summary: "List backup repositories", tag: tag,
               query: APIRoutes.listParameters(sortable: Self.repositorySpec.sortable.sorted(), filters: [
                   ("entity_id", "Only repositories of this entity."), ("off_site", "true or false."),
               ]), response: list("BackupRepository"), use: listRepositories)
        api.on(.POST, "backup/repositories", summary: "Create a backup repository", tag: tag,
               body: .ref("BackupRepositoryInput"), response: .ref("BackupRepository"), status: 201,
               use: createRepository)
        api.on(.GET, "backup/repositories/:id", summary: "Get a backup repository", tag: tag,
               response: .ref("BackupRepository"), use: getRepository)
        api.on(.PATCH, "backup/repositories/:id", summary: "Change a backup repository", tag: tag,
               body: .ref("BackupRepositoryInput"), response: .ref("BackupRepository"), use: updateRepository)
        api.on(.DELETE, "backup/repositories/:id", summary: "Delete a backup repository no plan uses", tag: tag,
               response: nil, status: 204, use: deleteRepository)

        api.on(.GET, "backup/plans", summary: "List backup plans", tag: tag,
               query: APIRoutes.listParameters(sortable: Self.planSpec.sortable.sorted(), filters: [
                   ("entity_id", "Only plans of this entity."), ("repository_id", "Only plans writing there."),
                   ("enabled", "true or false."),
               ]), response: list("BackupPlan"), use: listPlans)
        api.on(.POST, "backup/plans", summary: "Create a backup plan", tag: tag, body: .ref("BackupPlanInput"),
               response: .ref("BackupPlan"), status: 201, use: createPlan)
        api.on(.GET, "backup/plans/:id", summary: "Get a backup plan with its targets", tag: tag,
               response: .ref("BackupPlan"), use: getPlan)
        api.on(.PATCH, "backup/plans/:id", summary: "Change a backup plan (schedules, retention and drill are replaced whole)",
               tag: tag, body: .ref("BackupPlanInput"), response: .ref("BackupPlan"), use: updatePlan)
        api.on(.DELETE, "backup/plans/:id", summary: "Delete a backup plan (its runs stay)", tag: tag, response: nil,
               status: 204, use: deletePlan)
        api.on(.GET, "backup/plans/:id/targets", summary: "List what a plan applies to", tag: tag,
               response: .object(["items": .array(.ref("BackupPlanTarget")), "total": .integer,
                                  "next": .nullable(.string())], required: ["items", "total", "next"]),
               use: listTargets)
        api.on(.POST, "backup/plans/:id/targets",
               summary: "Apply a plan to an agent, an entity and its sub-entities, an asset, or a shared saved view of the asset list (one of them)",
               tag: tag, body: .ref("BackupPlanTargetInput"), response: .ref("BackupPlanTarget"), status: 201,
               use: addTarget)
        api.on(.DELETE, "backup/plans/:id/targets/:targetID", summary: "Remove a plan target", tag: tag, response: nil,
               status: 204, use: removeTarget)

        api.on(.GET, "backup/runs", summary: "List backup runs", tag: tag,
               query: APIRoutes.listParameters(sortable: Self.runSpec.sortable.sorted(), filters: [
                   ("agent_id", "Only runs of this agent."), ("plan_id", "Only runs of this plan."),
                   ("repository_id", "Only runs into this repository."), ("status", "success, partial or failed."),
                   ("since", "Only runs finished at or after this RFC 3339 date-time."),
               ]), response: list("BackupRun"), use: listRuns)
        api.on(.GET, "backup/runs/:id", summary: "Get a backup run", tag: tag, response: .ref("BackupRun"), use: getRun)
        api.on(.GET, "backup/drills", summary: "List restore tests", tag: tag,
               query: APIRoutes.listParameters(sortable: Self.drillSpec.sortable.sorted(), filters: [
                   ("agent_id", "Only tests of this agent."), ("plan_id", "Only tests of this plan."),
                   ("repository_id", "Only tests of this repository."), ("status", "passed or failed."),
                   ("since", "Only tests finished at or after this RFC 3339 date-time."),
               ]), response: list("BackupDrill"), use: listDrills)
        api.on(.GET, "backup/drills/:id", summary: "Get a restore test", tag: tag, response: .ref("BackupDrill"),
               use: getDrill)
        api.on(.GET, "backup/fleet", summary: "Backup state of every agent: RPO, last restore test, 3-2-1", tag: tag,
               query: APIRoutes.listParameters(sortable: Self.fleetSpec.sortable.sorted(), filters: [
                   ("entity_id", "Only agents of this entity and its sub-entities."),
                   ("rpo_state", "ok, late or never."), ("drill_state", "passed, failed or never."),
                   ("three_two_one", "ok, no_off_site, single_copy or none."),
               ]), response: list("BackupFleetRow"), use: fleet)
        api.on(.GET, "backup/fleet/uncovered", summary: "Assets that enabled plans target and no active agent backs up",
               tag: tag, response: list("BackupUncoveredAsset"), use: uncovered)
    }

    // MARK: helpers

    static func uuidFilter(_ query: ListQuery, _ name: String) throws -> UUID? {
        guard let text = query.filters[name] else { return nil }
        guard let id = UUID(uuidString: text) else {
            throw ParcError.badRequest("invalid_query", "Parameter '\(name)' must be a UUID.")
        }
        return id
    }

    static func boolFilter(_ query: ListQuery, _ name: String) throws -> Bool? {
        switch query.filters[name] {
        case nil: return nil
        case "true": return true
        case "false": return false
        default: throw ParcError.badRequest("invalid_query", "Parameter '\(name)' must be true or false.")
        }
    }

    static func dateFilter(_ query: ListQuery, _ name: String) throws -> Date? {
        guard let text = query.filters[name] else { return nil }
        guard let date = RFC3339.date(from: text) else {
            throw ParcError.badRequest("invalid_query",
                                       "Parameter '\(name)' must be an RFC 3339 date-time such as 2026-11-29T00:00:00Z.")
        }
        return date
    }

    static func enumFilter(_ query: ListQuery, _ name: String, _ allowed: [String]) throws -> String? {
        guard let value = query.filters[name] else { return nil }
        guard allowed.contains(value) else {
            throw ParcError.badRequest("invalid_query",
                                       "Parameter '\(name)' must be one of: \(allowed.joined(separator: ", ")).")
        }
        return value
    }

    private static func page<M: Model>(_ builder: QueryBuilder<M>, _ query: ListQuery) async throws -> ([M], Int) {
        let total = try await builder.count()
        let rows = try await builder.range(query.offset..<(query.offset + query.perPage)).all()
        return (rows, total)
    }

    // MARK: repositories

    static func repositoryQuery(_ req: Request, _ query: ListQuery) async throws -> QueryBuilder<BackupRepositoryModel> {
        var builder = BackupRepositoryModel.query(on: req.db)
            .scoped(to: try await req.entities(for: .backupRead), \.$entityID)
        if let entity = try uuidFilter(query, "entity_id") { builder = builder.filter(\.$entityID == entity) }
        if let offSite = try boolFilter(query, "off_site") { builder = builder.filter(\.$offSite == offSite) }
        if let text = query.search {
            builder = builder.group(.or) {
                $0.filter(\.$name, req.db.likeOperator, req.db.containsPattern(text))
                    .filter(\.$location, req.db.likeOperator, req.db.containsPattern(text))
            }
        }
        for key in query.sort {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            builder = key.field == "created_at" ? builder.sort(\.$createdAt, direction) : builder.sort(\.$name, direction)
        }
        return builder.sort(\.$id)
    }

    @Sendable func listRepositories(_ req: Request) async throws -> ListResponse<RepositoryDTO> {
        let query = try req.listQuery(Self.repositorySpec)
        let (rows, total) = try await Self.page(try await Self.repositoryQuery(req, query), query)
        return ListResponse(items: rows.map(RepositoryDTO.init), total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func getRepository(_ req: Request) async throws -> RepositoryDTO {
        RepositoryDTO(try await BackupService(request: req).findRepository(req.parameters.get("id", as: UUID.self)))
    }

    @Sendable func createRepository(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(RepositoryInput.self)
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        guard try await req.accessScope().canSee(entityID) else { throw ParcError.validation(["entity_id": "No such entity."]) }
        let repository = try await BackupService(request: req).createRepository(entityID: entityID, .init(
            name: input.name ?? "", location: input.location ?? "", offSite: input.off_site ?? false,
            comment: .some(input.comment)))
        let response = Response(status: .created)
        try response.content.encode(RepositoryDTO(repository), using: JSONEncoder.parc)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/backup/repositories/\(repository.id!)")
        return response
    }

    @Sendable func updateRepository(_ req: Request) async throws -> RepositoryDTO {
        let service = BackupService(request: req)
        let repository = try await service.findRepository(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(RepositoryInput.self)
        if let entity = input.entity_id, entity != repository.entityID {
            throw ParcError.validation(["entity_id": "A repository cannot move to another entity; create a new one."])
        }
        try await service.updateRepository(repository, .init(name: input.name, location: input.location,
                                                             offSite: input.off_site,
                                                             comment: input.comment.map { .some($0) }))
        return RepositoryDTO(repository)
    }

    @Sendable func deleteRepository(_ req: Request) async throws -> HTTPStatus {
        let service = BackupService(request: req)
        try await service.deleteRepository(try await service.findRepository(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    // MARK: plans

    static func targetDTOs(_ targets: [BackupPlanTargetModel], req: Request) async throws -> [TargetDTO] {
        guard !targets.isEmpty else { return [] }
        let tree = try await req.entityTree()
        let agentIDs = targets.compactMap(\.agentID)
        let agents = agentIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await AgentModel.query(on: req.db).filter(\.$id ~~ agentIDs).all().map { ($0.id!, $0.hostname) })
        let assetIDs = targets.compactMap(\.assetID)
        let assets = assetIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await AssetModel.query(on: req.db).filter(\.$id ~~ assetIDs).all().map { ($0.id!, $0.name) })
        let viewIDs = targets.compactMap(\.savedViewID)
        let views = viewIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await SavedViewModel.query(on: req.db).filter(\.$id ~~ viewIDs).all().map { ($0.id!, $0.name) })
        let plans = Dictionary(uniqueKeysWithValues: try await BackupPlanModel.query(on: req.db)
            .filter(\.$id ~~ Set(targets.map(\.planID))).all().map { ($0.id!, $0) })
        let reach = try await PlanTargeting.reach(of: targets, plans: plans, tree: tree, now: req.now, on: req.db)
        return targets.map { target in
            let label: String = switch target.targetKind {
            case .agent?: target.agentID.map { agents[$0] ?? $0.uuidString } ?? target.kind
            case .entity?: target.targetEntityID.map { tree.path(of: $0) } ?? target.kind
            case .asset?: target.assetID.flatMap { assets[$0] } ?? target.label ?? target.kind
            case .savedView?: target.savedViewID.flatMap { views[$0] } ?? target.label ?? target.kind
            case nil: target.kind
            }
            let reached = reach[target.id!]
            return TargetDTO(id: target.id!, kind: target.kind, agent_id: target.agentID,
                             entity_id: target.targetEntityID, asset_id: target.assetID,
                             saved_view_id: target.savedViewID, label: label,
                             state: reached?.problem?.rawValue ?? "ok",
                             problem: reached?.problem.map { problem in
                                 reached?.detail.map { problem.message + " " + $0 } ?? problem.message
                             },
                             assets: reached?.assets, agents: reached?.agents.count,
                             uncovered_assets: reached?.uncovered.count)
        }
    }

    static func planDTOs(_ plans: [BackupPlanModel], req: Request) async throws -> [PlanDTO] {
        guard !plans.isEmpty else { return [] }
        let targets = try await BackupPlanTargetModel.query(on: req.db).filter(\.$planID ~~ plans.map { $0.id! })
            .sort(\.$createdAt).all()
        let dtos = try await targetDTOs(targets, req: req)
        let byPlan = Dictionary(grouping: zip(targets, dtos), by: { $0.0.planID })
        return plans.map { PlanDTO($0, targets: (byPlan[$0.id!] ?? []).map(\.1)) }
    }

    static func planQuery(_ req: Request, _ query: ListQuery) async throws -> QueryBuilder<BackupPlanModel> {
        var builder = BackupPlanModel.query(on: req.db).scoped(to: try await req.entities(for: .backupRead), \.$entityID)
        if let entity = try uuidFilter(query, "entity_id") { builder = builder.filter(\.$entityID == entity) }
        if let repository = try uuidFilter(query, "repository_id") { builder = builder.filter(\.$repositoryID == repository) }
        if let enabled = try boolFilter(query, "enabled") { builder = builder.filter(\.$enabled == enabled) }
        if let text = query.search { builder = builder.filter(\.$name, req.db.likeOperator, req.db.containsPattern(text)) }
        for key in query.sort {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            switch key.field {
            case "created_at": builder = builder.sort(\.$createdAt, direction)
            case "rpo_hours": builder = builder.sort(\.$rpoHours, direction)
            default: builder = builder.sort(\.$name, direction)
            }
        }
        return builder.sort(\.$id)
    }

    @Sendable func listPlans(_ req: Request) async throws -> ListResponse<PlanDTO> {
        let query = try req.listQuery(Self.planSpec)
        let (rows, total) = try await Self.page(try await Self.planQuery(req, query), query)
        return ListResponse(items: try await Self.planDTOs(rows, req: req), total: total,
                            next: req.nextPageURL(query, total: total))
    }

    @Sendable func getPlan(_ req: Request) async throws -> PlanDTO {
        let plan = try await BackupService(request: req).findPlan(req.parameters.get("id", as: UUID.self))
        return try await Self.planDTOs([plan], req: req)[0]
    }

    @Sendable func createPlan(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(PlanInput.self)
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        guard try await req.accessScope().canSee(entityID) else { throw ParcError.validation(["entity_id": "No such entity."]) }
        let plan = try await BackupService(request: req).savePlan(nil, entityID: entityID, input.changes(over: nil))
        let response = Response(status: .created)
        try response.content.encode(try await Self.planDTOs([plan], req: req)[0], using: JSONEncoder.parc)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/backup/plans/\(plan.id!)")
        return response
    }

    @Sendable func updatePlan(_ req: Request) async throws -> PlanDTO {
        let service = BackupService(request: req)
        let plan = try await service.findPlan(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(PlanInput.self)
        if let entity = input.entity_id, entity != plan.entityID {
            throw ParcError.validation(["entity_id": "A plan cannot move to another entity; create a new one."])
        }
        _ = try await service.savePlan(plan, entityID: plan.entityID, input.changes(over: plan))
        return try await Self.planDTOs([plan], req: req)[0]
    }

    @Sendable func deletePlan(_ req: Request) async throws -> HTTPStatus {
        let service = BackupService(request: req)
        try await service.deletePlan(try await service.findPlan(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    @Sendable func listTargets(_ req: Request) async throws -> ListResponse<TargetDTO> {
        let plan = try await BackupService(request: req).findPlan(req.parameters.get("id", as: UUID.self))
        let targets = try await BackupPlanTargetModel.query(on: req.db).filter(\.$planID == plan.id!)
            .sort(\.$createdAt).all()
        let dtos = try await Self.targetDTOs(targets, req: req)
        return ListResponse(items: dtos, total: dtos.count, next: nil)
    }

    @Sendable func addTarget(_ req: Request) async throws -> Response {
        let service = BackupService(request: req)
        let plan = try await service.findPlan(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(TargetInput.self)
        guard let target = input.target else {
            throw ParcError.validation(["target": BackupService.targetOneMessage])
        }
        let row = try await service.addTarget(target, to: plan)
        let response = Response(status: .created)
        try response.content.encode(try await Self.targetDTOs([row], req: req)[0], using: JSONEncoder.parc)
        return response
    }

    @Sendable func removeTarget(_ req: Request) async throws -> HTTPStatus {
        let service = BackupService(request: req)
        let plan = try await service.findPlan(req.parameters.get("id", as: UUID.self))
        try await service.removeTarget(req.parameters.get("targetID", as: UUID.self), from: plan)
        return .noContent
    }

    // MARK: runs and drills

    static func runQuery(_ req: Request, _ query: ListQuery) async throws -> QueryBuilder<BackupRunModel> {
        var builder = BackupRunModel.query(on: req.db).scoped(to: try await req.entities(for: .backupRead), \.$entityID)
        if let agent = try uuidFilter(query, "agent_id") { builder = builder.filter(\.$agentID == agent) }
        if let plan = try uuidFilter(query, "plan_id") { builder = builder.filter(\.$planID == plan) }
        if let repository = try uuidFilter(query, "repository_id") { builder = builder.filter(\.$repositoryID == repository) }
        if let status = try enumFilter(query, "status", BackupRunStatus.allCases.map(\.rawValue)) {
            builder = builder.filter(\.$status == status)
        }
        if let since = try dateFilter(query, "since") { builder = builder.filter(\.$finishedAt >= since) }
        if let text = query.search { builder = builder.filter(\.$snapshotID, req.db.likeOperator, req.db.containsPattern(text)) }
        for key in query.sort {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            switch key.field {
            case "started_at": builder = builder.sort(\.$startedAt, direction)
            case "bytes": builder = builder.sort(\.$bytes, direction)
            default: builder = builder.sort(\.$finishedAt, direction)
            }
        }
        return builder.sort(\.$id)
    }

    @Sendable func listRuns(_ req: Request) async throws -> ListResponse<RunDTO> {
        let query = try req.listQuery(Self.runSpec)
        let (rows, total) = try await Self.page(try await Self.runQuery(req, query), query)
        return ListResponse(items: rows.map(RunDTO.init), total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func getRun(_ req: Request) async throws -> RunDTO {
        guard let id = req.parameters.get("id", as: UUID.self),
              let run = try await BackupRunModel.query(on: req.db).filter(\.$id == id)
                  .scoped(to: req.entities(for: .backupRead), \.$entityID).first()
        else { throw ParcError.notFound("run") }
        return RunDTO(run)
    }

    static func drillQuery(_ req: Request, _ query: ListQuery) async throws -> QueryBuilder<BackupDrillModel> {
        var builder = BackupDrillModel.query(on: req.db).scoped(to: try await req.entities(for: .backupRead), \.$entityID)
        if let agent = try uuidFilter(query, "agent_id") { builder = builder.filter(\.$agentID == agent) }
        if let plan = try uuidFilter(query, "plan_id") { builder = builder.filter(\.$planID == plan) }
        if let repository = try uuidFilter(query, "repository_id") { builder = builder.filter(\.$repositoryID == repository) }
        if let status = try enumFilter(query, "status", ["passed", "failed"]) {
            builder = builder.filter(\.$passed == (status == "passed"))
        }
        if let since = try dateFilter(query, "since") { builder = builder.filter(\.$finishedAt >= since) }
        if let text = query.search { builder = builder.filter(\.$snapshotID, req.db.likeOperator, req.db.containsPattern(text)) }
        for key in query.sort {
            builder = builder.sort(\.$finishedAt, key.descending ? .descending : .ascending)
        }
        return builder.sort(\.$id)
    }

    @Sendable func listDrills(_ req: Request) async throws -> ListResponse<DrillDTO> {
        let query = try req.listQuery(Self.drillSpec)
        let (rows, total) = try await Self.page(try await Self.drillQuery(req, query), query)
        return ListResponse(items: rows.map(DrillDTO.init), total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func getDrill(_ req: Request) async throws -> DrillDTO {
        guard let id = req.parameters.get("id", as: UUID.self),
              let drill = try await BackupDrillModel.query(on: req.db).filter(\.$id == id)
                  .scoped(to: req.entities(for: .backupRead), \.$entityID).first()
        else { throw ParcError.notFound("restore test") }
        return DrillDTO(drill)
    }

    // MARK: fleet

    /// The fleet rows after the list query's filters, search and sort (pages and API share it).
    static func filteredFleet(_ req: Request, _ query: ListQuery) async throws -> [BackupFleet.Row] {
        var rows = try await BackupFleet.rows(req)
        if let entity = try uuidFilter(query, "entity_id") {
            let subtree = Set(try await req.entityTree().subtree(of: entity))
            rows = rows.filter { subtree.contains($0.entity_id) }
        }
        if let state = try enumFilter(query, "rpo_state", RPOState.allCases.map(\.rawValue)) {
            rows = rows.filter { $0.rpo_state == state }
        }
        if let state = try enumFilter(query, "drill_state", ["passed", "failed", "never"]) {
            rows = rows.filter { $0.drill_state == state }
        }
        if let state = try enumFilter(query, "three_two_one", ThreeTwoOneState.allCases.map(\.rawValue)) {
            rows = rows.filter { $0.three_two_one == state }
        }
        if let text = query.search?.lowercased() {
            rows = rows.filter { $0.hostname.lowercased().contains(text) || $0.entity.lowercased().contains(text) }
        }
        for key in query.sort.reversed() {
            rows = rows.enumerated().sorted { lhs, rhs in
                let order: Bool?
                switch key.field {
                case "last_good_backup_at":
                    let l = lhs.element.last_good_backup_at ?? .distantPast
                    let r = rhs.element.last_good_backup_at ?? .distantPast
                    order = l == r ? nil : l < r
                case "rpo_state":
                    let l = RPOState(rawValue: lhs.element.rpo_state)?.severity ?? 0
                    let r = RPOState(rawValue: rhs.element.rpo_state)?.severity ?? 0
                    order = l == r ? nil : l < r
                default:
                    let l = lhs.element.hostname.lowercased(), r = rhs.element.hostname.lowercased()
                    order = l == r ? nil : l < r
                }
                guard let order else { return lhs.offset < rhs.offset }
                return key.descending ? !order : order
            }.map(\.element)
        }
        return rows
    }

    @Sendable func uncovered(_ req: Request) async throws -> ListResponse<BackupFleet.UncoveredRow> {
        try await req.requireAnywhere(.backupRead)
        let rows = try await BackupFleet.uncovered(req)
        return ListResponse(items: rows, total: rows.count, next: nil)
    }

    @Sendable func fleet(_ req: Request) async throws -> ListResponse<BackupFleet.Row> {
        let query = try req.listQuery(Self.fleetSpec)
        let rows = try await Self.filteredFleet(req, query)
        let page = Array(rows.dropFirst(query.offset).prefix(query.perPage))
        return ListResponse(items: page, total: rows.count, next: req.nextPageURL(query, total: rows.count))
    }
}

/// Refuses unknown keys in a nested JSON object (the top level is checked by `decodeStrict`).
struct StrictKeys: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    static func check(_ decoder: any Decoder, _ accepted: Set<String>) throws {
        let container = try decoder.container(keyedBy: StrictKeys.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !accepted.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "unknown field(s) \(unknown.map { String($0.prefix(60)) }.joined(separator: ", ")); accepted: "
                    + accepted.sorted().joined(separator: ", ")))
        }
    }
}
