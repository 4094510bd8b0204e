import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// The backup pages: fleet view, plans, repositories.
struct BackupPagesController {
    func register(_ routes: any RoutesBuilder) {
        let pages = routes.grouped("backup")
        pages.get(use: fleetPage)
        pages.get("plans", use: plansPage)
        pages.get("plans", "new", use: newPlanPage)
        pages.post("plans", use: createPlanFromForm)
        pages.get("plans", ":id", use: planPage)
        pages.get("plans", ":id", "edit", use: editPlanPage)
        pages.post("plans", ":id", use: updatePlanFromForm)
        pages.post("plans", ":id", "delete", use: deletePlanFromForm)
        pages.post("plans", ":id", "targets", use: addTargetFromForm)
        pages.post("plans", ":id", "targets", ":targetID", "delete", use: removeTargetFromForm)
        pages.get("repositories", use: repositoriesPage)
        pages.get("repositories", "new", use: newRepositoryPage)
        pages.post("repositories", use: createRepositoryFromForm)
        pages.get("repositories", ":id", use: repositoryPage)
        pages.get("repositories", ":id", "edit", use: editRepositoryPage)
        pages.post("repositories", ":id", use: updateRepositoryFromForm)
        pages.post("repositories", ":id", "delete", use: deleteRepositoryFromForm)
    }

    // MARK: fleet

    struct FleetPage: Encodable {
        let rows: [FleetRowView]
        let links: ListPageLinks
        let query: String
        let rpoStates: [SelectOption]
        let drillStates: [SelectOption]
        let ruleStates: [SelectOption]
        let counts: [String: Int]
        let chart: GrowthChart?
        /// Targeted assets that no agent backs up (decision 0067).
        let uncovered: [UncoveredView]
    }

    struct UncoveredView: Encodable {
        let assetID: UUID
        let name: String
        let entity: String
        let plans: [SelectOption]
    }

    @Sendable func fleetPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.backupRead)
        let query = try req.listQuery(BackupAPIController.fleetSpec)
        let rows = try await BackupAPIController.filteredFleet(req, query)
        if req.wantsCSV {
            let iso = ISO8601DateFormatter()
            return req.csvResponse([["hostname", "entity", "last_good_backup_at", "rpo_state", "rpo_hours",
                                     "last_drill_at", "drill_state", "three_two_one", "repositories", "plans"]] + rows.map {
                [$0.hostname, $0.entity, $0.last_good_backup_at.map(iso.string(from:)) ?? "", $0.rpo_state,
                 String($0.rpo_hours), $0.last_drill.map { iso.string(from: $0.finished_at) } ?? "", $0.drill_state,
                 $0.three_two_one, $0.repositories.map(\.name).joined(separator: "; "),
                 $0.plans.map(\.name).joined(separator: "; ")]
            }, filename: "backup-fleet.csv")
        }
        let page = Array(rows.dropFirst(query.offset).prefix(query.perPage))
        func options(_ name: String, _ values: [String], prefix: String) -> [SelectOption] {
            let current = query.filters[name] ?? ""
            return [SelectOption(value: "", label: req.t("backup.fleet.filter.\(name)"), selected: current.isEmpty)]
                + values.map { SelectOption(value: $0, label: req.t("\(prefix).\($0)"), selected: $0 == current) }
        }
        let repositories = try await BackupAPIController.repositoryQuery(req, ListQuery(perPage: 200)).limit(200).all()
        var counts = Dictionary(uniqueKeysWithValues: RPOState.allCases.map { ($0.rawValue, 0) })
        for row in rows { counts[row.rpo_state, default: 0] += 1 }
        let uncovered = try await BackupFleet.uncovered(req)
        counts["uncovered"] = uncovered.count
        return try await req.renderPage("backup/fleet", title: req.t("nav.backup.fleet"), active: "backup", page: FleetPage(
            rows: page.map { FleetRowView($0, req: req) },
            links: ListPageLinks(req, query: query, total: rows.count, columns: [
                ("hostname", "backup.fleet.machine", false), ("last_good_backup_at", "backup.fleet.last_good", false),
                ("rpo_state", "backup.fleet.rpo", false),
            ]),
            query: query.search ?? "",
            rpoStates: options("rpo_state", RPOState.allCases.map(\.rawValue), prefix: "backup.rpo"),
            drillStates: options("drill_state", ["passed", "failed", "never"], prefix: "backup.drill"),
            ruleStates: options("three_two_one", ThreeTwoOneState.allCases.map(\.rawValue), prefix: "backup.321"),
            counts: counts,
            chart: try await GrowthChart.load(repositories: repositories, req: req),
            uncovered: uncovered.prefix(200).map {
                UncoveredView(assetID: $0.asset_id, name: $0.name, entity: $0.entity, plans: $0.plans.map {
                    SelectOption(value: $0.id.uuidString, label: $0.name, selected: false)
                })
            }))
    }

    // MARK: plans

    struct PlanRow: Encodable {
        let id: UUID
        let name: String
        let entity: String
        let repository: String
        let schedules: String
        let rpoHours: Int
        let targets: Int
        let enabled: Bool
    }

    struct PlansPage: Encodable {
        let rows: [PlanRow]
        let links: ListPageLinks
        let query: String
        let canCreate: Bool
    }

    @Sendable func plansPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.backupRead)
        let query = try req.listQuery(BackupAPIController.planSpec)
        let builder = try await BackupAPIController.planQuery(req, query)
        let total = try await builder.count()
        let plans = try await builder.range(query.offset..<(query.offset + query.perPage)).all()
        let tree = try await req.entityTree()
        let repositoryIDs = Array(Set(plans.map(\.repositoryID)))
        let repositories = repositoryIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await BackupRepositoryModel.query(on: req.db).filter(\.$id ~~ repositoryIDs).all().map { ($0.id!, $0.name) })
        let targetCounts = plans.isEmpty ? [:] : try await BackupPlanTargetModel.query(on: req.db)
            .filter(\.$planID ~~ plans.map { $0.id! }).all().reduce(into: [UUID: Int]()) { $0[$1.planID, default: 0] += 1 }
        return try await req.renderPage("backup/plans", title: req.t("nav.backup.plans"), active: "backup-plans",
            page: PlansPage(
                rows: plans.map { plan in
                    PlanRow(id: plan.id!, name: plan.name, entity: tree.path(of: plan.entityID),
                            repository: repositories[plan.repositoryID] ?? "—",
                            schedules: BackupRunMethod.allCases.compactMap { method in
                                plan.schedule(method).map { "\(req.t("backup.method.\(method.rawValue)")) \($0)" }
                            }.joined(separator: " · "),
                            rpoHours: plan.rpoHours, targets: targetCounts[plan.id!] ?? 0, enabled: plan.enabled)
                },
                links: ListPageLinks(req, query: query, total: total, columns: [
                    ("name", "backup.plans.name", false), ("rpo_hours", "backup.plans.rpo_hours", true),
                ]),
                query: query.search ?? "",
                canCreate: try await req.accessScope().allowsAnywhere(.backupManage)))
    }

    struct PlanFormPage: Encodable {
        let isNew: Bool
        let id: UUID?
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let repositories: [SelectOption]
    }

    private func planValues(_ plan: BackupPlanModel?) -> [String: String] {
        guard let plan else {
            return ["rpo_hours": String(RecoveryPointObjective.defaultHours), "drill_sample": "100", "enabled": "on",
                    "schedule_incremental": "0 12,19 * * 1-5", "schedule_full": "0 21 * * 5", "keep_daily": "7",
                    "keep_weekly": "4", "keep_monthly": "12", "drill_schedule": "0 3 1 * *"]
        }
        var values: [String: String] = [
            "entity_id": plan.entityID.uuidString, "name": plan.name, "repository_id": plan.repositoryID.uuidString,
            "paths": plan.paths.joined(separator: "\n"), "excludes": plan.excludes.joined(separator: "\n"),
            "one_file_system": plan.oneFileSystem ? "on" : "", "schedule_full": plan.scheduleFull ?? "",
            "schedule_incremental": plan.scheduleIncremental ?? "", "schedule_differential": plan.scheduleDifferential ?? "",
            "drill_schedule": plan.drillSchedule ?? "", "drill_sample": String(plan.drillSample),
            "rpo_hours": String(plan.rpoHours), "enabled": plan.enabled ? "on" : "", "comment": plan.comment ?? "",
        ]
        for (field, value) in plan.retention.fields { values[field] = value.map(String.init) ?? "" }
        return values
    }

    private func renderPlanForm(_ req: Request, plan: BackupPlanModel?, values: [String: String],
                                errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let tree = try await req.entityTree()
        let visible = try await BackupAPIController.repositoryQuery(req, ListQuery(perPage: 500)).limit(500).all()
        let selectedEntity = values["entity_id"].flatMap(UUID.init(uuidString:))
        return try await req.renderPage("backup/plan-form",
            title: plan.map { req.t("backup.plans.edit", $0.name) } ?? req.t("backup.plans.new"),
            active: "backup-plans", page: PlanFormPage(
                isNew: plan == nil, id: plan?.id, values: values, errors: errors,
                entities: try await req.entityOptions(for: .backupManage, selected: selectedEntity),
                repositories: visible.map {
                    SelectOption(value: $0.id!.uuidString, label: "\($0.name) — \(tree.path(of: $0.entityID))",
                                 selected: $0.id!.uuidString == values["repository_id"])
                }),
            status: status)
    }

    @Sendable func newPlanPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.backupManage)
        return try await renderPlanForm(req, plan: nil, values: planValues(nil))
    }

    struct PlanForm: Content {
        let entity_id: String?
        let name: String?
        let repository_id: String?
        let paths: String?
        let excludes: String?
        let one_file_system: String?
        let schedule_full: String?
        let schedule_incremental: String?
        let schedule_differential: String?
        let keep_last: String?
        let keep_hourly: String?
        let keep_daily: String?
        let keep_weekly: String?
        let keep_monthly: String?
        let keep_yearly: String?
        let drill_schedule: String?
        let drill_sample: String?
        let rpo_hours: String?
        let enabled: String?
        let comment: String?

        var values: [String: String] {
            [
                "entity_id": entity_id ?? "", "name": name ?? "", "repository_id": repository_id ?? "",
                "paths": paths ?? "", "excludes": excludes ?? "", "one_file_system": one_file_system ?? "",
                "schedule_full": schedule_full ?? "", "schedule_incremental": schedule_incremental ?? "",
                "schedule_differential": schedule_differential ?? "", "keep_last": keep_last ?? "",
                "keep_hourly": keep_hourly ?? "", "keep_daily": keep_daily ?? "", "keep_weekly": keep_weekly ?? "",
                "keep_monthly": keep_monthly ?? "", "keep_yearly": keep_yearly ?? "",
                "drill_schedule": drill_schedule ?? "", "drill_sample": drill_sample ?? "", "rpo_hours": rpo_hours ?? "",
                "enabled": enabled ?? "", "comment": comment ?? "",
            ]
        }

        static func lines(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }

        /// The plan's changes, or the fields whose numbers do not read.
        func changes() -> (BackupService.PlanChanges, [String: String]) {
            var errors: [String: String] = [:]
            func number(_ text: String?, _ field: String, message: String) -> Int? {
                guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                guard let value = Int(text) else {
                    errors[field] = message
                    return nil
                }
                return value
            }
            let keep = BackupPlanRules.keepMessage
            let retention = BackupRetention(
                keepLast: number(keep_last, "retention.keep_last", message: keep),
                keepHourly: number(keep_hourly, "retention.keep_hourly", message: keep),
                keepDaily: number(keep_daily, "retention.keep_daily", message: keep),
                keepWeekly: number(keep_weekly, "retention.keep_weekly", message: keep),
                keepMonthly: number(keep_monthly, "retention.keep_monthly", message: keep),
                keepYearly: number(keep_yearly, "retention.keep_yearly", message: keep))
            var schedules: [BackupRunMethod: String] = [:]
            if let schedule_full { schedules[.full] = schedule_full }
            if let schedule_incremental { schedules[.incremental] = schedule_incremental }
            if let schedule_differential { schedules[.differential] = schedule_differential }
            let settings = BackupPlanSettings(
                name: name ?? "", paths: Self.lines(paths), excludes: Self.lines(excludes),
                oneFileSystem: one_file_system != nil, schedules: schedules, retention: retention,
                drillSchedule: drill_schedule,
                drillSample: number(drill_sample, "drill.sample", message: BackupPlanRules.drillSampleMessage) ?? 100,
                rpoHours: number(rpo_hours, "rpo_hours", message: BackupPlanRules.rpoMessage)
                    ?? RecoveryPointObjective.defaultHours)
            return (.init(settings: settings, repositoryID: repository_id.flatMap(UUID.init(uuidString:)),
                          enabled: enabled != nil, comment: comment), errors)
        }
    }

    /// Service field names (`schedules.full`) → form field names (`schedule_full`), in the user's language.
    private func formErrors(_ req: Request, _ fields: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (field, message) in fields {
            let name: String
            switch field {
            case let text where text.hasPrefix("schedules."): name = "schedule_" + text.dropFirst("schedules.".count)
            case let text where text.hasPrefix("retention."): name = String(text.dropFirst("retention.".count))
            case "drill.schedule": name = "drill_schedule"
            case "drill.sample": name = "drill_sample"
            default: name = field
            }
            let prefix = "Not a valid cron schedule: "
            if message.hasPrefix(prefix) {
                result[name] = req.t("backup.plans.cron_invalid", String(message.dropFirst(prefix.count).dropLast()))
            } else {
                result[name] = req.localized(message)
            }
        }
        return result
    }

    @Sendable func createPlanFromForm(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.backupManage)
        let form = try req.content.decode(PlanForm.self)
        let (changes, numberErrors) = form.changes()
        do {
            guard let entityID = form.entity_id.flatMap(UUID.init(uuidString:)), try await req.accessScope().canSee(entityID)
            else { throw ParcError.validation(["entity_id": "No such entity."]) }
            guard numberErrors.isEmpty else { throw ParcError.validation(numberErrors) }
            let plan = try await BackupService(request: req).savePlan(nil, entityID: entityID, changes)
            req.flash("success", req.t("backup.plans.created", plan.name))
            return req.redirect(to: "/backup/plans/\(plan.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderPlanForm(req, plan: nil, values: form.values,
                                            errors: formErrors(req, error.fields.merging(numberErrors) { a, _ in a }),
                                            status: .unprocessableEntity)
        }
    }

    @Sendable func editPlanPage(_ req: Request) async throws -> Response {
        let plan = try await BackupService(request: req).findPlan(req.parameters.get("id", as: UUID.self))
        try await req.require(.backupManage, in: plan.entityID)
        return try await renderPlanForm(req, plan: plan, values: planValues(plan))
    }

    @Sendable func updatePlanFromForm(_ req: Request) async throws -> Response {
        let service = BackupService(request: req)
        let plan = try await service.findPlan(req.parameters.get("id", as: UUID.self))
        try await req.require(.backupManage, in: plan.entityID)
        let form = try req.content.decode(PlanForm.self)
        let (changes, numberErrors) = form.changes()
        do {
            guard numberErrors.isEmpty else { throw ParcError.validation(numberErrors) }
            _ = try await service.savePlan(plan, entityID: plan.entityID, changes)
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/backup/plans/\(plan.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            var values = form.values
            values["entity_id"] = plan.entityID.uuidString
            // The form shows what was typed, not the half-applied model.
            return try await renderPlanForm(req, plan: plan, values: values,
                                            errors: formErrors(req, error.fields.merging(numberErrors) { a, _ in a }),
                                            status: .unprocessableEntity)
        }
    }

    @Sendable func deletePlanFromForm(_ req: Request) async throws -> Response {
        let service = BackupService(request: req)
        let plan = try await service.findPlan(req.parameters.get("id", as: UUID.self))
        try await service.deletePlan(plan)
        req.flash("success", req.t("backup.plans.deleted", plan.name))
        return req.redirect(to: "/backup/plans")
    }

    struct PlanPage: Encodable {
        let plan: BackupAPIController.PlanDTO
        let entity: String
        let repository: BackupRepositoryModelView?
        let retention: [String]
        let targets: [TargetRow]
        let canManage: Bool
        let agents: [SelectOption]
        let entities: [SelectOption]
        /// Names and inventory numbers of the assets the plan may target, offered as the asset field is typed.
        let assetChoices: [String]
        let views: [SelectOption]
        /// Why the last target was refused (a list: Leaf loops over arrays only).
        let targetErrors: [String]
        let runs: [BackupAgentPanel.RunRow]
        /// The runs table shows the machine rather than the plan.
        let showMachine = true
        let tab: String
        let history: [AuditEntryView]
    }

    /// A target as the plan's page lists it: what it is, where it links, and what it reaches now.
    struct TargetRow: Encodable {
        let id: UUID
        let kind: String
        let kindLabel: String
        let label: String
        let link: String?
        let ok: Bool
        let state: String
    }

    private func targetRows(_ req: Request, _ targets: [BackupAPIController.TargetDTO]) async throws -> [TargetRow] {
        let viewIDs = targets.compactMap(\.saved_view_id)
        let views = viewIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await SavedViewModel.query(on: req.db).filter(\.$id ~~ viewIDs).all().map { ($0.id!, $0) })
        let kindKey = BackupPlanTargetModel.Kind.savedView.rawValue
        return targets.map { target in
            let link: String? = switch target.kind {
            case BackupPlanTargetModel.Kind.agent.rawValue: target.agent_id.map { "/agents/\($0)" }
            case BackupPlanTargetModel.Kind.asset.rawValue:
                target.state == PlanTargeting.Problem.assetDeleted.rawValue ? nil : target.asset_id.map { "/assets/\($0)" }
            case kindKey: target.saved_view_id.flatMap { views[$0] }.map { "/assets?" + $0.query }
            default: nil
            }
            let state: String
            if target.state != "ok" {
                state = req.t("backup.plans.target_state.\(target.state)")
            } else if target.kind == BackupPlanTargetModel.Kind.asset.rawValue {
                state = req.t("backup.plans.target_reach_asset", String(target.agents ?? 0))
            } else if target.kind == kindKey {
                state = req.t("backup.plans.target_reach_view", String(target.assets ?? 0), String(target.agents ?? 0),
                              String(target.uncovered_assets ?? 0))
            } else {
                state = ""
            }
            return TargetRow(id: target.id, kind: target.kind, kindLabel: req.t("backup.plans.target_kind.\(target.kind)"),
                             label: target.label, link: link, ok: target.state == "ok", state: state)
        }
    }

    struct BackupRepositoryModelView: Encodable {
        let id: UUID
        let name: String
        let location: String
        let offSite: Bool
    }

    private func renderPlan(_ req: Request, _ plan: BackupPlanModel, targetErrors: [String: String] = [:],
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        let requested = (try? req.query.get(String.self, at: "tab")) ?? "details"
        let tab = ["details", "history"].contains(requested) ? requested : "details"
        let dto = try await BackupAPIController.planDTOs([plan], req: req)[0]
        let repository = try await BackupRepositoryModel.find(plan.repositoryID, on: req.db)
        let canManage = scope.allows(.backupManage, in: plan.entityID)
        let subtree = Set(tree.subtree(of: plan.entityID)).intersection(try await req.entities(for: .agentsRead))
        let agents = canManage && !subtree.isEmpty
            ? try await AgentModel.query(on: req.db).filter(\.$entityID ~~ Array(subtree)).filter(\.$revokedAt == nil)
                .sort(\.$hostname).limit(1000).all() : []
        let runs = try await BackupRunModel.query(on: req.db).filter(\.$planID == plan.id!)
            .scoped(to: req.entities(for: .backupRead), \.$entityID).sort(\.$finishedAt, .descending).limit(20).all()
        let hostnames = runs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await AgentModel.query(on: req.db).filter(\.$id ~~ Array(Set(runs.map(\.agentID)))).all()
                .map { ($0.id!, $0.hostname) })
        let language = req.language
        let service = BackupService(request: req)
        let assetEntities = Set(tree.subtree(of: plan.entityID)).intersection(try await req.entities(for: .assetsRead))
        let assetChoices = canManage && !assetEntities.isEmpty
            ? try await AssetModel.query(on: req.db).filter(\.$entityID ~~ Array(assetEntities)).sort(\.$name)
                .limit(500).all().flatMap { [$0.name] + ($0.inventoryNumber.map { [$0] } ?? []) } : []
        let views = canManage ? try await service.usableViews(for: plan) : []
        let history = tab == "history" && scope.allows(.auditRead, in: plan.entityID)
            ? try await AuditEntryModel.history(objectType: "backup_plan", objectID: plan.id!,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        return try await req.renderPage("backup/plan", title: plan.name, active: "backup-plans", page: PlanPage(
            plan: dto, entity: tree.path(of: plan.entityID),
            repository: repository.map { .init(id: $0.id!, name: $0.name, location: $0.location, offSite: $0.offSite) },
            retention: plan.retention.fields.compactMap { field, value in
                value.map { req.t("backup.plans.\(field)") + " " + String($0) }
            },
            targets: try await targetRows(req, dto.targets), canManage: canManage,
            agents: agents.map { SelectOption(value: $0.id!.uuidString, label: "\($0.hostname) — \(tree.path(of: $0.entityID))",
                                              selected: false) },
            entities: tree.subtree(of: plan.entityID).filter(scope.canSee).map {
                SelectOption(value: $0.uuidString, label: tree.path(of: $0), selected: false)
            },
            assetChoices: Array(Set(assetChoices)).sorted(),
            views: views.map { SelectOption(value: $0.id!.uuidString, label: "\($0.name) — \(tree.path(of: $0.entityID))",
                                            selected: false) },
            targetErrors: targetErrors.sorted { $0.key < $1.key }.map(\.value),
            runs: runs.map {
                BackupAgentPanel.RunRow(
                    id: $0.id!, finished: req.formatDateTime($0.finishedAt), plan: plan.name,
                    machine: hostnames[$0.agentID] ?? "—",
                    repository: repository?.name ?? "—", method: req.t("backup.method.\($0.method)"), status: $0.status,
                    statusLabel: req.t("backup.run.status.\($0.status)"),
                    files: ParcFormat.number($0.files, language: language),
                    bytes: ParcFormat.bytes($0.bytes, language: language),
                    newBytes: ParcFormat.bytes($0.newBytes, language: language), errors: $0.errors,
                    messages: Array($0.errorMessages.prefix(3)), snapshot: String(($0.snapshotID ?? "").prefix(12)))
            },
            tab: tab, history: history), status: status)
    }

    @Sendable func planPage(_ req: Request) async throws -> Response {
        try await renderPlan(req, try await BackupService(request: req).findPlan(req.parameters.get("id", as: UUID.self)))
    }

    struct TargetForm: Content {
        let agent_id: String?
        let entity_id: String?
        /// An asset's name or inventory number.
        let asset: String?
        let saved_view_id: String?
    }

    @Sendable func addTargetFromForm(_ req: Request) async throws -> Response {
        let service = BackupService(request: req)
        let plan = try await service.findPlan(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(TargetForm.self)
        do {
            if let agent = form.agent_id.flatMap(UUID.init(uuidString:)) {
                _ = try await service.addTarget(.agent(agent), to: plan)
            } else if let entity = form.entity_id.flatMap(UUID.init(uuidString:)) {
                _ = try await service.addTarget(.entity(entity), to: plan)
            } else if let asset = form.asset {
                _ = try await service.addTarget(.asset(try await service.findTargetAsset(asset, for: plan)), to: plan)
            } else if let view = form.saved_view_id {
                guard let id = UUID(uuidString: view) else {
                    throw ParcError.validation(["saved_view_id": BackupService.targetViewMessage])
                }
                _ = try await service.addTarget(.savedView(id), to: plan)
            } else {
                throw ParcError.validation(["agent_id": BackupService.targetAgentMessage])
            }
            req.flash("success", req.t("backup.plans.target_added"))
            return req.redirect(to: "/backup/plans/\(plan.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderPlan(req, plan, targetErrors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    @Sendable func removeTargetFromForm(_ req: Request) async throws -> Response {
        let service = BackupService(request: req)
        let plan = try await service.findPlan(req.parameters.get("id", as: UUID.self))
        try await service.removeTarget(req.parameters.get("targetID", as: UUID.self), from: plan)
        req.flash("success", req.t("backup.plans.target_removed"))
        return req.redirect(to: "/backup/plans/\(plan.id!)")
    }

    // MARK: repositories

    struct RepositoryRow: Encodable {
        let id: UUID
        let name: String
        let entity: String
        let location: String
        let offSite: Bool
        let size: String
    }

    struct RepositoriesPage: Encodable {
        let rows: [RepositoryRow]
        let links: ListPageLinks
        let query: String
        let canCreate: Bool
    }

    /// The last size reported for each repository.
    private func lastSizes(_ ids: [UUID], req: Request) async throws -> [UUID: Int] {
        var sizes: [UUID: Int] = [:]
        for id in ids {
            if let run = try await BackupRunModel.query(on: req.db).filter(\.$repositoryID == id)
                .filter(\.$repositorySizeBytes != nil).sort(\.$finishedAt, .descending).first() {
                sizes[id] = run.repositorySizeBytes
            }
        }
        return sizes
    }

    @Sendable func repositoriesPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.backupRead)
        let query = try req.listQuery(BackupAPIController.repositorySpec)
        let builder = try await BackupAPIController.repositoryQuery(req, query)
        let total = try await builder.count()
        let rows = try await builder.range(query.offset..<(query.offset + query.perPage)).all()
        let tree = try await req.entityTree()
        let sizes = try await lastSizes(rows.map { $0.id! }, req: req)
        return try await req.renderPage("backup/repositories", title: req.t("nav.backup.repositories"),
            active: "backup-repositories", page: RepositoriesPage(
                rows: rows.map {
                    RepositoryRow(id: $0.id!, name: $0.name, entity: tree.path(of: $0.entityID), location: $0.location,
                                  offSite: $0.offSite, size: ParcFormat.bytes(sizes[$0.id!], language: req.language))
                },
                links: ListPageLinks(req, query: query, total: total, columns: [("name", "backup.repositories.name", false)]),
                query: query.search ?? "",
                canCreate: try await req.accessScope().allowsAnywhere(.backupManage)))
    }

    struct RepositoryFormPage: Encodable {
        let isNew: Bool
        let id: UUID?
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
    }

    private func renderRepositoryForm(_ req: Request, repository: BackupRepositoryModel?, values: [String: String],
                                      errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws
        -> Response {
        try await req.renderPage("backup/repository-form",
            title: repository.map { req.t("backup.repositories.edit", $0.name) } ?? req.t("backup.repositories.new"),
            active: "backup-repositories", page: RepositoryFormPage(
                isNew: repository == nil, id: repository?.id, values: values, errors: errors,
                entities: try await req.entityOptions(for: .backupManage,
                                                      selected: values["entity_id"].flatMap(UUID.init(uuidString:)))),
            status: status)
    }

    struct RepositoryForm: Content {
        let entity_id: String?
        let name: String?
        let location: String?
        let off_site: String?
        let comment: String?

        var values: [String: String] {
            ["entity_id": entity_id ?? "", "name": name ?? "", "location": location ?? "", "off_site": off_site ?? "",
             "comment": comment ?? ""]
        }
    }

    @Sendable func newRepositoryPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.backupManage)
        return try await renderRepositoryForm(req, repository: nil, values: [:])
    }

    @Sendable func createRepositoryFromForm(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.backupManage)
        let form = try req.content.decode(RepositoryForm.self)
        do {
            guard let entityID = form.entity_id.flatMap(UUID.init(uuidString:)), try await req.accessScope().canSee(entityID)
            else { throw ParcError.validation(["entity_id": "No such entity."]) }
            let repository = try await BackupService(request: req).createRepository(entityID: entityID, .init(
                name: form.name ?? "", location: form.location ?? "", offSite: form.off_site != nil,
                comment: .some(form.comment)))
            req.flash("success", req.t("backup.repositories.created", repository.name))
            return req.redirect(to: "/backup/repositories/\(repository.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderRepositoryForm(req, repository: nil, values: form.values,
                                                  errors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    @Sendable func editRepositoryPage(_ req: Request) async throws -> Response {
        let repository = try await BackupService(request: req).findRepository(req.parameters.get("id", as: UUID.self))
        try await req.require(.backupManage, in: repository.entityID)
        return try await renderRepositoryForm(req, repository: repository, values: [
            "entity_id": repository.entityID.uuidString, "name": repository.name, "location": repository.location,
            "off_site": repository.offSite ? "on" : "", "comment": repository.comment ?? "",
        ])
    }

    @Sendable func updateRepositoryFromForm(_ req: Request) async throws -> Response {
        let service = BackupService(request: req)
        let repository = try await service.findRepository(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(RepositoryForm.self)
        do {
            try await service.updateRepository(repository, .init(name: form.name ?? "", location: form.location ?? "",
                                                                 offSite: form.off_site != nil, comment: .some(form.comment)))
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/backup/repositories/\(repository.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            var values = form.values
            values["entity_id"] = repository.entityID.uuidString
            return try await renderRepositoryForm(req, repository: repository, values: values,
                                                  errors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    @Sendable func deleteRepositoryFromForm(_ req: Request) async throws -> Response {
        let service = BackupService(request: req)
        let repository = try await service.findRepository(req.parameters.get("id", as: UUID.self))
        do {
            try await service.deleteRepository(repository)
            req.flash("success", req.t("backup.repositories.deleted", repository.name))
            return req.redirect(to: "/backup/repositories")
        } catch let error as ParcError where error.status == .conflict {
            req.flash("error", req.t("backup.repositories.in_use"))
            return req.redirect(to: "/backup/repositories/\(repository.id!)")
        }
    }

    struct RepositoryPage: Encodable {
        let repository: BackupAPIController.RepositoryDTO
        let entity: String
        let size: String
        let chart: GrowthChart?
        let plans: [SelectOption]
        let canManage: Bool
        let tab: String
        let history: [AuditEntryView]
    }

    @Sendable func repositoryPage(_ req: Request) async throws -> Response {
        let repository = try await BackupService(request: req).findRepository(req.parameters.get("id", as: UUID.self))
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        let requested = (try? req.query.get(String.self, at: "tab")) ?? "details"
        let tab = ["details", "history"].contains(requested) ? requested : "details"
        let plans = try await BackupPlanModel.query(on: req.db).filter(\.$repositoryID == repository.id!)
            .scoped(to: req.entities(for: .backupRead), \.$entityID).sort(\.$name).all()
        let history = tab == "history" && scope.allows(.auditRead, in: repository.entityID)
            ? try await AuditEntryModel.history(objectType: "backup_repository", objectID: repository.id!,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        let sizes = try await lastSizes([repository.id!], req: req)
        return try await req.renderPage("backup/repository", title: repository.name, active: "backup-repositories",
            page: RepositoryPage(
                repository: .init(repository), entity: tree.path(of: repository.entityID),
                size: ParcFormat.bytes(sizes[repository.id!], language: req.language),
                chart: try await GrowthChart.load(repositories: [repository], days: 365, req: req),
                plans: plans.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: false) },
                canManage: scope.allows(.backupManage, in: repository.entityID), tab: tab, history: history))
    }
}
