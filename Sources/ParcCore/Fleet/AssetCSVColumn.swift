/// The columns of the asset list's CSV export, in the order it writes them; the import reads the same ones back, so
/// that export, edit in a spreadsheet and import is a round trip. Columns are found by their header name, in any
/// order.
public enum AssetCSVColumn: String, CaseIterable, Hashable, Sendable {
    // The export's first columns, in their first order: scripts that read them by position keep working.
    case name
    case type
    case subtype
    case status
    case entity
    case serial
    case uuid
    case inventoryNumber = "inventory_number"
    case manufacturer
    case model
    case os
    case osVersion = "os_version"
    case memoryBytes = "memory_bytes"
    case cpu
    case lastInventoryAt = "last_inventory_at"
    // Added for the import.
    case id
    case entityID = "entity_id"
    case location
    case assignedGroup = "assigned_group"
    case supplier
    case orderNumber = "order_number"
    case purchaseDate = "purchase_date"
    case purchaseCost = "purchase_cost"
    case warrantyEnd = "warranty_end"
    case comment

    /// What inventories write (the operating system, memory, processor, last inventory): exported, and left alone by
    /// an import whatever the cell says.
    public var isReadOnly: Bool {
        switch self {
        case .os, .osVersion, .memoryBytes, .cpu, .lastInventoryAt: true
        default: false
        }
    }

    /// The text fields a technician sets, as the asset API names them.
    public var isText: Bool {
        switch self {
        case .name, .subtype, .serial, .uuid, .inventoryNumber, .manufacturer, .model, .location, .assignedGroup,
            .supplier, .orderNumber, .comment:
            true
        default:
            false
        }
    }

    /// Day columns, written `YYYY-MM-DD`.
    public var isDate: Bool { self == .purchaseDate || self == .warrantyEnd }
}
