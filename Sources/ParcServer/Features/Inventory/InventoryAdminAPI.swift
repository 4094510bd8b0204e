import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// `/api/v1/inventory/…`: the administrator's inventory settings — per-entity match order and agent
/// access (address ranges, HTTP basic credentials), the entity rules that place machines from agents
/// without Parc's credential, and the software dictionary.
struct InventoryAdminAPI {
    struct SettingsDTO: Content {
        let entity_id: UUID
        let inherited_from: UUID?
        let match_order: [String]
        let allowed_ranges: [String]?
        let basic_user: String?
        /// Shown once, when Parc generated it.
        let basic_password: String?
    }

    struct SettingsInput: StrictContent, Content {
        let match_order: [String]?
        let allowed_ranges: [String]?
        let basic_user: String?
        let require_credentials: Bool?
        static let acceptedFields: Set<String> = ["match_order", "allowed_ranges", "basic_user", "require_credentials"]
    }

    struct EntityRuleDTO: Content {
        let id: UUID
        let position: Int
        let name: String
        let entity_id: UUID
        let tag: String?
        let ip_ranges: [String]
        let host_pattern: String?
    }

    struct EntityRuleInput: StrictContent, Content {
        let position: Int?
        let name: String?
        let entity_id: UUID?
        let tag: String?
        let ip_ranges: [String]?
        let host_pattern: String?
        static let acceptedFields: Set<String> = ["position", "name", "entity_id", "tag", "ip_ranges", "host_pattern"]
    }

    struct SoftwareRuleInput: StrictContent, Content {
        let position: Int?
        let match: String?
        let pattern: String?
        let publisher_match: String?
        let publisher_pattern: String?
        let action: String?
        let new_name: String?
        let new_publisher: String?
        let comment: String?
        static let acceptedFields: Set<String> = ["position", "match", "pattern", "publisher_match", "publisher_pattern",
                                                  "action", "new_name", "new_publisher", "comment"]
    }

    func register(_ api: APIRoutes) {
        let settings = OpenAPISchema.object([
            "entity_id": .uuid, "inherited_from": .nullable(.uuid),
            "match_order": .array(.string(enumValues: InventoryMatchCriterion.allCases.map(\.rawValue))),
            "allowed_ranges": .nullable(.array(.string(description: "CIDR, address or a-b range"))),
            "basic_user": .nullable(.string()), "basic_password": .nullable(.string(description: "Shown once")),
        ], required: ["entity_id", "match_order"])
        api.on(.GET, "inventory/settings/:entity", summary: "Inventory settings of an entity (inherited if unset)",
               tag: "Inventory", response: settings, use: getSettings)
        api.on(.PUT, "inventory/settings/:entity", summary: "Set an entity's match order and agent access",
               tag: "Inventory", body: .object([
                   "match_order": .array(.string()), "allowed_ranges": .nullable(.array(.string())),
                   "basic_user": .nullable(.string()), "require_credentials": .boolean,
               ], required: []), response: settings, use: putSettings)
        let rule = OpenAPISchema.object([
            "id": .uuid, "position": .integer, "name": .string(), "entity_id": .uuid, "tag": .nullable(.string()),
            "ip_ranges": .array(.string()), "host_pattern": .nullable(.string(description: "Glob, e.g. pc-lyon-*")),
        ], required: ["id", "position", "name", "entity_id", "ip_ranges"])
        api.on(.GET, "inventory/entity-rules", summary: "Entity rules, in order", tag: "Inventory",
               response: .array(rule), use: listRules)
        api.on(.POST, "inventory/entity-rules", summary: "Add an entity rule", tag: "Inventory",
               body: .object(["position": .integer, "name": .string(), "entity_id": .uuid, "tag": .nullable(.string()),
                              "ip_ranges": .array(.string()), "host_pattern": .nullable(.string())],
                             required: ["name", "entity_id"]),
               response: rule, status: 201, use: createRule)
        api.on(.DELETE, "inventory/entity-rules/:id", summary: "Delete an entity rule", tag: "Inventory",
               response: nil, status: 204, use: deleteRule)
        let softwareRule = OpenAPISchema.object([
            "id": .uuid, "position": .integer,
            "match": .string(enumValues: SoftwareDictionaryRule.MatchKind.allCases.map(\.rawValue)),
            "pattern": .string(), "publisher_match": .nullable(.string()), "publisher_pattern": .nullable(.string()),
            "action": .string(enumValues: ["rename", "ignore"]), "new_name": .nullable(.string()),
            "new_publisher": .nullable(.string()), "comment": .nullable(.string()),
        ], required: ["id", "position", "match", "pattern", "action"])
        api.on(.GET, "software-rules", summary: "The software dictionary, in order", tag: "Inventory",
               response: .array(softwareRule), use: listSoftwareRules)
        api.on(.POST, "software-rules", summary: "Add a dictionary rule (applies to the next inventories)",
               tag: "Inventory", body: softwareRule, response: softwareRule, status: 201, use: createSoftwareRule)
        api.on(.DELETE, "software-rules/:id", summary: "Delete a dictionary rule", tag: "Inventory", response: nil,
               status: 204, use: deleteSoftwareRule)
    }

    // MARK: Settings

    @Sendable func getSettings(_ req: Request) async throws -> SettingsDTO {
        let entity = try await entityParameter(req, permission: .assetsRead)
        return try await settingsDTO(req, entity: entity, password: nil)
    }

    private func settingsDTO(_ req: Request, entity: UUID, password: String?) async throws -> SettingsDTO {
        let tree = try await req.entityTree()
        let settings = try await InventorySettings.effective(for: entity, tree: tree, on: req.db)
        let own = try await (req.db as! any SQLDatabase).select().column("entity_id").from("inventory_settings")
            .where("entity_id", .in, SQLBind.group([entity] + tree.ancestors(of: entity))).all()
            .map { try $0.decode(column: "entity_id", as: UUID.self) }
        let source = ([entity] + tree.ancestors(of: entity).reversed()).first { own.contains($0) }
        return SettingsDTO(entity_id: entity, inherited_from: source == entity ? nil : source,
                           match_order: settings.matchOrder.map(\.rawValue), allowed_ranges: settings.allowedRanges,
                           basic_user: settings.basicUser, basic_password: password)
    }

    @Sendable func putSettings(_ req: Request) async throws -> SettingsDTO {
        let entity = try await entityParameter(req, permission: .inventoryAdmin)
        let input = try req.decodeStrict(SettingsInput.self)
        var errors: [String: String] = [:]
        var parsedOrder = InventoryMatchCriterion.defaultOrder
        if let words = input.match_order {
            do { parsedOrder = try InventorySettings.parseMatchOrder(words.joined(separator: ",")) } catch let error as ParcError {
                errors.merge(error.fields) { $1 }
            }
        }
        if let ranges = input.allowed_ranges {
            if ranges.count > IPAddressRange.maximumListCount { errors["allowed_ranges"] = "At most \(IPAddressRange.maximumListCount) ranges." }
            for range in ranges {
                do { _ = try IPAddressRange(parsing: range) } catch { errors["allowed_ranges"] = error.message }
            }
        }
        let user = input.basic_user?.trimmingCharacters(in: .whitespaces)
        if input.require_credentials == true, user?.isEmpty ?? true {
            errors["basic_user"] = "Give the user name the agents will send (--user)."
        }
        if let user, user.count > 100 || user.contains(":") { errors["basic_user"] = "At most 100 characters, no colon." }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        // The password is generated, strong and shown once: agents store it in their configuration.
        let password = input.require_credentials == true ? Secrets.token(prefix: "") : nil
        let order = parsedOrder
        try await req.db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.delete(from: "inventory_settings").where("entity_id", .equal, entity).run()
            try await sql.insert(into: "inventory_settings")
                .columns("entity_id", "match_order", "allowed_ranges", "basic_user", "basic_password_hash", "updated_at")
                .values(SQLBind(entity), SQLBind(order.map(\.rawValue).joined(separator: ",")),
                        SQLBind(input.allowed_ranges?.joined(separator: "\n")),
                        SQLBind(password == nil ? nil : user), SQLBind(password.map(Secrets.fingerprint)),
                        SQLBind(req.now)).run()
            try await AuditLog(request: req).record(
                "inventory.settings", objectType: "entity", objectID: entity, label: "inventory settings",
                entityID: entity, changes: [
                    FieldChange(field: "match_order", before: nil, after: order.map(\.rawValue).joined(separator: ",")),
                    FieldChange(field: "allowed_ranges", before: nil, after: input.allowed_ranges?.joined(separator: ", ")),
                    FieldChange(field: "basic_user", before: nil, after: password == nil ? nil : user),
                ], on: db)
        }
        return try await settingsDTO(req, entity: entity, password: password)
    }

    private func entityParameter(_ req: Request, permission: Permission) async throws -> UUID {
        guard let entity = req.parameters.get("entity", as: UUID.self) else { throw ParcError.notFound("entity") }
        try await req.require(permission, in: entity)
        return entity
    }

    // MARK: Entity rules (global: they decide where machines go, so only administrators of the root)

    @Sendable func listRules(_ req: Request) async throws -> [EntityRuleDTO] {
        try await req.requireAnywhere(.inventoryAdmin)
        let visible = try await req.entities(for: .inventoryAdmin)
        let rows = try await (req.db as! any SQLDatabase).select().column("*").from("inventory_entity_rules")
            .orderBy("position").all()
        return try rows.compactMap { row in
            let entity = try row.decode(column: "entity_id", as: UUID.self)
            guard visible.contains(entity) else { return nil }
            func text(_ column: String) throws -> String? {
                try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
            }
            return EntityRuleDTO(id: try row.decode(column: "id", as: UUID.self),
                                 position: try row.decode(column: "position", as: Int.self),
                                 name: try row.decode(column: "name", as: String.self), entity_id: entity,
                                 tag: try text("tag"),
                                 ip_ranges: (try text("ip_ranges") ?? "").split(separator: "\n").map(String.init),
                                 host_pattern: try text("host_pattern"))
        }
    }

    @Sendable func createRule(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(EntityRuleInput.self)
        var errors: [String: String] = [:]
        let name = input.name?.trimmingCharacters(in: .whitespaces) ?? ""
        if name.isEmpty || name.count > 200 { errors["name"] = "Give a name of 1 to 200 characters." }
        if input.entity_id == nil { errors["entity_id"] = "is required" }
        for range in input.ip_ranges ?? [] {
            do { _ = try IPAddressRange(parsing: range) } catch { errors["ip_ranges"] = error.message }
        }
        if let pattern = input.host_pattern, !pattern.isEmpty {
            do { _ = try GlobPattern(pattern) } catch { errors["host_pattern"] = error.description }
        }
        if input.tag == nil && (input.ip_ranges ?? []).isEmpty && (input.host_pattern ?? "").isEmpty {
            errors["tag"] = "Give a tag, address ranges or a host name pattern (a rule without condition catches everything)."
        }
        guard errors.isEmpty, let entity = input.entity_id else { throw ParcError.validation(errors) }
        // Rules apply to every incoming inventory: only an administrator of the whole tree sets them.
        let tree = try await req.entityTree()
        for root in tree.roots { try await req.require(.inventoryAdmin, in: root) }
        try await req.require(.inventoryAdmin, in: entity)
        let id = UUID()
        let position = input.position ?? 1_000
        try await req.db.transaction { db in
            try await (db as! any SQLDatabase).insert(into: "inventory_entity_rules")
                .columns("id", "position", "name", "entity_id", "tag", "ip_ranges", "host_pattern", "created_at")
                .values(SQLBind(id), SQLBind(position), SQLBind(name), SQLBind(entity), SQLBind(input.tag),
                        SQLBind((input.ip_ranges ?? []).joined(separator: "\n")),
                        SQLBind(input.host_pattern?.nilIfEmpty), SQLBind(req.now)).run()
            try await AuditLog(request: req).record("inventory.entity_rule.created", objectType: "inventory_entity_rule",
                                                    objectID: id, label: name, entityID: entity, on: db)
        }
        let response = try await EntityRuleDTO(id: id, position: position, name: name, entity_id: entity, tag: input.tag,
                                               ip_ranges: input.ip_ranges ?? [], host_pattern: input.host_pattern?.nilIfEmpty)
            .encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func deleteRule(_ req: Request) async throws -> HTTPStatus {
        let tree = try await req.entityTree()
        for root in tree.roots { try await req.require(.inventoryAdmin, in: root) }
        guard let id = req.parameters.get("id", as: UUID.self) else { throw ParcError.notFound("rule") }
        try await (req.db as! any SQLDatabase).delete(from: "inventory_entity_rules").where("id", .equal, id).run()
        return .noContent
    }

    // MARK: Software dictionary (shared catalogue: administrators of the whole tree)

    @Sendable func listSoftwareRules(_ req: Request) async throws -> [SoftwareRuleStore.Row] {
        try await req.requireAnywhere(.assetsRead)
        return try await SoftwareRuleStore.rows(on: req.db)
    }

    @Sendable func createSoftwareRule(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(SoftwareRuleInput.self)
        let tree = try await req.entityTree()
        for root in tree.roots { try await req.require(.inventoryAdmin, in: root) }
        let row = SoftwareRuleStore.Row(
            id: UUID(), position: input.position ?? 1_000, match: input.match ?? "equals", pattern: input.pattern ?? "",
            publisher_match: input.publisher_match, publisher_pattern: input.publisher_pattern?.nilIfEmpty,
            action: input.action ?? "", new_name: input.new_name?.nilIfEmpty, new_publisher: input.new_publisher?.nilIfEmpty,
            comment: input.comment)
        // The whole dictionary with the new rule must compile: the same check the import relies on.
        let existing = try await SoftwareRuleStore.rows(on: req.db)
        do {
            _ = try SoftwareDictionary(rules: (existing + [row]).map { try $0.rule() })
        } catch let error as SoftwareDictionaryError {
            throw ParcError(.unprocessableEntity, code: error.code, error.message)
        }
        try await req.db.transaction { db in
            try await (db as! any SQLDatabase).insert(into: "software_rules")
                .columns("id", "position", "match", "pattern", "publisher_match", "publisher_pattern", "action",
                         "new_name", "new_publisher", "comment", "created_at")
                .values(SQLBind(row.id), SQLBind(row.position), SQLBind(row.match), SQLBind(row.pattern),
                        SQLBind(row.publisher_match), SQLBind(row.publisher_pattern), SQLBind(row.action),
                        SQLBind(row.new_name), SQLBind(row.new_publisher), SQLBind(row.comment), SQLBind(req.now)).run()
            try await AuditLog(request: req).record("software_rule.created", objectType: "software_rule", objectID: row.id,
                                                    label: row.pattern, entityID: tree.roots.first, on: db)
        }
        req.parc.inventory.dictionary.invalidate()
        let response = try await row.encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func deleteSoftwareRule(_ req: Request) async throws -> HTTPStatus {
        let tree = try await req.entityTree()
        for root in tree.roots { try await req.require(.inventoryAdmin, in: root) }
        guard let id = req.parameters.get("id", as: UUID.self) else { throw ParcError.notFound("rule") }
        try await (req.db as! any SQLDatabase).delete(from: "software_rules").where("id", .equal, id).run()
        req.parc.inventory.dictionary.invalidate()
        return .noContent
    }
}

extension SoftwareRuleStore.Row: Content {}
