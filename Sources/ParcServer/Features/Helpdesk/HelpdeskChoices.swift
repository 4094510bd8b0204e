import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// The helpdesk objects a configuration form offers by name where the stored value is an id — categories, groups,
/// SLA policies, technicians — each grouped by entity so that a long list stays readable. A value that is no longer
/// on offer (a group since deleted, one of an entity out of reach) is kept as an option of its own, so saving the
/// form again does not lose it silently.
struct HelpdeskChoices {
    struct Choice {
        let id: UUID
        let entity: UUID
        let name: String
    }

    /// The id no object has: what a form sends for an id that does not read, so that the store refuses it with the
    /// message it gives for an unknown one.
    static let nowhere = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    let tree: EntityTree
    let categories: [Choice]
    let groups: [Choice]
    let policies: [Choice]
    /// Accounts that work the tickets of the form's entity, by display name.
    let technicians: [(id: UUID, name: String)]

    /// The objects of `usable` (the user's entities and those above); technicians of `technicianEntity`.
    static func load(_ req: Request, usable: Set<UUID>, tree: EntityTree, technicianEntity: UUID?) async throws
        -> HelpdeskChoices
    {
        let categories = try await TicketCategoryModel.query(on: req.db).scoped(to: usable, \.$entityID).sort(\.$name).all()
        let groups = try await SupportGroupModel.query(on: req.db).scoped(to: usable, \.$entityID).sort(\.$name).all()
        let policies = try await SLAPolicyModel.query(on: req.db).scoped(to: usable, \.$entityID).sort(\.$name).all()
        var technicians: [(id: UUID, name: String)] = []
        if let entity = technicianEntity {
            let chain = tree.ancestors(of: entity) + [entity]
            let candidates = try await ProfileModel.query(on: req.db).filter(\.$entityID ~~ chain).all().map(\.userID)
            let able = try await TicketService.usersWhoMayWork(Array(Set(candidates)), entity: entity, tree: tree,
                                                                on: req.db)
            technicians = try await UserModel.query(on: req.db).filter(\.$id ~~ Array(able)).sort(\.$displayName).all()
                .map { ($0.id!, $0.displayName) }
        }
        return HelpdeskChoices(
            tree: tree,
            categories: try Self.categoryPaths(categories),
            groups: groups.map { Choice(id: $0.id!, entity: $0.entityID, name: $0.name) },
            policies: policies.map { Choice(id: $0.id!, entity: $0.entityID, name: $0.name) },
            technicians: technicians)
    }

    /// Categories named by their path in their tree (`Matériel › Imprimantes`), ordered by it.
    private static func categoryPaths(_ rows: [TicketCategoryModel]) throws -> [Choice] {
        let byID = Dictionary(uniqueKeysWithValues: rows.compactMap { row in row.id.map { ($0, row) } })
        func path(_ row: TicketCategoryModel) -> String {
            var names = [row.name]
            var seen: Set<UUID> = [row.id!]
            var parent = row.parentID
            while let id = parent, seen.insert(id).inserted, let above = byID[id] {
                names.insert(above.name, at: 0)
                parent = above.parentID
            }
            return names.joined(separator: " › ")
        }
        return rows.map { Choice(id: $0.id!, entity: $0.entityID, name: path($0)) }
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
    }

    /// `choices` as option groups, one per entity in tree order, the selected ones marked; selected values not on
    /// offer come first, under `unknownLabel`.
    func grouped(_ choices: [Choice], selected: Set<String>, unknownLabel: String)
        -> [SLAPolicyPagesController.OptionGroup]
    {
        var groups: [SLAPolicyPagesController.OptionGroup] = []
        let offered = Set(choices.map(\.id.uuidString))
        let missing = selected.filter { !$0.isEmpty && !offered.contains($0) }.sorted()
        if !missing.isEmpty {
            groups.append(.init(label: unknownLabel, options: missing.map {
                SelectOption(value: $0, label: $0, selected: true)
            }))
        }
        for entity in tree.ordered {
            let own = choices.filter { $0.entity == entity }
            guard !own.isEmpty else { continue }
            groups.append(.init(label: tree.path(of: entity), options: own.map {
                SelectOption(value: $0.id.uuidString, label: $0.name, selected: selected.contains($0.id.uuidString))
            }))
        }
        return groups
    }

    func categories(_ req: Request, selected: Set<String>) -> [SLAPolicyPagesController.OptionGroup] {
        grouped(categories, selected: selected, unknownLabel: req.t("tickets.setup.not_offered"))
    }

    /// What an escalation action's value may be: a group, an account or a priority, in one select.
    func actionValues(_ req: Request, selected: String) -> [SLAPolicyPagesController.OptionGroup] {
        let offered = Set(groups.map(\.id.uuidString) + technicians.map(\.id.uuidString) + (1...6).map(String.init))
        var result: [SLAPolicyPagesController.OptionGroup] = [
            .init(label: "", options: [SelectOption(value: "", label: "—", selected: selected.isEmpty)]),
        ]
        if !selected.isEmpty, !offered.contains(selected) {
            result.append(.init(label: req.t("tickets.setup.not_offered"),
                                options: [SelectOption(value: selected, label: selected, selected: true)]))
        }
        let chosenGroup: Set<String> = groups.contains { $0.id.uuidString == selected } ? [selected] : []
        for group in grouped(groups, selected: chosenGroup, unknownLabel: "") {
            result.append(.init(label: req.t("tickets.setup.groups_of", group.label), options: group.options))
        }
        if !technicians.isEmpty {
            result.append(.init(label: req.t("tickets.setup.technicians"), options: technicians.map {
                SelectOption(value: $0.id.uuidString, label: $0.name, selected: $0.id.uuidString == selected)
            }))
        }
        result.append(.init(label: req.t("tickets.priority"), options: (1...6).map {
            SelectOption(value: String($0), label: req.t("tickets.priority.\($0)"), selected: String($0) == selected)
        }))
        return result
    }
}
