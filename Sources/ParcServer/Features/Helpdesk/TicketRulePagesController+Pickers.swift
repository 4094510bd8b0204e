import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// The rule form's value pickers: where a condition's field or an action stores an id or a fixed value (a
/// category, a group, an SLA policy, an entity, a level), the value is chosen by name from a select that posts the
/// same value as before; requesters, who may be many, come from a datalist on the text input. The rule engine sees
/// the same rules.
extension TicketRulePagesController {
    struct Picker: Encodable {
        let id: String
        let groups: [SLAPolicyPagesController.OptionGroup]
    }

    struct DataList: Encodable {
        let id: String
        let options: [SelectOption]
    }

    /// The most requesters a datalist offers; past it, the id is typed (the test page shows names).
    static let requesterListLimit = 5_000

    struct Pickers {
        let request: Request
        let choices: HelpdeskChoices
        let entities: [SelectOption]
        let requesters: [SelectOption]

        static func load(_ req: Request) async throws -> Pickers {
            let tree = try await req.entityTree()
            let usable = try await HelpdeskAdminAPI.usableEntities(req)
            let visible = try await req.entities(for: .ticketsRead)
            let userIDs = try await ProfileModel.query(on: req.db).scoped(to: visible, \.$entityID).all().map(\.userID)
            let users = try await UserModel.query(on: req.db).filter(\.$id ~~ Array(Set(userIDs)))
                .sort(\.$displayName).range(..<TicketRulePagesController.requesterListLimit).all()
            return Pickers(
                request: req,
                choices: try await HelpdeskChoices.load(req, usable: usable, tree: tree, technicianEntity: nil),
                entities: try await req.entityOptions(for: .ticketsRead, selected: nil),
                requesters: users.map { SelectOption(value: $0.id!.uuidString, label: "\($0.displayName) (\($0.login))",
                                                     selected: false) })
        }

        /// The fixed choices for a condition's field, or nil when its value is typed.
        func condition(_ field: String, selected: String) -> [SLAPolicyPagesController.OptionGroup]? {
            switch TicketRuleCondition.Field(rawValue: field) {
            case .category: choices.categories(request, selected: [selected])
            case .entity: flat(entities.map(\.value), label: { value in entities.first { $0.value == value }?.label ?? value },
                               selected: selected)
            case .type: flat(TicketKind.allCases.map(\.rawValue), label: { request.t("tickets.type.\($0)") }, selected: selected)
            case .source: flat(TicketSource.allCases.map(\.rawValue), label: { request.t("tickets.source.\($0)") },
                               selected: selected)
            case .urgency, .impact: flat((1...5).map(String.init), label: { request.t("tickets.level.\($0)") },
                                         selected: selected)
            default: nil
            }
        }

        /// The fixed choices for an action's kind, or nil when its value is typed.
        func action(_ kind: String, selected: String) -> [SLAPolicyPagesController.OptionGroup]? {
            switch TicketRuleAction.Kind(rawValue: kind) {
            case .setCategory: choices.categories(request, selected: [selected])
            case .assignGroup: choices.grouped(choices.groups, selected: [selected],
                                               unknownLabel: request.t("tickets.setup.not_offered"))
            case .setSLAPolicy: choices.grouped(choices.policies, selected: [selected],
                                                unknownLabel: request.t("tickets.setup.not_offered"))
            case .setPriority: flat((1...6).map(String.init), label: { request.t("tickets.priority.\($0)") }, selected: selected)
            case .setUrgency, .setImpact: flat((1...5).map(String.init), label: { request.t("tickets.level.\($0)") },
                                               selected: selected)
            case .setType: flat(TicketKind.allCases.map(\.rawValue), label: { request.t("tickets.type.\($0)") },
                                selected: selected)
            default: nil
            }
        }

        /// The datalist id for a condition's field whose value is typed but may be picked.
        func conditionList(_ field: String) -> String? {
            TicketRuleCondition.Field(rawValue: field) == .requester ? "list-condition-requester" : nil
        }

        /// One group of options; a selected value not among them is kept, first, as it is.
        private func flat(_ values: [String], label: (String) -> String, selected: String)
            -> [SLAPolicyPagesController.OptionGroup]
        {
            var options = values.map { SelectOption(value: $0, label: label($0), selected: $0 == selected) }
            if !selected.isEmpty, !values.contains(selected) {
                options.insert(SelectOption(value: selected, label: selected, selected: true), at: 0)
            }
            return [.init(label: "", options: options)]
        }

        /// The choices of every field and action, for the page's templates (what the script swaps in when the
        /// field or the action changes), each with a blank first option.
        var templates: [Picker] {
            let blank = SLAPolicyPagesController.OptionGroup(
                label: "", options: [SelectOption(value: "", label: "—", selected: false)])
            let conditions = TicketRuleCondition.Field.allCases.compactMap { field in
                condition(field.rawValue, selected: "").map { Picker(id: "choices-condition-\(field.rawValue)", groups: [blank] + $0) }
            }
            let actions = TicketRuleAction.Kind.allCases.compactMap { kind in
                action(kind.rawValue, selected: "").map { Picker(id: "choices-action-\(kind.rawValue)", groups: [blank] + $0) }
            }
            return conditions + actions
        }

        var lists: [DataList] { [DataList(id: "list-condition-requester", options: requesters)] }
    }
}
