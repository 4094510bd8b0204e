/// Something a user may do on the objects of an entity.
///
/// A permission names the roles that grant it. Features declare their own permissions in an
/// extension next to their code, so the whole policy stays readable in one place per feature:
///
/// ```swift
/// extension Permission {
///     static let ticketsUpdate = Permission("tickets.update", grantedTo: [.superAdmin, .admin, .technician])
/// }
/// ```
public struct Permission: Hashable, Sendable, CustomStringConvertible {
    /// Stable identifier, used in API token scopes and logs.
    public let name: String
    /// The roles whose holders have this permission on the entity where they hold the role.
    public let roles: Set<Role>

    public init(_ name: String, grantedTo roles: Set<Role>) {
        self.name = name
        self.roles = roles
    }

    public var description: String { name }

    public static func == (lhs: Permission, rhs: Permission) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

extension Permission {
    private static let everyone: Set<Role> = Set(Role.allCases)
    private static let staff: Set<Role> = [.superAdmin, .admin, .technician, .observer]
    private static let admins: Set<Role> = [.superAdmin, .admin]

    /// See the entity (name, place in the tree).
    public static let entitiesRead = Permission("entities.read", grantedTo: everyone)
    /// Create, rename, move and delete entities below one the user administers.
    public static let entitiesManage = Permission("entities.manage", grantedTo: admins)
    /// See the accounts that belong to the entity and their profiles.
    public static let usersRead = Permission("users.read", grantedTo: staff)
    /// Create accounts, reset passwords, grant and revoke profiles.
    public static let usersManage = Permission("users.manage", grantedTo: admins)
    /// Read the audit log of the entity's objects.
    public static let auditRead = Permission("audit.read", grantedTo: [.superAdmin, .admin, .technician, .observer])
    /// Rename, change or delete the saved views others shared in the entity.
    public static let savedViewsManage = Permission("saved_views.manage", grantedTo: admins)
    /// Platform operations: scheduled jobs, mail queue, server settings. Only on the root entity.
    public static let platformManage = Permission("platform.manage", grantedTo: [.superAdmin])
}
