import Foundation

/// A role held by a user on one entity, and, when recursive, on every entity below it.
public struct Profile: Sendable, Hashable, Codable {
    public let entityID: UUID
    public let role: Role
    public let recursive: Bool

    public init(entityID: UUID, role: Role, recursive: Bool) {
        self.entityID = entityID
        self.role = role
        self.recursive = recursive
    }
}
