import FluentKit
import Foundation
import SQLKit

/// Creates the helpdesk tables (docs/helpdesk.md, decision 0038).
struct CreateHelpdeskTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("support_groups")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "entity_id", "name")
            .create()
        try await database.schema("support_group_members")
            .id()
            .field("group_id", .uuid, .required, .references("support_groups", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .unique(on: "group_id", "user_id")
            .create()
        try await database.schema("sla_policies")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("calendar", .string, .required)
            .field("rules", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("ticket_categories")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("parent_id", .uuid, .references("ticket_categories", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("default_group_id", .uuid, .references("support_groups", "id", onDelete: .setNull))
            .field("sla_policy_id", .uuid, .references("sla_policies", "id", onDelete: .setNull))
            .field("template", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("helpdesk_settings")
            .field("entity_id", .uuid, .identifier(auto: false), .references("entities", "id", onDelete: .cascade))
            .field("priority_matrix", .string)
            .field("default_sla_policy_id", .uuid, .references("sla_policies", "id", onDelete: .setNull))
            .field("approval_days", .int, .required)
            .field("unknown_senders", .string)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("tickets")
            .id()
            .field("reference", .string, .required)
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("type", .string, .required)
            .field("category_id", .uuid, .references("ticket_categories", "id", onDelete: .setNull))
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("urgency", .int, .required)
            .field("impact", .int, .required)
            .field("priority", .int, .required)
            .field("source", .string, .required)
            .field("location", .string)
            .field("tags", .string, .required)
            .field("pending_reason", .string)
            .field("pending_resumes_at", .datetime)
            .field("sla_policy_id", .uuid, .references("sla_policies", "id", onDelete: .setNull))
            .field("time_to_own_target", .string)
            .field("time_to_resolve_target", .string)
            .field("time_to_own_due", .datetime)
            .field("time_to_resolve_due", .datetime)
            .field("time_to_own_breached", .bool, .required)
            .field("time_to_resolve_breached", .bool, .required)
            .field("opened_at", .datetime, .required)
            .field("taken_into_account_at", .datetime)
            .field("solved_at", .datetime)
            .field("closed_at", .datetime)
            .field("solution", .string)
            .field("solution_status", .string)
            .field("diagnosis", .string)
            .field("parts", .string)
            .field("created_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await RowNumbers.add(to: "tickets", on: database)
        try await database.schema("ticket_actors")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("user_id", .uuid, .references("users", "id", onDelete: .cascade))
            .field("group_id", .uuid, .references("support_groups", "id", onDelete: .cascade))
            .field("email", .string)
            .create()
        try await database.schema("ticket_status_changes")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("changed_at", .datetime, .required)
            .field("actor_id", .uuid, .references("users", "id", onDelete: .setNull))
            .create()
        try await database.schema("ticket_followups")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("author_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("author_name", .string, .required)
            .field("body", .string, .required)
            .field("is_private", .bool, .required)
            .field("source", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("ticket_tasks")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("description", .string, .required)
            .field("technician_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("planned_at", .datetime)
            .field("planned_minutes", .int)
            .field("spent_minutes", .int, .required)
            .field("done", .bool, .required)
            .field("is_private", .bool, .required)
            .field("author_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("ticket_assets")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("asset_id", .uuid, .required, .references("assets", "id", onDelete: .cascade))
            .unique(on: "ticket_id", "asset_id")
            .create()
        try await database.schema("ticket_links")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("other_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "ticket_id", "other_id")
            .create()
        try await database.schema("ticket_satisfaction")
            .field("ticket_id", .uuid, .identifier(auto: false), .references("tickets", "id", onDelete: .cascade))
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .field("rating", .int, .required)
            .field("comment", .string)
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("answered_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "tickets_reference").unique().on("tickets").column("reference").run()
        for (name, table, columns) in [
            // "My open tickets", "unassigned", lists by status within entities, newest first.
            ("tickets_entity_status", "tickets", ["entity_id", "status", "opened_at"]),
            ("tickets_status_ttr", "tickets", ["status", "time_to_resolve_due"]),
            ("tickets_opened", "tickets", ["opened_at"]),
            ("tickets_category", "tickets", ["category_id"]),
            ("ticket_actors_ticket", "ticket_actors", ["ticket_id", "role"]),
            ("ticket_actors_user", "ticket_actors", ["user_id", "role", "ticket_id"]),
            ("ticket_actors_group", "ticket_actors", ["group_id", "role", "ticket_id"]),
            ("ticket_status_changes_ticket", "ticket_status_changes", ["ticket_id", "changed_at"]),
            ("ticket_followups_ticket", "ticket_followups", ["ticket_id", "created_at"]),
            ("ticket_tasks_ticket", "ticket_tasks", ["ticket_id"]),
            ("ticket_assets_asset", "ticket_assets", ["asset_id"]),
            ("ticket_categories_entity", "ticket_categories", ["entity_id", "parent_id"]),
            ("support_group_members_user", "support_group_members", ["user_id"]),
            ("ticket_satisfaction_entity", "ticket_satisfaction", ["entity_id", "answered_at"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["ticket_satisfaction", "ticket_links", "ticket_assets", "ticket_tasks", "ticket_followups", "ticket_status_changes",
                      "ticket_actors", "tickets", "helpdesk_settings", "ticket_categories", "sla_policies",
                      "support_group_members", "support_groups"] {
            try await database.schema(table).delete()
        }
    }
}
