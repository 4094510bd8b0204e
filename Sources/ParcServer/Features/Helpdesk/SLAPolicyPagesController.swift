import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/tickets/sla-policies`: the SLA policies of the entities the user administers, and the form that writes one —
/// calendar, targets by priority and category, escalation levels (docs/helpdesk-sla.md §7). Reads and writes go
/// through ``SLAPolicyStore``, as the API's do.
struct SLAPolicyPagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("tickets", "sla-policies", use: listPage)
        routes.get("tickets", "sla-policies", "new", use: newPage)
        routes.post("tickets", "sla-policies", use: create)
        routes.get("tickets", "sla-policies", ":id", "edit", use: editPage)
        routes.post("tickets", "sla-policies", ":id", use: update)
    }

    /// Blank target rows and levels the form offers below the written ones (the page works without JavaScript;
    /// with it, blank levels show one at a time with *Add a level*).
    static let spareTargets = 2
    static let spareLevels = 3
    static let spareActions = 2

    // MARK: list

    struct Row: Encodable {
        let id: UUID
        let name: String
        let entity: String
        let timeZone: String
        let targets: Int
        let levels: Int
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let tabs: [HelpdeskSetupTab]
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let tree = try await req.entityTree()
        let policies = try await SLAPolicyModel.query(on: req.db)
            .scoped(to: try await req.entities(for: .helpdeskAdmin), \.$entityID).sort(\.$name).all()
        let rows = policies.compactMap { policy -> Row? in
            guard let dto = try? HelpdeskAdminAPI.PolicyDTO(policy) else { return nil }
            return Row(id: dto.id, name: dto.name, entity: tree.path(of: dto.entity_id), timeZone: dto.calendar.timeZone,
                       targets: dto.rules.count, levels: dto.escalation.count)
        }
        return try await req.renderPage("tickets/sla-policies", title: req.t("tickets.sla_policies.title"),
                                        active: HelpdeskSetupTab.navigationID,
                                        page: ListPage(rows: rows, tabs: try await HelpdeskSetupTab.all(req, current: "sla")))
    }

    // MARK: form

    struct OptionGroup: Encodable {
        let label: String
        let options: [SelectOption]
    }

    struct Day: Encodable {
        let key: String
        let label: String
        let value: String
        let error: String?
    }

    struct TargetRow: Encodable {
        let index: Int
        let priorities: [SelectOption]
        let categories: [OptionGroup]
        let own: String
        let resolve: String
        let error: String?
    }

    struct ActionRow: Encodable {
        let index: Int
        let kinds: [SelectOption]
        let values: [OptionGroup]
    }

    struct LevelRow: Encodable {
        let index: Int
        let number: String
        let key: String
        let name: String
        let targets: [SelectOption]
        let sides: [SelectOption]
        let offset: String
        let actions: [ActionRow]
        let spare: Bool
        let error: String?
    }

    struct FormPage: Encodable {
        let action: String
        let isNew: Bool
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let zones: [String]
        let days: [Day]
        let targets: [TargetRow]
        let levels: [LevelRow]
        let tabs: [HelpdeskSetupTab]
    }

    private func renderForm(_ req: Request, _ form: SLAPolicyForm, action: String, isNew: Bool,
                            errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let tree = try await req.entityTree()
        let entities = try await req.entityOptions(for: .helpdeskAdmin,
                                                   selected: form.values["entity_id"].flatMap(UUID.init(uuidString:)))
        let entity = form.values["entity_id"].flatMap(UUID.init(uuidString:))
            ?? entities.first.flatMap { UUID(uuidString: $0.value) }
        let usable = try await HelpdeskAdminAPI.usableEntities(req)
        let choices = try await HelpdeskChoices.load(req, usable: usable, tree: tree, technicianEntity: entity)
        let blank = SelectOption(value: "", label: "—", selected: false)

        let targetRows = form.targets.map(Optional.some)
            + Array(repeating: nil, count: max(0, min(Self.spareTargets, SLAPolicyForm.maximumTargetRows - form.targets.count)))
        let targets = targetRows.enumerated().map { index, row in
            TargetRow(index: index,
                      priorities: (1...6).map {
                          SelectOption(value: String($0), label: req.t("tickets.priority.\($0)"),
                                       selected: row?.priorities.contains(String($0)) == true)
                      },
                      categories: choices.categories(req, selected: Set(row?.categories ?? [])),
                      own: row?.timeToOwn ?? "", resolve: row?.timeToResolve ?? "",
                      error: Self.rowError(errors, fields: "rule_", index: index, section: "rules", prefix: "rule"))
        }
        let levelRows = form.levels.map(Optional.some)
            + Array(repeating: nil, count: max(0, min(Self.spareLevels, SLAEscalationLevel.maximumLevels - form.levels.count)))
        let levels = levelRows.enumerated().map { index, level in
            let actionRows = (level?.actions ?? []).map(Optional.some)
                + Array(repeating: nil, count: max(0, min(level == nil ? 1 : Self.spareActions,
                                                          SLAEscalationLevel.maximumActions - (level?.actions.count ?? 0))))
            let actions = actionRows.enumerated().map { number, action in
                ActionRow(index: number,
                          kinds: [blank] + SLAEscalationAction.Kind.allCases.map {
                              SelectOption(value: $0.rawValue, label: req.t("tickets.sla_policies.action.\($0.rawValue)"),
                                           selected: action?.kind == $0.rawValue)
                          },
                          values: choices.actionValues(req, selected: action?.value ?? ""))
            }
            return LevelRow(
                index: index, number: String(index + 1), key: level?.key ?? "", name: level?.name ?? "",
                targets: SLAEscalationLevel.Target.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("tickets.sla_policies.target.\($0.rawValue)"),
                                 selected: (level?.target ?? "time_to_resolve") == $0.rawValue)
                },
                sides: SLAEscalationLevel.Side.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("tickets.sla_policies.side.\($0.rawValue)"),
                                 selected: (level?.side ?? "before") == $0.rawValue)
                },
                offset: level?.offset ?? "", actions: actions, spare: level == nil,
                error: Self.rowError(errors, fields: "level_", index: index, section: "escalation", prefix: "level"))
        }
        let days = SLAPolicyForm.days.map {
            Day(key: $0, label: req.t("tickets.sla_policies.day.\($0)"), value: form.values["week_\($0)"] ?? "",
                error: errors["week_\($0)"])
        }
        let page = FormPage(action: action, isNew: isNew, values: form.values, errors: errors, entities: entities,
                            zones: TimeZone.knownTimeZoneIdentifiers.sorted(), days: days, targets: targets,
                            levels: levels, tabs: try await HelpdeskSetupTab.all(req, current: "sla"))
        let title = isNew ? req.t("tickets.sla_policies.new") : req.t("tickets.sla_policies.edit", form.values["name"] ?? "")
        return try await req.renderPage("tickets/sla-policy-form", title: title, active: HelpdeskSetupTab.navigationID,
                                        page: page, status: status)
    }

    /// The errors of one target row or level: those of its own fields (`rule_own_2`, `level_kind_1_0`), and the
    /// section's message when it names the row (`rule 3: …`, `level 2, action 1: …`; numbers from 1).
    static func rowError(_ errors: [String: String], fields: String, index: Int, section: String, prefix: String)
        -> String?
    {
        var messages = errors.filter { key, _ in
            key.hasPrefix(fields) && key.split(separator: "_").dropFirst(2).first == Substring(String(index))
        }.sorted { $0.key < $1.key }.map(\.value)
        if let message = errors[section], message.hasPrefix("\(prefix) \(index + 1)"),
           message.dropFirst("\(prefix) \(index + 1)".count).first.map({ !$0.isNumber }) ?? true {
            messages.append(message)
        }
        return messages.isEmpty ? nil : messages.joined(separator: " ")
    }

    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        return try await renderForm(req, try SLAPolicyForm(nil), action: "/tickets/sla-policies", isNew: true)
    }

    /// The policy the path names, once the user may write it.
    private func policy(_ req: Request) async throws -> SLAPolicyModel {
        let policy = try await SLAPolicyStore(request: req).find(req.parameters.get("id", as: UUID.self))
        try await req.require(.helpdeskAdmin, in: policy.entityID)
        return policy
    }

    @Sendable func editPage(_ req: Request) async throws -> Response {
        let policy = try await policy(req)
        return try await renderForm(req, try SLAPolicyForm(policy), action: "/tickets/sla-policies/\(policy.id!)",
                                    isNew: false)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.helpdeskAdmin)
        let form = SLAPolicyForm(FormFields(req))
        let store = SLAPolicyStore(request: req)
        let (draft, unreadable) = form.draft(req)
        do {
            guard let entity = form.values["entity_id"].flatMap(UUID.init(uuidString:)) else {
                throw ParcError.validation(["entity_id": "is required"])
            }
            try await req.require(.helpdeskAdmin, in: entity)
            guard unreadable.isEmpty else {
                throw ParcError.validation(try await store.problems(draft, entity: entity, creating: true))
            }
            let policy = try await store.create(entity: entity, draft)
            req.flash("success", req.t("tickets.sla_policies.saved", policy.name))
            return req.redirect(to: "/tickets/sla-policies")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, form, action: "/tickets/sla-policies", isNew: true,
                                        errors: req.localized(error.fields).merging(unreadable) { $1 },
                                        status: .unprocessableEntity)
        }
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let policy = try await policy(req)
        var form = SLAPolicyForm(FormFields(req))
        form.values["entity_id"] = policy.entityID.uuidString
        let store = SLAPolicyStore(request: req)
        let (draft, unreadable) = form.draft(req)
        let action = "/tickets/sla-policies/\(policy.id!)"
        do {
            guard unreadable.isEmpty else {
                throw ParcError.validation(try await store.problems(draft, entity: policy.entityID, creating: false))
            }
            try await store.update(policy, draft)
            req.flash("success", req.t("tickets.sla_policies.saved", policy.name))
            return req.redirect(to: "/tickets/sla-policies")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, form, action: action, isNew: false,
                                        errors: req.localized(error.fields).merging(unreadable) { $1 },
                                        status: .unprocessableEntity)
        }
    }
}
