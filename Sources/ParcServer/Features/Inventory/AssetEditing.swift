import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Assets by hand: `POST /api/v1/assets` (a monitor, a printer, a machine still in its box) and
/// `PATCH /api/v1/assets/{id}`. The lifecycle rules of ParcCore decide the status changes; a field a
/// technician sets on an inventoried asset is locked against inventories (and can be unlocked); every
/// change goes to the asset's history.
struct AssetEditing {
    struct Input: StrictContent, Content {
        let entity_id: UUID?
        let type: String?
        let subtype: String?
        let name: String?
        let inventory_number: String?
        let serial: String?
        let uuid: String?
        let manufacturer: String?
        let model: String?
        let status: String?
        let location: String?
        let assigned_group: String?
        /// The account using the asset: its id, or an empty text to clear.
        let assigned_user_id: String?
        let comment: String?
        let custom_fields: [String: String]?
        let purchase_date: String?
        let supplier: String?
        let order_number: String?
        let purchase_cost: Double?
        let warranty_end: String?
        let unlock: [String]?

        static let acceptedFields: Set<String> = [
            "entity_id", "type", "subtype", "name", "inventory_number", "serial", "uuid", "manufacturer", "model", "status",
            "location", "assigned_group", "assigned_user_id", "comment", "custom_fields", "purchase_date", "supplier",
            "order_number", "purchase_cost", "warranty_end", "unlock",
        ]

        /// The text fields given, by column.
        var texts: [(String, String?)] {
            [("subtype", subtype), ("name", name), ("inventory_number", inventory_number), ("serial", serial),
             ("uuid", uuid), ("manufacturer", manufacturer), ("model", model), ("location", location),
             ("assigned_group", assigned_group), ("comment", comment), ("purchase_date", purchase_date),
             ("supplier", supplier), ("order_number", order_number), ("warranty_end", warranty_end)]
                .filter { $0.1 != nil }
        }
    }

    /// Fields inventories write, which a hand edit locks.
    static let inventoryFields: Set<String> = ["name", "serial", "uuid", "manufacturer", "model", "subtype"]

    static let schema = OpenAPISchema.object([
        "entity_id": .uuid, "type": .string(enumValues: AssetType.allCases.map(\.rawValue)), "subtype": .string(),
        "name": .string(), "inventory_number": .string(), "serial": .string(), "uuid": .string(),
        "manufacturer": .string(), "model": .string(),
        "status": .string(enumValues: AssetStatus.allCases.map(\.rawValue)), "location": .string(),
        "assigned_group": .string(),
        "assigned_user_id": .string(description: "The account that uses the asset (an id); empty to clear"),
        "comment": .string(), "custom_fields": .map(.string()),
        "purchase_date": .string(format: "date"), "supplier": .string(), "order_number": .string(),
        "purchase_cost": .integer, "warranty_end": .string(format: "date"),
        "unlock": .array(.string(description: "Fields to hand back to inventories")),
    ], required: [])

    func register(_ api: APIRoutes) {
        api.on(.POST, "assets", summary: "Create an asset by hand", tag: "Inventory", body: Self.schema,
               response: .ref("Asset"), status: 201, use: create)
        api.on(.PATCH, "assets/:id", summary: "Change an asset (its status by the lifecycle rules)", tag: "Inventory",
               body: Self.schema, response: .ref("Asset"), use: update)
    }

    static func validate(_ input: Input, into errors: inout [String: String]) {
        for (field, value) in input.texts {
            guard let value, let problem = AssetFieldRules.textProblem(field: field, value: value) else { continue }
            errors[field] = problem
        }
        for field in ["purchase_date", "warranty_end"] {
            guard let given = input.texts.first(where: { $0.0 == field }), let value = given.1, !value.isEmpty else { continue }
            if InventoryDate(iso: value) == nil { errors[field] = AssetFieldRules.dateMessage }
        }
        if let cost = input.purchase_cost, !AssetFieldRules.isValidCost(cost) {
            errors["purchase_cost"] = AssetFieldRules.costMessage
        }
        if let custom = input.custom_fields, custom.count > 100 || custom.contains(where: { $0.key.count > 100 || $0.value.count > 1000 }) {
            errors["custom_fields"] = "At most 100 fields, names up to 100 and values up to 1000 characters."
        }
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(Input.self)
        let (asset, changes) = try await prepareNew(req, input: input)
        try await req.db.transaction { db in
            try await Self.checkNameFree(asset.name, in: asset.entityID, except: nil, on: db)
            try await Self.save(asset, created: true, changes: changes, audit: AuditLog(request: req), on: db)
        }
        let row = try await AssetsAPIController.find(req, asset.id, permission: .assetsRead)
        let response = try await AssetsAPIController.AssetDTO(row, tree: try await req.entityTree()).encodeResponse(for: req)
        response.status = .created
        return response
    }

    /// Checks a new asset's input (422 with the fields at fault, the permission on its entity) and builds it, not yet
    /// saved; returns it with its fields as changes from nothing.
    func prepareNew(_ req: Request, input: Input) async throws -> (AssetModel, [FieldChange]) {
        var errors: [String: String] = [:]
        if input.entity_id == nil { errors["entity_id"] = "is required" }
        if AssetType(rawValue: input.type ?? "") == nil {
            errors["type"] = "Use one of \(AssetType.allCases.map(\.rawValue).joined(separator: ", "))."
        }
        if (input.name ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors["name"] = "is required" }
        let status = AssetStatus(rawValue: input.status ?? AssetStatus.inStock.rawValue)
        if status == nil { errors["status"] = "Use one of \(AssetStatus.allCases.map(\.rawValue).joined(separator: ", "))." }
        Self.validate(input, into: &errors)
        guard errors.isEmpty, let entityID = input.entity_id, let status else { throw ParcError.validation(errors) }
        try await req.require(.assetsManage, in: entityID)
        if let problem = try await Self.assigneeProblem(input.assigned_user_id, entity: entityID, req) {
            throw ParcError.validation(["assigned_user_id": problem])
        }
        let asset = AssetModel()
        asset.id = UUID()
        asset.entityID = entityID
        asset.type = input.type!
        asset.status = status.rawValue
        asset.name = ""
        asset.customFieldsJSON = "{}"
        asset.lockedFieldsJSON = "[]"
        asset.fingerprintsJSON = "{}"
        // A new asset's history shows every field it starts with (its name from nothing, not from "").
        let fields = try apply(input, to: asset).map {
            $0.field == "name" ? FieldChange(field: "name", before: nil, after: $0.after) : $0
        }
        return (asset, [FieldChange(field: "type", before: nil, after: asset.type),
                        FieldChange(field: "status", before: nil, after: asset.status),
                        FieldChange(field: "entity_id", before: nil, after: entityID.uuidString)] + fields)
    }

    @Sendable func update(_ req: Request) async throws -> AssetsAPIController.AssetDTO {
        let input = try req.decodeStrict(Input.self)
        let id = try await change(req, id: req.parameters.get("id", as: UUID.self), input: input)
        return try AssetsAPIController.AssetDTO(try await AssetsAPIController.find(req, id, permission: .assetsRead),
                                                tree: try await req.entityTree())
    }

    /// Checks and saves a change (the API's PATCH and the edit form); 422 with the fields at fault.
    func change(_ req: Request, id: UUID?, input: Input) async throws -> UUID {
        guard let id, let asset = try await AssetModel.find(id, on: req.db) else {
            throw ParcError.notFound("asset")
        }
        let changes = try await prepareChange(req, asset: asset, input: input)
        try await req.db.transaction { db in
            if changes.contains(where: { $0.field == "name" || $0.field == "entity_id" }) {
                try await Self.checkNameFree(asset.name, in: asset.entityID, except: id, on: db)
            }
            try await Self.save(asset, created: false, changes: changes, audit: AuditLog(request: req), on: db)
        }
        return id
    }

    /// Checks a change to a stored asset — the permission on its entity (and on the entity it moves to), the field
    /// rules, the lifecycle — and applies it in memory; returns the changes. Throws 404/403 for access, 422 with the
    /// fields at fault. Name uniqueness is the caller's, at save time.
    func prepareChange(_ req: Request, asset: AssetModel, input: Input) async throws -> [FieldChange] {
        try await req.require(.assetsManage, in: asset.entityID)
        var errors: [String: String] = [:]
        Self.validate(input, into: &errors)
        if input.type != nil { errors["type"] = "The type of an asset does not change; create another asset." }
        if let target = input.entity_id, target != asset.entityID {
            try await req.require(.assetsManage, in: target)
        }
        if let name = input.name, name.trimmingCharacters(in: .whitespaces).isEmpty { errors["name"] = "cannot be empty" }
        if let text = input.status {
            if let target = AssetStatus(rawValue: text), let current = AssetStatus(rawValue: asset.status) {
                do {
                    _ = try AssetLifecycle.transition(from: current, to: target)
                } catch {
                    errors["status"] = error.message
                }
            } else {
                errors["status"] = "Use one of \(AssetStatus.allCases.map(\.rawValue).joined(separator: ", "))."
            }
        }
        if let unlock = input.unlock, !Set(unlock).isSubset(of: Self.inventoryFields) {
            errors["unlock"] = "Fields that can be locked: \(Self.inventoryFields.sorted().joined(separator: ", "))."
        }
        if let problem = try await Self.assigneeProblem(input.assigned_user_id, entity: input.entity_id ?? asset.entityID,
                                                        req) {
            errors["assigned_user_id"] = problem
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        return try apply(input, to: asset)
    }

    /// Writes a prepared asset with its history line, in the caller's transaction.
    static func save(_ asset: AssetModel, created: Bool, changes: [FieldChange], audit: AuditLog, on db: any Database)
        async throws
    {
        if created {
            try await asset.create(on: db)
            try await audit.record("asset.created", objectType: "asset", objectID: asset.id!, label: asset.name,
                                   entityID: asset.entityID, changes: changes, on: db)
        } else {
            try await asset.save(on: db)
            if !changes.isEmpty {
                try await audit.record("asset.updated", objectType: "asset", objectID: asset.id!, label: asset.name,
                                       entityID: asset.entityID, changes: changes, on: db)
            }
        }
    }

    /// Writes the input's fields; returns the changes. Inventory fields set by hand become locked.
    func apply(_ input: Input, to asset: AssetModel) throws -> [FieldChange] {
        var changes: [FieldChange] = []
        var locked = asset.lockedFields
        for (field, value) in input.texts {
            let cleaned = value?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            let before = asset.editableValue(field)
            guard before != cleaned else { continue }
            asset.setEditableValue(field, cleaned)
            changes.append(FieldChange(field: field, before: before, after: cleaned))
            if Self.inventoryFields.contains(field) { locked.insert(field) }
        }
        if let entity = input.entity_id, entity != asset.entityID, asset.id != nil {
            changes.append(FieldChange(field: "entity_id", before: asset.entityID.uuidString, after: entity.uuidString))
            asset.entityID = entity
        }
        if let status = input.status, status != asset.status {
            changes.append(FieldChange(field: "status", before: asset.status, after: status))
            asset.status = status
        }
        if let text = input.assigned_user_id {
            let user = UUID(uuidString: text.trimmingCharacters(in: .whitespaces))
            if user != asset.assignedUserID {
                changes.append(FieldChange(field: "assigned_user_id", before: asset.assignedUserID?.uuidString,
                                           after: user?.uuidString))
                asset.assignedUserID = user
            }
        }
        if let cost = input.purchase_cost, cost != asset.purchaseCost {
            changes.append(FieldChange(field: "purchase_cost", before: asset.purchaseCost.map { "\($0)" }, after: "\(cost)"))
            asset.purchaseCost = cost
        }
        if let custom = input.custom_fields, custom != asset.customFields {
            asset.customFieldsJSON = String(decoding: try JSONEncoder.sortedKeys.encode(custom), as: UTF8.self)
            changes.append(FieldChange(field: "custom_fields", before: nil, after: asset.customFieldsJSON))
        }
        for field in input.unlock ?? [] where locked.remove(field) != nil {
            changes.append(FieldChange(field: "locked_fields", before: field, after: nil))
        }
        let newLocked = String(decoding: try JSONEncoder.sortedKeys.encode(locked.sorted()), as: UTF8.self)
        if newLocked != asset.lockedFieldsJSON, asset.lastInventoryAt != nil || input.unlock != nil {
            asset.lockedFieldsJSON = newLocked
        }
        return changes
    }

    /// What is wrong with the account given as the asset's user, or nil: an empty text clears; otherwise an active
    /// account with a profile on the asset's entity, above it or below it (someone of that organisation).
    ///
    /// The account's profiles are read once per request and kept: a bulk edit reads them before its transaction (on
    /// SQLite the transaction holds the one connection), then checks each asset from memory.
    static func assigneeProblem(_ text: String?, entity: UUID, _ req: Request) async throws -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text), let entities = try await assigneeEntities(id, req) else {
            return "No active account has this id."
        }
        let tree = try await req.entityTree()
        let related = Set(tree.ancestors(of: entity) + tree.subtree(of: entity) + [entity])
        guard !entities.isDisjoint(with: related) else {
            return "This account belongs to no entity of the asset; choose someone of its organisation."
        }
        return nil
    }

    private struct AssigneeEntitiesKey: StorageKey { typealias Value = [UUID: Set<UUID>?] }

    /// The entities where an account holds a profile, nil when no active account has this id; kept per request.
    static func assigneeEntities(_ id: UUID, _ req: Request) async throws -> Set<UUID>? {
        if let known = req.storage[AssigneeEntitiesKey.self]?[id] { return known }
        var entities: Set<UUID>?
        if let user = try await UserModel.find(id, on: req.db), user.isActive {
            entities = Set(try await ProfileModel.query(on: req.db).filter(\.$userID == id).all().map(\.entityID))
        }
        var cache = req.storage[AssigneeEntitiesKey.self] ?? [:]
        cache[id] = .some(entities)
        req.storage[AssigneeEntitiesKey.self] = cache
        return entities
    }

    /// Names are unique within an entity (two customers may both have a PC-01).
    static func checkNameFree(_ name: String, in entity: UUID, except id: UUID?, on db: any Database) async throws {
        var query = (db as! any SQLDatabase).select().column("id").from("assets")
            .where(SQLFunction("LOWER", args: SQLColumn("name")), .equal, SQLBind(name.lowercased()))
            .where("entity_id", .equal, entity)
        if let id { query = query.where("id", .notEqual, id) }
        if try await query.first() != nil { throw ParcError.conflict("The name \(name) is already in use.") }
    }
}

extension AssetEditing.Input {
    /// An input of text fields by column name, with a status, an entity and a type (bulk edits and imports).
    init(texts: [String: String], status: String? = nil, entityID: UUID? = nil, type: String? = nil,
         purchaseCost: Double? = nil) {
        self.init(entity_id: entityID, type: type, subtype: texts["subtype"], name: texts["name"],
                  inventory_number: texts["inventory_number"], serial: texts["serial"], uuid: texts["uuid"],
                  manufacturer: texts["manufacturer"], model: texts["model"], status: status, location: texts["location"],
                  assigned_group: texts["assigned_group"], assigned_user_id: texts["assigned_user_id"],
                  comment: texts["comment"], custom_fields: nil,
                  purchase_date: texts["purchase_date"], supplier: texts["supplier"], order_number: texts["order_number"],
                  purchase_cost: purchaseCost, warranty_end: texts["warranty_end"], unlock: nil)
    }
}

extension AssetModel {
    func editableValue(_ field: String) -> String? {
        switch field {
        case "inventory_number": inventoryNumber
        case "location": location
        case "assigned_group": assignedGroup
        case "comment": comment
        case "purchase_date": purchaseDate
        case "supplier": supplier
        case "order_number": orderNumber
        case "warranty_end": warrantyEnd
        default: summaryValue(field)
        }
    }

    func setEditableValue(_ field: String, _ value: String?) {
        switch field {
        case "inventory_number": inventoryNumber = value
        case "location": location = value
        case "assigned_group": assignedGroup = value
        case "comment": comment = value
        case "purchase_date": purchaseDate = value
        case "supplier": supplier = value
        case "order_number": orderNumber = value
        case "warranty_end": warrantyEnd = value
        default: setSummaryValue(field, value)
        }
    }
}
