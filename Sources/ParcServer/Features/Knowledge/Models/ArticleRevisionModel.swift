import Fluent
import FluentKit
import Foundation

/// One version of an article, kept when it was saved: number 1 is the article as first written.
final class ArticleRevisionModel: Model, @unchecked Sendable {
    static let schema = "kb_article_revisions"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?

    // references
    @Field(key: "article_id") var articleID: UUID
    @OptionalField(key: "author_id") var authorID: UUID?

    // data
    @Field(key: "number") var number: Int
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "author_name") var authorName: String

    init() {}
}
