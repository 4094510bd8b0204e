import FluentKit
import SQLKit

/// Creates the collector's tables: the mailboxes and the record of collected messages (docs/mail-in.md).
struct CreateMailIn: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("mail_in_mailboxes")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("host", .string, .required)
            .field("port", .int, .required)
            .field("security", .string, .required)
            .field("trusted_ca_file", .string)
            .field("allow_password_without_tls", .bool, .required)
            .field("login", .string, .required)
            .field("password_sealed", .string, .required)
            .field("authentication", .string, .required)
            .field("folder", .string, .required)
            .field("processed_action", .string, .required)
            .field("processed_folder", .string)
            .field("enabled", .bool, .required)
            .field("poll_interval_seconds", .int, .required)
            .field("max_message_bytes", .int, .required)
            .field("uid_validity", .int64)
            .field("last_uid", .int64, .required)
            .field("next_poll_at", .datetime)
            .field("last_polled_at", .datetime)
            .field("last_error", .string)
            .field("last_error_at", .datetime)
            .field("claimed_until", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("mail_in_messages")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .field("mailbox_id", .uuid, .references("mail_in_mailboxes", "id", onDelete: .setNull))
            .field("channel", .string, .required)
            .field("dedupe_key", .string, .required)
            .field("message_id", .string)
            .field("uid_validity", .int64)
            .field("uid", .int64)
            .field("size", .int, .required)
            .field("outcome", .string, .required)
            .field("reason", .string)
            .field("detail", .string)
            .field("ticket_id", .uuid)
            .field("collected_at", .datetime, .required)
            .unique(on: "channel", "dedupe_key", name: "mail_in_messages_dedupe")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "mail_in_mailboxes_entity").on("mail_in_mailboxes").column("entity_id").run()
        try await sql.create(index: "mail_in_messages_uid").on("mail_in_messages")
            .column("channel").column("uid_validity").column("uid").run()
        try await sql.create(index: "mail_in_messages_entity").on("mail_in_messages")
            .column("entity_id").column("collected_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mail_in_messages").delete()
        try await database.schema("mail_in_mailboxes").delete()
    }
}
