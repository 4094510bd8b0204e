import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/api/v1/ticket-categories`: the category tree of each entity, with what a ticket of the category gets — a
/// default group and SLA, and a template: the description's starting text, predefined values and mandatory fields
/// (docs/helpdesk.md, decision 0061).
struct TicketCategoriesAPI {
    struct CategoryInput: StrictContent {
        var entity_id: UUID?
        var parent_id: UUID??
        var name: String?
        var default_group_id: UUID??
        var sla_policy_id: UUID??
        var template: String??
        var predefined: TicketTemplate.Predefined?
        var mandatory_fields: [String]?

        static let acceptedFields: Set<String> = ["entity_id", "parent_id", "name", "default_group_id", "sla_policy_id",
                                                  "template", "predefined", "mandatory_fields"]
        static let nestedAcceptedFields: [String: Set<String>] = [
            "predefined": ["type", "urgency", "impact", "title", "location", "tags"],
        ]
        static let predefinedSchema = OpenAPISchema.object([
            "type": .string(enumValues: TicketKind.allCases.map(\.rawValue)), "urgency": .integer, "impact": .integer,
            "title": .string(description: "The start of the title"), "location": .string(), "tags": .array(.string()),
        ], required: [])
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "parent_id": .nullable(.uuid), "name": .string(), "default_group_id": .nullable(.uuid),
            "sla_policy_id": .nullable(.uuid),
            "template": .nullable(.string(description: "Markdown that pre-fills the description of new tickets")),
            "predefined": predefinedSchema,
            "mandatory_fields": .array(.string(enumValues: TicketTemplate.Field.allCases.map(\.rawValue))),
        ], required: [])

        private enum Keys: String, CodingKey {
            case entity_id, parent_id, name, default_group_id, sla_policy_id, template, predefined, mandatory_fields
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            entity_id = try c.decodeIfPresent(UUID.self, forKey: .entity_id)
            parent_id = try c.decodeNullable(UUID.self, forKey: .parent_id)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            default_group_id = try c.decodeNullable(UUID.self, forKey: .default_group_id)
            sla_policy_id = try c.decodeNullable(UUID.self, forKey: .sla_policy_id)
            template = try c.decodeNullable(String.self, forKey: .template)
            predefined = try c.decodeIfPresent(TicketTemplate.Predefined.self, forKey: .predefined)
            mandatory_fields = try c.decodeIfPresent([String].self, forKey: .mandatory_fields)
        }
    }

    struct CategoryDTO: Content, EncodesNulls {
        func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }
        let id: UUID
        let entity_id: UUID
        let parent_id: UUID?
        let name: String
        let default_group_id: UUID?
        let sla_policy_id: UUID?
        let template: String?
        let predefined: TicketTemplate.Predefined
        let mandatory_fields: [String]

        init(_ model: TicketCategoryModel) {
            id = model.id!
            entity_id = model.entityID
            parent_id = model.parentID
            name = model.name
            default_group_id = model.defaultGroupID
            sla_policy_id = model.slaPolicyID
            template = model.template
            let fields = model.ticketTemplate
            predefined = fields.predefined
            mandatory_fields = fields.mandatory.map(\.rawValue)
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "parent_id": .nullable(.uuid), "name": .string(),
            "default_group_id": .nullable(.uuid), "sla_policy_id": .nullable(.uuid), "template": .nullable(.string()),
            "predefined": CategoryInput.predefinedSchema,
            "mandatory_fields": .array(.string(enumValues: TicketTemplate.Field.allCases.map(\.rawValue))),
        ], required: ["id", "entity_id", "name", "predefined", "mandatory_fields"])
    }

    func register(_ api: APIRoutes) {
        api.schema("TicketCategory", CategoryDTO.schema)
        api.on(.GET, "ticket-categories", summary: "Ticket categories", tag: "Helpdesk",
               query: APIRoutes.listParameters(sortable: ["name"]), response: .list(of: "TicketCategory"),
               use: categories)
        api.on(.GET, "ticket-categories/:id", summary: "A ticket category", tag: "Helpdesk",
               response: .ref("TicketCategory"), use: category)
        api.on(.POST, "ticket-categories", summary: "Create a category", tag: "Helpdesk", body: CategoryInput.schema,
               response: .ref("TicketCategory"), status: 201, use: createCategory)
        api.on(.PATCH, "ticket-categories/:id", summary: "Change a category, its defaults or its template",
               tag: "Helpdesk", body: CategoryInput.schema, response: .ref("TicketCategory"), use: updateCategory)
        api.on(.DELETE, "ticket-categories/:id", summary: "Delete a category no ticket or category uses",
               tag: "Helpdesk", response: nil, status: 204, use: deleteCategory)
    }

    @Sendable func categories(_ req: Request) async throws -> ListResponse<CategoryDTO> {
        try await req.requireAnywhere(.ticketsCreate)
        let query = try req.listQuery(ListQuerySpec(sortable: ["name"], defaultSort: [.init("name")]))
        let all = try await TicketCategoryModel.query(on: req.db)
            .scoped(to: try await HelpdeskAdminAPI.usableEntities(req), \.$entityID).sort(\.$name).all()
        return ListResponse(items: all.dropFirst(query.offset).prefix(query.perPage).map(CategoryDTO.init),
                            total: all.count, next: req.nextPageURL(query, total: all.count))
    }

    /// A category the user may use (their entities and those above), or 404.
    static func find(_ req: Request) async throws -> TicketCategoryModel {
        try await TicketCategoryStore(request: req).find(req.parameters.get("id", as: UUID.self))
    }

    @Sendable func category(_ req: Request) async throws -> CategoryDTO {
        CategoryDTO(try await Self.find(req))
    }

    @Sendable func createCategory(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(CategoryInput.self)
        let category = try await TicketCategoryStore(request: req).create(input)
        let response = try await CategoryDTO(category).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func updateCategory(_ req: Request) async throws -> CategoryDTO {
        let store = TicketCategoryStore(request: req)
        let category = try await store.find(req.parameters.get("id", as: UUID.self))
        try await req.require(.helpdeskAdmin, in: category.entityID)
        try await store.update(category, try req.decodeStrict(CategoryInput.self))
        return CategoryDTO(category)
    }

    @Sendable func deleteCategory(_ req: Request) async throws -> HTTPStatus {
        let store = TicketCategoryStore(request: req)
        try await store.delete(try await store.find(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }
}
