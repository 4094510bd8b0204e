import Fluent
import FluentKit
import FluentSQL
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Full-text search in the articles a user may read, ranked, for the list, the API and the suggestions that the
/// ticket page and the self-service portal show (decision 0042).
enum KnowledgeSearch {
    /// An article proposed while someone types.
    struct Suggestion: Content, Equatable {
        let id: UUID
        let title: String
        let url: String
        let visibility: String
        /// The extract around the first match, as plain text.
        let snippet: String
        /// The same extract as escaped HTML, matches in `<mark>`.
        let snippet_html: String
    }

    /// The articles `scope` reads, as an SQL condition on `kb_articles` (decision 0041; the same rule as
    /// ``KnowledgeReadScope/canRead(entity:recursive:visibility:listed:)``).
    static func readCondition(_ scope: KnowledgeReadScope) -> SQLQueryString {
        func binds(_ ids: Set<UUID>) -> [any Encodable & Sendable] { ids.sorted { $0.uuidString < $1.uuidString } }
        func reaches(_ column: SQLQueryString, _ direct: Set<UUID>, _ reach: Set<UUID>) -> SQLQueryString {
            let above = reach.subtracting(direct)
            var condition: SQLQueryString = direct.isEmpty ? "1 = 0" : "\(column) IN (\(binds: binds(direct)))"
            if !above.isEmpty { condition += " OR (kb_articles.recursive = \(true) AND \(column) IN (\(binds: binds(above))))" }
            return "(" + condition + ")"
        }
        var parts: [SQLQueryString] = []
        if !scope.writeEntities.isEmpty { parts.append("kb_articles.entity_id IN (\(binds: binds(scope.writeEntities)))") }
        if !scope.faqEntities.isEmpty {
            parts.append("(kb_articles.visibility = \(bind: ArticleVisibility.faq.rawValue) AND "
                + reaches("kb_articles.entity_id", scope.faqEntities, scope.faqReach) + ")")
        }
        if !scope.internalEntities.isEmpty {
            parts.append("(kb_articles.visibility = \(bind: ArticleVisibility.technicians.rawValue) AND "
                + reaches("kb_articles.entity_id", scope.internalEntities, scope.internalReach) + ")")
            parts.append("(kb_articles.visibility = \(bind: ArticleVisibility.entities.rawValue) AND EXISTS (SELECT 1 FROM "
                + "kb_article_entities WHERE kb_article_entities.article_id = kb_articles.id AND "
                + reaches("kb_article_entities.entity_id", scope.internalEntities, scope.internalReach) + "))")
        }
        guard !parts.isEmpty else { return "1 = 0" }
        return "(" + parts.joined(separator: " OR ") + ")"
    }

    /// The articles matching `terms`, as a condition on `kb_articles` (for lists sorted otherwise than by relevance).
    static func matchCondition(_ terms: KnowledgeSearchTerms, on db: any Database) -> SQLQueryString {
        if (db as? any SQLDatabase)?.dialect.name == "postgresql" {
            return "kb_articles.search_vector @@ (to_tsquery('french', \(bind: terms.tsQuery)) || "
                + "to_tsquery('english', \(bind: terms.tsQuery)))"
        }
        return "kb_articles.search_row IN (SELECT rowid FROM kb_article_search WHERE kb_article_search MATCH \(bind: terms.fts5Match))"
    }

    /// The articles matching `terms` among those `condition` admits, best first: one page, and the total when asked.
    static func ranked(_ terms: KnowledgeSearchTerms, where condition: SQLQueryString, limit: Int, offset: Int = 0,
                       countTotal: Bool, on db: any Database) async throws -> (total: Int, articles: [ArticleModel]) {
        let sql = db as! any SQLDatabase
        guard !terms.isEmpty else { return (0, []) }
        let from: SQLQueryString
        let match: SQLQueryString
        let rank: SQLQueryString
        let direction: SQLQueryString
        if sql.dialect.name == "postgresql" {
            from = "kb_articles, (SELECT to_tsquery('french', \(bind: terms.tsQuery)) || "
                + "to_tsquery('english', \(bind: terms.tsQuery)) AS q) AS query"
            match = "kb_articles.search_vector @@ query.q"
            rank = "ts_rank(kb_articles.search_vector, query.q)"
            direction = "DESC"
        } else {
            from = "kb_article_search JOIN kb_articles ON kb_articles.search_row = kb_article_search.rowid"
            match = "kb_article_search MATCH \(bind: terms.fts5Match)"
            // Title matches weigh eight times body matches; bm25 is lower for better matches.
            rank = "bm25(kb_article_search, 8.0, 1.0)"
            direction = "ASC"
        }
        let rows: [any SQLRow]
        if sql.dialect.name == "postgresql" {
            // Every match is ranked on narrow rows (id, rank, date) and counted in the same pass (a window, not a
            // second scan); only the page's articles are read whole.
            let total: SQLQueryString = countTotal ? ", COUNT(*) OVER () AS kb_total" : ""
            let outerTotal: SQLQueryString = countTotal ? ", page.kb_total" : ""
            rows = try await sql.raw("""
                SELECT kb_articles.*\(outerTotal) FROM (
                    SELECT kb_articles.id AS kb_id, \(rank) AS kb_rank, kb_articles.updated_at AS kb_updated\(total)
                    FROM \(from) WHERE \(match) AND \(condition)
                    ORDER BY kb_rank \(direction), kb_updated DESC LIMIT \(literal: limit) OFFSET \(literal: offset)
                ) AS page JOIN kb_articles ON kb_articles.id = page.kb_id
                ORDER BY page.kb_rank \(direction), page.kb_updated DESC
                """).all()
        } else {
            // FTS5's bm25() cannot run under a window function: the page, then the count when there may be more.
            rows = try await sql.raw("""
                SELECT kb_articles.* FROM \(from) WHERE \(match) AND \(condition)
                ORDER BY \(rank) \(direction), kb_articles.updated_at DESC LIMIT \(literal: limit) OFFSET \(literal: offset)
                """).all()
        }
        let articles = try rows.map { try $0.decode(model: ArticleModel.self) }
        guard countTotal else { return (articles.count, articles) }
        if sql.dialect.name == "postgresql", let first = rows.first {
            return (try first.decode(column: "kb_total", as: Int.self), articles)
        }
        if offset == 0 && articles.count < limit { return (articles.count, articles) }
        let count = try await sql.raw("SELECT COUNT(*) AS n FROM \(from) WHERE \(match) AND \(condition)").first()
        return (try count?.decode(column: "n", as: Int.self) ?? 0, articles)
    }

    /// Articles for someone typing `text`: on a ticket page (`.technician`) or in the portal (`.requester`, FAQ only),
    /// among those the user reads — narrowed to those that reach `entity` when one is given (the ticket's entity).
    static func suggest(text: String, scope access: AccessScope, tree: EntityTree, entity: UUID? = nil,
                        audience: KnowledgeAudience, limit: Int = 5, on db: any Database) async throws -> [Suggestion] {
        let terms = KnowledgeSearchTerms(text)
        guard !terms.isEmpty else { return [] }
        var scope = KnowledgeReadScope(scope: access, tree: tree, audience: audience)
        if let entity { scope = scope.narrowed(to: entity, tree: tree) }
        let (_, articles) = try await ranked(terms, where: readCondition(scope), limit: max(1, min(limit, 20)),
                                             countTotal: false, on: db)
        return articles.map { suggestion($0, terms: terms) }
    }

    /// ``suggest(text:scope:tree:entity:audience:limit:on:)`` for the user of a request.
    static func suggest(text: String, on request: Request, entity: UUID? = nil, audience: KnowledgeAudience,
                        limit: Int = 5) async throws -> [Suggestion] {
        try await suggest(text: text, scope: request.accessScope(), tree: request.entityTree(), entity: entity,
                          audience: audience, limit: limit, on: request.db)
    }

    static func suggestion(_ article: ArticleModel, terms: KnowledgeSearchTerms) -> Suggestion {
        let snippet = SearchSnippet(text: SafeMarkdown.plainText(from: article.body), terms: terms, length: 160)
        return Suggestion(id: article.id!, title: article.title, url: "/kb/\(article.id!)", visibility: article.visibility,
                          snippet: snippet.text, snippet_html: snippet.html)
    }
}
