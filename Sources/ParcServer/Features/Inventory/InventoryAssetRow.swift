import Foundation
import ParcCore
import SQLKit

/// The `assets` row an inventory import reads and writes, through SQLKit rather than ``AssetModel``
/// (decision 0075): Fluent reflects every property of the model on each find, create and save, which cost a
/// sixth of the server's time on a re-inventory of an unchanged machine, all of it on SQLite's one writer.
///
/// It holds only what an import touches: the summary columns (as ``PreparedInventory/summary()`` gives them, text
/// by column name), the locked fields, the section digests and the inventory columns. An update writes the
/// columns that changed and those every inventory sets, with `updated_at`, as Fluent's save did; an insert
/// writes the columns ``AssetModel``'s create wrote for an inventoried machine (the others keep their defaults).
struct InventoryAssetRow {
    /// The summary columns an inventory may set (their field names are the column names).
    static let summaryColumns = [
        "name", "uuid", "serial", "manufacturer", "model", "subtype", "os_name", "os_version", "os_build",
        "os_architecture", "os_kernel", "os_install_date", "memory_bytes", "cpu_name", "cpu_cores",
        "disk_used_max_percent",
    ]
    /// Summary columns holding integers: read and written as numbers, compared as their decimal text.
    static let integerColumns: Set<String> = ["memory_bytes", "cpu_cores", "disk_used_max_percent"]

    let id: UUID
    let entityID: UUID
    /// `assets.num`, which `asset_software` links to; nil until the insert returns it.
    private(set) var number: Int64?
    /// Fields a technician edited by hand: inventories leave them alone.
    let lockedFields: Set<String>
    /// Section → digest of what the last inventory said.
    var fingerprints: [String: String]
    var lastInventoryAt: Date?
    var lastInventorySource: String?
    var agentDeviceID: String?
    var agentID: UUID?
    /// Summary values by column, as text; an absent key is NULL.
    private var summary: [String: String]
    private let stored: Stored?
    /// `inventory_fingerprints` exactly as read, for ``touch(now:on:)``'s check.
    private var storedFingerprintsText: String?

    /// What was read, to write only what changed.
    private struct Stored {
        let summary: [String: String]
        let fingerprints: [String: String]
        let lastInventorySource: String?
        let agentDeviceID: String?
        let agentID: UUID?
    }

    /// The asset's name (the history's label).
    var name: String { summary["name"] ?? "" }

    /// A machine not stored yet, deployed, with nothing locked.
    init(newIn entityID: UUID, name: String) {
        id = UUID()
        self.entityID = entityID
        lockedFields = []
        fingerprints = [:]
        summary = ["name": name]
        stored = nil
    }

    /// The columns read.
    private static let columns = ["id", "num", "entity_id", "locked_fields", "inventory_fingerprints",
                                  "last_inventory_source", "agent_device_id", "agent_id"] + summaryColumns

    /// The key and asset columns of ``find(holding:on:)``, written once: serialising thirty quoted identifiers
    /// for every agent request showed in profiles. Both dialects quote identifiers with `"`.
    private static let holderColumns = SQLRaw(
        (["criterion", "value", "scope"].map { #""asset_match_keys"."\#($0)""# }
            + columns.map { #""assets"."\#($0)""# }).joined(separator: ", "))

    /// The stored row of asset `id`, or nil when there is none.
    static func find(_ id: UUID, on sql: any SQLDatabase) async throws -> InventoryAssetRow? {
        guard let row = try await sql.select().columns(columns).from("assets").where("id", .equal, id).first() else {
            return nil
        }
        return try InventoryAssetRow(row)
    }

    /// The row of the asset holding the first of `keys` (in their order) that an asset holds; nil when none does.
    /// One query for the keys and the row. The criteria are named as well as the values, so the lookup goes
    /// through the unique index on (criterion, value, scope) instead of reading every key of every asset.
    static func find(holding keys: [PreparedInventory.Key], on sql: any SQLDatabase) async throws
        -> InventoryAssetRow?
    {
        guard !keys.isEmpty else { return nil }
        let keyColumns = ["criterion", "value", "scope"].map { SQLColumn($0, table: "asset_match_keys") }
        let rows = try await sql.select()
            .column(holderColumns)
            .from("asset_match_keys")
            .join("assets", on: SQLColumn("id", table: "assets"), .equal,
                  SQLColumn("asset_id", table: "asset_match_keys"))
            .where(keyColumns[0], .in, SQLBind.group(Array(Set(keys.map(\.criterion)))))
            .where(keyColumns[1], .in, SQLBind.group(Array(Set(keys.map(\.value)))))
            .all()
        var holders: [PreparedInventory.Key: any SQLRow] = [:]
        for row in rows {
            let key = PreparedInventory.Key(criterion: try row.decode(column: "criterion", as: String.self),
                                            value: try row.decode(column: "value", as: String.self),
                                            scope: try row.decode(column: "scope", as: String.self))
            holders[key] = row
        }
        guard let row = keys.lazy.compactMap({ holders[$0] }).first else { return nil }
        return try InventoryAssetRow(row)
    }

    private init(_ row: any SQLRow) throws {
        func optional<Value: Decodable>(_ column: String, _ type: Value.Type) throws -> Value? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: Value.self)
        }
        id = try row.decode(column: "id", as: UUID.self)
        number = try optional("num", Int64.self)
        entityID = try row.decode(column: "entity_id", as: UUID.self)
        let locked = try row.decode(column: "locked_fields", as: String.self)
        lockedFields = Set((try? JSONDecoder().decode([String].self, from: Data(locked.utf8))) ?? [])
        let digests = try row.decode(column: "inventory_fingerprints", as: String.self)
        storedFingerprintsText = digests
        fingerprints = (try? JSONDecoder().decode([String: String].self, from: Data(digests.utf8))) ?? [:]
        lastInventorySource = try optional("last_inventory_source", String.self)
        agentDeviceID = try optional("agent_device_id", String.self)
        agentID = try optional("agent_id", UUID.self)
        var summary: [String: String] = [:]
        for column in Self.summaryColumns {
            if Self.integerColumns.contains(column) {
                if let value = try optional(column, Int64.self) { summary[column] = String(value) }
            } else if let value = try optional(column, String.self) {
                summary[column] = value
            }
        }
        self.summary = summary
        stored = Stored(summary: summary, fingerprints: fingerprints, lastInventorySource: lastInventorySource,
                        agentDeviceID: agentDeviceID, agentID: agentID)
    }

    /// Whether importing `prepared` would write nothing but the "last inventory" time, as
    /// ``InventoryImporter`` would decide it: every section, software and match-key digest as stored, every summary
    /// value a technician did not lock as stored, the same source, device id and agent (decision 0085).
    func isUnchanged(by prepared: PreparedInventory) -> Bool {
        guard stored != nil, fingerprints["_keys"] == prepared.keysDigest, lastInventorySource == prepared.sourceKind
        else { return false }
        for section in prepared.sections where fingerprints[section.section.rawValue] != section.digest { return false }
        if let software = prepared.softwareDigest, fingerprints["software"] != software { return false }
        for (field, value) in prepared.summary() where !lockedFields.contains(field) && summary[field] != value {
            return false
        }
        if let deviceID = prepared.deviceID, agentDeviceID != deviceID { return false }
        if let agent = prepared.agentID, agentID != agent { return false }
        return true
    }

    /// For an unchanged machine: sets `last_inventory_at` and `updated_at` in one statement, provided the row still
    /// holds the digests read (another import may have changed it meanwhile). False when it does not, or is gone.
    func touch(now: Date, on sql: any SQLDatabase) async throws -> Bool {
        guard let storedFingerprintsText else { return false }
        let rows = try await sql.update("assets").set("last_inventory_at", to: SQLBind(now))
            .set("updated_at", to: SQLBind(now)).where("id", .equal, id)
            .where("inventory_fingerprints", .equal, storedFingerprintsText).returning("id").all()
        return !rows.isEmpty
    }

    /// The row number, which an existing or inserted row has.
    func requireNumber() throws -> Int64 {
        guard let number else { throw InventoryImportError.noRowNumber(id) }
        return number
    }

    /// A summary column as text.
    func summaryValue(_ column: String) -> String? { summary[column] }

    /// Sets a summary column; the name is never cleared (it is required), and integer columns keep what reads
    /// as an integer, as ``AssetModel/setSummaryValue(_:_:)`` does.
    mutating func setSummaryValue(_ column: String, _ value: String?) {
        if column == "name" && value == nil { return }
        if Self.integerColumns.contains(column) {
            summary[column] = value.flatMap { Int64($0) }.map(String.init)
        } else {
            summary[column] = value
        }
    }

    private func bind(_ column: String) -> SQLBind {
        if Self.integerColumns.contains(column) { return SQLBind(summary[column].flatMap { Int64($0) }) }
        return SQLBind(summary[column])
    }

    private var fingerprintsJSON: String {
        // Sorted keys, as before: equal digests store equal text.
        (try? String(decoding: JSONEncoder.sortedKeys.encode(fingerprints), as: UTF8.self)) ?? "{}"
    }

    /// Inserts the new machine and keeps the row number the database gave it (`RETURNING`, one statement). On
    /// SQLite the number is given in the insert, by the rule of its trigger (``RowNumbers``), which then stays
    /// idle: a trigger's own write would not show in `RETURNING`.
    mutating func insert(type: String, status: String, now: Date, on sql: any SQLDatabase) async throws {
        var columns = ["id", "entity_id", "type", "status", "custom_fields", "locked_fields", "inventory_fingerprints",
                       "last_inventory_at", "last_inventory_source", "agent_device_id", "agent_id", "created_at",
                       "updated_at"]
        var values: [any SQLExpression] = [
            SQLBind(id), SQLBind(entityID), SQLBind(type), SQLBind(status), SQLBind("{}"), SQLBind("[]"),
            SQLBind(fingerprintsJSON), SQLBind(lastInventoryAt), SQLBind(lastInventorySource), SQLBind(agentDeviceID),
            SQLBind(agentID), SQLBind(now), SQLBind(now),
        ]
        for column in Self.summaryColumns where column == "name" || summary[column] != nil {
            columns.append(column)
            values.append(bind(column))
        }
        if sql.dialect.name == "sqlite" {
            columns.append("num")
            values.append(SQLRaw(#"(SELECT COALESCE(MAX("num"), 0) + 1 FROM "assets")"#))
        }
        guard let number = try await sql.insert(into: "assets").columns(columns).values(values).returning("num")
            .first(decodingColumn: "num", as: Int64.self)
        else { throw InventoryImportError.noRowNumber(id) }
        self.number = number
    }

    /// Writes what changed since the row was read, with `last_inventory_at` and `updated_at`.
    func update(now: Date, on sql: any SQLDatabase) async throws {
        guard let stored else { return }
        let update = sql.update("assets")
        for column in Self.summaryColumns where summary[column] != stored.summary[column] {
            update.set(SQLIdentifier(column), to: bind(column))
        }
        if fingerprints != stored.fingerprints {
            update.set(SQLIdentifier("inventory_fingerprints"), to: SQLBind(fingerprintsJSON))
        }
        if lastInventorySource != stored.lastInventorySource {
            update.set(SQLIdentifier("last_inventory_source"), to: SQLBind(lastInventorySource))
        }
        if agentDeviceID != stored.agentDeviceID {
            update.set(SQLIdentifier("agent_device_id"), to: SQLBind(agentDeviceID))
        }
        if agentID != stored.agentID { update.set(SQLIdentifier("agent_id"), to: SQLBind(agentID)) }
        try await update.set(SQLIdentifier("last_inventory_at"), to: SQLBind(lastInventoryAt))
            .set(SQLIdentifier("updated_at"), to: SQLBind(now)).where("id", .equal, id).run()
    }
}
