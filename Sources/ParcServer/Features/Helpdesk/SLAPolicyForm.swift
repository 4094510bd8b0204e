import Foundation
import ParcCore
import Vapor

/// The SLA policy form as posted (`/tickets/sla-policies`), read into what the API takes (``SLAPolicyStore/Draft``):
/// the calendar's ranges per weekday as `08:00-12:00, 13:30-17:30`, holidays one per line, target rows
/// (`rule_priorities_N`, `rule_categories_N`, `rule_own_N`, `rule_resolve_N`) and escalation levels (`level_name_N`,
/// `level_kind_N_M`, `level_value_N_M`, …). It only reads: what is wrong with a policy is ``SLAPolicyStore``'s to
/// say; what is wrong here is what cannot be read at all (an offset that is not a duration, a hostile value).
struct SLAPolicyForm {
    struct TargetRow {
        var priorities: [String]
        var categories: [String]
        var timeToOwn: String
        var timeToResolve: String
    }

    struct Action {
        var kind: String
        var value: String
    }

    struct Level {
        var key: String
        var name: String
        var target: String
        var side: String
        var offset: String
        var actions: [Action]
    }

    /// Single fields as typed: `entity_id`, `name`, `time_zone`, `holidays`, `week_monday` … `week_sunday`.
    var values: [String: String]
    var targets: [TargetRow]
    var levels: [Level]

    /// The longest text a field keeps (a name is refused past 200 by the store; a day's ranges or the holidays
    /// past this are refused here).
    static let fieldLimit = 2_000
    static let maximumTargetRows = 100
    static let days = BusinessCalendarSpec.dayNames.map(\.0)

    init(_ fields: FormFields) {
        values = [:]
        for key in ["entity_id", "name", "time_zone", "holidays"] + Self.days.map({ "week_\($0)" }) {
            values[key] = fields[key]
        }
        targets = (0..<Self.maximumTargetRows).compactMap { index -> TargetRow? in
            let row = TargetRow(priorities: fields.all("rule_priorities_\(index)").filter { !$0.isEmpty },
                                categories: fields.all("rule_categories_\(index)").filter { !$0.isEmpty },
                                timeToOwn: fields["rule_own_\(index)"] ?? "", timeToResolve: fields["rule_resolve_\(index)"] ?? "")
            let blank = row.priorities.isEmpty && row.categories.isEmpty
                && (row.timeToOwn + row.timeToResolve).trimmingCharacters(in: .whitespaces).isEmpty
            return blank ? nil : row
        }
        levels = (0..<SLAEscalationLevel.maximumLevels + 1).compactMap { index -> Level? in
            let actions = (0..<SLAEscalationLevel.maximumActions + 1).compactMap { number -> Action? in
                let kind = fields["level_kind_\(index)_\(number)"] ?? ""
                return kind.isEmpty ? nil : Action(kind: kind, value: fields["level_value_\(index)_\(number)"] ?? "")
            }
            // A new level gets its stable key here, kept in the form if it comes back with errors.
            let key = fields["level_key_\(index)"].flatMap { $0.isEmpty ? nil : $0 }
                ?? "level-" + UUID().uuidString.prefix(8).lowercased()
            let level = Level(key: key, name: fields["level_name_\(index)"] ?? "",
                              target: fields["level_target_\(index)"] ?? "", side: fields["level_side_\(index)"] ?? "",
                              offset: fields["level_offset_\(index)"] ?? "", actions: actions)
            let blank = (level.name + level.offset).trimmingCharacters(in: .whitespaces).isEmpty && actions.isEmpty
            return blank ? nil : level
        }
    }

    /// A stored policy, as the form shows it.
    init(_ policy: SLAPolicyModel?) throws {
        values = ["entity_id": policy?.entityID.uuidString ?? "", "name": policy?.name ?? ""]
        guard let policy else {
            let office = BusinessCalendarSpec.office(timeZone: "Europe/Paris")
            values["time_zone"] = office.timeZone
            for day in Self.days { values["week_\(day)"] = (office.week[day] ?? []).joined(separator: ", ") }
            values["holidays"] = office.holidays.joined(separator: "\n")
            targets = []
            levels = []
            return
        }
        let dto = try HelpdeskAdminAPI.PolicyDTO(policy)
        values["time_zone"] = dto.calendar.timeZone
        for day in Self.days { values["week_\(day)"] = (dto.calendar.week[day] ?? []).joined(separator: ", ") }
        values["holidays"] = dto.calendar.holidays.joined(separator: "\n")
        targets = dto.rules.map {
            TargetRow(priorities: ($0.priorities ?? []).map(String.init), categories: ($0.category_ids ?? []).map(\.uuidString),
                      timeToOwn: $0.time_to_own ?? "", timeToResolve: $0.time_to_resolve ?? "")
        }
        levels = dto.escalation.map { level in
            Level(key: level.id, name: level.name, target: level.target.rawValue, side: level.side.rawValue,
                  offset: level.offset.description, actions: level.actions.map { Action(kind: $0.kind.rawValue, value: $0.value) })
        }
    }

    /// What the form says, for the store, and the fields that could not be read (by form field name, in the
    /// user's language).
    func draft(_ req: Request) -> (draft: SLAPolicyStore.Draft, errors: [String: String]) {
        var errors: [String: String] = [:]
        func text(_ key: String) -> String {
            let value = values[key] ?? ""
            if value.count > Self.fieldLimit { errors[key] = req.t("validation.too_long", String(Self.fieldLimit)) }
            return value
        }
        func list(_ key: String) -> [String] {
            // Browsers send a textarea's line breaks as CR LF, one Character in Swift: isNewline covers it.
            text(key).split(whereSeparator: { $0.isNewline || $0 == "," || $0 == ";" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var week: [String: [String]] = [:]
        for day in Self.days {
            let ranges = list("week_\(day)")
            if !ranges.isEmpty { week[day] = ranges }
        }
        let calendar = BusinessCalendarSpec(timeZone: text("time_zone").trimmingCharacters(in: .whitespaces),
                                            week: week, holidays: list("holidays"))
        let rules = targets.enumerated().map { index, row in
            let priorities = row.priorities.compactMap { Int($0) }
            if priorities.count != row.priorities.count { errors["rule_priorities_\(index)"] = req.t("validation.choose_listed") }
            let categories = row.categories.compactMap(UUID.init(uuidString:))
            if categories.count != row.categories.count { errors["rule_categories_\(index)"] = req.t("validation.choose_listed") }
            func duration(_ value: String) -> String? {
                let trimmed = value.trimmingCharacters(in: .whitespaces)
                return trimmed.isEmpty ? nil : String(trimmed.prefix(40))
            }
            return SLAPolicyRuleInput(priorities: priorities.isEmpty ? nil : priorities,
                                      category_ids: categories.isEmpty ? nil : categories,
                                      time_to_own: duration(row.timeToOwn), time_to_resolve: duration(row.timeToResolve))
        }
        let escalation = levels.enumerated().compactMap { index, level -> SLAEscalationLevel? in
            let target = SLAEscalationLevel.Target(rawValue: level.target)
            if target == nil { errors["level_target_\(index)"] = req.t("validation.choose_listed") }
            let side = SLAEscalationLevel.Side(rawValue: level.side)
            if side == nil { errors["level_side_\(index)"] = req.t("validation.choose_listed") }
            let offset = SLAEscalationOffset(text: String(level.offset.prefix(40)))
            if offset == nil { errors["level_offset_\(index)"] = req.t("tickets.sla_policies.offset_unreadable") }
            let actions = level.actions.enumerated().compactMap { number, action -> SLAEscalationAction? in
                guard let kind = SLAEscalationAction.Kind(rawValue: action.kind) else {
                    errors["level_kind_\(index)_\(number)"] = req.t("validation.choose_listed")
                    return nil
                }
                return SLAEscalationAction(kind, kind.takesValue ? String(action.value.prefix(100)) : "")
            }
            guard let target, let side, let offset else { return nil }
            return SLAEscalationLevel(id: String(level.key.prefix(100)), name: String(level.name.prefix(Self.fieldLimit)),
                                      target: target, side: side, offset: offset, actions: actions)
        }
        let name = text("name")
        return (SLAPolicyStore.Draft(name: name, calendar: calendar, rules: rules, escalation: escalation), errors)
    }
}
