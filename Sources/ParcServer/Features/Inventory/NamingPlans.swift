import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// A naming plan: the pattern names of one asset type must follow in an entity and its sub-entities
/// (unless a sub-entity has its own plan for that type).
final class NamingPlanModel: Model, @unchecked Sendable {
    static let schema = "naming_plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "asset_type") var assetType: String
    @Field(key: "pattern") var pattern: String
    /// The code `{type}` stands for (PC, LT, SRV…).
    @OptionalField(key: "type_code") var typeCode: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

struct CreateNamingPlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("naming_plans")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .field("asset_type", .string, .required)
            .field("pattern", .string, .required)
            .field("type_code", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "entity_id", "asset_type")
            .create()
    }

    func revert(on database: any Database) async throws { try await database.schema("naming_plans").delete() }
}

/// Naming plans against the fleet: which plan applies to an asset, the report of names that break
/// their plan with a rename proposal, and applying renames (which locks the name against inventories).
struct NamingPlanService {
    let request: Request

    struct Violation: Content {
        let asset_id: UUID
        let name: String
        let type: String
        let entity_id: UUID
        let entity: String
        let pattern: String
        let problem: String
        let proposed_name: String?
        let blocker: String?
    }

    /// The plans the user may see, by entity and type.
    func plans(for permission: Permission) async throws -> [NamingPlanModel] {
        try await NamingPlanModel.query(on: request.db)
            .scoped(to: try await request.entities(for: permission), \.$entityID).all()
    }

    /// The plan that applies to an asset of `type` in `entity`: the entity's own, else its nearest ancestor's.
    static func plan(for type: String, in entity: UUID, plans: [NamingPlanModel], tree: EntityTree) -> NamingPlanModel? {
        for candidate in [entity] + tree.ancestors(of: entity).reversed() {
            if let plan = plans.first(where: { $0.entityID == candidate && $0.assetType == type }) { return plan }
        }
        return nil
    }

    /// Every asset the user may see whose name breaks its plan, with a proposal that collides with no name.
    func report() async throws -> [Violation] {
        let tree = try await request.entityTree()
        let plans = try await plans(for: .assetsRead)
        guard !plans.isEmpty else { return [] }
        let entities = try await request.entities(for: .assetsRead)
        let sql = request.db as! any SQLDatabase
        let rows = try await sql.select().columns("id", "name", "type", "entity_id", "serial", "location", "purchase_date",
                                                  "created_at")
            .from("assets").where("entity_id", .in, SQLBind.group(Array(entities))).all()
        let codes = try await entityCodes()
        // Group assets by the plan that applies to them.
        var groups: [UUID: (plan: NamingPlanModel, assets: [(UUID, String, UUID, NamingContext)])] = [:]
        var allNames: [String] = []
        for row in rows {
            let name = try row.decode(column: "name", as: String.self)
            allNames.append(name)
            let type = try row.decode(column: "type", as: String.self)
            let entity = try row.decode(column: "entity_id", as: UUID.self)
            guard let plan = Self.plan(for: type, in: entity, plans: plans, tree: tree) else { continue }
            let context = try Self.context(row, plan: plan, codes: codes)
            groups[plan.id!, default: (plan, [])].assets.append((try row.decode(column: "id", as: UUID.self), name,
                                                                 entity, context))
        }
        var violations: [Violation] = []
        for (_, group) in groups.sorted(by: { $0.value.plan.pattern < $1.value.plan.pattern }) {
            guard let pattern = try? NamingPattern(group.plan.pattern) else { continue }
            let proposals = pattern.renameProposal(for: group.assets.map { (name: $0.1, context: $0.3) },
                                                   existing: allNames)
            var byName: [String: [(UUID, String, UUID, NamingContext)]] = [:]
            for asset in group.assets { byName[asset.1, default: []].append(asset) }
            for proposal in proposals {
                guard var list = byName[proposal.currentName], !list.isEmpty else { continue }
                let asset = list.removeFirst()
                byName[proposal.currentName] = list
                violations.append(Violation(
                    asset_id: asset.0, name: asset.1, type: group.plan.assetType, entity_id: asset.2,
                    entity: tree.path(of: asset.2), pattern: group.plan.pattern, problem: proposal.violation.message,
                    proposed_name: proposal.proposedName, blocker: proposal.blocker?.message))
            }
        }
        return violations.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    /// The next free name for a new asset of `type` in `entity`.
    func suggest(type: String, entity: UUID, serial: String?) async throws -> String {
        let tree = try await request.entityTree()
        guard let plan = Self.plan(for: type, in: entity, plans: try await plans(for: .assetsRead), tree: tree),
              let pattern = try? NamingPattern(plan.pattern)
        else { throw ParcError.notFound("naming plan for this type and entity") }
        let codes = try await entityCodes()
        let context = NamingContext(entityCode: codes[entity] ?? nil, typeCode: plan.typeCode,
                                    year: Calendar(identifier: .gregorian).component(.year, from: request.now),
                                    serial: serial)
        let sql = request.db as! any SQLDatabase
        let names = try await sql.select().column("name").from("assets").all().map { try $0.decode(column: "name", as: String.self) }
        do {
            return try pattern.suggestNext(existing: names, context: context)
        } catch {
            throw ParcError(.unprocessableEntity, code: error.code, error.message)
        }
    }

    /// Renames assets (each must then follow its plan and take no name in use) and locks their name against
    /// inventories, in one transaction, each change in the asset's history.
    func apply(_ renames: [(UUID, String)]) async throws -> Int {
        guard !renames.isEmpty, renames.count <= 5_000 else {
            throw ParcError.validation(["renames": "Give between 1 and 5000 renames."])
        }
        let tree = try await request.entityTree()
        let plans = try await plans(for: .assetsRead)
        let codes = try await entityCodes()
        let audit = AuditLog(request: request)
        let newNames = renames.map { $0.1.lowercased() }
        guard Set(newNames).count == newNames.count else {
            throw ParcError.validation(["renames": "Two renames give the same name."])
        }
        return try await request.db.transaction { db in
            let sql = db as! any SQLDatabase
            var done = 0
            for (id, newName) in renames {
                let trimmed = newName.trimmingCharacters(in: .whitespaces)
                guard let asset = try await AssetModel.find(id, on: db) else { throw ParcError.notFound("asset") }
                try await request.require(.assetsManage, in: asset.entityID)
                guard let plan = Self.plan(for: asset.type, in: asset.entityID, plans: plans, tree: tree),
                      let pattern = try? NamingPattern(plan.pattern) else {
                    throw ParcError.validation(["renames": "\(asset.name) has no naming plan."])
                }
                let context = NamingContext(entityCode: codes[asset.entityID] ?? nil, siteCode: asset.location,
                                            typeCode: plan.typeCode, year: Self.year(asset.purchaseDate, asset.createdAt),
                                            serial: asset.serial)
                if let violation = pattern.validate(trimmed, context: context) {
                    throw ParcError.validation(["renames": "\(trimmed): \(violation.message)"])
                }
                let clash = try await sql.select().column("id").from("assets")
                    .where(SQLFunction("LOWER", args: SQLColumn("name")), .equal, SQLBind(trimmed.lowercased()))
                    .where("id", .notEqual, id).first()
                guard clash == nil else { throw ParcError.conflict("The name \(trimmed) is already in use.") }
                let before = asset.name
                asset.name = trimmed
                var locked = asset.lockedFields
                locked.insert("name")
                asset.lockedFieldsJSON = String(decoding: try JSONEncoder.sortedKeys.encode(locked.sorted()), as: UTF8.self)
                try await asset.save(on: db)
                try await audit.record("asset.renamed", objectType: "asset", objectID: id, label: trimmed,
                                       entityID: asset.entityID,
                                       changes: [FieldChange(field: "name", before: before, after: trimmed)], on: db)
                done += 1
            }
            return done
        }
    }

    private func entityCodes() async throws -> [UUID: String?] {
        let rows = try await (request.db as! any SQLDatabase).select().columns("id", "code").from("entities").all()
        var codes: [UUID: String?] = [:]
        for row in rows {
            codes[try row.decode(column: "id", as: UUID.self)] =
                try row.decodeNil(column: "code") ? nil : row.decode(column: "code", as: String.self)
        }
        return codes
    }

    static func year(_ purchaseDate: String?, _ created: Date?) -> Int? {
        if let purchaseDate, let year = Int(purchaseDate.prefix(4)) { return year }
        return created.map { Calendar(identifier: .gregorian).component(.year, from: $0) }
    }

    static func context(_ row: any SQLRow, plan: NamingPlanModel, codes: [UUID: String?]) throws -> NamingContext {
        func text(_ column: String) throws -> String? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
        }
        let created = try row.decodeNil(column: "created_at") ? nil : row.decode(column: "created_at", as: Date.self)
        return NamingContext(entityCode: codes[try row.decode(column: "entity_id", as: UUID.self)] ?? nil,
                             siteCode: try text("location"), typeCode: plan.typeCode,
                             year: year(try text("purchase_date"), created), serial: try text("serial"))
    }
}
