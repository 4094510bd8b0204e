import FluentKit
import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Changes to the software dictionary. The catalogue is shared by every entity, so only an administrator of the
/// whole tree (`inventory.admin` on every root) makes them; each goes to the history, and the next inventories
/// of this instance use the new dictionary at once.
struct SoftwareRuleService {
    let request: Request

    private func requireTreeAdministrator() async throws -> EntityTree {
        let tree = try await request.entityTree()
        for root in tree.roots { try await request.require(.inventoryAdmin, in: root) }
        return tree
    }

    /// Adds a rule after checking it (``SoftwareRuleStore/check(_:joining:)``); without a position, after the
    /// last one.
    func create(match: String, pattern: String, publisherMatch: String?, publisherPattern: String?, action: String,
                newName: String?, newPublisher: String?, comment: String?, position: Int?) async throws
        -> SoftwareRuleStore.Row
    {
        let tree = try await requireTreeAdministrator()
        let existing = try await SoftwareRuleStore.rows(on: request.db)
        let row = SoftwareRuleStore.Row(
            id: UUID(), position: position ?? ((existing.map(\.position).max() ?? 0) + 10), match: match,
            pattern: pattern, publisher_match: publisherMatch, publisher_pattern: publisherPattern?.nilIfEmpty,
            action: action, new_name: newName?.nilIfEmpty, new_publisher: newPublisher?.nilIfEmpty,
            comment: comment?.nilIfEmpty)
        try SoftwareRuleStore.check(row, joining: existing)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await (db as! any SQLDatabase).insert(into: "software_rules")
                .columns("id", "position", "match", "pattern", "publisher_match", "publisher_pattern", "action",
                         "new_name", "new_publisher", "comment", "created_at")
                .values(SQLBind(row.id), SQLBind(row.position), SQLBind(row.match), SQLBind(row.pattern),
                        SQLBind(row.publisher_match), SQLBind(row.publisher_pattern), SQLBind(row.action),
                        SQLBind(row.new_name), SQLBind(row.new_publisher), SQLBind(row.comment), SQLBind(audit.now)).run()
            try await audit.record("software_rule.created", objectType: "software_rule", objectID: row.id,
                                   label: row.pattern, entityID: tree.roots.first, on: db)
        }
        request.parc.inventory.dictionary.invalidate()
        return row
    }

    private func find(_ id: UUID?) async throws -> SoftwareRuleStore.Row {
        guard let id, let row = try await SoftwareRuleStore.rows(on: request.db).first(where: { $0.id == id }) else {
            throw ParcError.notFound("rule")
        }
        return row
    }

    func delete(_ id: UUID?) async throws -> SoftwareRuleStore.Row {
        let tree = try await requireTreeAdministrator()
        let row = try await find(id)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await (db as! any SQLDatabase).delete(from: "software_rules").where("id", .equal, row.id).run()
            try await audit.record("software_rule.deleted", objectType: "software_rule", objectID: row.id,
                                   label: row.pattern, entityID: tree.roots.first, on: db)
        }
        request.parc.inventory.dictionary.invalidate()
        return row
    }

    /// Swaps the rule with its neighbour (``RulePositions``).
    func move(_ id: UUID?, up: Bool) async throws {
        let tree = try await requireTreeAdministrator()
        let row = try await find(id)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await RulePositions.swap(row.id, up: up, in: "software_rules",
                                         order: try await SoftwareRuleStore.rows(on: db).map { ($0.id, $0.position) },
                                         on: db) { before, after in
                try await audit.record("software_rule.moved", objectType: "software_rule", objectID: row.id,
                                       label: row.pattern, entityID: tree.roots.first,
                                       changes: [FieldChange(field: "position", before: String(before),
                                                             after: String(after))], on: db)
            }
        }
        request.parc.inventory.dictionary.invalidate()
    }
}
