import Fluent
import Foundation
import ParcCore

/// An article as `POST` and `PATCH /api/v1/articles` take it, and as the article form builds it.
///
/// A field left out keeps its value; `category_id` and `review_on` are cleared with `null`.
struct ArticleInput: StrictContent {
    var entity_id: UUID?
    var recursive: Bool?
    var category_id: UUID??
    var title: String?
    var body: String?
    var visibility: String?
    var entity_ids: [UUID]?
    var template: String?
    var review_on: String??

    static let acceptedFields: Set<String> = [
        "entity_id", "recursive", "category_id", "title", "body", "visibility", "entity_ids", "template", "review_on",
    ]

    static let schema = OpenAPISchema.object([
        "entity_id": .uuid, "recursive": .boolean, "category_id": .nullable(.uuid),
        "title": .string(description: "1–200 characters"),
        "body": .string(description: "Markdown, at most 200,000 characters"),
        "visibility": .string(enumValues: ArticleVisibility.allCases.map(\.rawValue)),
        "entity_ids": .array(.uuid),
        "template": .string(enumValues: ArticleTemplate.allCases.map(\.rawValue)),
        "review_on": .nullable(.string(format: "date")),
    ], required: [])
}

extension ArticleInput {
    private enum Keys: String, CodingKey {
        case entity_id, recursive, category_id, title, body, visibility, entity_ids, template, review_on
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        entity_id = try container.decodeIfPresent(UUID.self, forKey: .entity_id)
        recursive = try container.decodeIfPresent(Bool.self, forKey: .recursive)
        category_id = try container.decodeNullable(UUID.self, forKey: .category_id)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        body = try container.decodeIfPresent(String.self, forKey: .body)
        visibility = try container.decodeIfPresent(String.self, forKey: .visibility)
        entity_ids = try container.decodeIfPresent([UUID].self, forKey: .entity_ids)
        template = try container.decodeIfPresent(String.self, forKey: .template)
        review_on = try container.decodeNullable(String.self, forKey: .review_on)
    }
}

/// What `POST /api/v1/articles/{id}/vote` takes.
struct ArticleVoteInput: StrictContent, Decodable {
    let helpful: Bool
    static let acceptedFields: Set<String> = ["helpful"]
}

/// A category as `POST` and `PATCH /api/v1/kb-categories` take it. `"parent_id": null` makes it a top category.
struct KBCategoryInput: StrictContent, Decodable {
    var entity_id: UUID?
    var parent_id: UUID??
    var name: String?
    static let acceptedFields: Set<String> = ["entity_id", "parent_id", "name"]

    static let schema = OpenAPISchema.object(["entity_id": .uuid, "parent_id": .nullable(.uuid), "name": .string()],
                                             required: [])

    init(entity_id: UUID?, parent_id: UUID??, name: String?) {
        self.entity_id = entity_id
        self.parent_id = parent_id
        self.name = name
    }

    private enum Keys: String, CodingKey { case entity_id, parent_id, name }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        entity_id = try container.decodeIfPresent(UUID.self, forKey: .entity_id)
        parent_id = try container.decodeNullable(UUID.self, forKey: .parent_id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
    }
}

/// A ticket's solution (or any text) to turn into an article: see
/// ``KnowledgeService/createArticle(from:author:entity:audit:on:)``.
struct ArticleDraft: Sendable {
    var title: String
    /// Markdown.
    var body: String
    var visibility: ArticleVisibility = .technicians
    var template: ArticleTemplate = .free
    var categoryID: UUID?
    var recursive = false

    init(title: String, body: String, visibility: ArticleVisibility = .technicians, template: ArticleTemplate = .free,
         categoryID: UUID? = nil, recursive: Bool = false) {
        self.title = title
        self.body = body
        self.visibility = visibility
        self.template = template
        self.categoryID = categoryID
        self.recursive = recursive
    }
}
