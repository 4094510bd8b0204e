import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Knowledge-base articles as people write them, from the pages and `/api/v1`: create, change (every change keeps
/// the previous version as a revision), delete, count views and votes. Every change goes to the article's history in
/// the transaction that makes it, together with the full-text index.
struct KnowledgeService {
    let request: Request

    var db: any Database { request.db }

    /// The audit log's object types.
    static let objectType = "kb_article"
    static let categoryObjectType = "kb_category"

    /// The longest body accepted, in characters (decision 0043): a long procedure is 20,000.
    static let bodyLimit = 200_000
    static let titleLimit = 200

    static let titleMessage = "Give a title of 1 to 200 characters."
    static let bodyMessage = "Keep the text under 200,000 characters."
    static let controlMessage = "Control characters are not allowed."
    static let visibilityMessage = "Use one of faq, technicians, entities."
    static let templateMessage = "Use one of procedure, tutorial, reflex, free."
    static let dateMessage = "Give a date as YYYY-MM-DD."
    static let categoryMessage = "No such category for this entity."
    static let listedMissingMessage = "List the entities the article is limited to."
    static let listedOutsideMessage = "List only entities within the article's reach where you may read staff articles."
    static let categoryNameMessage = "Give a name of 1 to 100 characters."
    static let parentMessage = "No such parent category in this entity."
    static let categoryEntityMessage = "A category stays in its entity."

    /// Every validation message above, for the catalogue test.
    static let messages = [titleMessage, bodyMessage, controlMessage, visibilityMessage, templateMessage, dateMessage,
                           categoryMessage, listedMissingMessage, listedOutsideMessage, categoryNameMessage, parentMessage,
                           categoryEntityMessage]

    // MARK: reading

    /// What the user reads, for the given audience.
    func readScope(_ audience: KnowledgeAudience = .technician) async throws -> KnowledgeReadScope {
        KnowledgeReadScope(scope: try await request.accessScope(), tree: try await request.entityTree(),
                           audience: audience)
    }

    /// The article, if the user may read it (404 otherwise, as for an unknown id).
    func find(_ id: UUID?) async throws -> ArticleModel {
        guard let id, let article = try await ArticleModel.find(id, on: db) else { throw ParcError.notFound("article") }
        let listed = try await Self.listedEntities(of: [id], on: db)[id] ?? []
        guard try await readScope().canRead(entity: article.entityID, recursive: article.recursive,
                                            visibility: article.articleVisibility, listed: listed)
        else { throw ParcError.notFound("article") }
        return article
    }

    /// The entities each `entities` article is limited to.
    static func listedEntities(of ids: [UUID], on db: any Database) async throws -> [UUID: [UUID]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await (db as! any SQLDatabase).select().column("article_id").column("entity_id")
            .from("kb_article_entities").where("article_id", .in, SQLBind.group(ids)).all()
        var listed: [UUID: [UUID]] = [:]
        for row in rows {
            listed[try row.decode(column: "article_id", as: UUID.self), default: []]
                .append(try row.decode(column: "entity_id", as: UUID.self))
        }
        return listed
    }

    /// Whether the user may change or delete the article: writers of its entity.
    func mayWrite(_ article: ArticleModel) async throws -> Bool {
        try await request.accessScope().allows(.kbWrite, in: article.entityID)
    }

    /// The article's versions, newest first.
    func revisions(of article: ArticleModel) async throws -> [ArticleRevisionModel] {
        try await ArticleRevisionModel.query(on: db).filter(\.$articleID == article.id!)
            .sort(\.$number, .descending).all()
    }

    /// Helpful and unhelpful votes, and the current user's own vote.
    func votes(of article: ArticleModel) async throws -> (helpful: Int, unhelpful: Int, mine: Bool?) {
        let rows = try await (db as! any SQLDatabase).select().column("helpful").column("user_id")
            .from("kb_article_votes").where("article_id", .equal, article.id!).all()
        var helpful = 0
        var unhelpful = 0
        var mine: Bool?
        let me = request.currentUser?.id
        for row in rows {
            let vote = try row.decode(column: "helpful", as: Bool.self)
            if vote { helpful += 1 } else { unhelpful += 1 }
            if let me, try row.decode(column: "user_id", as: UUID.self) == me { mine = vote }
        }
        return (helpful, unhelpful, mine)
    }

    // MARK: writing

    func create(_ input: ArticleInput) async throws -> ArticleModel {
        let user = try request.requireUser()
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await request.require(.kbWrite, in: entityID)
        let article = ArticleModel()
        article.id = UUID()
        article.entityID = entityID
        article.recursive = false
        article.title = ""
        article.body = ""
        article.visibility = ArticleVisibility.technicians.rawValue
        article.template = ArticleTemplate.free.rawValue
        article.views = 0
        article.revision = 1
        article.authorID = user.id
        article.authorName = user.displayName
        article.createdAt = request.now
        article.updatedAt = request.now
        let listed = try await apply(input, to: article, isNew: true, current: [])
        let audit = AuditLog(request: request)
        let category = try await Self.categoryName(article.categoryID, on: db)
        try await db.transaction { db in
            try await Self.insert(article, listed: listed ?? [], category: category, audit: audit, on: db)
        }
        return article
    }

    /// Changes an article; a change of title or body keeps the previous version as a revision.
    func update(_ article: ArticleModel, _ input: ArticleInput) async throws -> ArticleModel {
        let user = try request.requireUser()
        try await request.require(.kbWrite, in: article.entityID)
        if let target = input.entity_id, target != article.entityID { try await request.require(.kbWrite, in: target) }
        let before = article.auditSnapshot
        let beforeCategory = article.categoryID
        let current = try await Self.listedEntities(of: [article.id!], on: db)[article.id!] ?? []
        let previousText = (article.title, article.body)
        if let target = input.entity_id { article.entityID = target }
        let listed = try await apply(input, to: article, isNew: false, current: current)
        var changes = FieldChange.between(before, article.auditSnapshot)
        if let listed, Set(listed) != Set(current) {
            changes.append(FieldChange(field: "entity_ids", before: current.map(\.uuidString).sorted().joined(separator: ","),
                                       after: listed.map(\.uuidString).sorted().joined(separator: ",")))
        }
        if beforeCategory != article.categoryID {
            changes.append(FieldChange(field: "category", before: try await Self.categoryName(beforeCategory, on: db),
                                       after: try await Self.categoryName(article.categoryID, on: db)))
        }
        let textChanged = previousText != (article.title, article.body)
        if article.body != previousText.1 && !changes.contains(where: { $0.field == "body" }) {
            changes.append(FieldChange(field: "body", before: "\(previousText.1.count) characters",
                                       after: "\(article.body.count) characters (edited)"))
        }
        guard !changes.isEmpty else { return article }
        let recorded = changes
        let audit = AuditLog(request: request)
        let now = request.now
        try await db.transaction { db in
            article.updatedAt = now
            if textChanged {
                article.revision += 1
                try await Self.revision(of: article, authorID: user.id, authorName: user.displayName, at: now).create(on: db)
            }
            try await article.update(on: db)
            if let listed {
                try await Self.storeListed(listed, of: article.id!, replacing: true, on: db)
            }
            if textChanged { try await KnowledgeIndex.store(article, on: db) }
            try await audit.record("kb_article.updated", objectType: Self.objectType, objectID: article.id!,
                                   label: article.title, entityID: article.entityID, changes: recorded, on: db)
        }
        return article
    }

    func delete(_ article: ArticleModel) async throws {
        try await request.require(.kbWrite, in: article.entityID)
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await KnowledgeIndex.remove(article, on: db)
            try await audit.record("kb_article.deleted", objectType: Self.objectType, objectID: article.id!,
                                   label: article.title, entityID: article.entityID,
                                   changes: FieldChange.between(article.auditSnapshot, [:]), on: db)
            try await article.delete(on: db)
        }
    }

    /// Records the user's vote; voting again replaces it (one vote per person and article).
    func vote(_ article: ArticleModel, helpful: Bool) async throws {
        let user = try request.requireUser()
        let now = request.now
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.delete(from: "kb_article_votes").where("article_id", .equal, article.id!)
                .where("user_id", .equal, user.id).run()
            try await sql.insert(into: "kb_article_votes").columns("article_id", "user_id", "helpful", "voted_at")
                .values(SQLBind(article.id!), SQLBind(user.id), SQLBind(helpful), SQLBind(now)).run()
        }
    }

    /// Counts one reading of the article (its page opened).
    func recordView(_ article: ArticleModel) async throws {
        try await (db as! any SQLDatabase).update("kb_articles")
            .set(SQLIdentifier("views"), to: SQLBinaryExpression(SQLIdentifier("views"), .add, SQLLiteral.numeric("1")))
            .where("id", .equal, article.id!).run()
        article.views += 1
    }

    // MARK: turning a text into an article

    /// Creates an article from a draft — a ticket's solution, say — and returns its id. The caller has checked that
    /// `author` may write articles in `entity` (`kbWrite`); the draft is validated like any article (422 otherwise).
    /// Runs in its own transaction unless `db` is already one.
    static func createArticle(from draft: ArticleDraft, author: UUID, entity: UUID, audit: AuditLog,
                              on db: any Database) async throws -> UUID {
        guard let user = try await UserModel.find(author, on: db) else { throw ParcError.notFound("account") }
        let article = ArticleModel()
        article.id = UUID()
        article.entityID = entity
        article.recursive = draft.recursive
        article.categoryID = draft.categoryID
        article.title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        article.body = draft.body
        article.visibility = draft.visibility == .entities ? ArticleVisibility.technicians.rawValue : draft.visibility.rawValue
        article.template = draft.template.rawValue
        article.views = 0
        article.revision = 1
        article.authorID = author
        article.authorName = user.displayName
        article.createdAt = audit.now
        article.updatedAt = audit.now
        var errors = textErrors(title: article.title, body: article.body)
        if let category = draft.categoryID, try await !categoryUsable(category, by: entity, on: db) {
            errors["category_id"] = categoryMessage
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let category = try await categoryName(article.categoryID, on: db)
        try await db.transaction { db in try await insert(article, listed: [], category: category, audit: audit, on: db) }
        return article.id!
    }

    // MARK: internals

    /// A category's name for the history.
    static func categoryName(_ id: UUID?, on db: any Database) async throws -> String? {
        guard let id else { return nil }
        return try await KBCategoryModel.find(id, on: db)?.name
    }

    private static func insert(_ article: ArticleModel, listed: [UUID], category: String?, audit: AuditLog,
                               on db: any Database) async throws {
        try await article.create(on: db)
        try await revision(of: article, authorID: article.authorID, authorName: article.authorName, at: audit.now)
            .create(on: db)
        try await storeListed(listed, of: article.id!, replacing: false, on: db)
        try await KnowledgeIndex.store(article, on: db)
        try await audit.record("kb_article.created", objectType: objectType, objectID: article.id!, label: article.title,
                               entityID: article.entityID,
                               changes: FieldChange.between([:], article.auditSnapshot.merging(["category": category]) { $1 }),
                               on: db)
    }

    private static func revision(of article: ArticleModel, authorID: UUID?, authorName: String, at now: Date)
        -> ArticleRevisionModel
    {
        let revision = ArticleRevisionModel()
        revision.id = UUID()
        revision.articleID = article.id!
        revision.number = article.revision
        revision.title = article.title
        revision.body = article.body
        revision.authorID = authorID
        revision.authorName = authorName
        revision.createdAt = now
        return revision
    }

    private static func storeListed(_ listed: [UUID], of article: UUID, replacing: Bool, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if replacing { try await sql.delete(from: "kb_article_entities").where("article_id", .equal, article).run() }
        guard !listed.isEmpty else { return }
        var insert = sql.insert(into: "kb_article_entities").columns("article_id", "entity_id")
        for entity in Set(listed) { insert = insert.values(SQLBind(article), SQLBind(entity)) }
        try await insert.run()
    }

    static func textErrors(title: String, body: String) -> [String: String] {
        var errors: [String: String] = [:]
        if title.isEmpty || title.count > titleLimit { errors["title"] = titleMessage }
        if title.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { errors["title"] = controlMessage }
        if body.count > bodyLimit { errors["body"] = bodyMessage }
        if body.unicodeScalars.contains(where: { ($0.value < 0x20 && !["\n", "\r", "\t"].contains($0)) || $0.value == 0x7F }) {
            errors["body"] = controlMessage
        }
        return errors
    }

    /// Whether a category may hold articles of `entity`: it belongs to that entity or one above it.
    static func categoryUsable(_ id: UUID, by entity: UUID, on db: any Database) async throws -> Bool {
        guard let category = try await KBCategoryModel.find(id, on: db) else { return false }
        let tree = EntityTree(try await EntityModel.query(on: db).all().map {
            EntityTree.Node(id: $0.id!, parentID: $0.parentID, name: $0.name)
        })
        return category.entityID == entity || tree.ancestors(of: entity).contains(category.entityID)
    }

    /// Checks the input and writes it to the article; 422 with every field at fault. Returns the entities an
    /// `entities` article is limited to when they change (nil: unchanged).
    private func apply(_ input: ArticleInput, to article: ArticleModel, isNew: Bool, current: [UUID]) async throws
        -> [UUID]?
    {
        var errors: [String: String] = [:]
        if let title = input.title { article.title = title.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let body = input.body { article.body = body }
        if isNew || input.title != nil || input.body != nil {
            errors.merge(Self.textErrors(title: article.title, body: article.body)) { first, _ in first }
        }
        if let recursive = input.recursive { article.recursive = recursive }
        if let visibility = input.visibility {
            if ArticleVisibility(rawValue: visibility) != nil { article.visibility = visibility } else {
                errors["visibility"] = Self.visibilityMessage
            }
        }
        if let template = input.template {
            if ArticleTemplate(rawValue: template) != nil { article.template = template } else {
                errors["template"] = Self.templateMessage
            }
        }
        if case .some(let day) = input.review_on {
            let cleaned = day?.trimmingCharacters(in: .whitespaces).nilIfEmpty
            if let cleaned, InventoryDate(iso: cleaned) == nil { errors["review_on"] = Self.dateMessage }
            article.reviewOn = cleaned
        }
        if case .some(let category) = input.category_id { article.categoryID = category }
        if let category = article.categoryID, isNew || input.category_id != nil || input.entity_id != nil,
           try await !Self.categoryUsable(category, by: article.entityID, on: db) {
            errors["category_id"] = Self.categoryMessage
        }
        var listed: [UUID]? = input.entity_ids
        if article.articleVisibility == .entities {
            let targets = listed ?? current
            if targets.isEmpty {
                errors["entity_ids"] = Self.listedMissingMessage
            } else if targets.count > 500 {
                errors["entity_ids"] = Self.listedOutsideMessage
            } else {
                // Each listed entity must be the article's entity or below it (when recursive), and one the author
                // may read staff articles on: an author cannot aim an article at a customer they do not serve.
                let tree = try await request.entityTree()
                let reach = Set(article.recursive ? tree.subtree(of: article.entityID) : [article.entityID])
                let readable = try await request.entities(for: .kbReadInternal)
                if !targets.allSatisfy({ reach.contains($0) && readable.contains($0) }) {
                    errors["entity_ids"] = Self.listedOutsideMessage
                }
            }
        } else if !current.isEmpty || !(listed ?? []).isEmpty {
            // Only `entities` articles keep a list.
            listed = []
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        return listed
    }
}
