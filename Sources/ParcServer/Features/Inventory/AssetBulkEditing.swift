import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// `POST /api/v1/assets/bulk`: one change to many assets (status, entity, location, user, group, purchase, comment). Every
/// asset goes through the checks of `PATCH /api/v1/assets/{id}` — permission and entity per asset, the lifecycle from
/// its own status, names unique in the entity it moves to — and the edit is all or nothing: every asset is checked
/// first, and either all are changed in one transaction, each with its history line, or none is and the answer lists
/// each asset's problem (docs/decisions/0032-bulk-edit-all-or-nothing.md).
struct AssetBulkEditing {
    struct Changes: Content {
        let status: String?
        let entity_id: UUID?
        let location: String?
        let assigned_group: String?
        /// The account using the assets (an id), or an empty text to clear.
        let assigned_user_id: String?
        let supplier: String?
        let order_number: String?
        let purchase_date: String?
        let warranty_end: String?
        let comment: String?
        let append_comment: String?

        static let fields: Set<String> = [
            "status", "entity_id", "location", "assigned_group", "assigned_user_id", "supplier", "order_number",
            "purchase_date", "warranty_end", "comment", "append_comment",
        ]

        /// The text fields set, by column (an empty text clears the field).
        var texts: [String: String] {
            var texts: [String: String] = [:]
            for (field, value) in [("location", location), ("assigned_group", assigned_group),
                                   ("assigned_user_id", assigned_user_id), ("supplier", supplier),
                                   ("order_number", order_number), ("purchase_date", purchase_date),
                                   ("warranty_end", warranty_end), ("comment", comment)] {
                if let value { texts[field] = value }
            }
            return texts
        }

        var isEmpty: Bool { status == nil && entity_id == nil && texts.isEmpty && append_comment == nil }
    }

    struct Input: StrictContent, Content {
        let ids: [UUID]?
        let changes: Changes?
        static let acceptedFields: Set<String> = ["ids", "changes"]
        static let nestedAcceptedFields: [String: Set<String>] = ["changes": Changes.fields]
    }

    struct Item: Content {
        let id: UUID
        let name: String
        /// `updated`, or `unchanged` when the asset already held every value.
        let result: String
        let changes: [FieldChange]
    }

    struct Outcome: Content {
        let updated: Int
        let unchanged: Int
        let items: [Item]
    }

    static let maximumAssets = 1_000

    static let changesSchema = OpenAPISchema.object([
        "status": .string(enumValues: AssetStatus.allCases.map(\.rawValue)), "entity_id": .uuid, "location": .string(),
        "assigned_group": .string(), "assigned_user_id": .string(description: "An account's id; empty to clear"),
        "supplier": .string(), "order_number": .string(),
        "purchase_date": .string(format: "date"), "warranty_end": .string(format: "date"), "comment": .string(),
        "append_comment": .string(description: "Added below each asset's comment"),
    ], required: [])

    func register(_ api: APIRoutes) {
        api.on(.POST, "assets/bulk", summary: "Change many assets at once: all of them, or none (per-asset problems)",
               tag: "Inventory",
               body: .object(["ids": .array(.uuid), "changes": Self.changesSchema], required: ["ids", "changes"]),
               response: .object([
                   "updated": .integer, "unchanged": .integer,
                   "items": .array(.object(["id": .uuid, "name": .string(), "result": .string(enumValues: ["updated", "unchanged"]),
                                            "changes": .array(.object(["field": .string(), "before": .nullable(.string()),
                                                                       "after": .nullable(.string())], required: ["field"]))],
                                           required: ["id", "name", "result", "changes"])),
               ], required: ["updated", "unchanged", "items"]), use: bulk)
    }

    @Sendable func bulk(_ req: Request) async throws -> Outcome {
        let input = try req.decodeStrict(Input.self)
        return try await apply(req, ids: input.ids ?? [], changes: input.changes)
    }

    /// Checks `changes` on every asset, then applies them all in one transaction — or throws 422 `bulk_rejected` with
    /// each asset's problems, having changed nothing.
    func apply(_ req: Request, ids given: [UUID], changes: Changes?) async throws -> Outcome {
        var seen = Set<UUID>()
        let ids = given.filter { seen.insert($0).inserted }
        var errors: [String: String] = [:]
        if ids.isEmpty { errors["ids"] = "Select at least one asset." }
        if ids.count > Self.maximumAssets { errors["ids"] = "At most \(Self.maximumAssets) assets at once." }
        guard let changes, !changes.isEmpty else {
            errors["changes"] = "Give at least one change."
            throw ParcError.validation(errors)
        }
        if changes.comment != nil, changes.append_comment != nil {
            errors["append_comment"] = "Set the comment or add to it, not both."
        }
        if let addition = changes.append_comment {
            if addition.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors["append_comment"] = "Give the text to add."
            } else if let problem = AssetFieldRules.textProblem(field: "comment", value: addition) {
                errors["append_comment"] = problem
            }
        }
        if let status = changes.status, AssetStatus(rawValue: status) == nil {
            errors["status"] = "Use one of \(AssetStatus.allCases.map(\.rawValue).joined(separator: ", "))."
        }
        AssetEditing.validate(AssetEditing.Input(texts: changes.texts), into: &errors)
        guard errors.isEmpty else { throw ParcError.validation(errors) }

        // The scope, the tree and the new user's profiles are loaded before the transaction: on SQLite it holds the
        // one connection.
        _ = try await req.accessScope()
        _ = try await req.entityTree()
        if let text = changes.assigned_user_id?.trimmingCharacters(in: .whitespaces), let id = UUID(uuidString: text) {
            _ = try await AssetEditing.assigneeEntities(id, req)
        }
        let audit = AuditLog(request: req)
        return try await req.db.transaction { db in
            var assets: [UUID: AssetModel] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                for asset in try await AssetModel.query(on: db).filter(\.$id ~~ chunk).all() { assets[asset.id!] = asset }
            }
            var problems: [ParcError.Problem] = []
            var prepared: [(AssetModel, [FieldChange])] = []
            var claims: [AssetNameClaims.Claim] = []
            for (index, id) in ids.enumerated() {
                guard let asset = assets[id] else {
                    problems.append(.init(id: id, message: ParcError.notFound("asset").message))
                    continue
                }
                let input = AssetEditing.Input(
                    texts: Self.texts(changes, for: asset),
                    status: changes.status == asset.status ? nil : changes.status,
                    entityID: changes.entity_id == asset.entityID ? nil : changes.entity_id)
                do {
                    let fieldChanges = try await AssetEditing().prepareChange(req, asset: asset, input: input)
                    prepared.append((asset, fieldChanges))
                    if fieldChanges.contains(where: { $0.field == "entity_id" }) {
                        claims.append(.init(claimant: index, assetID: id, entityID: asset.entityID, name: asset.name))
                    }
                } catch let error as ParcError where error.status == .notFound {
                    if try await req.accessScope().canSee(asset.entityID) {
                        // The entity to move to is out of sight.
                        problems.append(.init(id: id, name: asset.name, field: "entity_id",
                                              message: ParcError.notFound("entity").message))
                    } else {
                        // An asset the user cannot see is "not found", as an unknown id, without its name.
                        problems.append(.init(id: id, message: ParcError.notFound("asset").message))
                    }
                } catch let error as ParcError {
                    let name = asset.name
                    if error.fields.isEmpty {
                        problems.append(.init(id: id, name: name, message: error.message))
                    }
                    for (field, message) in error.fields.sorted(by: { $0.key < $1.key }) {
                        problems.append(.init(id: id, name: name, field: field, message: message))
                    }
                }
            }
            for (index, message) in try await Self.nameConflicts(claims, on: db).sorted(by: { $0.key < $1.key }) {
                problems.append(.init(id: ids[index], name: assets[ids[index]]?.name, field: "entity_id", message: message))
            }
            guard problems.isEmpty else {
                let refused = Set(problems.map(\.id)).count
                throw ParcError(.unprocessableEntity, code: "bulk_rejected",
                                "\(refused) of \(ids.count) assets cannot take these changes; nothing was changed.",
                                problems: problems)
            }
            var items: [Item] = []
            for (asset, fieldChanges) in prepared {
                try await AssetEditing.save(asset, created: false, changes: fieldChanges, audit: audit, on: db)
                items.append(Item(id: asset.id!, name: asset.name, result: fieldChanges.isEmpty ? "unchanged" : "updated",
                                  changes: fieldChanges))
            }
            let updated = items.filter { $0.result == "updated" }.count
            return Outcome(updated: updated, unchanged: items.count - updated, items: items)
        }
    }

    /// The text fields for one asset: `append_comment` goes below its comment.
    static func texts(_ changes: Changes, for asset: AssetModel) -> [String: String] {
        var texts = changes.texts
        if let addition = changes.append_comment?.trimmingCharacters(in: .whitespacesAndNewlines) {
            let current = asset.comment ?? ""
            texts["comment"] = current.isEmpty ? addition : current + "\n\n" + addition
        }
        return texts
    }

    /// The claims that collide with a name already held in their entity, or with each other.
    static func nameConflicts(_ claims: [AssetNameClaims.Claim], on db: any Database) async throws -> [Int: String] {
        guard !claims.isEmpty else { return [:] }
        let entities = Array(Set(claims.map(\.entityID)))
        let rows = try await (db as! any SQLDatabase).select().columns("id", "entity_id", "name").from("assets")
            .where("entity_id", .in, SQLBind.group(entities)).all()
        let holders = try rows.map {
            AssetNameClaims.Holder(assetID: try $0.decode(column: "id", as: UUID.self),
                                   entityID: try $0.decode(column: "entity_id", as: UUID.self),
                                   name: try $0.decode(column: "name", as: String.self))
        }
        return AssetNameClaims.conflicts(claims, holders: holders)
    }
}
