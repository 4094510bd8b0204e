import FluentKit
import FluentSQL
import Foundation
import SQLKit

/// Creates the tables of ticket attachments (docs/helpdesk.md, decisions 0050 and 0051): the bytes once per content
/// (keyed by SHA-256), an attachment row per ticket or followup, and the per-entity limits.
struct CreateTicketAttachments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("attachment_contents")
            .field("sha256", .string, .identifier(auto: false))
            .field("size", .int64, .required)
            .field("bytes", .data, .required)
            .create()
        try await database.schema("ticket_attachments")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("followup_id", .uuid, .references("ticket_followups", "id", onDelete: .cascade))
            .field("content_sha256", .string, .required,
                   .references("attachment_contents", "sha256", onDelete: .restrict))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int64, .required)
            .field("is_private", .bool, .required)
            .field("is_inline", .bool, .required)
            .field("content_id", .string)
            .field("source", .string, .required)
            .field("uploader_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("uploader_name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("ticket_attachment_settings")
            .field("entity_id", .uuid, .identifier(auto: false), .references("entities", "id", onDelete: .cascade))
            .field("max_file_size", .int64)
            .field("max_message_size", .int64)
            .field("max_ticket_size", .int64)
            .field("max_files", .int)
            .field("allowed_extensions", .string)
            .field("updated_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        for (name, columns) in [
            ("ticket_attachments_ticket", ["ticket_id", "created_at"]),
            ("ticket_attachments_followup", ["followup_id"]),
            ("ticket_attachments_content", ["content_sha256"]),
            ("ticket_attachments_entity", ["entity_id"]),
        ] {
            var index = sql.create(index: name).on("ticket_attachments")
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["ticket_attachment_settings", "ticket_attachments", "attachment_contents"] {
            try await database.schema(table).delete()
        }
    }
}
