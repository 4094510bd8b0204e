import FluentKit
import Foundation
import ParcCore

/// A saved view: a user's named search of one list (its query string), personal or shared in an entity.
final class SavedViewModel: Model, @unchecked Sendable {
    static let schema = "saved_views"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    // references
    @Field(key: "owner_id") var ownerID: UUID
    /// The owner's entity when the view was saved: where a shared view is shown.
    @Field(key: "entity_id") var entityID: UUID

    // data
    /// The list the view belongs to (`assets`, …), as ``SavedViewList/key``.
    @Field(key: "list_key") var listKey: String
    @Field(key: "name") var name: String
    /// The list's query string, as ``SavedViewRules/canonicalQuery(_:spec:)`` writes it.
    @Field(key: "query") var query: String
    @Field(key: "shared") var shared: Bool
    @Field(key: "position") var position: Int

    init() {}

    var sharing: SavedViewSharing { SavedViewSharing(ownerID: ownerID, entityID: entityID, shared: shared) }
}
