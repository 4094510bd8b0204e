// What an asset's history records of each section: field names in snake_case (stable: history rows keep them),
// values as short text. Fields that change on their own between two inventories of an unchanged machine are left
// out, each with its reason: free space, boot time, uptime, link state and Wi-Fi rate, battery charge, screen
// resolution (docking), virtual machine state, SNMP counters and neighbours, toner levels, the last logged-in user.

/// The value of a history field as text, cut to ``InventoryChange/maximumValueLength`` characters.
private func show(_ value: String?) -> String? { InventoryChange.clipped(value) }
private func show(_ value: Int?) -> String? { value.map { String($0) } }
private func show(_ value: Bool?) -> String? { value.map { $0 ? "true" : "false" } }
private func show(_ value: InventoryDate?) -> String? { value?.description }
private func show(_ value: MACAddress?) -> String? { value?.description }
private func show(_ values: [String]) -> String? { values.isEmpty ? nil : show(values.joined(separator: ", ")) }

extension InventoryReport.BIOS: InventoryHistoryRecord {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("system_manufacturer", show(systemManufacturer)), ("system_model", show(systemModel)),
            ("system_serial", show(systemSerial)), ("sku_number", show(skuNumber)), ("asset_tag", show(assetTag)),
            ("manufacturer", show(manufacturer)), ("version", show(version)), ("date", show(date)),
            ("motherboard_manufacturer", show(motherboardManufacturer)), ("motherboard_model", show(motherboardModel)),
            ("motherboard_serial", show(motherboardSerial)), ("enclosure_serial", show(enclosureSerial)),
            ("bios_serial", show(biosSerial)),
        ]
    }
}

extension InventoryReport.Hardware: InventoryHistoryRecord {
    /// All but `description` (agents put the uptime there) and `lastLoggedUser`.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("uuid", show(uuid)), ("chassis_type", show(chassisType)),
            ("vm_system", show(vmSystem)), ("memory_bytes", show(memoryBytes)), ("swap_bytes", show(swapBytes)),
            ("workgroup", show(workgroup)), ("default_gateway", show(defaultGateway)), ("dns", show(dns)),
            ("windows_product_id", show(windowsProductID)),
        ]
    }
}

extension InventoryReport.OperatingSystem: InventoryHistoryRecord {
    /// All but `bootTime` and `timezoneOffset` (which daylight saving time moves twice a year).
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("full_name", show(fullName)), ("version", show(version)),
            ("service_pack", show(servicePack)), ("architecture", show(architecture)),
            ("kernel_name", show(kernelName)),
            ("kernel_version", show(kernelVersion)), ("install_date", show(installDate)), ("fqdn", show(fqdn)),
            ("dns_domain", show(dnsDomain)), ("host_id", show(hostID)), ("timezone_name", show(timezoneName)),
        ]
    }
}

extension InventoryReport.NetworkDevice: InventoryHistoryRecord {
    /// All but `uptime`, `cpuPercent` and `memoryBytes` (free memory).
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("type", show(type)), ("description", show(description)),
            ("manufacturer", show(manufacturer)), ("model", show(model)), ("serial", show(serial)),
            ("firmware", show(firmware)), ("mac_address", show(macAddress)), ("ip_addresses", show(ipAddresses)),
            ("location", show(location)), ("contact", show(contact)), ("ram_bytes", show(ramBytes)),
            ("asset_tag", show(assetTag)),
        ]
    }
}

extension InventoryReport.CPU: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("manufacturer", show(manufacturer)), ("model", show(model)),
            ("family_name", show(familyName)), ("family_number", show(familyNumber)), ("stepping", show(stepping)),
            ("speed_mhz", show(speedMHz)), ("cores", show(cores)), ("threads", show(threads)),
            ("architecture", show(architecture)), ("id", show(id)), ("description", show(description)),
            ("serial", show(serial)),
        ]
    }

    /// The model name.
    public var historyLabel: String { name ?? stableKey }
}

extension InventoryReport.MemoryModule: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("slot", show(slot)), ("slot_number", show(slotNumber)), ("capacity_bytes", show(capacityBytes)),
            ("type", show(type)), ("speed_mhz", show(speedMHz)), ("manufacturer", show(manufacturer)),
            ("serial", show(serial)), ("model", show(model)), ("description", show(description)),
            ("error_correction", show(errorCorrection)), ("removable", show(isRemovable)),
        ]
    }

    /// The slot label, else its number.
    public var historyLabel: String { slot ?? stableKey }
}

extension InventoryReport.StorageDrive: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("model", show(model)), ("manufacturer", show(manufacturer)),
            ("serial", show(serial)), ("size_bytes", show(sizeBytes)), ("type", show(type)),
            ("interface", show(interface)), ("firmware", show(firmware)), ("description", show(description)),
            ("wwn", show(wwn)),
        ]
    }

    /// The device name, else the model.
    public var historyLabel: String { name ?? model ?? stableKey }
}

extension InventoryReport.Volume: InventoryComponent {
    /// All but `freeBytes`.
    public var historyFields: [InventoryHistoryField] {
        [
            ("letter", show(letter)), ("type", show(type)), ("volume", show(volume)), ("label", show(label)),
            ("description", show(description)), ("file_system", show(fileSystem)), ("total_bytes", show(totalBytes)),
            ("serial", show(serial)), ("system_drive", show(isSystemDrive)),
            ("encryption_status", show(encryptionStatus)),
        ]
    }
}

extension InventoryReport.NetworkInterface: InventoryComponent {
    /// All but `status` and `speedMbps` (a Wi-Fi rate moves all day).
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("mac_address", show(macAddress)), ("type", show(type)),
            ("virtual", show(isVirtual)), ("management", show(isManagement)), ("mtu", show(mtu)),
            ("driver", show(driver)), ("pci_id", show(pciID)), ("pci_slot", show(pciSlot)),
            ("manufacturer", show(manufacturer)), ("model", show(model)),
            ("ipv4", show(ipv4.map { $0.address + ($0.mask.map { "/" + $0 } ?? "") })),
            ("ipv6", show(ipv6.map(\.address))), ("gateway", show(gateway)), ("dhcp_server", show(dhcpServer)),
        ]
    }

    /// The interface name.
    public var historyLabel: String { name }
}

extension InventoryReport.GPU: InventoryComponent {
    /// All but `resolution`, which follows the screens plugged in.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("chipset", show(chipset)), ("memory_bytes", show(memoryBytes)),
            ("pci_slot", show(pciSlot)),
        ]
    }

    /// The adapter's name.
    public var historyLabel: String { name ?? stableKey }
}

extension InventoryReport.Battery: InventoryComponent {
    /// All but `realCapacityMWh` and `voltageMV`, which drift with every charge.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("manufacturer", show(manufacturer)), ("serial", show(serial)),
            ("chemistry", show(chemistry)), ("design_capacity_mwh", show(designCapacityMWh)),
            ("manufacture_date", show(manufactureDate)),
        ]
    }

    /// The battery's name.
    public var historyLabel: String { name ?? stableKey }
}

extension InventoryReport.Controller: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("manufacturer", show(manufacturer)), ("type", show(type)),
            ("caption", show(caption)), ("driver", show(driver)), ("pci_class", show(pciClass)),
            ("pci_slot", show(pciSlot)), ("pci_subsystem_id", show(pciSubsystemID)), ("vendor_id", show(vendorID)),
            ("product_id", show(productID)), ("revision", show(revision)),
        ]
    }

    /// The controller's name.
    public var historyLabel: String { name ?? stableKey }
}

extension InventoryReport.Software: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("version", show(version)), ("publisher", show(publisher)),
            ("install_date", show(installDate)), ("architecture", show(architecture)), ("source", show(source)),
            ("category", show(category)), ("size_bytes", show(sizeBytes)), ("comments", show(comments)),
            ("guid", show(guid)),
        ]
    }

    /// The program's name.
    public var historyLabel: String { name }
    /// `name|architecture`.
    public var versionlessKey: String? { name + "|" + (architecture ?? "") }
    /// The version.
    public var historyVersion: String? { version }
}

extension InventoryReport.User: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] { [("login", show(login)), ("domain", show(domain))] }
}

extension InventoryReport.Monitor: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("caption", show(caption)), ("description", show(description)),
            ("manufacturer", show(manufacturer)), ("serial", show(serial)), ("alt_serial", show(altSerial)),
            ("port", show(port)),
        ]
    }

    /// The monitor's name, else its caption.
    public var historyLabel: String { name ?? caption ?? stableKey }
}

extension InventoryReport.VirtualMachine: InventoryComponent {
    /// All but `status` (running, off…).
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("uuid", show(uuid)), ("vm_type", show(vmType)), ("subsystem", show(subsystem)),
            ("memory_bytes", show(memoryBytes)), ("vcpus", show(vcpus)),
            ("mac_addresses", show(macAddresses.map(\.description))), ("owner", show(owner)),
            ("comment", show(comment)),
            ("image", show(image)), ("serial", show(serial)),
        ]
    }

    /// The machine's name.
    public var historyLabel: String { name }
}

extension InventoryReport.NetworkPort: InventoryComponent {
    /// Identity and configuration; not the operational status, counters, last change or neighbours.
    public var historyFields: [InventoryHistoryField] {
        [
            ("number", show(number)), ("name", show(name)), ("description", show(description)), ("alias", show(alias)),
            ("mac_address", show(macAddress)), ("if_type", show(ifType)),
            ("speed_bits_per_second", show(speedBitsPerSecond)), ("mtu", show(mtu)),
            ("admin_status", show(adminStatus)), ("duplex", show(duplex)), ("ip_addresses", show(ipAddresses)),
            ("vlans", show(vlans.map { ($0.number.map(String.init) ?? "") + ($0.name.map { " " + $0 } ?? "") })),
            ("trunk", show(isTrunk)),
        ]
    }

    /// The port's name, else its description.
    public var historyLabel: String { name ?? description ?? stableKey }
}

extension InventoryReport.NetworkComponent: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("index", show(index)), ("contained_index", show(containedIndex)), ("name", show(name)),
            ("description", show(description)), ("type", show(type)), ("manufacturer", show(manufacturer)),
            ("model", show(model)), ("serial", show(serial)), ("firmware", show(firmware)), ("fru", show(fru)),
            ("mac_address", show(macAddress)), ("ip", show(ip)),
        ]
    }

    /// The component's name.
    public var historyLabel: String { name ?? stableKey }
}

extension InventoryReport.Firmware: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("name", show(name)), ("description", show(description)), ("type", show(type)),
            ("version", show(version)), ("date", show(date)), ("manufacturer", show(manufacturer)),
        ]
    }

    /// The firmware's name.
    public var historyLabel: String { name ?? stableKey }
}

extension InventoryReport.SIMCard: InventoryComponent {
    /// Every field.
    public var historyFields: [InventoryHistoryField] {
        [
            ("serial", show(serial)), ("iccid", show(iccid)), ("phone_number", show(phoneNumber)),
            ("state", show(state)), ("country", show(country)), ("operator_code", show(operatorCode)),
            ("operator_name", show(operatorName)), ("subscriber_id", show(subscriberID)),
        ]
    }
}

extension InventoryReport.Cartridge: InventoryComponent {
    /// None: the level moves with every page; a cartridge is only added or removed.
    public var historyFields: [InventoryHistoryField] { [] }
}
