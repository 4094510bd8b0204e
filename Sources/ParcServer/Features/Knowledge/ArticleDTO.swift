import Fluent
import Foundation
import ParcCore
import Vapor

/// An article as the API shows it. Lists carry no body (`body` is null there) but a snippet when searched.
struct ArticleDTO: Content {
    struct CategoryRef: Content {
        let id: UUID
        let name: String
    }

    let id: UUID
    let title: String
    let body: String?
    let body_html: String?
    let snippet: String?
    let entity_id: UUID
    let entity: String
    let recursive: Bool
    let entity_ids: [UUID]
    let category: CategoryRef?
    let visibility: String
    let template: String
    let author_id: UUID?
    let author: String
    let revision: Int
    let review_on: String?
    let review_due: Bool
    let views: Int
    let helpful: Int?
    let unhelpful: Int?
    let my_vote: Bool?
    let created_at: Date?
    let updated_at: Date?

    init(_ article: ArticleModel, tree: EntityTree, categories: [UUID: String], listed: [UUID], today: String,
         full: Bool, snippet: String? = nil, votes: (helpful: Int, unhelpful: Int, mine: Bool?)? = nil) {
        id = article.id!
        title = article.title
        body = full ? article.body : nil
        body_html = full ? SafeMarkdown.html(from: article.body) : nil
        self.snippet = snippet
        entity_id = article.entityID
        entity = tree.path(of: article.entityID)
        recursive = article.recursive
        entity_ids = listed
        category = article.categoryID.flatMap { id in categories[id].map { CategoryRef(id: id, name: $0) } }
        visibility = article.visibility
        template = article.template
        author_id = article.authorID
        author = article.authorName
        revision = article.revision
        review_on = article.reviewOn
        review_due = article.reviewOn.map { $0 < today } ?? false
        views = article.views
        helpful = votes?.helpful
        unhelpful = votes?.unhelpful
        my_vote = votes?.mine
        created_at = article.createdAt
        updated_at = article.updatedAt
    }

    static let schema = OpenAPISchema.object([
        "id": .uuid, "title": .string(), "body": .nullable(.string(description: "Markdown; null in lists")),
        "body_html": .nullable(.string(description: "The body rendered by the safe Markdown renderer; null in lists")),
        "snippet": .nullable(.string(description: "In searched lists: the text around the first match")),
        "entity_id": .uuid, "entity": .string(), "recursive": .boolean, "entity_ids": .array(.uuid),
        "category": .nullable(.object(["id": .uuid, "name": .string()], required: ["id", "name"])),
        "visibility": .string(enumValues: ArticleVisibility.allCases.map(\.rawValue)),
        "template": .string(enumValues: ArticleTemplate.allCases.map(\.rawValue)),
        "author_id": .nullable(.uuid), "author": .string(), "revision": .integer,
        "review_on": .nullable(.string(format: "date")), "review_due": .boolean, "views": .integer,
        "helpful": .nullable(.integer), "unhelpful": .nullable(.integer), "my_vote": .nullable(.boolean),
        "created_at": .dateTime, "updated_at": .dateTime,
    ], required: ["id", "title", "entity_id", "visibility", "template", "revision", "views"])

    /// Every field is written, `null` included.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(body, forKey: .body)
        try container.encode(body_html, forKey: .body_html)
        try container.encode(snippet, forKey: .snippet)
        try container.encode(entity_id, forKey: .entity_id)
        try container.encode(entity, forKey: .entity)
        try container.encode(recursive, forKey: .recursive)
        try container.encode(entity_ids, forKey: .entity_ids)
        try container.encode(category, forKey: .category)
        try container.encode(visibility, forKey: .visibility)
        try container.encode(template, forKey: .template)
        try container.encode(author_id, forKey: .author_id)
        try container.encode(author, forKey: .author)
        try container.encode(revision, forKey: .revision)
        try container.encode(review_on, forKey: .review_on)
        try container.encode(review_due, forKey: .review_due)
        try container.encode(views, forKey: .views)
        try container.encode(helpful, forKey: .helpful)
        try container.encode(unhelpful, forKey: .unhelpful)
        try container.encode(my_vote, forKey: .my_vote)
        try container.encode(created_at, forKey: .created_at)
        try container.encode(updated_at, forKey: .updated_at)
    }
}

/// A revision as `/api/v1/articles/{id}/revisions` shows it.
struct ArticleRevisionDTO: Content {
    let number: Int
    let title: String
    let body: String
    let author_id: UUID?
    let author: String
    let created_at: Date?

    init(_ revision: ArticleRevisionModel) {
        number = revision.number
        title = revision.title
        body = revision.body
        author_id = revision.authorID
        author = revision.authorName
        created_at = revision.createdAt
    }

    static let schema = OpenAPISchema.object([
        "number": .integer, "title": .string(), "body": .string(), "author_id": .nullable(.uuid), "author": .string(),
        "created_at": .dateTime,
    ], required: ["number", "title", "body", "author", "created_at"])
}

/// A category as `/api/v1/kb-categories` shows it.
struct KBCategoryDTO: Content {
    let id: UUID
    let entity_id: UUID
    let entity: String
    let parent_id: UUID?
    let name: String
    /// The names from the top category down, joined with ` › `.
    let path: String

    static let schema = OpenAPISchema.object([
        "id": .uuid, "entity_id": .uuid, "entity": .string(), "parent_id": .nullable(.uuid), "name": .string(),
        "path": .string(),
    ], required: ["id", "entity_id", "name", "path"])
}
