import Fluent
import FluentKit
import FluentSQL
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The article list shared by the API and the pages: the articles the user reads, filtered, searched (ranked by
/// relevance unless another order is asked), sorted and paged.
struct ArticleQuery: ListFilterParsing {
    static let spec = ListQuerySpec(
        sortable: ["title", "updated_at", "created_at", "views", "review_on", "relevance"],
        filterable: ["category_id", "visibility", "template", "entity_id", "review_due"],
        defaultSort: [], passthrough: ["format"])

    static let filterDescriptions: [(String, String)] = [
        ("category_id", "A category and its sub-categories"),
        ("visibility", "\(ArticleVisibility.allCases.map(\.rawValue).joined(separator: ", ")) (commas: any of)"),
        ("template", "\(ArticleTemplate.allCases.map(\.rawValue).joined(separator: ", ")) (commas: any of)"),
        ("entity_id", "Articles of an entity and its sub-entities"),
        ("review_due", "true: only articles past their review date"),
    ]

    let request: Request
    let query: ListQuery

    /// The filters as one SQL condition, with the user's read scope.
    func condition() async throws -> SQLQueryString {
        let filters = query.filters
        var parts: [SQLQueryString] = [KnowledgeSearch.readCondition(try await KnowledgeService(request: request).readScope())]
        if let text = filters["category_id"] {
            let category = try Self.uuid(text, "category_id")
            let categories = try await KBCategoryModel.query(on: request.db).all()
            var wanted: Set<UUID> = [category]
            var added = true
            while added {
                let next = categories.filter { $0.parentID.map(wanted.contains) ?? false }.map { $0.id! }
                added = !Set(next).isSubset(of: wanted)
                wanted.formUnion(next)
            }
            parts.append("kb_articles.category_id IN (\(binds: Array(wanted)))")
        }
        if let text = filters["visibility"] {
            let values = try Self.values(text, "visibility", allowed: ArticleVisibility.allCases.map(\.rawValue))
            parts.append("kb_articles.visibility IN (\(binds: values))")
        }
        if let text = filters["template"] {
            let values = try Self.values(text, "template", allowed: ArticleTemplate.allCases.map(\.rawValue))
            parts.append("kb_articles.template IN (\(binds: values))")
        }
        if let text = filters["entity_id"] {
            let entity = try Self.uuid(text, "entity_id")
            let subtree = try await request.entityTree().subtree(of: entity)
            parts.append(subtree.isEmpty ? "1 = 0" : "kb_articles.entity_id IN (\(binds: subtree))")
        }
        if let text = filters["review_due"] {
            guard text == "true" || text == "false" else {
                throw ParcError.badRequest("invalid_query", "Parameter 'review_due' takes true or false.")
            }
            if text == "true" {
                parts.append("kb_articles.review_on IS NOT NULL AND kb_articles.review_on < \(bind: Self.today(request))")
            }
        }
        return parts.joined(separator: " AND ")
    }

    static func today(_ request: Request) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = request.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: request.now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// One page, how many match in all, and the search words (empty without `q`).
    func page(all: Bool = false) async throws -> (total: Int, items: [ArticleModel], terms: KnowledgeSearchTerms) {
        let condition = try await condition()
        let terms = KnowledgeSearchTerms(query.search ?? "")
        let limit = all ? 100_000 : query.perPage
        let offset = all ? 0 : query.offset
        if !terms.isEmpty && (query.sort.isEmpty || query.sort.first?.field == "relevance") {
            let (total, items) = try await KnowledgeSearch.ranked(terms, where: condition, limit: limit, offset: offset,
                                                                  countTotal: true, on: request.db)
            return (total, items, terms)
        }
        let sql = request.db as! any SQLDatabase
        var whole = condition
        if !terms.isEmpty {
            // Sorted otherwise than by relevance: the matches, in that order.
            whole = whole + " AND " + KnowledgeSearch.matchCondition(terms, on: request.db)
        }
        var order: [SQLQueryString] = []
        for key in query.sort where key.field != "relevance" {
            let column: SQLQueryString = key.field == "title" ? "LOWER(kb_articles.title)" : "kb_articles.\(ident: key.field)"
            order.append(column + (key.descending ? " DESC" : " ASC"))
        }
        if order.isEmpty { order.append("kb_articles.updated_at DESC") }
        order.append("kb_articles.id ASC")
        let count = try await sql.raw("SELECT COUNT(*) AS n FROM kb_articles WHERE \(whole)").first()
        let rows = try await sql.raw("""
            SELECT kb_articles.* FROM kb_articles WHERE \(whole) ORDER BY \(order.joined(separator: ", "))
            LIMIT \(literal: limit) OFFSET \(literal: offset)
            """).all()
        return (try count?.decode(column: "n", as: Int.self) ?? 0, try rows.map { try $0.decode(model: ArticleModel.self) },
                terms)
    }
}
