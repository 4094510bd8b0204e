/// Permissions of the inventory feature (see docs/inventory.md).
extension Permission {
    /// See assets, their components, software and history, and the software catalogue.
    public static let assetsRead = Permission("assets.read", grantedTo: [.superAdmin, .admin, .technician, .observer])
    /// Create, edit, lock fields of and delete assets; import CSV.
    public static let assetsManage = Permission("assets.manage", grantedTo: [.superAdmin, .admin, .technician])
    /// Inventory settings: match order, entity rules, agent access, the software dictionary.
    public static let inventoryAdmin = Permission("inventory.admin", grantedTo: [.superAdmin, .admin])
}
