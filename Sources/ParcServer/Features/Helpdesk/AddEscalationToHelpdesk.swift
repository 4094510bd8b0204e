import FluentKit
import FluentSQL
import Foundation
import SQLKit

/// Escalation levels on SLA policies, the record of the levels each ticket fired, and rules that can be turned off
/// (docs/helpdesk-sla.md §6, decisions 0056–0058).
struct AddEscalationToHelpdesk: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // JSON array of ParcCore `SLAEscalationLevel`; nil: no levels.
        try await database.schema("sla_policies").field("escalation", .string).update()
        try await database.schema("ticket_rules").field("enabled", .bool, .required, .sql(.default(true))).update()
        try await database.schema("ticket_escalations")
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("level_id", .string, .required)
            .field("target", .string, .required)
            // Whole seconds since 1970: the level's moment (what makes a firing unique) and when it fired.
            .field("moment_at", .int64, .required)
            .field("fired_at", .int64, .required)
            .unique(on: "ticket_id", "level_id", "moment_at")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("ticket_escalations").delete()
        try await database.schema("ticket_rules").deleteField("enabled").update()
        try await database.schema("sla_policies").deleteField("escalation").update()
    }
}
