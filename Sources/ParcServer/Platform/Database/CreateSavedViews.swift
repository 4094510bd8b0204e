import FluentKit
import SQLKit

/// Saved views (saved searches) of every list: `saved_views`.
struct CreateSavedViews: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("saved_views")
            .id()
            .field("owner_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .field("list_key", .string, .required)
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("shared", .bool, .required)
            .field("position", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "saved_views_owner_idx").on("saved_views").column("owner_id").column("list_key").run()
        try await sql.create(index: "saved_views_shared_idx").on("saved_views").column("list_key").column("entity_id")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("saved_views").delete()
    }
}
