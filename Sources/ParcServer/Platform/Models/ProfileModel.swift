import FluentKit
import Foundation
import ParcCore

/// A role held by a user on an entity (and below it when recursive).
final class ProfileModel: Model, @unchecked Sendable {
    static let schema = "profiles"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // references
    @Field(key: "user_id") var userID: UUID
    @Field(key: "entity_id") var entityID: UUID

    // data
    @Field(key: "role") var role: String
    @Field(key: "recursive") var recursive: Bool

    init() {}

    init(id: UUID? = nil, userID: UUID, entityID: UUID, role: Role, recursive: Bool) {
        self.id = id
        self.userID = userID
        self.entityID = entityID
        self.role = role.rawValue
        self.recursive = recursive
    }

    /// The domain value; nil when the stored role is unknown to this version (never grants anything).
    var domain: Profile? {
        Role(rawValue: role).map { Profile(entityID: entityID, role: $0, recursive: recursive) }
    }
}
