import FluentKit
import Foundation
import ParcCore
import SQLKit

/// Whether a source address may use the agent paths: in the entity's allowed ranges, or in loopback and
/// private ranges when the entity set none. A stored range that no longer parses allows nothing.
enum InventoryAccess {
    static func allows(ip: String, ranges: [String]?) -> Bool {
        guard let ranges else { return IPAddressRange.privateAndLoopback.contains(address: ip) }
        return ranges.contains { (try? IPAddressRange(parsing: $0))?.contains(ip) == true }
    }
}

/// The entity rules of inventories from agents without Parc's credential, in order
/// (`inventory_entity_rules`).
enum InventoryEntityRuleStore {
    static func load(on db: any Database) async throws -> InventoryEntityRules {
        let sql = db as! any SQLDatabase
        let rows = try await sql.select().columns("id", "name", "entity_id", "tag", "ip_ranges", "host_pattern")
            .from("inventory_entity_rules").orderBy("position").all()
        return InventoryEntityRules(try rows.map { row in
            func text(_ column: String) throws -> String? {
                try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
            }
            return InventoryEntityRule(
                name: try row.decode(column: "name", as: String.self),
                entityID: try row.decode(column: "entity_id", as: UUID.self),
                tag: try text("tag"),
                ipRanges: (try? IPAddressRange.list(parsing: try text("ip_ranges") ?? "")) ?? [],
                hostName: try text("host_pattern").flatMap { try? GlobPattern($0) })
        })
    }
}
