import FluentKit
import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The entity rules of inventories from agents without Parc's credential, in order
/// (`inventory_entity_rules`): reading them for the import, the API and the rules page, and the checks
/// every new rule passes.
enum InventoryEntityRuleStore {
    /// A stored rule, as the API and the rules page show it.
    struct Row: Content {
        let id: UUID
        let position: Int
        let name: String
        let entity_id: UUID
        let tag: String?
        let ip_ranges: [String]
        let host_pattern: String?
    }

    /// The longest rule name and agent tag, in characters.
    static let maximumNameLength = 200
    static let maximumTagLength = 100

    /// The rules in the order the import tries them: by position, then by age (ties cannot reorder them).
    static func rows(on db: any Database) async throws -> [Row] {
        let rows = try await (db as! any SQLDatabase).select()
            .columns("id", "position", "name", "entity_id", "tag", "ip_ranges", "host_pattern")
            .from("inventory_entity_rules").orderBy("position").orderBy("created_at").orderBy("id").all()
        return try rows.map { row in
            func text(_ column: String) throws -> String? {
                try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
            }
            return Row(id: try row.decode(column: "id", as: UUID.self),
                       position: try row.decode(column: "position", as: Int.self),
                       name: try row.decode(column: "name", as: String.self),
                       entity_id: try row.decode(column: "entity_id", as: UUID.self), tag: try text("tag"),
                       ip_ranges: (try text("ip_ranges") ?? "").split(whereSeparator: \.isNewline).map(String.init),
                       host_pattern: try text("host_pattern"))
        }
    }

    /// ParcCore's rules for `rows`, in the same order (a rule's index is its row's).
    static func rules(_ rows: [Row]) -> InventoryEntityRules {
        InventoryEntityRules(rows.map { row in
            InventoryEntityRule(
                name: row.name, entityID: row.entity_id, tag: row.tag,
                ipRanges: (try? IPAddressRange.list(parsing: row.ip_ranges.joined(separator: "\n"))) ?? [],
                hostName: row.host_pattern.flatMap { try? GlobPattern($0) })
        })
    }

    /// Where an inventory from an agent without Parc's credential goes: the entity of the first rule that
    /// matches (with that rule), else the first root entity; nil when Parc has no entity yet. The import and
    /// the rules page's tester both ask here.
    static func placement(tag: String?, ip: String?, hostName: String?, tree: EntityTree, on db: any Database)
        async throws -> (entity: UUID, rule: Row?)?
    {
        let rows = try await rows(on: db)
        return placement(tag: tag, ip: ip, hostName: hostName, tree: tree, rows: rows, rules: rules(rows))
    }

    /// ``placement(tag:ip:hostName:tree:on:)`` with the rules already read (`rules` is `rules(rows)`).
    static func placement(tag: String?, ip: String?, hostName: String?, tree: EntityTree, rows: [Row],
                          rules: InventoryEntityRules) -> (entity: UUID, rule: Row?)?
    {
        if let (index, _) = rules.matchingRule(tag: tag, ip: ip, hostName: hostName) {
            return (rows[index].entity_id, rows[index])
        }
        guard let root = tree.roots.sorted(by: { tree.path(of: $0) < tree.path(of: $1) }).first else { return nil }
        return (root, nil)
    }

    /// The checks of a new rule, the same for the API and the rules page: field → message. `describe` words an
    /// address problem (the page gives it in the user's language; the API keeps ParcCore's message).
    static func check(name: String, entity: UUID?, tag: String?, ipRanges: [String], hostPattern: String?,
                      describe: (IPAddressError) -> String = \.message) -> [String: String] {
        var errors: [String: String] = [:]
        if name.isEmpty || name.count > maximumNameLength { errors["name"] = "Give a name of 1 to 200 characters." }
        if entity == nil { errors["entity_id"] = "is required" }
        if let tag, tag.count > maximumTagLength { errors["tag"] = "At most 100 characters." }
        if ipRanges.count > IPAddressRange.maximumListCount {
            errors["ip_ranges"] = describe(.tooManyRanges(count: ipRanges.count, limit: IPAddressRange.maximumListCount))
        } else if let problem = InventorySettings.rangeProblem(ipRanges) {
            errors["ip_ranges"] = describe(problem)
        }
        if let pattern = hostPattern, !pattern.isEmpty {
            do { _ = try GlobPattern(pattern) } catch { errors["host_pattern"] = error.description }
        }
        if (tag ?? "").trimmingCharacters(in: .whitespaces).isEmpty && ipRanges.isEmpty && (hostPattern ?? "").isEmpty {
            errors["tag"] = "Give a tag, address ranges or a host name pattern (a rule without condition catches everything)."
        }
        return errors
    }
}

/// Changes to the entity rules. They apply to every incoming inventory, whatever its entity, so only an
/// administrator of the whole tree (`inventory.admin` on every root) makes them; each goes to the history.
struct InventoryEntityRuleService {
    let request: Request

    private func requireTreeAdministrator() async throws {
        let tree = try await request.entityTree()
        for root in tree.roots { try await request.require(.inventoryAdmin, in: root) }
    }

    /// Adds a checked rule at `position`, or after the last one.
    func create(name: String, entity: UUID, tag: String?, ipRanges: [String], hostPattern: String?,
                position: Int?) async throws -> InventoryEntityRuleStore.Row {
        try await requireTreeAdministrator()
        try await request.require(.inventoryAdmin, in: entity)
        let sql = request.db as! any SQLDatabase
        let last = try await sql.select().column(SQLFunction("MAX", args: SQLColumn("position")), as: "last")
            .from("inventory_entity_rules").first()
        let after = try last.flatMap { try $0.decodeNil(column: "last") ? nil : $0.decode(column: "last", as: Int.self) }
        let row = InventoryEntityRuleStore.Row(
            id: UUID(), position: position ?? ((after ?? 0) + 10), name: name, entity_id: entity,
            tag: tag?.nilIfEmpty, ip_ranges: ipRanges, host_pattern: hostPattern?.nilIfEmpty)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await (db as! any SQLDatabase).insert(into: "inventory_entity_rules")
                .columns("id", "position", "name", "entity_id", "tag", "ip_ranges", "host_pattern", "created_at")
                .values(SQLBind(row.id), SQLBind(row.position), SQLBind(row.name), SQLBind(row.entity_id),
                        SQLBind(row.tag), SQLBind(row.ip_ranges.joined(separator: "\n")), SQLBind(row.host_pattern),
                        SQLBind(audit.now)).run()
            try await audit.record("inventory.entity_rule.created", objectType: "inventory_entity_rule",
                                   objectID: row.id, label: row.name, entityID: row.entity_id, on: db)
        }
        request.parc.inventory.intake.invalidate()
        return row
    }

    /// The rule `id`; 404 when there is none, or when it is of an entity the user may not administer.
    func find(_ id: UUID?) async throws -> InventoryEntityRuleStore.Row {
        guard let id, let row = try await InventoryEntityRuleStore.rows(on: request.db).first(where: { $0.id == id }),
              try await request.entities(for: .inventoryAdmin).contains(row.entity_id)
        else { throw ParcError.notFound("rule") }
        return row
    }

    func delete(_ id: UUID?) async throws -> InventoryEntityRuleStore.Row {
        try await requireTreeAdministrator()
        let row = try await find(id)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await (db as! any SQLDatabase).delete(from: "inventory_entity_rules").where("id", .equal, row.id).run()
            try await audit.record("inventory.entity_rule.deleted", objectType: "inventory_entity_rule",
                                   objectID: row.id, label: row.name, entityID: row.entity_id, on: db)
        }
        request.parc.inventory.intake.invalidate()
        return row
    }

    /// Swaps the rule with the one above or below it, renumbering every rule in tens so that equal positions
    /// (rules added through the API) cannot keep two rules in place.
    func move(_ id: UUID?, up: Bool) async throws {
        try await requireTreeAdministrator()
        let row = try await find(id)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await RulePositions.swap(row.id, up: up, in: "inventory_entity_rules",
                                         order: try await InventoryEntityRuleStore.rows(on: db).map { ($0.id, $0.position) },
                                         on: db) { before, after in
                try await audit.record("inventory.entity_rule.moved", objectType: "inventory_entity_rule",
                                       objectID: row.id, label: row.name, entityID: row.entity_id,
                                       changes: [FieldChange(field: "position", before: String(before),
                                                             after: String(after))], on: db)
            }
        }
        request.parc.inventory.intake.invalidate()
    }
}
