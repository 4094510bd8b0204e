import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// Reading and writing ticket categories, for the API and the pages alike: one lookup (404 outside the entities
/// whose helpdesk objects the user may use), one permission (`helpdeskAdmin` in the category's entity), one
/// validation of ``TicketCategoriesAPI/CategoryInput``, one transaction with its history line.
struct TicketCategoryStore {
    let request: Request

    /// A category the user may use (their entities and those above), or 404.
    func find(_ id: UUID?) async throws -> TicketCategoryModel {
        try await request.requireAnywhere(.ticketsCreate)
        guard let id, let category = try await TicketCategoryModel.find(id, on: request.db),
              try await HelpdeskAdminAPI.usableEntities(request).contains(category.entityID)
        else { throw ParcError.notFound("ticket category") }
        return category
    }

    func create(_ input: TicketCategoriesAPI.CategoryInput) async throws -> TicketCategoryModel {
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await request.require(.helpdeskAdmin, in: entityID)
        let category = TicketCategoryModel()
        category.id = UUID()
        category.entityID = entityID
        let changes = try await apply(input, to: category, creating: true)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await category.create(on: db)
            try await audit.record("ticket_category.created", objectType: "ticket_category", objectID: category.id!,
                                   label: category.name, entityID: entityID, changes: changes, on: db)
        }
        return category
    }

    func update(_ category: TicketCategoryModel, _ input: TicketCategoriesAPI.CategoryInput) async throws {
        try await request.require(.helpdeskAdmin, in: category.entityID)
        if let entity = input.entity_id, entity != category.entityID {
            throw ParcError.validation(["entity_id": "A category stays in its entity; create one in the other entity."])
        }
        let changes = try await apply(input, to: category, creating: false)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await category.save(on: db)
            try await audit.record("ticket_category.updated", objectType: "ticket_category", objectID: category.id!,
                                   label: category.name, entityID: category.entityID, changes: changes, on: db)
        }
    }

    /// Deletes a category no subcategory and no ticket uses; 409 with the count otherwise.
    func delete(_ category: TicketCategoryModel) async throws {
        try await request.require(.helpdeskAdmin, in: category.entityID)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            let children = try await TicketCategoryModel.query(on: db).filter(\.$parentID == category.id!).count()
            if children > 0 {
                var error = ParcError.conflict("\(children) categories sit under this one; move or delete them first.")
                error.messageKey = ("tickets.categories.has_children", [String(children)])
                throw error
            }
            let tickets = try await TicketModel.query(on: db).filter(\.$categoryID == category.id!).count()
            if tickets > 0 {
                var error = ParcError.conflict("\(tickets) tickets use this category; move them to another category "
                    + "first, so that reports keep counting them.")
                error.messageKey = ("tickets.categories.has_tickets", [String(tickets)])
                throw error
            }
            try await category.delete(on: db)
            try await audit.record("ticket_category.deleted", objectType: "ticket_category", objectID: category.id!,
                                   label: category.name, entityID: category.entityID,
                                   changes: [FieldChange(field: "name", before: category.name, after: nil)], on: db)
        }
    }

    /// Checks `input` and copies it onto `category`; returns the changes for the history. On creation `name` is
    /// required; on update a field left out keeps its value and `null` clears it.
    private func apply(_ input: TicketCategoriesAPI.CategoryInput, to category: TicketCategoryModel,
                       creating: Bool) async throws -> [FieldChange] {
        var errors: [String: String] = [:]
        let name = input.name != nil || creating ? HelpdeskAdminAPI.name(input.name, &errors) : category.name
        let template: String?? = try input.template.map { value in
            try value.map { text in
                TicketService.checkedText(text, "template", limit: TicketLimits.description, singleLine: false,
                                          required: false, &errors) ?? ""
            }
        }
        let usable = Set(try await request.entityTree().ancestors(of: category.entityID) + [category.entityID])
        if case .some(.some(let parent)) = input.parent_id {
            let found = try await TicketCategoryModel.find(parent, on: request.db)
            if found == nil || !usable.contains(found!.entityID) {
                errors["parent_id"] = "No category of this entity or above it has this id."
            } else if !creating, try await isSelfOrDescendant(parent, of: category.id!, on: request.db) {
                errors["parent_id"] = "A category cannot sit under itself or under one of its own subcategories."
            }
        }
        if case .some(.some(let group)) = input.default_group_id {
            let found = try await SupportGroupModel.find(group, on: request.db)
            if found == nil || !usable.contains(found!.entityID) {
                errors["default_group_id"] = "No group of this entity or above it has this id."
            }
        }
        if case .some(.some(let policy)) = input.sla_policy_id {
            let found = try await SLAPolicyModel.find(policy, on: request.db)
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
            let namesakes = try await TicketCategoryModel.query(on: request.db).filter(\.$entityID == category.entityID)
                .filter(\.$name == name).all()
            if namesakes.contains(where: { $0.parentID == parent && $0.id != category.id }) {
                throw ParcError.conflict("This level of the entity's categories already has one named \(name).")
            }
        }
        let before = creating ? [:] : Self.snapshot(category)
        category.name = name
        if let parent = input.parent_id { category.parentID = parent }
        if let group = input.default_group_id { category.defaultGroupID = group }
        if let policy = input.sla_policy_id { category.slaPolicyID = policy }
        if let template { category.template = template.flatMap { $0.isEmpty ? nil : $0 } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        category.templateFieldsJSON = fields.isEmpty ? nil : String(decoding: try encoder.encode(fields), as: UTF8.self)
        return FieldChange.between(before, Self.snapshot(category))
    }

    static func snapshot(_ category: TicketCategoryModel) -> [String: String?] {
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
