import Fluent
import FluentKit
import Foundation
import ParcCore

/// A knowledge-base article: its current version. Earlier versions are in `kb_article_revisions`; the entities an
/// `entities` article is limited to in `kb_article_entities`; votes in `kb_article_votes`.
final class ArticleModel: Model, @unchecked Sendable {
    static let schema = "kb_articles"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .none) var updatedAt: Date?

    // references
    @Field(key: "entity_id") var entityID: UUID
    @OptionalField(key: "category_id") var categoryID: UUID?
    @OptionalField(key: "author_id") var authorID: UUID?

    // data
    /// Also read in the sub-entities of `entityID`.
    @Field(key: "recursive") var recursive: Bool
    @Field(key: "title") var title: String
    /// Markdown, rendered through ``SafeMarkdown``.
    @Field(key: "body") var body: String
    /// An ``ArticleVisibility`` raw value.
    @Field(key: "visibility") var visibility: String
    /// An ``ArticleTemplate`` raw value.
    @Field(key: "template") var template: String
    /// The author as they were named when they wrote it (the account may go).
    @Field(key: "author_name") var authorName: String
    /// `YYYY-MM-DD`: the day the article should be checked again.
    @OptionalField(key: "review_on") var reviewOn: String?
    @Field(key: "views") var views: Int
    /// The number of the current revision.
    @Field(key: "revision") var revision: Int

    init() {}

    var articleVisibility: ArticleVisibility { ArticleVisibility(rawValue: visibility) ?? .technicians }

    /// The fields the history compares (the body by its size: the revisions tab shows its text; the category by
    /// its name, added by the service).
    var auditSnapshot: [String: String?] {
        ["title": title, "visibility": visibility, "template": template, "recursive": recursive ? "true" : "false",
         "review_on": reviewOn, "entity_id": entityID.uuidString,
         "body": "\(body.count) characters"]
    }
}
