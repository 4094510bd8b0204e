import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/tickets/rules`: the business rules of the entities the user administers, in the order they run, with their
/// form, and the "which rules would match" page (docs/helpdesk.md §Rules). Writes go through ``TicketRuleStore``.
struct TicketRulePagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("tickets", "rules", use: listPage)
        routes.get("tickets", "rules", "new", use: newPage)
        routes.post("tickets", "rules", use: create)
        routes.get("tickets", "rules", "test", use: testPage)
        routes.get("tickets", "rules", ":id", "edit", use: editPage)
        routes.post("tickets", "rules", ":id", use: update)
        routes.post("tickets", "rules", ":id", "toggle", use: toggle)
        routes.post("tickets", "rules", ":id", "move", use: move)
        routes.post("tickets", "rules", ":id", "delete", use: delete)
    }

    /// Blank rows the form offers below the written ones (the page works without JavaScript).
    static let spareRows = 3

    // MARK: list

    struct Row: Encodable {
        let id: UUID
        let position: Int
        let name: String
        let runsOn: String
        let enabled: Bool
        let summary: String
        let first: Bool
        let last: Bool
    }

    struct EntityRules: Encodable {
        let entity: String
        let rows: [Row]
    }

    struct ListPage: Encodable {
        let groups: [EntityRules]
        let canTest: Bool
        let tabs: [HelpdeskSetupTab]
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let tree = try await req.entityTree()
        let visible = try await req.entities(for: .helpdeskAdmin)
        let rows = try await TicketRuleModel.query(on: req.db).scoped(to: visible, \.$entityID).all()
        let groups = tree.ordered.compactMap { entity -> EntityRules? in
            let own = rows.filter { $0.entityID == entity }
                .sorted { ($0.position, $0.id!.uuidString) < ($1.position, $1.id!.uuidString) }
            guard !own.isEmpty else { return nil }
            return EntityRules(entity: tree.path(of: entity), rows: own.enumerated().compactMap { index, row in
                guard let rule = row.rule else { return nil }
                return Row(id: row.id!, position: row.position, name: rule.name,
                           runsOn: req.t("tickets.rules.runs_on.\(rule.runsOn.rawValue)"), enabled: row.enabled,
                           summary: req.t("tickets.rules.summary", String(rule.conditions.count), String(rule.actions.count)),
                           first: index == 0, last: index == own.count - 1)
            })
        }
        let canTest = !(try await req.entities(for: .ticketsUpdate)).isEmpty
        return try await req.renderPage("tickets/rules", title: req.t("tickets.rules.title"),
                                        active: HelpdeskSetupTab.navigationID,
                                        page: ListPage(groups: groups, canTest: canTest,
                                                       tabs: try await HelpdeskSetupTab.all(req, current: "rules")))
    }

    // MARK: form

    struct ConditionRow: Encodable {
        let index: Int
        let fields: [SelectOption]
        let operators: [SelectOption]
        let value: String
        /// The value's choices by name when the field stores an id or a fixed value; empty: typed.
        let choices: [SLAPolicyPagesController.OptionGroup]
        let list: String?
    }

    struct ActionRow: Encodable {
        let index: Int
        let kinds: [SelectOption]
        let value: String
        let choices: [SLAPolicyPagesController.OptionGroup]
    }

    struct FormPage: Encodable {
        let action: String
        let isNew: Bool
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let matches: [SelectOption]
        let runsOn: [SelectOption]
        let conditions: [ConditionRow]
        let actions: [ActionRow]
        let pickers: [Picker]
        let lists: [DataList]
        let tabs: [HelpdeskSetupTab]
    }

    /// The form as sent: flat fields (`condition_field_0`, `action_kind_0`, …), read up to the rule's limits so a
    /// hostile form cannot make the server read more.
    struct Submission {
        var values: [String: String]
        var conditions: [(field: String, op: String, value: String)]
        var actions: [(kind: String, value: String)]

        init(_ fields: [String: String]) {
            values = [:]
            for key in ["entity_id", "name", "match", "runs_on", "stop", "enabled"] {
                values[key] = fields[key].map { String($0.prefix(300)) }
            }
            conditions = (0..<50).compactMap { index in
                guard let field = fields["condition_field_\(index)"], !field.isEmpty else { return nil }
                return (field: field, op: fields["condition_operator_\(index)"] ?? "",
                        value: String((fields["condition_value_\(index)"] ?? "").prefix(600)))
            }
            actions = (0..<20).compactMap { index in
                guard let kind = fields["action_kind_\(index)"], !kind.isEmpty else { return nil }
                return (kind: kind, value: String((fields["action_value_\(index)"] ?? "").prefix(300)))
            }
        }

        init(_ row: TicketRuleModel?) {
            let rule = row?.rule
            values = ["entity_id": row?.entityID.uuidString ?? "", "name": rule?.name ?? "",
                      "match": rule?.match.rawValue ?? "all", "runs_on": rule?.runsOn.rawValue ?? "both",
                      "stop": rule?.stop == true ? "on" : "", "enabled": row?.enabled == false ? "" : "on"]
            conditions = (rule?.conditions ?? []).map { (field: $0.field.rawValue, op: $0.operator.rawValue, value: $0.value) }
            actions = (rule?.actions ?? []).map { (kind: $0.kind.rawValue, value: $0.value) }
        }

        /// The rule, or the 422 that says what is wrong with it.
        func rule() throws -> TicketRule {
            var errors: [String: String] = [:]
            let match = TicketRule.Match(rawValue: values["match"] ?? "")
            if match == nil { errors["match"] = "Use all or any." }
            let runsOn = TicketRule.RunsOn(rawValue: values["runs_on"] ?? "")
            if runsOn == nil { errors["runs_on"] = "Use create, update or both." }
            var parsedConditions: [TicketRuleCondition] = []
            for (number, condition) in conditions.enumerated() {
                guard let field = TicketRuleCondition.Field(rawValue: condition.field),
                      let op = TicketRuleCondition.Operator(rawValue: condition.op) else {
                    errors["rule"] = "condition \(number + 1): choose a field and an operator"
                    continue
                }
                parsedConditions.append(TicketRuleCondition(field, op, condition.value))
            }
            var parsedActions: [TicketRuleAction] = []
            for (number, action) in actions.enumerated() {
                guard let kind = TicketRuleAction.Kind(rawValue: action.kind) else {
                    errors["rule"] = "action \(number + 1): choose what it does"
                    continue
                }
                parsedActions.append(TicketRuleAction(kind, action.value.trimmingCharacters(in: .whitespaces)))
            }
            guard errors.isEmpty, let match, let runsOn else { throw ParcError.validation(errors) }
            return try TicketRuleStore.checked(TicketRule(
                name: values["name"] ?? "", match: match, conditions: parsedConditions, actions: parsedActions,
                stop: values["stop"] == "on", runsOn: runsOn))
        }
    }

    private func renderForm(_ req: Request, _ submission: Submission, action: String, isNew: Bool,
                            errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let values = submission.values
        let pickers = try await Pickers.load(req)
        let blankField = SelectOption(value: "", label: "—", selected: false)
        let blankGroup = SLAPolicyPagesController.OptionGroup(label: "", options: [blankField])
        let conditionValues: [(field: String, op: String, value: String)?] = submission.conditions.map { $0 }
            + Array(repeating: nil, count: min(Self.spareRows, 50 - submission.conditions.count))
        let actionValues: [(kind: String, value: String)?] = submission.actions.map { $0 }
            + Array(repeating: nil, count: min(Self.spareRows, 20 - submission.actions.count))
        let conditionRows: [ConditionRow] = conditionValues.enumerated().map { index, row in
            let fields: [SelectOption] = TicketRuleCondition.Field.allCases.map { field in
                SelectOption(value: field.rawValue, label: req.t("tickets.rules.field.\(field.rawValue)"),
                             selected: row?.field == field.rawValue)
            }
            let operators: [SelectOption] = TicketRuleCondition.Operator.allCases.map { op in
                SelectOption(value: op.rawValue, label: req.t("tickets.rules.operator.\(op.rawValue)"),
                             selected: row?.op == op.rawValue)
            }
            let choices = pickers.condition(row?.field ?? "", selected: row?.value ?? "")
            return ConditionRow(index: index, fields: [blankField] + fields, operators: operators, value: row?.value ?? "",
                                choices: choices.map { [blankGroup] + $0 } ?? [],
                                list: pickers.conditionList(row?.field ?? ""))
        }
        let actionRows: [ActionRow] = actionValues.enumerated().map { index, row in
            let kinds: [SelectOption] = TicketRuleAction.Kind.allCases.map { kind in
                SelectOption(value: kind.rawValue, label: req.t("tickets.rules.action.\(kind.rawValue)"),
                             selected: row?.kind == kind.rawValue)
            }
            let choices = pickers.action(row?.kind ?? "", selected: row?.value ?? "")
            return ActionRow(index: index, kinds: [blankField] + kinds, value: row?.value ?? "",
                             choices: choices.map { [blankGroup] + $0 } ?? [])
        }
        let matches: [SelectOption] = TicketRule.Match.allCases.map { match in
            SelectOption(value: match.rawValue, label: req.t("tickets.rules.match.\(match.rawValue)"),
                         selected: values["match"] == match.rawValue)
        }
        let runsOn: [SelectOption] = TicketRule.RunsOn.allCases.map { runs in
            SelectOption(value: runs.rawValue, label: req.t("tickets.rules.runs_on.\(runs.rawValue)"),
                         selected: values["runs_on"] == runs.rawValue)
        }
        let entities = try await req.entityOptions(for: .helpdeskAdmin,
                                                   selected: values["entity_id"].flatMap(UUID.init(uuidString:)))
        let page = FormPage(action: action, isNew: isNew, values: values, errors: errors, entities: entities,
                            matches: matches, runsOn: runsOn, conditions: conditionRows, actions: actionRows,
                            pickers: pickers.templates, lists: pickers.lists,
                            tabs: try await HelpdeskSetupTab.all(req, current: "rules"))
        return try await req.renderPage("tickets/rule-form", title: req.t(isNew ? "tickets.rules.new" : "tickets.rules.edit"),
                                        active: HelpdeskSetupTab.navigationID, page: page, status: status)
    }

    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        return try await renderForm(req, Submission(nil), action: "/tickets/rules", isNew: true)
    }

    @Sendable func editPage(_ req: Request) async throws -> Response {
        let row = try await TicketRuleStore(request: req).find(req.parameters.get("id", as: UUID.self))
        return try await renderForm(req, Submission(row), action: "/tickets/rules/\(row.id!)", isNew: false)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let submission = Submission(try req.content.decode([String: String].self))
        do {
            guard let entity = submission.values["entity_id"].flatMap(UUID.init(uuidString:)) else {
                throw ParcError.validation(["entity_id": "is required"])
            }
            let row = try await TicketRuleStore(request: req).create(entity: entity, rule: try submission.rule(),
                                                                      position: nil,
                                                                      enabled: submission.values["enabled"] == "on")
            req.flash("success", req.t("tickets.rules.saved", row.rule?.name ?? ""))
            return req.redirect(to: "/tickets/rules")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, submission, action: "/tickets/rules", isNew: true,
                                        errors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    /// The rule the path names, with the store that writes it.
    private func rule(_ req: Request) async throws -> (TicketRuleStore, TicketRuleModel) {
        let store = TicketRuleStore(request: req)
        return (store, try await store.find(req.parameters.get("id", as: UUID.self)))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let (store, row) = try await rule(req)
        var submission = Submission(try req.content.decode([String: String].self))
        submission.values["entity_id"] = row.entityID.uuidString
        do {
            _ = try await store.update(row, rule: try submission.rule(), position: nil,
                                       enabled: submission.values["enabled"] == "on")
            req.flash("success", req.t("tickets.rules.saved", row.rule?.name ?? ""))
            return req.redirect(to: "/tickets/rules")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, submission, action: "/tickets/rules/\(row.id!)", isNew: false,
                                        errors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    @Sendable func toggle(_ req: Request) async throws -> Response {
        let (store, row) = try await rule(req)
        _ = try await store.update(row, rule: nil, position: nil, enabled: !row.enabled)
        return req.redirect(to: "/tickets/rules")
    }

    @Sendable func move(_ req: Request) async throws -> Response {
        let (store, row) = try await rule(req)
        let direction = try? req.content.get(String.self, at: "direction")
        guard direction == "up" || direction == "down" else {
            throw ParcError.validation(["direction": "Use up or down."])
        }
        try await store.move(row, up: direction == "up")
        return req.redirect(to: "/tickets/rules")
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        let (store, row) = try await rule(req)
        try await store.delete(row)
        req.flash("success", req.t("tickets.rules.deleted", row.rule?.name ?? ""))
        return req.redirect(to: "/tickets/rules")
    }

    // MARK: which rules would match

    struct Verdict: Encodable {
        let name: String
        let entity: String
        let verdict: String
        let label: String
        let tone: String
    }

    struct Change: Encodable {
        let label: String
        let value: String
    }

    struct TestPage: Encodable {
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let events: [SelectOption]
        let types: [SelectOption]
        let levels: [SelectOption]
        let impacts: [SelectOption]
        let ran: Bool
        let verdicts: [Verdict]
        let changes: [Change]
    }

    @Sendable func testPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsUpdate)
        var values: [String: String] = [:]
        for key in ["ticket", "entity_id", "event", "title", "description", "type", "urgency", "impact",
                    "requester_email"] {
            values[key] = (try? req.query.get(String.self, at: key)).map { String($0.prefix(TicketLimits.description)) }
        }
        var errors: [String: String] = [:]
        var verdicts: [Verdict] = []
        var changes: [Change] = []
        let ran = values["ticket"].map { !$0.isEmpty } == true || values["title"] != nil
        if ran {
            do {
                var trial = TicketRulesAPI.TestInput()
                if let reference = values["ticket"]?.trimmingCharacters(in: .whitespaces), !reference.isEmpty {
                    guard let ticket = try await TicketModel.query(on: req.db).filter(\.$reference == reference).first()
                    else { throw ParcError.validation(["ticket": "No ticket you work has this reference."]) }
                    trial.ticket_id = ticket.id
                } else {
                    trial.entity_id = values["entity_id"].flatMap(UUID.init(uuidString:))
                    trial.title = values["title"]
                    trial.description = values["description"]
                    trial.type = values["type"]
                    trial.urgency = values["urgency"].flatMap { Int($0) }
                    trial.impact = values["impact"].flatMap { Int($0) }
                    trial.requester_email = values["requester_email"]
                }
                let (_, evaluation) = try await TicketRuleStore(request: req).test(
                    trial, event: values["event"].flatMap(TicketRuleEvent.init(rawValue:)))
                let tree = try await req.entityTree()
                verdicts = zip(evaluation.rows, evaluation.verdicts).map { row, verdict in
                    Verdict(name: row.rule?.name ?? "?", entity: tree.path(of: row.entityID), verdict: verdict.rawValue,
                            label: req.t("tickets.rules.verdict.\(verdict.rawValue)"),
                            tone: verdict == .matched ? "green" : "grey")
                }
                changes = try await describe(evaluation, req)
            } catch let error as ParcError where error.status == .unprocessableEntity || error.status == .notFound {
                errors = error.status == .notFound ? ["ticket": req.t("tickets.rules.test.no_ticket")]
                    : req.localized(error.fields)
            }
        }
        let entities = try await req.entityOptions(for: .ticketsUpdate,
                                                   selected: values["entity_id"].flatMap(UUID.init(uuidString:)))
        var events = [SelectOption(value: "", label: req.t("tickets.rules.test.event_default"),
                                   selected: (values["event"] ?? "").isEmpty)]
        for event in TicketRuleEvent.allCases {
            events.append(SelectOption(value: event.rawValue, label: req.t("tickets.rules.event.\(event.rawValue)"),
                                       selected: values["event"] == event.rawValue))
        }
        let types: [SelectOption] = TicketKind.allCases.map { kind in
            SelectOption(value: kind.rawValue, label: req.t("tickets.type.\(kind.rawValue)"),
                         selected: values["type"] == kind.rawValue)
        }
        func levels(_ field: String) -> [SelectOption] {
            (1...5).map { level in
                SelectOption(value: String(level), label: req.t("tickets.level.\(level)"),
                             selected: (values[field] ?? "3") == String(level))
            }
        }
        let page = TestPage(values: values, errors: errors, entities: entities, events: events, types: types,
                            levels: levels("urgency"), impacts: levels("impact"), ran: ran && errors.isEmpty,
                            verdicts: verdicts, changes: changes)
        return try await req.renderPage("tickets/rule-test", title: req.t("tickets.rules.test.title"), active: "tickets",
                                        page: page, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The changes a run would make, with names rather than ids.
    private func describe(_ evaluation: TicketRules.Evaluation, _ req: Request) async throws -> [Change] {
        var changes: [Change] = []
        if let category = evaluation.category { changes.append(Change(label: req.t("tickets.category"), value: category.name)) }
        if !evaluation.groups.isEmpty {
            let names = try await SupportGroupModel.query(on: req.db).filter(\.$id ~~ evaluation.groups).all().map(\.name)
            changes.append(Change(label: req.t("tickets.rules.group"), value: names.sorted().joined(separator: ", ")))
        }
        if let id = evaluation.slaPolicyID, let policy = try await SLAPolicyModel.find(id, on: req.db) {
            changes.append(Change(label: req.t("tickets.rules.sla_policy"), value: policy.name))
        }
        if let priority = evaluation.priority {
            changes.append(Change(label: req.t("tickets.priority"), value: req.t("tickets.priority.\(priority)")))
        }
        if let urgency = evaluation.urgency {
            changes.append(Change(label: req.t("tickets.urgency"), value: req.t("tickets.level.\(urgency)")))
        }
        if let impact = evaluation.impact {
            changes.append(Change(label: req.t("tickets.impact"), value: req.t("tickets.level.\(impact)")))
        }
        if let type = evaluation.type {
            changes.append(Change(label: req.t("tickets.type"), value: req.t("tickets.type.\(type.rawValue)")))
        }
        if !evaluation.tags.isEmpty {
            changes.append(Change(label: req.t("tickets.tags"), value: evaluation.tags.joined(separator: ", ")))
        }
        if !evaluation.skipped.isEmpty {
            changes.append(Change(label: req.t("tickets.rules.skipped"), value: evaluation.skipped.joined(separator: ", ")))
        }
        return changes
    }
}
