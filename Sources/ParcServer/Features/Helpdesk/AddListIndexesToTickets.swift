import FluentKit
import FluentSQL
import Foundation
import ParcCore
import SQLKit

/// Indexes for the ticket lists over a large backlog (decision 0059, docs/benchmarks.md "Ticket lists").
///
/// - `tickets (entity_id, status, opened_at, id)` replaces `(entity_id, status, opened_at)`: with the id in it, the
///   scoped lists ("my open tickets", unassigned, one status in some entities) find, sort and page their tickets and
///   probe `ticket_actors` from the index alone, and read only the rows of the page.
/// - `tickets (opened_at, entity_id, status, id)` replaces `(opened_at)`: a list in opening order walks it and
///   skips other entities' and other statuses' tickets without reading their rows (deep pages of closed tickets).
/// - PostgreSQL only, the open tickets with every column their lists filter and sort on: "my open tickets",
///   unassigned, due soon, by priority or by deadline read a small index instead of rows spread over the whole
///   table. SQLite cannot use it (its planner proves a partial index only against literal values, and queries bind
///   theirs), and its lists are fast without it.
struct AddListIndexesToTickets: AsyncMigration {
    static let openStatuses = [TicketStatus.new, .assigned, .planned, .pending].map(\.rawValue)

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await create(sql, "tickets_entity_status_opened", ["entity_id", "status", "opened_at", "id"])
        try await sql.drop(index: "tickets_entity_status").run()
        try await create(sql, "tickets_opened_scope", ["opened_at", "entity_id", "status", "id"])
        try await sql.drop(index: "tickets_opened").run()
        if sql.dialect.name == "postgresql" {
            let columns = ["entity_id", "status", "opened_at", "id", "priority", "time_to_resolve_due", "time_to_own_due",
                           "taken_into_account_at"]
            try await sql.raw("""
                CREATE INDEX \(ident: "tickets_open") ON \(ident: "tickets") (\(idents: columns, joinedBy: ", ")) \
                WHERE \(ident: "status") IN (\(literals: Self.openStatuses, joinedBy: ", "))
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.drop(index: "tickets_open").run()
        }
        try await create(sql, "tickets_opened", ["opened_at"])
        try await sql.drop(index: "tickets_opened_scope").run()
        try await create(sql, "tickets_entity_status", ["entity_id", "status", "opened_at"])
        try await sql.drop(index: "tickets_entity_status_opened").run()
    }

    private func create(_ sql: any SQLDatabase, _ name: String, _ columns: [String]) async throws {
        var index = sql.create(index: name).on("tickets")
        for column in columns { index = index.column(column) }
        try await index.run()
    }
}
