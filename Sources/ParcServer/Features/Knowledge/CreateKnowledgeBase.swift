import Fluent
import FluentKit
import Foundation
import SQLKit

/// Creates the knowledge-base tables and its full-text index: an FTS5 table on SQLite, a `tsvector` column with a GIN
/// index on PostgreSQL (decision 0042).
struct CreateKnowledgeBase: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("kb_categories")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("parent_id", .uuid, .references("kb_categories", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("kb_articles")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("recursive", .bool, .required)
            .field("category_id", .uuid, .references("kb_categories", "id", onDelete: .setNull))
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("visibility", .string, .required)
            .field("template", .string, .required)
            .field("author_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("author_name", .string, .required)
            .field("review_on", .string)
            .field("views", .int, .required)
            .field("revision", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("kb_article_entities")
            .field("article_id", .uuid, .required, .references("kb_articles", "id", onDelete: .cascade))
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .compositeIdentifier(over: "article_id", "entity_id")
            .create()
        try await database.schema("kb_article_revisions")
            .id()
            .field("article_id", .uuid, .required, .references("kb_articles", "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("author_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("author_name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "article_id", "number", name: "kb_article_revisions_number")
            .create()
        try await database.schema("kb_article_votes")
            .field("article_id", .uuid, .required, .references("kb_articles", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("helpful", .bool, .required)
            .field("voted_at", .datetime, .required)
            .compositeIdentifier(over: "article_id", "user_id")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, columns) in [
            ("kb_articles_entity", "kb_articles", ["entity_id"]),
            ("kb_articles_category", "kb_articles", ["category_id"]),
            ("kb_categories_entity", "kb_categories", ["entity_id"]),
            ("kb_article_entities_entity", "kb_article_entities", ["entity_id"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ALTER TABLE kb_articles ADD COLUMN search_vector tsvector").run()
            try await sql.raw("CREATE INDEX kb_articles_search ON kb_articles USING GIN (search_vector)").run()
        } else {
            // The porter stemmer over unicode61: English stems, accents and case folded (the text is folded before it
            // is indexed too, so both sides agree).
            // An FTS5 row's rowid is kept in the article's `search_row` (FTS5 rowids survive VACUUM; a plain table's
            // implicit rowid may not).
            try await sql.raw("""
                CREATE VIRTUAL TABLE kb_article_search USING fts5(
                    title, body, tokenize = 'porter unicode61 remove_diacritics 2')
                """).run()
            try await sql.raw("ALTER TABLE kb_articles ADD COLUMN search_row INTEGER").run()
            try await sql.raw("CREATE UNIQUE INDEX kb_articles_search_row ON kb_articles (search_row)").run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase, sql.dialect.name != "postgresql" {
            try await sql.raw("DROP TABLE IF EXISTS kb_article_search").run()
        }
        try await database.schema("kb_article_votes").delete()
        try await database.schema("kb_article_revisions").delete()
        try await database.schema("kb_article_entities").delete()
        try await database.schema("kb_articles").delete()
        try await database.schema("kb_categories").delete()
    }
}
