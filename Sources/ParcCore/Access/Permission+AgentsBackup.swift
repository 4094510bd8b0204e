/// Permissions of the agents, backup and alerts features (see docs/backup-server.md).
extension Permission {
    /// See the entity's agents (machines enrolled with parc-agent), their runs and drills.
    public static let agentsRead = Permission("agents.read",
                                              grantedTo: [.superAdmin, .admin, .technician, .observer])
    /// Create and revoke enrollment tokens; revoke agents.
    public static let agentsManage = Permission("agents.manage", grantedTo: [.superAdmin, .admin])
    /// See backup repositories, plans, runs, restore tests and the fleet view.
    public static let backupRead = Permission("backup.read",
                                              grantedTo: [.superAdmin, .admin, .technician, .observer])
    /// Create, change and delete backup repositories and plans, and their targets.
    public static let backupManage = Permission("backup.manage", grantedTo: [.superAdmin, .admin, .technician])
    /// See the entity's alerts.
    public static let alertsRead = Permission("alerts.read",
                                              grantedTo: [.superAdmin, .admin, .technician, .observer])
    /// Acknowledge and resolve alerts.
    public static let alertsManage = Permission("alerts.manage", grantedTo: [.superAdmin, .admin, .technician])
}
