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

    /// The longest user name agents send, in characters.
    static let maximumUserLength = 100

    /// "uuid,serial,mac,name" → criteria; unknown words are refused with the list of known ones.
    static func parseMatchOrder(_ text: String) throws -> [InventoryMatchCriterion] {
        var order: [InventoryMatchCriterion] = []
        for word in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            guard let criterion = InventoryMatchCriterion(rawValue: word.lowercased()) else {
                throw ParcError.validation(["match_order": "Unknown criterion '\(word.prefix(40))'; use uuid, serial, mac and name, in the order to try them."])
            }
            if !order.contains(criterion) { order.append(criterion) }
        }
        guard !order.isEmpty else {
            throw ParcError.validation(["match_order": "Give at least one of uuid, serial, mac, name."])
        }
        return order
    }

    /// The checks of a change of settings, the same for the API and the settings page: the match order as
    /// criteria, and field → message for what is refused. `describe` words an address problem (the page
    /// gives it in the user's language; the API keeps ParcCore's message).
    static func check(matchOrder words: [String]?, allowedRanges ranges: [String]?, basicUser user: String?,
                      requireCredentials: Bool, describe: (IPAddressError) -> String = \.message)
        -> (order: [InventoryMatchCriterion], errors: [String: String])
    {
        var errors: [String: String] = [:]
        var order = InventoryMatchCriterion.defaultOrder
        if let words {
            do { order = try parseMatchOrder(words.joined(separator: ",")) } catch let error as ParcError {
                errors.merge(error.fields) { $1 }
            } catch {}
        }
        if let ranges {
            if ranges.count > IPAddressRange.maximumListCount {
                errors["allowed_ranges"] = describe(.tooManyRanges(count: ranges.count, limit: IPAddressRange.maximumListCount))
            } else if let problem = rangeProblem(ranges) {
                errors["allowed_ranges"] = describe(problem)
            }
        }
        let user = user?.trimmingCharacters(in: .whitespaces) ?? ""
        if requireCredentials, user.isEmpty {
            errors["basic_user"] = "Give the user name the agents will send (--user)."
        }
        if user.count > maximumUserLength || user.contains(":") || user.contains(where: \.isNewline) {
            errors["basic_user"] = "At most 100 characters, no colon."
        }
        return (order, errors)
    }

    /// The first range of a list that does not parse, as the agent paths would read it.
    static func rangeProblem(_ ranges: [String]) -> IPAddressError? {
        for range in ranges {
            do { _ = try IPAddressRange(parsing: range) } catch { return error }
        }
        return nil
    }

    /// The settings an entity has of its own, or nil when it inherits them.
    static func own(_ entity: UUID, on db: any Database) async throws -> InventorySettings? {
        try await stored(for: [entity], on: db)[entity]
    }

    /// The rows of `entities` that exist (every row when nil), decoded.
    static func stored(for entities: [UUID]?, on db: any Database) async throws -> [UUID: InventorySettings] {
        if entities?.isEmpty == true { return [:] }
        let select = (db as! any SQLDatabase).select()
            .columns("entity_id", "match_order", "allowed_ranges", "basic_user", "basic_password_hash")
            .from("inventory_settings")
        if let entities { select.where("entity_id", .in, SQLBind.group(entities)) }
        let rows = try await select.all()
        var byEntity: [UUID: InventorySettings] = [:]
        for row in rows { byEntity[try row.decode(column: "entity_id", as: UUID.self)] = try decode(row) }
        return byEntity
    }

    private static func decode(_ row: any SQLRow) throws -> InventorySettings {
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

    /// The settings that apply to `entity`, and the entity they come from: its own row, else its nearest
    /// ancestor's; nil as the source when no entity up the tree has a row (Parc's defaults).
    static func resolved(for entity: UUID, tree: EntityTree, on db: any Database) async throws
        -> (settings: InventorySettings, source: UUID?)
    {
        let chain = [entity] + tree.ancestors(of: entity).reversed()
        return resolved(for: entity, tree: tree, stored: try await stored(for: chain, on: db))
    }

    /// ``resolved(for:tree:on:)`` from rows already read (`stored`: entity → its own settings).
    static func resolved(for entity: UUID, tree: EntityTree, stored byEntity: [UUID: InventorySettings])
        -> (settings: InventorySettings, source: UUID?)
    {
        let chain = [entity] + tree.ancestors(of: entity).reversed()
        guard let source = chain.first(where: { byEntity[$0] != nil }) else { return (defaults, nil) }
        return (byEntity[source]!, source)
    }

    /// ``resolved(for:tree:on:)`` for every entity of `entities`, with one query.
    static func resolved(for entities: [UUID], tree: EntityTree, on db: any Database) async throws
        -> [UUID: (settings: InventorySettings, source: UUID?)]
    {
        let chains = entities.map { [$0] + tree.ancestors(of: $0).reversed() }
        let byEntity = try await stored(for: Array(Set(chains.joined())), on: db)
        var result: [UUID: (settings: InventorySettings, source: UUID?)] = [:]
        for (entity, chain) in zip(entities, chains) {
            let source = chain.first { byEntity[$0] != nil }
            result[entity] = (source.map { byEntity[$0]! } ?? defaults, source)
        }
        return result
    }

    /// The settings that apply to `entity`: its own row, else its nearest ancestor's, else the defaults.
    static func effective(for entity: UUID, tree: EntityTree, on db: any Database) async throws -> InventorySettings {
        try await resolved(for: entity, tree: tree, on: db).settings
    }
}
