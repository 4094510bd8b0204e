/// One field of an inventory value as an asset's history records it: a stable snake_case name (`capacity_bytes`)
/// and the value as short text, nil when unknown.
public typealias InventoryHistoryField = (name: String, value: String?)

/// A section value whose fields an asset's history records (``InventoryReport/BIOS``, ``InventoryReport/Hardware``,
/// ``InventoryReport/OperatingSystem``, ``InventoryReport/NetworkDevice``, and every list element).
public protocol InventoryHistoryRecord {
    /// The recorded fields, always the same names in the same order for one type. Fields that move on their own
    /// between inventories (free space, uptime, link state, battery charge, toner level, logged-in user) are left
    /// out, so that an unchanged machine writes no history. Values are at most
    /// ``InventoryChange/maximumValueLength`` characters.
    var historyFields: [InventoryHistoryField] { get }
}

/// An element of a list section (a CPU, a disk, a program…): what `InventoryChange.between(stored:new:in:)` pairs
/// across two inventories and compares.
public protocol InventoryComponent: InventoryHistoryRecord, Equatable {
    /// The element's identity across inventories (see docs/inventory-formats.md); equal keys pair in order.
    var stableKey: String { get }
    /// How the history names the element: a model, a slot, a mount point, a program name.
    var historyLabel: String { get }
    /// For elements whose ``stableKey`` holds a version (programs: `name|version|architecture`), the key without it
    /// (`name|architecture`): one removed and one added element sharing it are one element whose version changed.
    /// Nil for the others.
    var versionlessKey: String? { get }
    /// The version that ``versionlessKey`` leaves out.
    var historyVersion: String? { get }
}

extension InventoryComponent {
    /// The stable key.
    public var historyLabel: String { stableKey }
    /// Nil: the key holds no version.
    public var versionlessKey: String? { nil }
    /// Nil.
    public var historyVersion: String? { nil }
}
