import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/tickets/categories`: the category tree of each entity the user administers, and the form that writes a
/// category — its place in the tree, default group and SLA, and template (docs/helpdesk.md §Category templates).
/// The form is read into the API's ``TicketCategoriesAPI/CategoryInput`` and written by ``TicketCategoryStore``.
struct TicketCategoryPagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("tickets", "categories", use: listPage)
        routes.get("tickets", "categories", "new", use: newPage)
        routes.post("tickets", "categories", use: create)
        routes.get("tickets", "categories", ":id", "edit", use: editPage)
        routes.post("tickets", "categories", ":id", use: update)
        routes.post("tickets", "categories", ":id", "delete", use: delete)
    }

    // MARK: list

    struct Row: Encodable {
        let id: UUID
        let name: String
        let depth: Int
        let group: String?
        let policy: String?
        let mandatory: String?
        let hasTemplate: Bool
    }

    struct EntityCategories: Encodable {
        let entity: String
        let rows: [Row]
    }

    struct ListPage: Encodable {
        let entities: [EntityCategories]
        let tabs: [HelpdeskSetupTab]
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let tree = try await req.entityTree()
        let administered = try await req.entities(for: .helpdeskAdmin)
        let categories = try await TicketCategoryModel.query(on: req.db).scoped(to: administered, \.$entityID)
            .sort(\.$name).all()
        let groups = try await SupportGroupModel.query(on: req.db)
            .filter(\.$id ~~ Array(Set(categories.compactMap(\.defaultGroupID)))).all()
        let policies = try await SLAPolicyModel.query(on: req.db)
            .filter(\.$id ~~ Array(Set(categories.compactMap(\.slaPolicyID)))).all()
        let entities = tree.ordered.filter(administered.contains).compactMap { entity -> EntityCategories? in
            let own = categories.filter { $0.entityID == entity }
            guard !own.isEmpty else { return nil }
            let ids = Set(own.compactMap(\.id))
            var rows: [Row] = []
            // Depth first from the entity's top categories (those whose parent is not one of its own).
            func visit(_ parent: UUID?, depth: Int) {
                for category in own where (parent == nil ? category.parentID.map { !ids.contains($0) } ?? true
                                           : category.parentID == parent) {
                    guard rows.count < own.count, !rows.contains(where: { $0.id == category.id }) else { continue }
                    let template = category.ticketTemplate
                    rows.append(Row(id: category.id!, name: category.name, depth: min(depth, 8),
                                    group: groups.first { $0.id == category.defaultGroupID }?.name,
                                    policy: policies.first { $0.id == category.slaPolicyID }?.name,
                                    mandatory: template.mandatory.isEmpty ? nil : template.mandatory
                                        .map { req.t("tickets.categories.field.\($0.rawValue)") }.joined(separator: ", "),
                                    hasTemplate: category.template != nil || !template.predefined.isEmpty))
                    visit(category.id, depth: depth + 1)
                }
            }
            visit(nil, depth: 0)
            return EntityCategories(entity: tree.path(of: entity), rows: rows)
        }
        return try await req.renderPage("tickets/categories", title: req.t("tickets.categories.title"),
                                        active: HelpdeskSetupTab.navigationID,
                                        page: ListPage(entities: entities,
                                                       tabs: try await HelpdeskSetupTab.all(req, current: "categories")))
    }

    // MARK: form

    struct FormPage: Encodable {
        let action: String
        let isNew: Bool
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let parents: [SLAPolicyPagesController.OptionGroup]
        let groups: [SLAPolicyPagesController.OptionGroup]
        let policies: [SLAPolicyPagesController.OptionGroup]
        let types: [SelectOption]
        let urgencies: [SelectOption]
        let impacts: [SelectOption]
        let mandatory: [SelectOption]
        let tabs: [HelpdeskSetupTab]
    }

    /// The form's single fields as typed, and the mandatory fields ticked.
    struct Form {
        var values: [String: String]
        var mandatory: [String]

        static let keys = ["entity_id", "parent_id", "name", "default_group_id", "sla_policy_id", "template", "type",
                           "urgency", "impact", "title", "location", "tags"]

        init(_ fields: FormFields) {
            values = Dictionary(uniqueKeysWithValues: Self.keys.map { ($0, fields[$0] ?? "") })
            mandatory = fields.all("mandatory_fields")
        }

        init(_ category: TicketCategoryModel?, parent: UUID?) {
            let template = category?.ticketTemplate ?? TicketTemplate()
            let predefined = template.predefined
            values = [
                "entity_id": category?.entityID.uuidString ?? "", "name": category?.name ?? "",
                "parent_id": (category?.parentID ?? parent)?.uuidString ?? "",
                "default_group_id": category?.defaultGroupID?.uuidString ?? "",
                "sla_policy_id": category?.slaPolicyID?.uuidString ?? "", "template": category?.template ?? "",
                "type": predefined.type ?? "", "urgency": predefined.urgency.map(String.init) ?? "",
                "impact": predefined.impact.map(String.init) ?? "", "title": predefined.title ?? "",
                "location": predefined.location ?? "", "tags": (predefined.tags ?? []).joined(separator: ", "),
            ]
            mandatory = template.mandatory.map(\.rawValue)
        }

        /// The API's input: every field given, so that an emptied field is cleared. An id that does not read is
        /// sent as one that exists nowhere, for the store to refuse as it refuses an unknown one.
        var input: TicketCategoriesAPI.CategoryInput {
            func id(_ key: String) -> UUID?? {
                let text = values[key] ?? ""
                return text.isEmpty ? .some(nil) : .some(UUID(uuidString: text) ?? HelpdeskChoices.nowhere)
            }
            func level(_ key: String) -> Int? {
                let text = values[key] ?? ""
                return text.isEmpty ? nil : Int(text.prefix(3)) ?? 0
            }
            func text(_ key: String) -> String? { (values[key] ?? "").isEmpty ? nil : values[key] }
            var input = TicketCategoriesAPI.CategoryInput()
            input.entity_id = values["entity_id"].flatMap(UUID.init(uuidString:))
            input.parent_id = id("parent_id")
            input.name = values["name"] ?? ""
            input.default_group_id = id("default_group_id")
            input.sla_policy_id = id("sla_policy_id")
            input.template = .some(values["template"] ?? "")
            input.predefined = TicketTemplate.Predefined(
                type: text("type"), urgency: level("urgency"), impact: level("impact"), title: text("title"),
                location: text("location"),
                tags: (values["tags"] ?? "").split(separator: ",").prefix(TicketLimits.tags + 1)
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            input.mandatory_fields = mandatory
            return input
        }
    }

    private func renderForm(_ req: Request, _ form: Form, action: String, isNew: Bool, editing: UUID? = nil,
                            errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let tree = try await req.entityTree()
        let usable = try await HelpdeskAdminAPI.usableEntities(req)
        let choices = try await HelpdeskChoices.load(req, usable: usable, tree: tree, technicianEntity: nil)
        let values = form.values
        let notOffered = req.t("tickets.setup.not_offered")
        func withBlank(_ groups: [SLAPolicyPagesController.OptionGroup], _ key: String, label: String)
            -> [SLAPolicyPagesController.OptionGroup]
        {
            [.init(label: "", options: [SelectOption(value: "", label: label, selected: (values[key] ?? "").isEmpty)])]
                + groups
        }
        // A category cannot sit under itself: the form leaves it (not its subcategories, which the store refuses
        // with a message) out of the parents.
        let parents = HelpdeskChoices(tree: tree, categories: choices.categories.filter { $0.id != editing },
                                      groups: [], policies: [], technicians: [])
        func levels(_ key: String) -> [SelectOption] {
            [SelectOption(value: "", label: "—", selected: (values[key] ?? "").isEmpty)] + (1...5).map {
                SelectOption(value: String($0), label: req.t("tickets.level.\($0)"), selected: values[key] == String($0))
            }
        }
        let page = FormPage(
            action: action, isNew: isNew, values: values,
            errors: Dictionary(errors.map { ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value) }) { $1 },
            entities: try await req.entityOptions(for: .helpdeskAdmin,
                                                  selected: values["entity_id"].flatMap(UUID.init(uuidString:))),
            parents: withBlank(parents.categories(req, selected: [values["parent_id"] ?? ""]), "parent_id",
                               label: req.t("tickets.categories.top_level")),
            groups: withBlank(choices.grouped(choices.groups, selected: [values["default_group_id"] ?? ""],
                                              unknownLabel: notOffered), "default_group_id", label: "—"),
            policies: withBlank(choices.grouped(choices.policies, selected: [values["sla_policy_id"] ?? ""],
                                                unknownLabel: notOffered), "sla_policy_id",
                                label: req.t("tickets.categories.entity_sla")),
            types: [SelectOption(value: "", label: "—", selected: (values["type"] ?? "").isEmpty)]
                + TicketKind.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("tickets.type.\($0.rawValue)"),
                                 selected: values["type"] == $0.rawValue)
                },
            urgencies: levels("urgency"), impacts: levels("impact"),
            mandatory: TicketTemplate.Field.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("tickets.categories.field.\($0.rawValue)"),
                             selected: form.mandatory.contains($0.rawValue))
            },
            tabs: try await HelpdeskSetupTab.all(req, current: "categories"))
        let title = isNew ? req.t("tickets.categories.new") : req.t("tickets.categories.edit", values["name"] ?? "")
        return try await req.renderPage("tickets/category-form", title: title, active: HelpdeskSetupTab.navigationID,
                                        page: page, status: status)
    }

    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let parent = req.query[UUID.self, at: "parent"]
        var form = Form(nil, parent: parent)
        if let parent, let category = try? await TicketCategoryStore(request: req).find(parent) {
            form.values["entity_id"] = category.entityID.uuidString
        }
        return try await renderForm(req, form, action: "/tickets/categories", isNew: true)
    }

    /// The category the path names, once the user may write it.
    private func category(_ req: Request) async throws -> TicketCategoryModel {
        let category = try await TicketCategoryStore(request: req).find(req.parameters.get("id", as: UUID.self))
        try await req.require(.helpdeskAdmin, in: category.entityID)
        return category
    }

    @Sendable func editPage(_ req: Request) async throws -> Response {
        let category = try await category(req)
        return try await renderForm(req, Form(category, parent: nil), action: "/tickets/categories/\(category.id!)",
                                    isNew: false, editing: category.id)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let form = Form(FormFields(req))
        return try await save(req, form, action: "/tickets/categories", editing: nil) {
            try await TicketCategoryStore(request: req).create(form.input)
        }
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let category = try await category(req)
        var form = Form(FormFields(req))
        form.values["entity_id"] = category.entityID.uuidString
        return try await save(req, form, action: "/tickets/categories/\(category.id!)", editing: category.id) {
            try await TicketCategoryStore(request: req).update(category, form.input)
            return category
        }
    }

    /// Runs the write; a refusal comes back as the form with what was typed, the errors by field (a name taken at
    /// its level, a 409, shows on the name).
    private func save(_ req: Request, _ form: Form, action: String, editing: UUID?,
                      _ write: () async throws -> TicketCategoryModel) async throws -> Response {
        do {
            let category = try await write()
            req.flash("success", req.t("tickets.categories.saved", category.name))
            return req.redirect(to: "/tickets/categories")
        } catch let error as ParcError where error.status == .unprocessableEntity || error.status == .conflict {
            let errors = error.status == .conflict ? ["name": req.t("tickets.categories.name_taken")]
                : req.localized(error.fields)
            return try await renderForm(req, form, action: action, isNew: editing == nil, editing: editing,
                                        errors: errors, status: error.status)
        }
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        let category = try await category(req)
        do {
            try await TicketCategoryStore(request: req).delete(category)
            req.flash("success", req.t("tickets.categories.deleted", category.name))
        } catch let error as ParcError where error.status == .conflict {
            req.flash("error", req.t("tickets.categories.not_deleted", category.name, req.localized(error)))
        }
        return req.redirect(to: "/tickets/categories")
    }
}
