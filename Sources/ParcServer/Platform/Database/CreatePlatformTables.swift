import FluentKit
import SQLKit

// Migrations are frozen in time: table and column names are strings here, never the live models,
// so that a later model change cannot silently alter what an old migration does.

struct CreateEntities: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("entities")
            .id()
            .field("parent_id", .uuid, .references("entities", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("code", .string)
            .field("comment", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("entities").delete()
    }
}

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("login", .string, .required)
            .field("display_name", .string, .required)
            .field("email", .string)
            .field("password_hash", .string, .required)
            .field("is_active", .bool, .required)
            .field("language", .string)
            .field("time_zone", .string)
            .field("theme", .string, .required)
            .field("totp_secret", .string)
            .field("totp_enabled", .bool, .required)
            .field("must_change_password", .bool, .required)
            .field("password_changed_at", .datetime)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "login")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}

struct CreateProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("profiles")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("recursive", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "entity_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("profiles").delete()
    }
}

struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sessions")
            .id()
            .field("key_hash", .string, .required)
            .field("user_id", .uuid, .references("users", "id", onDelete: .cascade))
            .field("data", .string, .required)
            .field("ip", .string)
            .field("user_agent", .string)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "key_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sessions").delete()
    }
}

struct CreateAPITokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("prefix", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("expires_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").delete()
    }
}

struct CreateRecoveryCodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("recovery_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("recovery_codes").delete()
    }
}

struct CreateLoginAttempts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_attempts")
            .id()
            .field("login", .string, .required)
            .field("ip", .string, .required)
            .field("succeeded", .bool, .required)
            .field("attempted_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "login_attempts_login_idx").on("login_attempts").column("login").run()
        try await sql.create(index: "login_attempts_ip_idx").on("login_attempts").column("ip").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_attempts").delete()
    }
}

struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_log")
            .id()
            .field("entity_id", .uuid)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("object_type", .string, .required)
            .field("object_id", .string, .required)
            .field("object_label", .string, .required)
            .field("action", .string, .required)
            .field("changes", .string, .required)
            .field("request_id", .string)
            .field("ip", .string)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "audit_log_object_idx").on("audit_log").column("object_type").column("object_id")
            .run()
        try await sql.create(index: "audit_log_created_idx").on("audit_log").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_log").delete()
    }
}

struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("run_at", .datetime, .required)
            .field("schedule_name", .string)
            .field("scheduled_for", .datetime)
            .field("locked_by", .string)
            .field("started_at", .datetime)
            .field("finished_at", .datetime)
            .field("duration_ms", .int)
            .field("output", .string)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            // One row per scheduled occurrence, whatever the number of instances racing to create it.
            .unique(on: "schedule_name", "scheduled_for")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "jobs_status_run_at_idx").on("jobs").column("status").column("run_at").run()
        try await database.schema("schedules")
            .id()
            .field("name", .string, .required)
            .field("cron", .string, .required)
            .field("time_zone", .string, .required)
            .field("enabled", .bool, .required)
            .field("next_run_at", .datetime)
            .field("last_run_at", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("schedules").delete()
        try await database.schema("jobs").delete()
    }
}

struct CreateMailOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("mail_outbox")
            .id()
            .field("entity_id", .uuid)
            .field("recipients", .string, .required)
            .field("subject", .string, .required)
            .field("text_body", .string, .required)
            .field("html_body", .string)
            .field("template", .string)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("locked_by", .string)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "mail_outbox_due_idx").on("mail_outbox").column("status").column("next_attempt_at")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mail_outbox").delete()
    }
}

/// The Message-ID a queued mail must carry (ticket mails name their ticket in it, so replies thread back).
struct AddMessageIDToMailOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("mail_outbox").field("message_id", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mail_outbox").deleteField("message_id").update()
    }
}

struct AddTOTPCounterToUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("totp_last_counter", .int64).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("totp_last_counter").update()
    }
}

struct AddCaseInsensitiveLoginIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // "Admin" and "admin" are one login; the database enforces it even under concurrent creation.
        try await (database as! any SQLDatabase)
            .raw("CREATE UNIQUE INDEX users_login_lower_idx ON users (lower(login))").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX users_login_lower_idx").run()
    }
}
