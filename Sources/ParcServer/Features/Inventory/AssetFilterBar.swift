import Foundation
import ParcCore
import Vapor

/// The asset list page's typed filters: the ones the filter bar has no control for, shown as chips that each
/// remove their filter, and the *Add a filter* form (field, operator, value) that turns into `field[operator]=value`
/// with a redirect, so that the page works without JavaScript (decision 0077).
struct AssetFilterBar: Encodable {
    struct Chip: Encodable {
        let label: String
        /// The list without this filter.
        let removeHref: String
        /// Kept in the filter bar's form so that a new search keeps the filter.
        let name: String
        let value: String
    }

    struct Parameter: Encodable {
        let name: String
        let value: String
    }

    let chips: [Chip]
    /// The list's current parameters, which the *Add a filter* form sends along.
    let current: [Parameter]
    let fields: [SelectOption]
    let operators: [SelectOption]

    /// Filters with a control of their own in the bar (or that the bar's search box sets).
    static let barFilters: Set<String> = ["type", "status", "software", "software_version", "not_seen_days"]
    /// The parameters of the *Add a filter* form.
    static let formParameters = ["add_field", "add_op", "add_value"]

    init(_ req: Request, query: ListQuery, tree: EntityTree, visible: Set<UUID>) {
        let base = req.url.path
        var chips: [Chip] = []
        for (name, value) in query.filters.sorted(by: { $0.key < $1.key }) where !Self.barFilters.contains(name) {
            var rest = query
            rest.filters[name] = nil
            rest.page = 1
            chips.append(Chip(label: Self.label(req, name: name, value: value, tree: tree, visible: visible),
                              removeHref: base + "?" + ListPageLinks.encode(rest.queryItems()), name: name, value: value))
        }
        self.chips = chips
        var current = query
        current.page = 1
        self.current = current.queryItems().filter { $0.0 != "page" && $0.0 != "per_page" }
            .map { Parameter(name: $0.0, value: $0.1) }
        fields = AssetFilterSQL.targets.keys.map { field in
            SelectOption(value: field, label: req.t("assets.filter.field.\(field)"), selected: false)
        }.sorted { $0.label.localizedStandardCompare($1.label) == .orderedAscending }
        operators = AssetFilterOperator.allCases.filter { $0 != .in }.map {
            SelectOption(value: $0.rawValue, label: req.t("assets.filter.op.\($0.rawValue)"), selected: $0 == .eq)
        }
    }

    /// "Memory < 8GB", "Maker is empty", "Entity = Lycée Jean Moulin".
    static func label(_ req: Request, name: String, value: String, tree: EntityTree, visible: Set<UUID>) -> String {
        var field = name
        var op = AssetFilterOperator.eq
        if case let (base, named?)? = try? AssetFilterParser.split(name) {
            field = base
            op = AssetFilterOperator(rawValue: named.lowercased()) ?? .eq
        } else if let alias = AssetQuery.aliases[name] {
            field = alias.field
            op = alias.op
        }
        let fieldLabel = req.t("assets.filter.field.\(field)")
        if op == .isNull {
            let empty = ["true", "yes", "1"].contains(value.lowercased())
            return fieldLabel + " " + req.t(empty ? "assets.filter.empty" : "assets.filter.not_empty")
        }
        var shown = value
        if field == "entity_id", let id = UUID(uuidString: value), visible.contains(id), let entity = tree.nodes[id] {
            shown = entity.name
        }
        return fieldLabel + " " + req.t("assets.filter.symbol.\(op.rawValue)") + " " + shown
    }

    /// The list's URL with the filter the *Add a filter* form describes, or nil when the request is no such form.
    /// The new filter replaces one of the same field and operator; the list then checks it like any other.
    static func redirect(_ req: Request) throws -> String? {
        let pairs = try req.queryPairs()
        guard let field = pairs.first(where: { $0.0 == "add_field" })?.1 else { return nil }
        let op = pairs.first(where: { $0.0 == "add_op" })?.1 ?? "eq"
        let value = pairs.first(where: { $0.0 == "add_value" })?.1 ?? ""
        let name = op == "eq" ? field : field + "[" + op + "]"
        var kept = pairs.filter { !formParameters.contains($0.0) && $0.0 != name && $0.0 != "page" }
        if !field.isEmpty { kept.append((name, value)) }
        return req.url.path + (kept.isEmpty ? "" : "?" + ListPageLinks.encode(kept))
    }
}
