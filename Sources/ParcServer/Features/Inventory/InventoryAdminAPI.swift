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

    typealias EntityRuleDTO = InventoryEntityRuleStore.Row

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
        let (settings, source) = try await InventorySettings.resolved(for: entity, tree: try await req.entityTree(),
                                                                      on: req.db)
        return SettingsDTO(entity_id: entity, inherited_from: source == entity ? nil : source,
                           match_order: settings.matchOrder.map(\.rawValue), allowed_ranges: settings.allowedRanges,
                           basic_user: settings.basicUser, basic_password: password)
    }

    @Sendable func putSettings(_ req: Request) async throws -> SettingsDTO {
        let entity = try await entityParameter(req, permission: .inventoryAdmin)
        let input = try req.decodeStrict(SettingsInput.self)
        let (order, errors) = InventorySettings.check(
            matchOrder: input.match_order, allowedRanges: input.allowed_ranges, basicUser: input.basic_user,
            requireCredentials: input.require_credentials == true)
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        // The API replaces the whole settings: without require_credentials, agents need none.
        let password = try await InventorySettingsService(request: req).save(
            entity: entity, matchOrder: order, allowedRanges: input.allowed_ranges, basicUser: input.basic_user,
            credentials: input.require_credentials == true ? .generate : .remove)
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
        return try await InventoryEntityRuleStore.rows(on: req.db).filter { visible.contains($0.entity_id) }
    }

    @Sendable func createRule(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(EntityRuleInput.self)
        let name = input.name?.trimmingCharacters(in: .whitespaces) ?? ""
        let errors = InventoryEntityRuleStore.check(name: name, entity: input.entity_id, tag: input.tag,
                                                    ipRanges: input.ip_ranges ?? [], hostPattern: input.host_pattern)
        guard errors.isEmpty, let entity = input.entity_id else { throw ParcError.validation(errors) }
        let row = try await InventoryEntityRuleService(request: req).create(
            name: name, entity: entity, tag: input.tag, ipRanges: input.ip_ranges ?? [],
            hostPattern: input.host_pattern, position: input.position ?? 1_000)
        let response = try await row.encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func deleteRule(_ req: Request) async throws -> HTTPStatus {
        _ = try await InventoryEntityRuleService(request: req).delete(req.parameters.get("id", as: UUID.self))
        return .noContent
    }

    // MARK: Software dictionary (shared catalogue: administrators of the whole tree)

    @Sendable func listSoftwareRules(_ req: Request) async throws -> [SoftwareRuleStore.Row] {
        try await req.requireAnywhere(.assetsRead)
        return try await SoftwareRuleStore.rows(on: req.db)
    }

    @Sendable func createSoftwareRule(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(SoftwareRuleInput.self)
        let row: SoftwareRuleStore.Row
        do {
            row = try await SoftwareRuleService(request: req).create(
                match: input.match ?? "equals", pattern: input.pattern ?? "", publisherMatch: input.publisher_match,
                publisherPattern: input.publisher_pattern, action: input.action ?? "", newName: input.new_name,
                newPublisher: input.new_publisher, comment: input.comment, position: input.position ?? 1_000)
        } catch let error as SoftwareDictionaryError {
            throw ParcError(.unprocessableEntity, code: error.code, error.message, fields: [error.field: error.message])
        }
        let response = try await row.encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func deleteSoftwareRule(_ req: Request) async throws -> HTTPStatus {
        _ = try await SoftwareRuleService(request: req).delete(req.parameters.get("id", as: UUID.self))
        return .noContent
    }
}

extension SoftwareRuleStore.Row: Content {}
