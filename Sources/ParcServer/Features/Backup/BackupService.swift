import FluentKit
import Foundation
import ParcCore
import Fluent
import SQLKit
import Vapor

/// Backup repositories, plans and their targets, as people manage them (pages and `/api/v1`).
struct BackupService {
    let request: Request

    var db: any Database { request.db }

    // MARK: repositories

    struct RepositoryChanges {
        var name: String?
        var location: String?
        var offSite: Bool?
        var comment: String??
    }

    static let locationMessage = "Give the location agents see (a path or mount point), 1–4096 characters."
    static let commentMessage = "Keep the comment under 5000 characters."
    static let repositoryNameTaken = "A repository with this name already exists in this entity."
    static let planNameTaken = "A plan with this name already exists in this entity."

    func findRepository(_ id: UUID?) async throws -> BackupRepositoryModel {
        guard let id, let repository = try await BackupRepositoryModel.query(on: db).filter(\.$id == id)
            .scoped(to: request.entities(for: .backupRead), \.$entityID).first()
        else { throw ParcError.notFound("repository") }
        return repository
    }

    func createRepository(entityID: UUID, _ changes: RepositoryChanges) async throws -> BackupRepositoryModel {
        try await request.require(.backupManage, in: entityID)
        let repository = BackupRepositoryModel()
        repository.entityID = entityID
        repository.name = ""
        repository.location = ""
        repository.offSite = false
        try await apply(changes, to: repository, isNew: true)
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await repository.create(on: db)
            try await audit.record("create", objectType: "backup_repository", objectID: repository.id!,
                                   label: repository.name, entityID: entityID,
                                   changes: FieldChange.between([:], repository.auditSnapshot), on: db)
        }
        return repository
    }

    func updateRepository(_ repository: BackupRepositoryModel, _ changes: RepositoryChanges) async throws {
        try await request.require(.backupManage, in: repository.entityID)
        let before = repository.auditSnapshot
        try await apply(changes, to: repository, isNew: false)
        let changed = FieldChange.between(before, repository.auditSnapshot)
        guard !changed.isEmpty else { return }
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await repository.update(on: db)
            try await audit.record("update", objectType: "backup_repository", objectID: repository.id!,
                                   label: repository.name, entityID: repository.entityID, changes: changed, on: db)
        }
    }

    private func apply(_ changes: RepositoryChanges, to repository: BackupRepositoryModel, isNew: Bool) async throws {
        var errors: [String: String] = [:]
        if isNew || changes.name != nil {
            let name = (changes.name ?? "").trimmingCharacters(in: .whitespaces)
            if !BackupPlanRules.isCleanText(name, max: 200) { errors["name"] = BackupPlanRules.nameMessage }
            repository.name = name
        }
        if isNew || changes.location != nil {
            let location = (changes.location ?? "").trimmingCharacters(in: .whitespaces)
            if !BackupPlanRules.isCleanText(location, max: 4096) { errors["location"] = Self.locationMessage }
            repository.location = location
        }
        if let offSite = changes.offSite { repository.offSite = offSite }
        if let comment = changes.comment {
            if (comment ?? "").count > 5000 { errors["comment"] = Self.commentMessage }
            repository.comment = comment.flatMap { $0.isEmpty ? nil : $0 }
        }
        if errors["name"] == nil {
            var query = BackupRepositoryModel.query(on: db).filter(\.$entityID == repository.entityID)
                .filter(\.$name == repository.name)
            if let id = repository.id { query = query.filter(\.$id != id) }
            if try await query.count() > 0 { errors["name"] = Self.repositoryNameTaken }
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
    }

    func deleteRepository(_ repository: BackupRepositoryModel) async throws {
        try await request.require(.backupManage, in: repository.entityID)
        let plans = try await BackupPlanModel.query(on: db).filter(\.$repositoryID == repository.id!).count()
        guard plans == 0 else {
            throw ParcError.conflict("\(plans) backup plan(s) still use this repository: change or delete them first.")
        }
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await audit.record("delete", objectType: "backup_repository", objectID: repository.id!,
                                   label: repository.name, entityID: repository.entityID,
                                   changes: FieldChange.between(repository.auditSnapshot, [:]), on: db)
            try await repository.delete(on: db)
        }
    }

    /// Repositories a plan of this entity may use: the entity's own and its ancestors', visible to the user.
    func usableRepositories(for entityID: UUID) async throws -> [BackupRepositoryModel] {
        let tree = try await request.entityTree()
        let allowed = Set([entityID] + tree.ancestors(of: entityID))
            .intersection(try await request.entities(for: .backupRead))
        guard !allowed.isEmpty else { return [] }
        return try await BackupRepositoryModel.query(on: db).filter(\.$entityID ~~ Array(allowed)).sort(\.$name).all()
    }

    // MARK: plans

    struct PlanChanges {
        var settings: BackupPlanSettings
        var repositoryID: UUID?
        var enabled: Bool
        var comment: String?
    }

    func findPlan(_ id: UUID?) async throws -> BackupPlanModel {
        guard let id, let plan = try await BackupPlanModel.query(on: db).filter(\.$id == id)
            .scoped(to: request.entities(for: .backupRead), \.$entityID).first()
        else { throw ParcError.notFound("plan") }
        return plan
    }

    func savePlan(_ plan: BackupPlanModel?, entityID: UUID, _ changes: PlanChanges) async throws -> BackupPlanModel {
        try await request.require(.backupManage, in: entityID)
        let isNew = plan == nil
        let plan = plan ?? BackupPlanModel()
        let before = isNew ? [:] : plan.auditSnapshot
        var errors = BackupPlanRules.validate(changes.settings)
        if let comment = changes.comment, comment.count > 5000 { errors["comment"] = Self.commentMessage }
        if let repositoryID = changes.repositoryID {
            if !(try await usableRepositories(for: entityID).contains { $0.id == repositoryID }) {
                errors["repository_id"] = "Choose a repository of this entity or of an entity above it."
            }
        } else {
            errors["repository_id"] = "Choose the repository the plan writes to."
        }
        plan.entityID = entityID
        plan.settings = changes.settings
        plan.enabled = changes.enabled
        plan.comment = changes.comment.flatMap { $0.isEmpty ? nil : $0 }
        if let repositoryID = changes.repositoryID { plan.repositoryID = repositoryID }
        if errors["name"] == nil {
            var query = BackupPlanModel.query(on: db).filter(\.$entityID == entityID).filter(\.$name == plan.name)
            if let id = plan.id { query = query.filter(\.$id != id) }
            if try await query.count() > 0 { errors["name"] = Self.planNameTaken }
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let changed = FieldChange.between(before, plan.auditSnapshot)
        guard !changed.isEmpty else { return plan }
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await plan.save(on: db)
            try await audit.record(isNew ? "create" : "update", objectType: "backup_plan", objectID: plan.id!,
                                   label: plan.name, entityID: entityID, changes: changed, on: db)
        }
        return plan
    }

    func deletePlan(_ plan: BackupPlanModel) async throws {
        try await request.require(.backupManage, in: plan.entityID)
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await BackupPlanTargetModel.query(on: db).filter(\.$planID == plan.id!).delete()
            try await audit.record("delete", objectType: "backup_plan", objectID: plan.id!, label: plan.name,
                                   entityID: plan.entityID, changes: FieldChange.between(plan.auditSnapshot, [:]),
                                   on: db)
            try await plan.delete(on: db)
        }
    }

    // MARK: targets

    enum NewTarget {
        case agent(UUID)
        case entity(UUID)
        case asset(UUID)
        case savedView(UUID)
    }

    /// The saved-view list whose views can be plan targets.
    static let assetListKey = "assets"
    static let targetAgentMessage = "Choose an agent of the plan's entity or of one below it."
    static let targetEntityMessage = "Choose the plan's entity or one below it."
    static let targetExistsMessage = "The plan already applies to this target."
    static let targetAssetMessage = "Choose an asset of the plan's entity or of one below it."
    static let targetAssetOutOfServiceMessage = "This asset is retired or disposed: no plan applies to it."
    static let targetAssetNameMessage = "No asset of the plan's entity has this name or inventory number."
    static let targetAssetAmbiguousMessage = "Several assets have this name: give the inventory number."
    static let targetViewMessage = "Choose a view of the asset list shared in the plan's entity or in an entity above it."
    static let targetOneMessage = "Give one of agent_id, entity_id, asset_id or saved_view_id."

    /// The asset of the plan's subtree (visible to the user) named so, or with this inventory number.
    func findTargetAsset(_ text: String, for plan: BackupPlanModel) async throws -> UUID {
        let needle = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty, needle.count <= 200 else {
            throw ParcError.validation(["asset": Self.targetAssetNameMessage])
        }
        let subtree = Set(try await request.entityTree().subtree(of: plan.entityID))
            .intersection(try await request.entities(for: .assetsRead))
        guard !subtree.isEmpty else { throw ParcError.validation(["asset": Self.targetAssetNameMessage]) }
        let sql = db as! any SQLDatabase
        let rows = try await sql.select().column("id").column("inventory_number").from(AssetModel.schema)
            .where("entity_id", .in, Array(subtree))
            .where(SQLGroupExpression(SQLBinaryExpression(
                SQLBinaryExpression(SQLFunction("LOWER", args: SQLColumn("name")), .equal, SQLBind(needle)), .or,
                SQLBinaryExpression(SQLFunction("LOWER", args: SQLColumn("inventory_number")), .equal,
                                    SQLBind(needle)))))
            .limit(20).all()
        let matches = try rows.map {
            (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "inventory_number", as: String?.self))
        }
        // An inventory number is the precise answer when a name is shared.
        if let exact = matches.first(where: { $0.1?.lowercased() == needle }), matches.count(where: {
            $0.1?.lowercased() == needle
        }) == 1 {
            return exact.0
        }
        guard let only = matches.first else { throw ParcError.validation(["asset": Self.targetAssetNameMessage]) }
        guard matches.count == 1 else { throw ParcError.validation(["asset": Self.targetAssetAmbiguousMessage]) }
        return only.0
    }

    /// The shared asset-list views a plan of this entity may use, that the user sees: shared in the plan's entity or
    /// in an entity above it.
    func usableViews(for plan: BackupPlanModel) async throws -> [SavedViewModel] {
        let lineage = [plan.entityID] + (try await request.entityTree().ancestors(of: plan.entityID))
        return try await SavedViewService(request: request).visibleQuery(listKey: Self.assetListKey)
            .filter(\.$shared == true).filter(\.$entityID ~~ lineage).sort(\.$name).sort(\.$id).all()
    }

    func addTarget(_ target: NewTarget, to plan: BackupPlanModel) async throws -> BackupPlanTargetModel {
        try await request.require(.backupManage, in: plan.entityID)
        let tree = try await request.entityTree()
        let subtree = Set(tree.subtree(of: plan.entityID))
        let scope = try await request.accessScope()
        let row = BackupPlanTargetModel()
        row.planID = plan.id!
        row.entityID = plan.entityID
        row.createdAt = request.now
        var label = ""
        switch target {
        case .agent(let agentID):
            guard let agent = try await AgentModel.find(agentID, on: db), subtree.contains(agent.entityID),
                  scope.canSee(agent.entityID)
            else { throw ParcError.validation(["agent_id": Self.targetAgentMessage]) }
            if try await BackupPlanTargetModel.query(on: db).filter(\.$planID == plan.id!)
                .filter(\.$agentID == agentID).count() > 0 {
                throw ParcError.validation(["agent_id": Self.targetExistsMessage])
            }
            row.kind = BackupPlanTargetModel.Kind.agent.rawValue
            row.agentID = agentID
            label = "agent \(agent.hostname)"
        case .entity(let entityID):
            guard subtree.contains(entityID), scope.canSee(entityID) else {
                throw ParcError.validation(["entity_id": Self.targetEntityMessage])
            }
            if try await BackupPlanTargetModel.query(on: db).filter(\.$planID == plan.id!)
                .filter(\.$targetEntityID == entityID).count() > 0 {
                throw ParcError.validation(["entity_id": Self.targetExistsMessage])
            }
            row.kind = BackupPlanTargetModel.Kind.entity.rawValue
            row.targetEntityID = entityID
            label = "entity \(tree.path(of: entityID))"
        case .asset(let assetID):
            guard let asset = try await AssetModel.find(assetID, on: db), subtree.contains(asset.entityID),
                  try await request.entities(for: .assetsRead).contains(asset.entityID)
            else { throw ParcError.validation(["asset_id": Self.targetAssetMessage]) }
            if let status = AssetStatus(rawValue: asset.status), !status.isInService {
                throw ParcError.validation(["asset_id": Self.targetAssetOutOfServiceMessage])
            }
            if try await BackupPlanTargetModel.query(on: db).filter(\.$planID == plan.id!)
                .filter(\.$assetID == assetID).count() > 0 {
                throw ParcError.validation(["asset_id": Self.targetExistsMessage])
            }
            row.kind = BackupPlanTargetModel.Kind.asset.rawValue
            row.assetID = assetID
            row.label = asset.name
            label = "asset \(asset.name)"
        case .savedView(let viewID):
            guard let view = try await usableViews(for: plan).first(where: { $0.id == viewID }) else {
                throw ParcError.validation(["saved_view_id": Self.targetViewMessage])
            }
            if try await BackupPlanTargetModel.query(on: db).filter(\.$planID == plan.id!)
                .filter(\.$savedViewID == viewID).count() > 0 {
                throw ParcError.validation(["saved_view_id": Self.targetExistsMessage])
            }
            row.kind = BackupPlanTargetModel.Kind.savedView.rawValue
            row.savedViewID = viewID
            row.label = view.name
            label = "saved view \(view.name)"
        }
        let audit = AuditLog(request: request)
        let targetLabel = label
        try await db.transaction { db in
            try await row.create(on: db)
            try await audit.record("add_target", objectType: "backup_plan", objectID: plan.id!, label: plan.name,
                                   entityID: plan.entityID,
                                   changes: [FieldChange(field: "target", before: nil, after: targetLabel)], on: db)
        }
        return row
    }

    func removeTarget(_ targetID: UUID?, from plan: BackupPlanModel) async throws {
        try await request.require(.backupManage, in: plan.entityID)
        guard let targetID, let row = try await BackupPlanTargetModel.query(on: db).filter(\.$id == targetID)
            .filter(\.$planID == plan.id!).first()
        else { throw ParcError.notFound("target") }
        let audit = AuditLog(request: request)
        let label = switch row.targetKind {
        case .agent?: "agent \(row.agentID?.uuidString ?? "")"
        case .entity?: "entity \(row.targetEntityID?.uuidString ?? "")"
        case .asset?: "asset \(row.label ?? row.assetID?.uuidString ?? "")"
        case .savedView?: "saved view \(row.label ?? row.savedViewID?.uuidString ?? "")"
        case nil: row.kind
        }
        try await db.transaction { db in
            try await row.delete(on: db)
            try await audit.record("remove_target", objectType: "backup_plan", objectID: plan.id!, label: plan.name,
                                   entityID: plan.entityID,
                                   changes: [FieldChange(field: "target", before: label, after: nil)], on: db)
        }
    }
}
