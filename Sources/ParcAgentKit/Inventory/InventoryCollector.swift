import ParcCore

/// One source of inventory facts on one operating system: the DMI table, `/proc/cpuinfo`, the dpkg database…
///
/// A collector fills the sections it knows in `report` and says, in `notes`, what it could not read and why
/// (a root-only file, a missing tool, a file that does not parse). It never throws and never stops the inventory:
/// an inventory without a serial number is still worth sending. Collectors run in order and may read what an earlier
/// one wrote (the virtualisation collector reads the DMI maker and model).
///
/// A collector adds a section to ``InventoryReport/sections`` once it knows it, even empty (`"softwares": []` is "no
/// software"). A section that some collector declares in ``sections`` but none could read is unknown: the report is
/// then sent as partial (``LocalInventory``), so that the server keeps what it knew rather than hearing "none".
///
/// The Linux set is ``LinuxCollectors``; macOS and Windows will bring theirs.
public protocol InventoryCollector: Sendable {
    /// Short name used in notes: `bios`, `cpu`, `software`…
    var name: String { get }

    /// The sections this collector can fill.
    var sections: Set<InventorySection> { get }

    /// Adds what this collector finds to `report`, and a note for everything it could not read.
    func collect(into report: inout InventoryReport, notes: inout [CollectorNote])
}
