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
        try await req.requireAnywhere(.ticketsCreate)
        guard let id = req.parameters.get("id", as: UUID.self),
              let category = try await TicketCategoryModel.find(id, on: req.db),
              try await HelpdeskAdminAPI.usableEntities(req).contains(category.entityID)
        else { throw ParcError.notFound("ticket category") }
        return category
    }

    @Sendable func category(_ req: Request) async throws -> CategoryDTO {
        CategoryDTO(try await Self.find(req))
    }

    @Sendable func createCategory(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(CategoryInput.self)
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await req.require(.helpdeskAdmin, in: entityID)
        let category = TicketCategoryModel()
        category.id = UUID()
        category.entityID = entityID
        let changes = try await apply(input, to: category, req, creating: true)
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            try await category.create(on: db)
            try await audit.record("ticket_category.created", objectType: "ticket_category", objectID: category.id!,
                                   label: category.name, entityID: entityID, changes: changes, on: db)
        }
        let response = try await CategoryDTO(category).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func updateCategory(_ req: Request) async throws -> CategoryDTO {
        let category = try await Self.find(req)
        try await req.require(.helpdeskAdmin, in: category.entityID)
        let input = try req.decodeStrict(CategoryInput.self)
        if let entity = input.entity_id, entity != category.entityID {
            throw ParcError.validation(["entity_id": "A category stays in its entity; create one in the other entity."])
        }
        let changes = try await apply(input, to: category, req, creating: false)
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            try await category.save(on: db)
            try await audit.record("ticket_category.updated", objectType: "ticket_category", objectID: category.id!,
                                   label: category.name, entityID: category.entityID, changes: changes, on: db)
        }
        return CategoryDTO(category)
    }

    @Sendable func deleteCategory(_ req: Request) async throws -> HTTPStatus {
        let category = try await Self.find(req)
        try await req.require(.helpdeskAdmin, in: category.entityID)
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            let children = try await TicketCategoryModel.query(on: db).filter(\.$parentID == category.id!).count()
            if children > 0 {
                throw ParcError.conflict("\(children) categories sit under this one; move or delete them first.")
            }
            let tickets = try await TicketModel.query(on: db).filter(\.$categoryID == category.id!).count()
            if tickets > 0 {
                throw ParcError.conflict("\(tickets) tickets use this category; move them to another category first, "
                    + "so that reports keep counting them.")
            }
            try await category.delete(on: db)
            try await audit.record("ticket_category.deleted", objectType: "ticket_category", objectID: category.id!,
                                   label: category.name, entityID: category.entityID,
                                   changes: [FieldChange(field: "name", before: category.name, after: nil)], on: db)
        }
        return .noContent
    }

    /// Checks `input` and copies it onto `category`; returns the changes for the history. On creation `name` is
    /// required; on update a field left out keeps its value and `null` clears it.
    private func apply(_ input: CategoryInput, to category: TicketCategoryModel, _ req: Request,
                       creating: Bool) async throws -> [FieldChange] {
        var errors: [String: String] = [:]
        let name = input.name != nil || creating ? HelpdeskAdminAPI.name(input.name, &errors) : category.name
        let template: String?? = try input.template.map { value in
            try value.map { text in
                TicketService.checkedText(text, "template", limit: TicketLimits.description, singleLine: false,
                                          required: false, &errors) ?? ""
            }
        }
        let usable = Set(try await req.entityTree().ancestors(of: category.entityID) + [category.entityID])
        if case .some(.some(let parent)) = input.parent_id {
            let found = try await TicketCategoryModel.find(parent, on: req.db)
            if found == nil || !usable.contains(found!.entityID) {
                errors["parent_id"] = "No category of this entity or above it has this id."
            } else if !creating, try await isSelfOrDescendant(parent, of: category.id!, on: req.db) {
                errors["parent_id"] = "A category cannot sit under itself or under one of its own subcategories."
            }
        }
        if case .some(.some(let group)) = input.default_group_id {
            let found = try await SupportGroupModel.find(group, on: req.db)
            if found == nil || !usable.contains(found!.entityID) {
                errors["default_group_id"] = "No group of this entity or above it has this id."
            }
        }
        if case .some(.some(let policy)) = input.sla_policy_id {
            let found = try await SLAPolicyModel.find(policy, on: req.db)
            if found == nil || !usable.contains(found!.entityID) {
                errors["sla_policy_id"] = "No SLA policy of this entity or above it has this id."
            }
        }
        var fields = category.ticketTemplate
        if let predefined = input.predefined {
            var cleaned = predefined
            cleaned.title = predefined.title.flatMap { $0.isEmpty ? nil : $0 }
            cleaned.location = predefined.location.flatMap { $0.isEmpty ? nil : $0 }
            cleaned.tags = predefined.tags.flatMap { $0.isEmpty ? nil : $0 }
            fields.predefined = cleaned
        }
        if let names = input.mandatory_fields {
            let known = names.compactMap(TicketTemplate.Field.init(rawValue:))
            if known.count != names.count {
                errors["mandatory_fields"] = "Use \(TicketTemplate.Field.allCases.map(\.rawValue).joined(separator: ", "))"
                    + " (title, description, type, urgency and impact are always required)."
            }
            fields = TicketTemplate(predefined: fields.predefined, mandatory: known)
        }
        for (field, problem) in fields.problems(titleLimit: TicketLimits.title, locationLimit: TicketLimits.location,
                                                tagLimit: TicketLimits.tag, tagCount: TicketLimits.tags) {
            errors[field] = problem
        }
        guard errors.isEmpty, let name else { throw ParcError.validation(errors) }
        if creating || name != category.name {
            let parent = input.parent_id ?? category.parentID
            let namesakes = try await TicketCategoryModel.query(on: req.db).filter(\.$entityID == category.entityID)
                .filter(\.$name == name).all()
            if namesakes.contains(where: { $0.parentID == parent && $0.id != category.id }) {
                throw ParcError.conflict("This level of the entity's categories already has one named \(name).")
            }
        }
        let before = creating ? [:] : snapshot(category)
        category.name = name
        if let parent = input.parent_id { category.parentID = parent }
        if let group = input.default_group_id { category.defaultGroupID = group }
        if let policy = input.sla_policy_id { category.slaPolicyID = policy }
        if let template { category.template = template.flatMap { $0.isEmpty ? nil : $0 } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        category.templateFieldsJSON = fields.isEmpty ? nil : String(decoding: try encoder.encode(fields), as: UTF8.self)
        return FieldChange.between(before, snapshot(category))
    }

    private func snapshot(_ category: TicketCategoryModel) -> [String: String?] {
        ["name": category.name, "parent_id": category.parentID?.uuidString,
         "default_group_id": category.defaultGroupID?.uuidString, "sla_policy_id": category.slaPolicyID?.uuidString,
         "template": category.template, "template_fields": category.templateFieldsJSON]
    }

    /// Whether `candidate` is `category` or sits somewhere under it.
    private func isSelfOrDescendant(_ candidate: UUID, of category: UUID, on db: any Database) async throws -> Bool {
        var current: UUID? = candidate
        var seen: Set<UUID> = []
        while let id = current, seen.insert(id).inserted {
            if id == category { return true }
            current = try await TicketCategoryModel.find(id, on: db)?.parentID
        }
        return false
    }
}
