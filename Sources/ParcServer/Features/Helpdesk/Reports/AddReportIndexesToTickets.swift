import FluentKit
import SQLKit

/// Indexes for the helpdesk reports (decision 0055): solutions given in a period (created vs solved), tickets
/// solved in a period (time to resolve).
struct AddReportIndexesToTickets: AsyncMigration {
    static let indexes = [
        ("ticket_status_changes_status_changed", "ticket_status_changes", ["status", "changed_at"]),
        ("tickets_solved", "tickets", ["solved_at"]),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, columns) in Self.indexes {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, _, _) in Self.indexes {
            try await sql.drop(index: name).run()
        }
    }
}
