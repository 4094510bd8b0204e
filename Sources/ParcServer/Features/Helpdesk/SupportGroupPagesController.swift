import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/tickets/groups`: the support groups of the entities the user administers, with their members, and the form
/// that creates a group or changes its name and members. Writes go through ``SupportGroupStore``, as the API's do.
struct SupportGroupPagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("tickets", "groups", use: listPage)
        routes.get("tickets", "groups", "new", use: newPage)
        routes.post("tickets", "groups", use: create)
        routes.get("tickets", "groups", ":id", "edit", use: editPage)
        routes.post("tickets", "groups", ":id", use: update)
    }

    struct Row: Encodable {
        let id: UUID
        let name: String
        let entity: String
        let members: String
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let tabs: [HelpdeskSetupTab]
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let tree = try await req.entityTree()
        let groups = try await SupportGroupModel.query(on: req.db)
            .scoped(to: try await req.entities(for: .helpdeskAdmin), \.$entityID).sort(\.$name).all()
        let members = try await SupportGroupStore(request: req).members(of: groups)
        let names = try await UserModel.query(on: req.db).filter(\.$id ~~ Array(Set(members.values.joined()))).all()
        let rows = groups.map { group in
            Row(id: group.id!, name: group.name, entity: tree.path(of: group.entityID),
                members: (members[group.id!] ?? []).compactMap { id in names.first { $0.id == id }?.displayName }
                    .sorted().joined(separator: ", "))
        }
        return try await req.renderPage("tickets/groups", title: req.t("tickets.groups.title"),
                                        active: HelpdeskSetupTab.navigationID,
                                        page: ListPage(rows: rows, tabs: try await HelpdeskSetupTab.all(req, current: "groups")))
    }

    struct FormPage: Encodable {
        let action: String
        let isNew: Bool
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let members: [SelectOption]
        let tabs: [HelpdeskSetupTab]
    }

    private func renderForm(_ req: Request, values: [String: String], members: [String], action: String, isNew: Bool,
                            errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let tree = try await req.entityTree()
        let entities = try await req.entityOptions(for: .helpdeskAdmin,
                                                   selected: values["entity_id"].flatMap(UUID.init(uuidString:)))
        let entity = values["entity_id"].flatMap(UUID.init(uuidString:)) ?? entities.first.flatMap { UUID(uuidString: $0.value) }
        let choices = try await HelpdeskChoices.load(req, usable: [], tree: tree, technicianEntity: entity)
        let chosen = Set(members)
        var options = choices.technicians.map {
            SelectOption(value: $0.id.uuidString, label: $0.name, selected: chosen.contains($0.id.uuidString))
        }
        // A member who no longer works the entity's tickets stays listed, so that saving does not drop them unseen.
        let offered = Set(choices.technicians.map(\.id.uuidString))
        options += members.filter { !offered.contains($0) }.map {
            SelectOption(value: $0, label: req.t("tickets.groups.not_technician", $0), selected: true)
        }
        let page = FormPage(action: action, isNew: isNew, values: values, errors: errors, entities: entities,
                            members: options, tabs: try await HelpdeskSetupTab.all(req, current: "groups"))
        let title = isNew ? req.t("tickets.groups.new") : req.t("tickets.groups.edit", values["name"] ?? "")
        return try await req.renderPage("tickets/group-form", title: title, active: HelpdeskSetupTab.navigationID,
                                        page: page, status: status)
    }

    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let entity = req.query[UUID.self, at: "entity_id"]
        return try await renderForm(req, values: ["entity_id": entity?.uuidString ?? ""], members: [],
                                    action: "/tickets/groups", isNew: true)
    }

    private func group(_ req: Request) async throws -> SupportGroupModel {
        let group = try await SupportGroupStore(request: req).find(req.parameters.get("id", as: UUID.self))
        try await req.require(.helpdeskAdmin, in: group.entityID)
        return group
    }

    @Sendable func editPage(_ req: Request) async throws -> Response {
        let group = try await group(req)
        let members = try await SupportGroupStore(request: req).members(of: [group])[group.id!] ?? []
        return try await renderForm(req, values: ["entity_id": group.entityID.uuidString, "name": group.name],
                                    members: members.map(\.uuidString), action: "/tickets/groups/\(group.id!)",
                                    isNew: false)
    }

    /// Member ids as posted; one that does not read is sent as an id no account has, for the store to refuse.
    private static func memberIDs(_ values: [String]) -> [UUID] {
        values.prefix(TicketLimits.actors * 20).map {
            UUID(uuidString: $0) ?? HelpdeskChoices.nowhere
        }
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let fields = FormFields(req)
        let values = ["entity_id": fields["entity_id"] ?? "", "name": fields["name"] ?? ""]
        let members = fields.all("member_ids")
        do {
            guard let entity = UUID(uuidString: values["entity_id"] ?? "") else {
                throw ParcError.validation(["entity_id": "is required"])
            }
            let (group, _) = try await SupportGroupStore(request: req).create(entity: entity, name: values["name"],
                                                                               members: Self.memberIDs(members))
            req.flash("success", req.t("tickets.groups.saved", group.name))
            return req.redirect(to: "/tickets/groups")
        } catch let error as ParcError where error.status == .unprocessableEntity || error.status == .conflict {
            let errors = error.status == .conflict ? ["name": req.t("tickets.groups.name_taken")] : req.localized(error.fields)
            return try await renderForm(req, values: values, members: members, action: "/tickets/groups", isNew: true,
                                        errors: errors, status: error.status)
        }
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let group = try await group(req)
        let fields = FormFields(req)
        let values = ["entity_id": group.entityID.uuidString, "name": fields["name"] ?? ""]
        let members = fields.all("member_ids")
        do {
            _ = try await SupportGroupStore(request: req).update(group, name: values["name"], members: Self.memberIDs(members))
            req.flash("success", req.t("tickets.groups.saved", group.name))
            return req.redirect(to: "/tickets/groups")
        } catch let error as ParcError where error.status == .unprocessableEntity || error.status == .conflict {
            let errors = error.status == .conflict ? ["name": req.t("tickets.groups.name_taken")] : req.localized(error.fields)
            return try await renderForm(req, values: values, members: members, action: "/tickets/groups/\(group.id!)",
                                        isNew: false, errors: errors, status: error.status)
        }
    }
}
