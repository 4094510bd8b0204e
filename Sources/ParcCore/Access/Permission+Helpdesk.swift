/// Permissions of the helpdesk (see docs/helpdesk.md).
extension Permission {
    /// See every ticket of the entity, its followups (private ones included), tasks and history.
    public static let ticketsRead = Permission("tickets.read", grantedTo: [.superAdmin, .admin, .technician, .observer])
    /// Open a ticket in the entity. Requesters see only the tickets they requested or observe, and only the
    /// public followups of those.
    public static let ticketsCreate = Permission("tickets.create", grantedTo: Set(Role.allCases))
    /// Qualify, assign, change the status of, follow up, plan tasks on and solve the entity's tickets.
    public static let ticketsUpdate = Permission("tickets.update", grantedTo: [.superAdmin, .admin, .technician])
    /// Helpdesk settings of the entity: categories, groups, calendars, SLA policies, the priority matrix.
    public static let helpdeskAdmin = Permission("helpdesk.admin", grantedTo: [.superAdmin, .admin])
}
