import Fluent
import Foundation
import ParcCore
import Vapor

/// `/api/v1/articles` and `/api/v1/kb-categories`: the knowledge base.
struct ArticlesAPIController {
    func register(_ api: APIRoutes) {
        api.schema("Article", ArticleDTO.schema)
        api.schema("ArticleRevision", ArticleRevisionDTO.schema)
        api.schema("KBCategory", KBCategoryDTO.schema)
        api.schema("ArticleSuggestion", .object([
            "id": .uuid, "title": .string(), "url": .string(), "visibility": .string(),
            "snippet": .string(), "snippet_html": .string(description: "Escaped HTML, matches in <mark>"),
        ], required: ["id", "title", "url", "visibility", "snippet", "snippet_html"]))
        let tag = "Knowledge base"
        api.on(.GET, "articles", summary: "List the articles you read; with q, a full-text search ranked by relevance",
               tag: tag, query: APIRoutes.listParameters(sortable: Array(ArticleQuery.spec.sortable).sorted(),
                                                          filters: ArticleQuery.filterDescriptions),
               response: .list(of: "Article"), use: list)
        api.on(.GET, "articles/suggest", summary: "Articles for a text being typed (FAQ only for requesters)", tag: tag,
               query: [.init(name: "q", schema: .string(), description: "The text typed so far."),
                       .init(name: "limit", schema: .integer, description: "1–20 (default 5)."),
                       .init(name: "audience", schema: .string(enumValues: KnowledgeAudience.allCases.map(\.rawValue)),
                             description: "requester: FAQ articles only (the portal). Default: what you read."),
                       .init(name: "entity_id", schema: .uuid, description: "Only articles that reach this entity.")],
               response: .object(["items": .array(.ref("ArticleSuggestion"))], required: ["items"]), use: suggest)
        api.on(.POST, "articles", summary: "Write an article", tag: tag, body: ArticleInput.schema,
               response: .ref("Article"), status: 201, bodyLimit: "1mb", use: create)
        api.on(.GET, "articles/:id", summary: "An article, its Markdown and its rendered HTML", tag: tag,
               response: .ref("Article"), use: get)
        api.on(.PATCH, "articles/:id", summary: "Change an article (a new revision when the title or body changes)",
               tag: tag, body: ArticleInput.schema, response: .ref("Article"), bodyLimit: "1mb", use: update)
        api.on(.DELETE, "articles/:id", summary: "Delete an article and its revisions", tag: tag, response: nil,
               status: 204, use: delete)
        api.on(.GET, "articles/:id/revisions", summary: "The article's versions, newest first", tag: tag,
               query: APIRoutes.listParameters(sortable: ["number"]), response: .list(of: "ArticleRevision"),
               use: revisions)
        api.on(.POST, "articles/:id/vote", summary: "Say whether the article helped (one vote per person, replaced)",
               tag: tag, body: .object(["helpful": .boolean], required: ["helpful"]), response: .ref("Article"),
               use: vote)
        api.on(.GET, "kb-categories", summary: "The knowledge-base categories you see, in tree order", tag: tag,
               query: APIRoutes.listParameters(sortable: ["path"]), response: .list(of: "KBCategory"), use: categories)
        api.on(.POST, "kb-categories", summary: "Create a category", tag: tag, body: KBCategoryInput.schema,
               response: .ref("KBCategory"), status: 201, use: createCategory)
        api.on(.PATCH, "kb-categories/:id", summary: "Rename a category or move it under another of its entity",
               tag: tag, body: KBCategoryInput.schema, response: .ref("KBCategory"), use: updateCategory)
        api.on(.DELETE, "kb-categories/:id", summary: "Delete an empty category (409 while it holds any)", tag: tag,
               response: nil, status: 204, use: deleteCategory)
    }

    static let revisionSpec = ListQuerySpec(sortable: ["number"], defaultSort: [.init("number", descending: true)])
    static let categorySpec = ListQuerySpec(sortable: ["path"], defaultSort: [.init("path")], defaultPerPage: 200)

    /// The DTOs of a page of articles, with their categories and listed entities.
    static func dtos(_ articles: [ArticleModel], _ req: Request, full: Bool, terms: KnowledgeSearchTerms? = nil)
        async throws -> [ArticleDTO]
    {
        let tree = try await req.entityTree()
        let categoryIDs = Array(Set(articles.compactMap(\.categoryID)))
        let categories = categoryIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await KBCategoryModel.query(on: req.db).filter(\.$id ~~ categoryIDs).all().map { ($0.id!, $0.name) })
        let listed = try await KnowledgeService.listedEntities(of: articles.compactMap(\.id), on: req.db)
        let today = ArticleQuery.today(req)
        var result: [ArticleDTO] = []
        for article in articles {
            let snippet = terms.flatMap { $0.isEmpty ? nil : SearchSnippet(
                text: SafeMarkdown.plainText(from: article.body), terms: $0, length: 200).text }
            let votes = full ? try await KnowledgeService(request: req).votes(of: article) : nil
            result.append(ArticleDTO(article, tree: tree, categories: categories, listed: listed[article.id!] ?? [],
                                     today: today, full: full, snippet: snippet, votes: votes))
        }
        return result
    }

    static func detail(_ req: Request, _ article: ArticleModel, status: HTTPResponseStatus = .ok) async throws -> Response {
        let response = try await dtos([article], req, full: true)[0].encodeResponse(for: req)
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<ArticleDTO> {
        try await req.requireAnywhere(.kbRead)
        let query = try req.listQuery(ArticleQuery.spec)
        let (total, items, terms) = try await ArticleQuery(request: req, query: query).page()
        return ListResponse(items: try await Self.dtos(items, req, full: false, terms: terms), total: total,
                            next: req.nextPageURL(query, total: total))
    }

    struct Suggestions: Content {
        let items: [KnowledgeSearch.Suggestion]
    }

    @Sendable func suggest(_ req: Request) async throws -> Suggestions {
        try await req.requireAnywhere(.kbRead)
        var text = ""
        var limit = 5
        var audience = KnowledgeAudience.technician
        var entity: UUID?
        for (name, value) in try req.queryPairs() {
            switch name {
            case "q": text = value
            case "limit":
                guard let number = Int(value), (1...20).contains(number) else {
                    throw ParcError.badRequest("invalid_query", "Parameter 'limit' takes a number from 1 to 20.")
                }
                limit = number
            case "audience":
                guard let value = KnowledgeAudience(rawValue: value) else {
                    throw ParcError.badRequest("invalid_query", "Parameter 'audience' takes requester or technician.")
                }
                audience = value
            case "entity_id": entity = try ArticleQuery.uuid(value, "entity_id")
            default:
                throw ParcError.badRequest("invalid_query",
                                           "Unknown parameter '\(name)'. Accepted: q, limit, audience, entity_id.")
            }
        }
        let items = try await KnowledgeSearch.suggest(text: text, on: req, entity: entity, audience: audience, limit: limit)
        return Suggestions(items: items)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(ArticleInput.self)
        return try await Self.detail(req, try await KnowledgeService(request: req).create(input), status: .created)
    }

    @Sendable func get(_ req: Request) async throws -> Response {
        try await Self.detail(req, try await KnowledgeService(request: req).find(req.parameters.get("id", as: UUID.self)))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let service = KnowledgeService(request: req)
        let article = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(ArticleInput.self)
        return try await Self.detail(req, try await service.update(article, input))
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let service = KnowledgeService(request: req)
        try await service.delete(try await service.find(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    @Sendable func revisions(_ req: Request) async throws -> ListResponse<ArticleRevisionDTO> {
        let service = KnowledgeService(request: req)
        let article = try await service.find(req.parameters.get("id", as: UUID.self))
        let query = try req.listQuery(Self.revisionSpec)
        var all = try await service.revisions(of: article).map(ArticleRevisionDTO.init)
        if query.sort.first?.descending == false { all.reverse() }
        return ListResponse(items: Array(all.dropFirst(query.offset).prefix(query.perPage)), total: all.count,
                            next: req.nextPageURL(query, total: all.count))
    }

    @Sendable func vote(_ req: Request) async throws -> Response {
        let service = KnowledgeService(request: req)
        let article = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(ArticleVoteInput.self)
        try await service.vote(article, helpful: input.helpful)
        return try await Self.detail(req, article)
    }

    @Sendable func categories(_ req: Request) async throws -> ListResponse<KBCategoryDTO> {
        try await req.requireAnywhere(.kbRead)
        let query = try req.listQuery(Self.categorySpec)
        var all = try await KnowledgeCategories(request: req).visible()
        if let text = query.search?.lowercased() { all = all.filter { $0.path.lowercased().contains(text) } }
        if query.sort.first?.descending == true { all.reverse() }
        return ListResponse(items: Array(all.dropFirst(query.offset).prefix(query.perPage)), total: all.count,
                            next: req.nextPageURL(query, total: all.count))
    }

    static func categoryResponse(_ req: Request, _ category: KBCategoryModel, status: HTTPResponseStatus) async throws
        -> Response
    {
        let dto = try await KnowledgeCategories(request: req).visible().first { $0.id == category.id }
        guard let dto else { throw ParcError.notFound("category") }
        let response = try await dto.encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func createCategory(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(KBCategoryInput.self)
        return try await Self.categoryResponse(req, try await KnowledgeCategories(request: req).create(input),
                                               status: .created)
    }

    @Sendable func updateCategory(_ req: Request) async throws -> Response {
        let categories = KnowledgeCategories(request: req)
        let category = try await categories.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(KBCategoryInput.self)
        return try await Self.categoryResponse(req, try await categories.update(category, input), status: .ok)
    }

    @Sendable func deleteCategory(_ req: Request) async throws -> HTTPStatus {
        let categories = KnowledgeCategories(request: req)
        try await categories.delete(try await categories.find(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }
}
