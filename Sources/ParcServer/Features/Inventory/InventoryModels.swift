import FluentKit
import Foundation
import ParcCore
import SQLKit

/// One asset of the fleet: a computer, monitor, printer, network device, phone or peripheral. Computers
/// kept up to date by inventory also carry the summary the lists filter on (OS, memory, CPU, fullest
/// disk); their components and software live in `asset_components` and `asset_software`.
final class AssetModel: Model, @unchecked Sendable {
    static let schema = "assets"

    @ID(key: .id) var id: UUID?
    /// A sequential row number the database assigns on insert (``RowNumbers``); `asset_software` links by it.
    @OptionalField(key: "num") var number: Int64?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "type") var type: String
    @OptionalField(key: "subtype") var subtype: String?
    @Field(key: "name") var name: String
    @OptionalField(key: "inventory_number") var inventoryNumber: String?
    @OptionalField(key: "serial") var serial: String?
    @OptionalField(key: "uuid") var systemUUID: String?
    @OptionalField(key: "manufacturer") var manufacturer: String?
    @OptionalField(key: "model") var model: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "location") var location: String?
    @OptionalField(key: "assigned_user_id") var assignedUserID: UUID?
    @OptionalField(key: "assigned_group") var assignedGroup: String?
    @OptionalField(key: "comment") var comment: String?
    /// JSON object of strings.
    @Field(key: "custom_fields") var customFieldsJSON: String
    /// JSON array of field names a technician edited by hand, which inventories leave alone.
    @Field(key: "locked_fields") var lockedFieldsJSON: String
    @OptionalField(key: "os_name") var osName: String?
    @OptionalField(key: "os_version") var osVersion: String?
    @OptionalField(key: "os_build") var osBuild: String?
    @OptionalField(key: "os_architecture") var osArchitecture: String?
    @OptionalField(key: "os_kernel") var osKernel: String?
    @OptionalField(key: "os_install_date") var osInstallDate: String?
    @OptionalField(key: "memory_bytes") var memoryBytes: Int64?
    @OptionalField(key: "cpu_name") var cpuName: String?
    @OptionalField(key: "cpu_cores") var cpuCores: Int?
    @OptionalField(key: "disk_used_max_percent") var diskUsedMaxPercent: Int?
    @OptionalField(key: "last_inventory_at") var lastInventoryAt: Date?
    @OptionalField(key: "last_inventory_source") var lastInventorySource: String?
    @OptionalField(key: "agent_device_id") var agentDeviceID: String?
    @OptionalField(key: "agent_id") var agentID: UUID?
    /// JSON object: section → digest of what the last inventory said (re-inventories skip unchanged sections).
    @Field(key: "inventory_fingerprints") var fingerprintsJSON: String
    @OptionalField(key: "purchase_date") var purchaseDate: String?
    @OptionalField(key: "supplier") var supplier: String?
    @OptionalField(key: "order_number") var orderNumber: String?
    @OptionalField(key: "purchase_cost") var purchaseCost: Double?
    @OptionalField(key: "warranty_end") var warrantyEnd: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var lockedFields: Set<String> {
        Set((try? JSONDecoder().decode([String].self, from: Data(lockedFieldsJSON.utf8))) ?? [])
    }

    var customFields: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(customFieldsJSON.utf8))) ?? [:]
    }
}

/// The kinds of asset. The raw values are stable (API, filters, naming plans).
enum AssetType: String, CaseIterable, Sendable, Codable {
    case computer, monitor, printer
    case networkDevice = "network_device"
    case phone, peripheral

    /// The asset type of an inventoried device.
    init(_ device: InventoryDeviceType) {
        switch device {
        case .computer: self = .computer
        case .printer: self = .printer
        case .phone: self = .phone
        case .networkEquipment, .storage, .power, .kvm, .video, .unmanaged: self = .networkDevice
        }
    }
}

/// A compact sequential row number, `num`, next to a table's UUID id, for link tables with many rows per
/// object (`asset_software`: ~800 per machine): two small integers per link instead of two 36-character
/// UUIDs make its b-trees a third of the size and its inserts several times cheaper (decision 0030). The
/// database assigns it on insert, whoever inserts: an identity column on PostgreSQL, a trigger taking the
/// next number on SQLite. UUIDs stay the ids of the API and of everything else.
enum RowNumbers {
    static func add(to table: String, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            try await sql.raw("ALTER TABLE \(ident: table) ADD COLUMN \"num\" INTEGER").run()
            try await sql.raw("CREATE UNIQUE INDEX \(ident: table + "_num") ON \(ident: table) (\"num\")").run()
            try await sql.raw("""
                CREATE TRIGGER \(ident: table + "_num") AFTER INSERT ON \(ident: table) WHEN NEW."num" IS NULL
                BEGIN
                    UPDATE \(ident: table) SET "num" = (SELECT COALESCE(MAX("num"), 0) + 1 FROM \(ident: table))
                    WHERE rowid = NEW.rowid;
                END
                """).run()
        } else {
            try await sql.raw("ALTER TABLE \(ident: table) ADD COLUMN \"num\" BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE NOT NULL").run()
        }
    }
}

/// Creates the inventory tables (docs/inventory.md, decision 0026).
struct CreateInventoryTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("assets")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("type", .string, .required)
            .field("subtype", .string)
            .field("name", .string, .required)
            .field("inventory_number", .string)
            .field("serial", .string)
            .field("uuid", .string)
            .field("manufacturer", .string)
            .field("model", .string)
            .field("status", .string, .required)
            .field("location", .string)
            .field("assigned_user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("assigned_group", .string)
            .field("comment", .string)
            .field("custom_fields", .string, .required)
            .field("locked_fields", .string, .required)
            .field("os_name", .string)
            .field("os_version", .string)
            .field("os_build", .string)
            .field("os_architecture", .string)
            .field("os_kernel", .string)
            .field("os_install_date", .string)
            .field("memory_bytes", .int64)
            .field("cpu_name", .string)
            .field("cpu_cores", .int)
            .field("disk_used_max_percent", .int)
            .field("last_inventory_at", .datetime)
            .field("last_inventory_source", .string)
            .field("agent_device_id", .string)
            .field("agent_id", .uuid, .references("agents", "id", onDelete: .setNull))
            .field("inventory_fingerprints", .string, .required)
            .field("purchase_date", .string)
            .field("supplier", .string)
            .field("order_number", .string)
            .field("purchase_cost", .double)
            .field("warranty_end", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await RowNumbers.add(to: "assets", on: database)
        try await database.schema("asset_components")
            .id()
            .field("asset_id", .uuid, .required, .references("assets", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("position", .int, .required)
            .field("stable_key", .string, .required)
            .field("label", .string, .required)
            .field("capacity_bytes", .int64)
            .field("free_bytes", .int64)
            .field("data", .string, .required)
            .create()
        try await database.schema("software")
            .id()
            .field("name_key", .string, .required)
            .field("publisher_key", .string, .required)
            .field("name", .string, .required)
            .field("publisher", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "name_key", "publisher_key")
            .create()
        try await database.schema("software_versions")
            .id()
            .field("software_id", .uuid, .required, .references("software", "id", onDelete: .cascade))
            .field("version", .string, .required)
            .field("architecture", .string, .required)
            .unique(on: "software_id", "version", "architecture")
            .create()
        try await RowNumbers.add(to: "software_versions", on: database)
        if let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" {
            // 800 rows per machine: without a rowid, the primary key is the table, one b-tree less to write.
            try await sql.raw("""
                CREATE TABLE "asset_software" (
                    "asset_num" INTEGER NOT NULL REFERENCES "assets" ("num") ON DELETE CASCADE,
                    "version_num" INTEGER NOT NULL REFERENCES "software_versions" ("num") ON DELETE CASCADE,
                    "install_date" TEXT,
                    PRIMARY KEY ("asset_num", "version_num")
                ) WITHOUT ROWID
                """).run()
        } else {
            try await database.schema("asset_software")
                .field("asset_num", .int64, .required, .references("assets", "num", onDelete: .cascade))
                .field("version_num", .int64, .required, .references("software_versions", "num", onDelete: .cascade))
                .field("install_date", .string)
                .compositeIdentifier(over: "asset_num", "version_num")
                .create()
        }
        try await database.schema("asset_match_keys")
            .field("asset_id", .uuid, .required, .references("assets", "id", onDelete: .cascade))
            .field("criterion", .string, .required)
            .field("value", .string, .required)
            .field("scope", .string, .required)
            .unique(on: "criterion", "value", "scope")
            .create()
        try await database.schema("inventory_settings")
            .field("entity_id", .uuid, .identifier(auto: false), .references("entities", "id", onDelete: .cascade))
            .field("match_order", .string)
            .field("allowed_ranges", .string)
            .field("basic_user", .string)
            .field("basic_password_hash", .string)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("inventory_entity_rules")
            .id()
            .field("position", .int, .required)
            .field("name", .string, .required)
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .field("tag", .string)
            .field("ip_ranges", .string)
            .field("host_pattern", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("software_rules")
            .id()
            .field("position", .int, .required)
            .field("match", .string, .required)
            .field("pattern", .string, .required)
            .field("publisher_match", .string)
            .field("publisher_pattern", .string)
            .field("action", .string, .required)
            .field("new_name", .string)
            .field("new_publisher", .string)
            .field("comment", .string)
            .field("created_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, columns) in [
            ("assets_entity_type", "assets", ["entity_id", "type"]),
            ("assets_name", "assets", ["name"]),
            ("assets_serial", "assets", ["serial"]),
            ("assets_last_inventory", "assets", ["last_inventory_at"]),
            ("asset_components_asset", "asset_components", ["asset_id", "kind"]),
            ("asset_software_version", "asset_software", ["version_num", "asset_num"]),
            ("asset_match_keys_asset", "asset_match_keys", ["asset_id"]),
            ("software_name", "software", ["name"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["software_rules", "inventory_entity_rules", "inventory_settings", "asset_match_keys", "asset_software", "software_versions", "software", "asset_components",
                      "assets"] {
            try await database.schema(table).delete()
        }
    }
}
