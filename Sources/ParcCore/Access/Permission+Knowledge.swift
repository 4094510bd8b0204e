/// Permissions of the knowledge base (see docs/knowledge-base.md).
extension Permission {
    /// Read the knowledge base. Requesters hold it too, but they see only the public FAQ articles
    /// (``kbReadInternal`` decides the rest).
    public static let kbRead = Permission("kb.read", grantedTo: Set(Role.allCases))
    /// Read the articles meant for the support staff (`technicians` and `entities` visibility).
    public static let kbReadInternal = Permission("kb.read_internal",
                                                  grantedTo: [.superAdmin, .admin, .technician, .observer])
    /// Write articles and manage the categories of the entity.
    public static let kbWrite = Permission("kb.write", grantedTo: [.superAdmin, .admin, .technician])
}
