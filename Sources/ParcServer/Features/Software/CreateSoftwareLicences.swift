import FluentKit
import Foundation
import SQLKit

/// Creates the licence tables (docs/inventory.md, decisions 0035–0037).
struct CreateSoftwareLicences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("software_licences")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("software_id", .uuid, .references("software", "id", onDelete: .setNull))
            .field("name", .string, .required)
            .field("licence_type", .string, .required)
            .field("seats", .int)
            .field("licence_key", .string)
            .field("purchase_date", .string)
            .field("supplier", .string)
            .field("order_number", .string)
            .field("cost", .double)
            .field("expires_on", .string)
            .field("comment", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("software_licence_assignments")
            .id()
            .field("licence_id", .uuid, .required, .references("software_licences", "id", onDelete: .cascade))
            .field("asset_id", .uuid, .references("assets", "id", onDelete: .cascade))
            .field("user_id", .uuid, .references("users", "id", onDelete: .cascade))
            .field("comment", .string)
            .field("assigned_at", .datetime, .required)
            // One seat per asset and one per person. NULLs are distinct on both engines: seats naming no asset do not
            // collide on the asset column. Named, because the generated names pass PostgreSQL's 63 characters and
            // would be cut to the same one.
            .unique(on: "licence_id", "asset_id", name: "software_licence_seat_asset")
            .unique(on: "licence_id", "user_id", name: "software_licence_seat_user")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, columns) in [
            ("software_licences_entity", "software_licences", ["entity_id"]),
            ("software_licences_software", "software_licences", ["software_id", "entity_id"]),
            ("software_licence_assignments_asset", "software_licence_assignments", ["asset_id"]),
            ("software_licence_assignments_user", "software_licence_assignments", ["user_id"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("software_licence_assignments").delete()
        try await database.schema("software_licences").delete()
    }
}
