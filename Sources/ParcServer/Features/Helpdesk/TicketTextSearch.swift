import FluentKit
import FluentSQL
import Foundation
import Logging
import ParcCore
import SQLKit

/// A trigram index of the tickets' title, description and reference for the lists' text search (decision 0066,
/// docs/benchmarks.md "Ticket lists").
///
/// - SQLite: the FTS5 table `ticket_text` (trigram tokenizer; its content is the `tickets` table, so it keeps the
///   index, not a second copy of the text), one row per ticket under the ticket's `num`, kept in step by triggers
///   whoever writes the ticket. Plain FTS5 of SQLite 3.34 and later: Debian's `sqlite3` and Python can write tickets
///   too.
/// - PostgreSQL: a GIN index over `lower(title)`, `lower(description)` and `lower(reference)` with `pg_trgm`'s
///   operator class, which serves the lists' `LOWER(column) LIKE '%text%'` as it is. The extension is created when
///   missing (it is a trusted extension: the database's owner may create it); where it cannot be, the migration
///   logs why and the search stays a scan, as before.
struct AddTextIndexToTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            guard let schema = try await TicketTextIndex.trigramSchema(sql, logger: database.logger) else { return }
            try await sql.raw("""
                CREATE INDEX \(ident: TicketTextIndex.postgresIndex) ON \(ident: "tickets") USING gin (\
                lower(\(ident: "title")) \(ident: schema).gin_trgm_ops, \
                lower(\(ident: "description")) \(ident: schema).gin_trgm_ops, \
                lower(\(ident: "reference")) \(ident: schema).gin_trgm_ops)
                """).run()
            return
        }
        let table = TicketTextIndex.sqliteTable
        // External content: MATCH reads nothing but the index's own b-trees, and no second copy of the text is kept.
        try await sql.raw("""
            CREATE VIRTUAL TABLE \(ident: table) USING fts5(title, description, reference, content = 'tickets',
                content_rowid = 'num', tokenize = 'trigram case_sensitive 0')
            """).run()
        // Removing what was indexed takes FTS5's 'delete' command with the values indexed then: the old ones.
        let unindex: SQLQueryString = """
            INSERT INTO \(ident: table) (\(ident: table), rowid, title, description, reference)
            SELECT 'delete', OLD."num", OLD."title", OLD."description", OLD."reference" WHERE OLD."num" IS NOT NULL
            """
        let index: SQLQueryString = """
            INSERT INTO \(ident: table) (rowid, title, description, reference)
            SELECT NEW."num", NEW."title", NEW."description", NEW."reference" WHERE NEW."num" IS NOT NULL
            """
        // The database gives a ticket its `num` after the insert (an AFTER INSERT trigger), so the row is indexed
        // when the number arrives, or at once when the insert brings it; and again whenever one of the three texts
        // changes — first the old values out, then the new ones in, in that order, in one trigger.
        try await sql.raw("""
            CREATE TRIGGER \(ident: table + "_insert") AFTER INSERT ON "tickets" BEGIN \(index); END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(ident: table + "_update") AFTER UPDATE OF "num", "title", "description", "reference"
                ON "tickets"
            BEGIN
                \(unindex);
                \(index);
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(ident: table + "_delete") AFTER DELETE ON "tickets" BEGIN \(unindex); END
            """).run()
        try await sql.raw("""
            INSERT INTO \(ident: table) (rowid, title, description, reference)
            SELECT "num", "title", "description", "reference" FROM "tickets" WHERE "num" IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP INDEX IF EXISTS \(ident: TicketTextIndex.postgresIndex)").run()
            return
        }
        let table = TicketTextIndex.sqliteTable
        for suffix in ["_insert", "_update", "_delete"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(ident: table + suffix)").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS \(ident: table)").run()
    }
}

/// Where the trigram index of the tickets lives, and whether this database has one.
enum TicketTextIndex {
    static let sqliteTable = "ticket_text"
    static let postgresIndex = "tickets_text_trigram"

    /// The schema holding `pg_trgm`, created in `public` when missing; nil (with the reason logged) when this
    /// database cannot have it. Several instances (or test schemas) migrating at once may race to create it: the
    /// loser finds it made by the winner.
    static func trigramSchema(_ sql: any SQLDatabase, logger: Logger) async throws -> String? {
        func installed() async throws -> String? {
            try await sql.raw("""
                SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                WHERE e.extname = 'pg_trgm'
                """).first()?.decode(column: "schema", as: String.self)
        }
        if let schema = try await installed() { return schema }
        // In `public` first, where every schema's search finds it; else in the schema parc's tables live in.
        for statement: SQLQueryString in ["CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
                                          "CREATE EXTENSION IF NOT EXISTS pg_trgm"] {
            do {
                try await sql.raw(statement).run()
                break
            } catch {
                if let schema = try await installed() { return schema }
                logger.debug("pg_trgm: \(String(reflecting: error))")
            }
        }
        if let schema = try await installed() { return schema }
        logger.warning("""
            The ticket lists' text search will scan the tickets instead of using an index: the PostgreSQL \
            extension pg_trgm could not be created by parc's database account. To index it, run as the database \
            owner or a superuser: CREATE EXTENSION pg_trgm; CREATE INDEX \(postgresIndex) ON tickets USING gin \
            (lower(title) gin_trgm_ops, lower(description) gin_trgm_ops, lower(reference) gin_trgm_ops);
            """)
        return nil
    }
}

/// How a list's text search (`q`) finds its tickets (decision 0066). The search keeps its meaning — the text
/// anywhere in the title, description or reference, case folded, `%` and `_` taken literally — and its `LIKE`
/// conditions; the plan only decides where the database starts:
///
/// - a text found in at most `candidateLimit` tickets over every entity (a host name, an error code, a rare word)
///   starts from the trigram index's candidates, a few milliseconds whatever the backlog;
/// - a commoner text (or one under three characters, which trigrams cannot index), listed in opening order, walks
///   the opening-date index and stops once the page is full: matches come every few tickets.
struct TicketTextSearch {
    static let candidateLimit = 2000

    /// A condition keeping the index's candidates, when the search starts from them.
    var candidates: SQLQueryString?
    /// Whether the list should walk the opening-date index (SQLite: the entity index is put aside).
    var walksOpeningOrder: Bool

    static func plan(_ search: String?, sortedByOpening: Bool, on sql: any SQLDatabase,
                     logger: Logger) async throws -> TicketTextSearch? {
        guard let search, !search.isEmpty, TicketReference.parse(search) == nil else { return nil }
        let walking = TicketTextSearch(candidates: nil, walksOpeningOrder: sortedByOpening && sql.dialect.name == "sqlite")
        guard sql.dialect.name == "sqlite", search.unicodeScalars.count >= 3 else { return walking }
        let table = TicketTextIndex.sqliteTable
        // One FTS5 phrase: the trigram tokenizer matches it as a substring; a double quote is doubled.
        let phrase = "\"" + search.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let found: Int
        do {
            found = try await sql.raw("""
                SELECT COUNT(*) AS \(ident: "found") FROM (SELECT rowid FROM \(ident: table) WHERE \(ident: table) \
                MATCH \(bind: phrase) LIMIT \(literal: candidateLimit + 1)) AS \(ident: "candidates")
                """).first()?.decode(column: "found", as: Int.self) ?? 0
        } catch {
            logger.warning("Ticket text index unusable, scanning instead: \(String(reflecting: error))")
            return walking
        }
        guard found <= candidateLimit else { return walking }
        return TicketTextSearch(candidates: """
            \(ident: TicketModel.schema).\(ident: "num") IN (SELECT rowid FROM \(ident: table) WHERE \(ident: table) \
            MATCH \(bind: phrase))
            """, walksOpeningOrder: false)
    }
}
