import Foundation
import ParcCore

/// Disks from `/sys/block`: every block device backed by hardware (one with a `device` link; loop, RAM, zram,
/// device-mapper and md devices have none), with its size, model, serial, firmware and WWN from sysfs or, where
/// sysfs has none (SATA serials), from udev's record in `/run/udev/data`, both readable without root.
///
/// `type` says `HDD` or `SSD` from the kernel's `rotational` flag (a virtual disk says what its hypervisor
/// claims), `cdrom` for optical drives; `interface` is the bus the device hangs from (`NVMe`, `SATA`, `USB`…).
struct StorageCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "storage" }
    var sections: Set<InventorySection> { [.storageDrives] }

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        guard let names = environment.files.list("/sys/block") else {
            notes.append(.init(collector: name, reason: .unavailable, message: "could not list /sys/block: disks unknown"))
            return
        }
        report.storageDrives = names.compactMap(drive)
        report.sections.insert(.storageDrives)
    }

    func drive(_ device: String) -> InventoryReport.StorageDrive? {
        let files = environment.files
        let base = "/sys/block/" + device
        guard files.exists(base + "/device") else { return nil }
        let udev = files.value(base + "/dev").flatMap { number in
            files.bytes("/run/udev/data/b" + number).map { UdevDataParser.properties(String(decoding: $0, as: UTF8.self)) }
        } ?? [:]
        var drive = InventoryReport.StorageDrive()
        drive.name = device
        if let sectors = InventoryText.integer(files.value(base + "/size")), sectors > 0 {
            drive.sizeBytes = InventoryText.multiply(sectors, by: 512)  // sysfs counts 512-byte sectors, always
        }
        drive.model = files.value(base + "/device/model") ?? udev["ID_MODEL"].map { $0.replacingOccurrences(of: "_", with: " ") }
        drive.serial = files.value(base + "/device/serial") ?? files.value(base + "/serial") ?? udev["ID_SERIAL_SHORT"]
        drive.firmware = files.value(base + "/device/firmware_rev") ?? files.value(base + "/device/rev") ?? udev["ID_REVISION"]
        drive.wwn = files.value(base + "/device/wwid") ?? udev["ID_WWN"]
        drive.manufacturer = [files.value(base + "/device/vendor"), udev["ID_VENDOR"]].compactMap { $0 }
            .first { !$0.hasPrefix("0x") && $0.uppercased() != "ATA" }
        drive.interface = files.resolvedPath(base).flatMap(Self.interface)
        let isOptical = device.hasPrefix("sr") || files.value(base + "/device/type") == "5"
        switch (isOptical, files.value(base + "/queue/rotational")) {
        case (true, _): drive.type = "cdrom"
        case (false, "1"): drive.type = "HDD"
        case (false, "0"): drive.type = "SSD"
        default: drive.type = nil
        }
        return drive
    }

    /// The bus, from the device's path in sysfs (`/sys/devices/pci0000:00/0000:00:17.0/ata1/…` → `SATA`).
    static func interface(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        if parts.contains(where: { $0.hasPrefix("nvme") }) { return "NVMe" }
        if parts.contains(where: { $0.hasPrefix("usb") }) { return "USB" }
        if parts.contains(where: { $0.hasPrefix("ata") }) { return "SATA" }
        if parts.contains(where: { $0.hasPrefix("virtio") }) { return "VirtIO" }
        if parts.contains(where: { $0.hasPrefix("mmc") }) { return "MMC" }
        if parts.contains(where: { $0.hasPrefix("vbd-") }) { return "Xen" }
        if parts.contains(where: { $0.hasPrefix("host") }) { return "SCSI" }
        return nil
    }
}
