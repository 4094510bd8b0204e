import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/tickets/settings`: an entity's helpdesk settings — its priority matrix as a 5 × 5 grid, the default SLA policy,
/// the approval delay and what mail from unknown senders does — shown as they resolve (own or inherited) and written
/// through ``HelpdeskSettingsStore``, as the API's are.
struct HelpdeskSettingsPagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("tickets", "settings", use: page)
        routes.post("tickets", "settings", ":entity", use: update)
    }

    struct Cell: Encodable {
        let urgency: Int
        let impact: Int
        let label: String
        let options: [SelectOption]
    }

    struct MatrixRow: Encodable {
        let urgency: Int
        let label: String
        let cells: [Cell]
    }

    struct Page: Encodable {
        let entity: String
        let entityID: String
        let entities: [SelectOption]
        let values: [String: String]
        let errors: [String: String]
        let impacts: [SelectOption]
        let matrix: [MatrixRow]
        let policies: [SLAPolicyPagesController.OptionGroup]
        let senders: [SelectOption]
        let tabs: [HelpdeskSetupTab]
    }

    private func render(_ req: Request, entity: UUID, values: [String: String], errors: [String: String] = [:],
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let tree = try await req.entityTree()
        let usable = Set(tree.ancestors(of: entity) + [entity])
        let choices = try await HelpdeskChoices.load(req, usable: usable, tree: tree, technicianEntity: nil)
        let matrix = (1...5).map { urgency in
            MatrixRow(urgency: urgency, label: req.t("tickets.level.\(urgency)"), cells: (1...5).map { impact in
                Cell(urgency: urgency, impact: impact,
                     label: req.t("tickets.settings.cell", req.t("tickets.level.\(urgency)"), req.t("tickets.level.\(impact)")),
                     options: (1...5).map {
                    SelectOption(value: String($0), label: req.t("tickets.priority.\($0)"),
                                 selected: values["matrix_\(urgency)_\(impact)"] == String($0))
                })
            })
        }
        let page = Page(
            entity: tree.path(of: entity), entityID: entity.uuidString,
            entities: try await req.entityOptions(for: .helpdeskAdmin, selected: entity), values: values, errors: errors,
            impacts: (1...5).map { SelectOption(value: String($0), label: req.t("tickets.level.\($0)"), selected: false) },
            matrix: matrix,
            policies: [.init(label: "", options: [SelectOption(value: "", label: req.t("tickets.settings.inherit"),
                                                               selected: (values["default_sla_policy_id"] ?? "").isEmpty)])]
                + choices.grouped(choices.policies, selected: [values["default_sla_policy_id"] ?? ""],
                                  unknownLabel: req.t("tickets.setup.not_offered")),
            senders: HelpdeskConfiguration.UnknownSenderPolicy.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("tickets.settings.unknown_senders.\($0.rawValue)"),
                             selected: values["unknown_senders"] == $0.rawValue)
            },
            tabs: try await HelpdeskSetupTab.all(req, current: "settings"))
        return try await req.renderPage("tickets/settings", title: req.t("tickets.settings.title"),
                                        active: HelpdeskSetupTab.navigationID, page: page, status: status)
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let administered = try await req.entityOptions(for: .helpdeskAdmin, selected: nil)
        guard let entity = req.query[UUID.self, at: "entity"] ?? administered.first.flatMap({ UUID(uuidString: $0.value) })
        else { throw ParcError.notFound("entity") }
        try await req.require(.helpdeskAdmin, in: entity)
        let resolved = try await HelpdeskAdminAPI.describe(entity, req)
        let own = try await HelpdeskSettingsStore(request: req).own(entity)
        var values = ["own_matrix": own?.priorityMatrixJSON == nil ? "" : "on",
                      "default_sla_policy_id": own?.defaultSLAPolicyID?.uuidString ?? "",
                      "approval_days": String(resolved.approval_days), "unknown_senders": resolved.unknown_senders]
        for (u, row) in resolved.priority_matrix.enumerated() {
            for (i, priority) in row.enumerated() { values["matrix_\(u + 1)_\(i + 1)"] = String(priority) }
        }
        return try await render(req, entity: entity, values: values)
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        guard let entity = req.parameters.get("entity", as: UUID.self) else { throw ParcError.notFound("entity") }
        try await req.require(.helpdeskAdmin, in: entity)
        let fields = FormFields(req)
        var values: [String: String] = [:]
        for key in ["own_matrix", "default_sla_policy_id", "approval_days", "unknown_senders"] {
            values[key] = String((fields[key] ?? "").prefix(100))
        }
        // The grid as posted; a cell that does not read is sent as 0, which the matrix check refuses by name.
        let cells = (1...5).map { urgency in
            (1...5).map { impact -> Int in
                let text = String((fields["matrix_\(urgency)_\(impact)"] ?? "").prefix(3))
                values["matrix_\(urgency)_\(impact)"] = text
                return Int(text) ?? 0
            }
        }
        var input = HelpdeskAdminAPI.SettingsInput()
        input.priority_matrix = .some(values["own_matrix"] == "on" ? cells : nil)
        let policy = values["default_sla_policy_id"] ?? ""
        input.default_sla_policy_id = .some(policy.isEmpty ? nil
            : UUID(uuidString: policy) ?? HelpdeskChoices.nowhere)
        input.approval_days = Int(values["approval_days"] ?? "") ?? 0
        input.unknown_senders = values["unknown_senders"]
        do {
            try await HelpdeskSettingsStore(request: req).update(entity, input)
            req.flash("success", req.t("tickets.settings.saved"))
            return req.redirect(to: "/tickets/settings?entity=\(entity.uuidString)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await render(req, entity: entity, values: values, errors: req.localized(error.fields),
                                    status: .unprocessableEntity)
        }
    }
}
