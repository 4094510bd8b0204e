import Fluent
import Foundation
import ParcCore
import Vapor

/// `/inventory/entity-rules`: the rules that place machines inventoried by agents without Parc's credential, in
/// the order they are tried, with the form that adds one, ↑/↓ and delete, and a "which rule would place this
/// agent" tester over the import's own code (``InventoryEntityRuleStore/placement(tag:ip:hostName:tree:on:)``).
/// Reading needs `inventory.admin` somewhere and shows the rules of the entities the user administers; changes
/// need it on every root, as in the API (docs/inventory.md §Entity rules, decision 0069).
struct EntityRulesPage {
    func register(_ routes: any RoutesBuilder) {
        routes.get("inventory", "entity-rules", use: page)
        routes.post("inventory", "entity-rules", use: create)
        routes.post("inventory", "entity-rules", ":id", "move", use: move)
        routes.post("inventory", "entity-rules", ":id", "delete", use: delete)
    }

    struct Row: Encodable {
        let id: UUID
        let number: Int
        let name: String
        let entity: String
        let tag: String?
        let ranges: String?
        let host: String?
        let first: Bool
        let last: Bool
    }

    /// The tester's answer.
    struct Placement: Encodable {
        /// The entity's path, nil when it is one the user does not administer.
        let entity: String?
        let ruleNumber: String?
        let ruleName: String?
    }

    struct Page: Encodable {
        let rows: [Row]
        let canManage: Bool
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let test: [String: String]
        let testErrors: [String: String]
        let placement: Placement?
    }

    /// The fields of the add form, cut to sizes no valid rule exceeds.
    struct Submission: Content {
        var name: String?
        var entity_id: String?
        var tag: String?
        var ip_ranges: String?
        var host_pattern: String?

        var values: [String: String] {
            ["name": String((name ?? "").prefix(1_000)), "entity_id": String((entity_id ?? "").prefix(40)),
             "tag": String((tag ?? "").prefix(1_000)), "ip_ranges": String((ip_ranges ?? "").prefix(100_000)),
             "host_pattern": String((host_pattern ?? "").prefix(1_000))]
        }
    }

    private func render(_ req: Request, values: [String: String] = [:], errors: [String: String] = [:],
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.requireAnywhere(.inventoryAdmin)
        let tree = try await req.entityTree()
        let visible = try await req.entities(for: .inventoryAdmin)
        let all = try await InventoryEntityRuleStore.rows(on: req.db)
        let shown = all.enumerated().filter { visible.contains($0.element.entity_id) }
        let rows = shown.enumerated().map { index, numbered in
            let row = numbered.element
            return Row(id: row.id, number: numbered.offset + 1, name: row.name, entity: tree.path(of: row.entity_id),
                       tag: row.tag, ranges: row.ip_ranges.isEmpty ? nil : row.ip_ranges.joined(separator: ", "),
                       host: row.host_pattern, first: index == 0, last: index == shown.count - 1)
        }
        let scope = try await req.accessScope()
        let canManage = tree.roots.allSatisfy { scope.allows(.inventoryAdmin, in: $0) }
        // The tester: a read-only GET form, bookmarkable.
        var test: [String: String] = [:]
        for key in ["tag", "ip", "host"] {
            test[key] = (try? req.query.get(String.self, at: "test_\(key)")).map { String($0.prefix(300)) }
        }
        var testErrors: [String: String] = [:]
        var placement: Placement?
        if req.method == .GET, (try? req.query.get(String.self, at: "test")) != nil {
            let ip = test["ip"]?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            if let ip {
                do { _ = try IPAddress(parsing: ip) } catch { testErrors["test_ip"] = req.describe(error) }
            }
            if testErrors.isEmpty, let found = try await InventoryEntityRuleStore.placement(
                tag: test["tag"]?.nilIfEmpty, ip: ip, hostName: test["host"]?.nilIfEmpty, tree: tree, on: req.db) {
                // A rule or entity the user does not administer is not named.
                let known = visible.contains(found.entity)
                let number = found.rule.flatMap { rule in all.firstIndex { $0.id == rule.id } }.map { String($0 + 1) }
                placement = Placement(entity: known ? tree.path(of: found.entity) : nil, ruleNumber: number,
                                      ruleName: known ? found.rule?.name : nil)
            }
        }
        let page = Page(rows: rows, canManage: canManage, values: values, errors: errors,
                        entities: try await req.entityOptions(for: .inventoryAdmin,
                                                              selected: values["entity_id"].flatMap(UUID.init(uuidString:))),
                        test: test, testErrors: testErrors, placement: placement)
        return try await req.renderPage("inventory/entity-rules", title: req.t("inventory.rules.title"),
                                        active: "inventory-rules", page: page,
                                        status: testErrors.isEmpty ? status : .unprocessableEntity)
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        try await render(req)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.inventoryAdmin)
        let values = try req.content.decode(Submission.self).values
        let name = values["name"]!.trimmingCharacters(in: .whitespaces)
        let entity = UUID(uuidString: values["entity_id"]!)
        let ranges = values["ip_ranges"]!.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let tag = values["tag"]!.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let host = values["host_pattern"]!.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let errors = InventoryEntityRuleStore.check(name: name, entity: entity, tag: tag, ipRanges: ranges,
                                                    hostPattern: host, describe: req.describe)
        guard errors.isEmpty, let entity else {
            return try await render(req, values: values, errors: req.localized(errors), status: .unprocessableEntity)
        }
        let row = try await InventoryEntityRuleService(request: req).create(
            name: name, entity: entity, tag: tag, ipRanges: ranges, hostPattern: host, position: nil)
        req.flash("success", req.t("inventory.rules.saved", row.name))
        return req.redirect(to: "/inventory/entity-rules")
    }

    @Sendable func move(_ req: Request) async throws -> Response {
        let direction = try? req.content.get(String.self, at: "direction")
        guard direction == "up" || direction == "down" else {
            throw ParcError.validation(["direction": "Use up or down."])
        }
        try await InventoryEntityRuleService(request: req).move(req.parameters.get("id", as: UUID.self),
                                                               up: direction == "up")
        return req.redirect(to: "/inventory/entity-rules")
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        let row = try await InventoryEntityRuleService(request: req).delete(req.parameters.get("id", as: UUID.self))
        req.flash("success", req.t("inventory.rules.deleted", row.name))
        return req.redirect(to: "/inventory/entity-rules")
    }
}
