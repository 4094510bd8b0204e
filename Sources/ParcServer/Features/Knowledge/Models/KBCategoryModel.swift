import Fluent
import FluentKit
import Foundation

/// A knowledge-base category. Categories form a tree per entity; an article files under a category of its entity
/// or of an entity above it.
final class KBCategoryModel: Model, @unchecked Sendable {
    static let schema = "kb_categories"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?

    // references
    @Field(key: "entity_id") var entityID: UUID
    @OptionalField(key: "parent_id") var parentID: UUID?

    // data
    @Field(key: "name") var name: String

    init() {}
}
