import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit

/// The full-text index of the articles, written in the transaction that changes an article (decision 0042).
///
/// Both engines index the same folded text (``KnowledgeSearchTerms/fold(_:)`` of the title and of the body's plain
/// text). SQLite keeps it in the FTS5 table `kb_article_search` (porter stemmer); PostgreSQL in
/// `kb_articles.search_vector`, stemmed with both its `french` and `english` configurations, title weighted above body.
enum KnowledgeIndex {
    static func document(_ article: ArticleModel) -> (title: String, body: String) {
        (KnowledgeSearchTerms.fold(article.title), KnowledgeSearchTerms.fold(SafeMarkdown.plainText(from: article.body)))
    }

    static func store(_ article: ArticleModel, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        let (title, body) = document(article)
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                UPDATE kb_articles SET search_vector =
                    setweight(to_tsvector('french', \(bind: title)), 'A') || setweight(to_tsvector('english', \(bind: title)), 'A')
                    || setweight(to_tsvector('french', \(bind: body)), 'B') || setweight(to_tsvector('english', \(bind: body)), 'B')
                WHERE id = \(bind: article.id!)
                """).run()
            return
        }
        try await remove(article, on: db)
        // The next row number from the articles' own (indexed) column; the caller's transaction keeps it unique.
        let next = try await sql.raw("SELECT COALESCE(MAX(search_row), 0) + 1 AS next FROM kb_articles").first()?
            .decode(column: "next", as: Int.self) ?? 1
        try await sql.raw("""
            INSERT INTO kb_article_search (rowid, title, body) VALUES (\(bind: next), \(bind: title), \(bind: body))
            """).run()
        try await sql.raw("UPDATE kb_articles SET search_row = \(bind: next) WHERE id = \(bind: article.id!)").run()
    }

    static func remove(_ article: ArticleModel, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        guard sql.dialect.name != "postgresql" else { return }
        try await sql.raw("""
            DELETE FROM kb_article_search WHERE rowid = (SELECT search_row FROM kb_articles WHERE id = \(bind: article.id!))
            """).run()
    }
}
