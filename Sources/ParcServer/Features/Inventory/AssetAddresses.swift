import FluentKit
import Foundation
import ParcCore
import SQLKit

/// The IP addresses each asset's inventories report, one row per address and section, kept in step with the
/// network sections by the importer; the asset list's `ip` filter reads them (decision 0083). `sort_key` holds the
/// address as 32 hexadecimal digits (``IPAddress/sortKey``), so a network or a span is one range on an index.
enum AssetAddresses {
    static let table = "asset_addresses"

    struct Row {
        let assetID: UUID
        let section: InventorySection
        let address: IPAddress
    }

    /// The rows of `report`'s `section` for `assetID`.
    static func rows(of report: InventoryReport, section: InventorySection, assetID: UUID) -> [Row] {
        report.ipAddresses(in: section).map { Row(assetID: assetID, section: section, address: $0) }
    }

    /// Forgets what `section` said for the asset (before writing what it says now).
    static func delete(assetID: UUID, section: InventorySection, on sql: any SQLDatabase) async throws {
        try await sql.delete(from: table).where("asset_id", .equal, assetID)
            .where("section", .equal, section.rawValue).run()
    }

    static func insert(_ rows: [Row], on sql: any SQLDatabase) async throws {
        for batch in rows.chunked(InventoryImporter.batchRows) {
            let insert = sql.insert(into: table).columns("asset_id", "section", "address", "sort_key")
            for row in batch {
                insert.values(SQLBind(row.assetID), SQLBind(row.section.rawValue), SQLBind(row.address.description),
                              SQLBind(row.address.sortKey))
            }
            try await insert.run()
        }
    }
}

/// Creates `asset_addresses` and fills it from the network sections already stored (decision 0083).
struct CreateAssetAddresses: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AssetAddresses.table)
            .field("asset_id", .uuid, .required, .references("assets", "id", onDelete: .cascade))
            .field("section", .string, .required)
            .field("address", .string, .required)
            .field("sort_key", .string, .required)
            .unique(on: "asset_id", "section", "address")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "asset_addresses_sort_key").on(AssetAddresses.table).column("sort_key").run()

        // The components of the network sections, as the importer stored them (each row one card, or the device).
        let stored = try await sql.select().column("asset_id").column("kind").column("data").from("asset_components")
            .where("kind", .in, SQLBind.group(InventoryReport.addressSections.map(\.rawValue))).all()
        var reports: [UUID: InventoryReport] = [:]
        let decoder = JSONDecoder()
        for component in stored {
            let assetID = try component.decode(column: "asset_id", as: UUID.self)
            let data = Data(try component.decode(column: "data", as: String.self).utf8)
            var report = reports[assetID] ?? InventoryReport()
            // A row this version cannot read (written by hand, or by a future version) only loses its addresses.
            switch try component.decode(column: "kind", as: String.self) {
            case InventorySection.networkInterfaces.rawValue:
                guard let card = try? decoder.decode(InventoryReport.NetworkInterface.self, from: data) else { continue }
                report.networkInterfaces.append(card)
            default:
                guard let device = try? decoder.decode(InventoryReport.NetworkDevice.self, from: data) else { continue }
                report.networkDevice = device
            }
            reports[assetID] = report
        }
        var rows: [AssetAddresses.Row] = []
        for (assetID, report) in reports {
            for section in InventoryReport.addressSections {
                rows += AssetAddresses.rows(of: report, section: section, assetID: assetID)
            }
        }
        try await AssetAddresses.insert(rows, on: sql)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AssetAddresses.table).delete()
    }
}
