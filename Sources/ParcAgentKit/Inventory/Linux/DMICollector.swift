import ParcCore

/// BIOS, system and board identity from the DMI table the kernel exports in `/sys/class/dmi/id`, readable without
/// root except the serial numbers and the UUID (noted when not root). Machines without DMI (most ARM boards) name
/// their model in the device tree (`/proc/device-tree/model`), which is read instead.
struct DMICollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "bios" }
    var sections: Set<InventorySection> { [.bios] }

    static let directory = "/sys/class/dmi/id"

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        guard environment.files.isDirectory(Self.directory) else {
            collectDeviceTree(into: &report, notes: &notes)
            return
        }
        func value(_ file: String) -> String? {
            environment.value(Self.directory + "/" + file, for: name, notes: &notes)
        }
        var bios = InventoryReport.BIOS()
        bios.systemManufacturer = value("sys_vendor")
        bios.systemModel = value("product_name")
        bios.systemSerial = value("product_serial")
        bios.skuNumber = value("product_sku")
        bios.assetTag = value("chassis_asset_tag")
        bios.manufacturer = value("bios_vendor")
        bios.version = value("bios_version")
        bios.date = DMIValues.biosDate(value("bios_date"))
        bios.motherboardManufacturer = value("board_vendor")
        bios.motherboardModel = value("board_name")
        bios.motherboardSerial = value("board_serial")
        bios.enclosureSerial = value("chassis_serial")
        // Lenovo writes a part number as the product name and the model people know as its version.
        if let maker = bios.systemManufacturer, maker.uppercased().hasPrefix("LENOVO"), let version = value("product_version"),
            ["think", "idea", "yoga", "legion"].contains(where: { version.lowercased().hasPrefix($0) })
        {
            bios.skuNumber = bios.skuNumber ?? bios.systemModel
            bios.systemModel = version
        }
        report.bios = bios
        let uuid = value("product_uuid")?.uppercased()
        let chassis = DMIValues.chassisType(value("chassis_type"))
        report.updateHardware {
            $0.uuid = uuid
            $0.chassisType = chassis
        }
    }

    /// `/proc/device-tree/model` and `serial-number` (NUL-terminated strings).
    func collectDeviceTree(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        let model = environment.files.bytes("/proc/device-tree/model").flatMap(Self.deviceTreeString)
        guard let model else {
            notes.append(
                .init(
                    collector: name, reason: .unavailable,
                    message: "no DMI table (\(Self.directory)) nor device tree: system maker, model and serial unknown"))
            // The machine has none to give (a virtual machine without SMBIOS): an empty section, not an unknown one.
            report.sections.insert(.bios)
            return
        }
        var bios = InventoryReport.BIOS()
        bios.systemModel = model
        bios.systemSerial = environment.read("/proc/device-tree/serial-number", for: name, notes: &notes)
            .flatMap(Self.deviceTreeString)
        report.bios = bios
    }

    /// A device-tree property: text up to its NUL, cleaned.
    static func deviceTreeString(_ bytes: [UInt8]) -> String? {
        InventoryText.clean(bytes: bytes.prefix { $0 != 0 })
    }
}
