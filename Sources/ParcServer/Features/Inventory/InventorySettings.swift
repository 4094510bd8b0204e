import FluentKit
import Foundation
import ParcCore
import SQLKit

/// Per-entity inventory settings (`inventory_settings`), inherited down the entity tree: the match order,
/// and who may use the GLPI/FusionInventory/OCS paths without Parc's agent credential.
struct InventorySettings: Sendable, Equatable {
    /// The order in which match keys are tried.
    var matchOrder: [InventoryMatchCriterion]
    /// The ranges the agent paths accept; nil means the default, loopback and private addresses.
    var allowedRanges: [String]?
    /// When set, the agent paths require HTTP basic credentials with this user name.
    var basicUser: String?
    /// The password's hash (``Secrets``), with `basicUser`.
    var basicPasswordHash: String?

    static let defaults = InventorySettings(matchOrder: InventoryMatchCriterion.defaultOrder, allowedRanges: nil,
                                            basicUser: nil, basicPasswordHash: nil)

    /// "uuid,serial,mac,name" → criteria; unknown words are refused with the list of known ones.
    static func parseMatchOrder(_ text: String) throws -> [InventoryMatchCriterion] {
        var order: [InventoryMatchCriterion] = []
        for word in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            guard let criterion = InventoryMatchCriterion(rawValue: word.lowercased()) else {
                throw ParcError.validation(["match_order": "Unknown criterion '\(word)'; use uuid, serial, mac and name, in the order to try them."])
            }
            if !order.contains(criterion) { order.append(criterion) }
        }
        guard !order.isEmpty else {
            throw ParcError.validation(["match_order": "Give at least one of uuid, serial, mac, name."])
        }
        return order
    }

    /// The settings that apply to `entity`: its own row, else its nearest ancestor's, else the defaults.
    static func effective(for entity: UUID, tree: EntityTree, on db: any Database) async throws -> InventorySettings {
        let sql = db as! any SQLDatabase
        let chain = [entity] + tree.ancestors(of: entity)
        let rows = try await sql.select().columns("entity_id", "match_order", "allowed_ranges", "basic_user",
                                                  "basic_password_hash")
            .from("inventory_settings").where("entity_id", .in, SQLBind.group(chain)).all()
        var byEntity: [UUID: any SQLRow] = [:]
        for row in rows { byEntity[try row.decode(column: "entity_id", as: UUID.self)] = row }
        guard let row = chain.lazy.compactMap({ byEntity[$0] }).first else { return defaults }
        var settings = defaults
        if let order = try row.decodeNil(column: "match_order") ? nil : row.decode(column: "match_order", as: String.self) {
            settings.matchOrder = (try? parseMatchOrder(order)) ?? InventoryMatchCriterion.defaultOrder
        }
        if !(try row.decodeNil(column: "allowed_ranges")) {
            settings.allowedRanges = try row.decode(column: "allowed_ranges", as: String.self)
                .split(whereSeparator: { $0 == "," || $0.isNewline || $0 == " " }).map(String.init)
        }
        if !(try row.decodeNil(column: "basic_user")) {
            settings.basicUser = try row.decode(column: "basic_user", as: String.self)
            settings.basicPasswordHash = try row.decodeNil(column: "basic_password_hash") ? nil
                : row.decode(column: "basic_password_hash", as: String.self)
        }
        return settings
    }
}
