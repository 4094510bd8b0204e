import FluentKit
import Foundation
import ParcCore

/// A node of the entity tree: the root, a customer or organisation, a site.
final class EntityModel: Model, @unchecked Sendable {
    static let schema = "entities"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // references
    @OptionalField(key: "parent_id") var parentID: UUID?

    // data
    @Field(key: "name") var name: String
    @OptionalField(key: "code") var code: String?
    @OptionalField(key: "comment") var comment: String?

    init() {}

    init(id: UUID? = nil, parentID: UUID?, name: String, code: String? = nil, comment: String? = nil) {
        self.id = id
        self.parentID = parentID
        self.name = name
        self.code = code
        self.comment = comment
    }

    var node: EntityTree.Node { .init(id: id!, parentID: parentID, name: name) }

    /// Field values as the audit log records them.
    var auditSnapshot: [String: String?] {
        ["name": name, "code": code, "comment": comment, "parent_id": parentID?.uuidString]
    }
}
