extension Permission {
    /// Configure the entity's collected mailboxes (server, login, password) and see what they collected.
    public static let mailInManage = Permission("mail_in.manage", grantedTo: [.superAdmin, .admin])
}
