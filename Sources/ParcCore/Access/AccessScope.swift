import Foundation

/// What one user may do where: the single answer every permission check and list query uses.
///
/// Computed once per request from the user's profiles and the entity tree. A user sees an object
/// only when the object's entity is in `entities(for:)` of the permission the action needs.
public struct AccessScope: Sendable {
    /// Strongest role per entity, after expanding recursive profiles.
    public let roles: [UUID: Role]

    public init(profiles: [Profile], tree: EntityTree) {
        var roles: [UUID: Role] = [:]
        for profile in profiles where tree.contains(profile.entityID) {
            let covered = profile.recursive ? tree.subtree(of: profile.entityID) : [profile.entityID]
            for entity in covered {
                // Several profiles may cover one entity; the strongest one wins.
                if let existing = roles[entity], existing <= profile.role { continue }
                roles[entity] = profile.role
            }
        }
        self.roles = roles
    }

    /// A scope granting nothing (anonymous request).
    public static let none = AccessScope(roles: [:])

    private init(roles: [UUID: Role]) { self.roles = roles }

    /// The entities on which the user holds the permission.
    public func entities(for permission: Permission) -> Set<UUID> {
        Set(roles.compactMap { permission.roles.contains($0.value) ? $0.key : nil })
    }

    /// Whether the user holds the permission on that entity.
    public func allows(_ permission: Permission, in entity: UUID) -> Bool {
        guard let role = roles[entity] else { return false }
        return permission.roles.contains(role)
    }

    /// Whether the user holds the permission on at least one entity (to show a menu entry, say).
    public func allowsAnywhere(_ permission: Permission) -> Bool {
        roles.values.contains { permission.roles.contains($0) }
    }

    /// Whether the user may see the entity at all (any profile covers it).
    public func canSee(_ entity: UUID) -> Bool { roles[entity] != nil }

    /// The strongest role held anywhere; nil for a user with no profile.
    public var strongestRole: Role? { roles.values.min() }

    /// Whether the user is only a requester everywhere: the self-service portal is all they get.
    public var isRequesterOnly: Bool { !roles.isEmpty && roles.values.allSatisfy { $0 == .requester } }

    /// The role a user may grant on an entity: never more than their own there, and admins only
    /// grant up to admin (only a super-admin creates super-admins).
    public func mayGrant(_ role: Role, in entity: UUID) -> Bool {
        guard let own = roles[entity], Permission.usersManage.roles.contains(own) else { return false }
        return own <= role
    }
}
