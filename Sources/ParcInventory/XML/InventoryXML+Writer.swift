import Foundation
import ParcCore

extension InventoryXML {
    /// The report as the `<REQUEST>` document a FusionInventory agent posts (`QUERY` `INVENTORY`, `SNMPQUERY` or
    /// `NETDISCOVERY` by ``InventoryReport/action``), which ``readRequest(_:limits:)`` reads back into an equal
    /// report, but for what XML cannot say (docs/inventory-formats.md, "Writing XML"):
    ///
    /// - no partial inventories (``InventoryReport/isPartial`` is not written: XML is always read as full), no empty
    ///   list sections (an absent section already means none), no ``InventoryReport/ignoredSections``;
    /// - sizes in the wire's units, rounded down: MiB (memory, swap, modules, volumes, video and VM memory, SNMP RAM),
    ///   decimal MB (disks);
    /// - a list entry without any field is left out (readers refuse an empty entry), and so is a cartridge whose
    ///   name cannot be an element name;
    /// - a device other than a computer, and the sections that live in `DEVICE` (ports, components, firmwares, SIM
    ///   cards, cartridges, page counters), are written in `DEVICE`, which always reads back as a
    ///   ``InventoryReport/networkDevice`` with at least its type;
    /// - ``InventoryReport/NetworkPort/linkDiscovery`` only when true (`CONNECTIONS/CDP`).
    ///
    /// Elements are in the order FusionInventory writes them: sorted by name at every level, repeated entries in the
    /// report's order, so the same report always gives the same bytes. Text is escaped, and the characters XML 1.0
    /// forbids (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF) are dropped.
    ///
    /// - Parameter prettyPrinted: one element a line, indented by two spaces, as FusionInventory's `--local` files.
    /// - Throws: ``InventoryFormatError/cannotWrite(field:)`` when the report has no
    ///   ``InventoryReport/Agent/deviceID``: `DEVICEID` is required.
    public static func write(_ report: InventoryReport, prettyPrinted: Bool = false) throws(InventoryFormatError)
        -> Data
    {
        guard let deviceID = report.agent.deviceID, InventoryValues.trimmed(deviceID) != nil else {
            throw .cannotWrite(field: "DEVICEID (agent.deviceID)")
        }
        var request = XMLOutputElement("REQUEST")
        request.children.append(XMLOutputElement("CONTENT", children: XMLInventoryWriting.content(of: report)))
        request.add("DEVICEID", deviceID)
        request.add("QUERY", XMLInventoryWriting.query(for: report.action))
        var output = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
        request.write(to: &output, depth: 0, indent: prettyPrinted)
        if !prettyPrinted { output += "\n" }
        return Data(output.utf8)
    }
}

/// InventoryReport → the elements of `REQUEST/CONTENT`, with the names and units ``XMLReportBuilder`` reads.
enum XMLInventoryWriting {
    typealias Element = XMLOutputElement

    static func query(for action: InventoryAction) -> String {
        switch action {
        case .inventory: "INVENTORY"
        case .networkInventory: "SNMPQUERY"
        case .networkDiscovery: "NETDISCOVERY"
        }
    }

    static func content(of report: InventoryReport) -> [Element] {
        let sections = report.presentSections
        var content = Element("CONTENT")
        if let at = report.inventoriedAt {
            content.children.append(Element("ACCESSLOG", children: [Element("LOGDATE", text: at.description)]))
        }
        if let tag = report.agent.tag, InventoryValues.trimmed(tag) != nil {
            content.children.append(
                Element("ACCOUNTINFO", children: [Element("KEYNAME", text: "TAG"), Element("KEYVALUE", text: tag)]))
        }
        content.add("VERSIONCLIENT", report.agent.versionClient)
        // Single sections are written even when empty: an empty <BIOS> reads as a present, empty BIOS.
        if sections.contains(.bios) { content.children.append(bios(report.bios ?? .init())) }
        if sections.contains(.hardware) {
            content.children.append(hardware(report.hardware ?? .init(), os: report.operatingSystem))
        }
        if sections.contains(.operatingSystem) {
            content.children.append(operatingSystem(report.operatingSystem ?? .init()))
        }
        let lists: [Element] =
            report.cpus.map(cpu) + report.memoryModules.map(memory) + report.storageDrives.map(storage)
            + report.volumes.map(volume) + report.networkInterfaces.flatMap(networks) + report.gpus.map(video)
            + report.batteries.map(battery) + report.controllers.map(controller) + report.software.map(software)
            + report.users.map(user) + report.monitors.map(monitor) + report.virtualMachines.map(virtualMachine)
        content.children += lists.filter { !$0.children.isEmpty }
        if let device = device(of: report) { content.children.append(device) }
        return content.children
    }

    // MARK: Computer sections

    static func bios(_ bios: InventoryReport.BIOS) -> Element {
        var element = Element("BIOS")
        element.add("ASSETTAG", bios.assetTag)
        element.add("BDATE", bios.date?.description)
        element.add("BIOSSERIAL", bios.biosSerial)
        element.add("BMANUFACTURER", bios.manufacturer)
        element.add("BVERSION", bios.version)
        element.add("ENCLOSURESERIAL", bios.enclosureSerial)
        element.add("MMANUFACTURER", bios.motherboardManufacturer)
        element.add("MMODEL", bios.motherboardModel)
        element.add("MSN", bios.motherboardSerial)
        element.add("SKUNUMBER", bios.skuNumber)
        element.add("SMANUFACTURER", bios.systemManufacturer)
        element.add("SMODEL", bios.systemModel)
        element.add("SSN", bios.systemSerial)
        return element
    }

    /// HARDWARE, with the operating system's name and kernel in `OSNAME` and `OSVERSION` as FusionInventory writes
    /// them for OCS servers (which read no OPERATINGSYSTEM section; Parc's reader prefers that section).
    static func hardware(_ hardware: InventoryReport.Hardware, os: InventoryReport.OperatingSystem?) -> Element {
        var element = Element("HARDWARE")
        element.add("CHASSIS_TYPE", hardware.chassisType)
        element.add("DEFAULTGATEWAY", hardware.defaultGateway)
        element.add("DESCRIPTION", hardware.description)
        element.add("DNS", hardware.dns)
        element.add("LASTLOGGEDUSER", hardware.lastLoggedUser)
        element.add("MEMORY", InventoryValues.mebibytes(bytes: hardware.memoryBytes))
        element.add("NAME", hardware.name)
        element.add("OSNAME", os?.fullName ?? os?.name)
        element.add("OSVERSION", os?.kernelVersion)
        element.add("SWAP", InventoryValues.mebibytes(bytes: hardware.swapBytes))
        element.add("UUID", hardware.uuid)
        element.add("VMSYSTEM", hardware.vmSystem)
        element.add("WINPRODID", hardware.windowsProductID)
        element.add("WORKGROUP", hardware.workgroup)
        return element
    }

    static func operatingSystem(_ os: InventoryReport.OperatingSystem) -> Element {
        var element = Element("OPERATINGSYSTEM")
        element.add("ARCH", os.architecture)
        element.add("BOOT_TIME", os.bootTime?.description)
        element.add("DNS_DOMAIN", os.dnsDomain)
        element.add("FQDN", os.fqdn)
        element.add("FULL_NAME", os.fullName)
        element.add("HOSTID", os.hostID)
        element.add("INSTALL_DATE", os.installDate?.description)
        element.add("KERNEL_NAME", os.kernelName)
        element.add("KERNEL_VERSION", os.kernelVersion)
        element.add("NAME", os.name)
        element.add("SERVICE_PACK", os.servicePack)
        var zone = Element("TIMEZONE")
        zone.add("NAME", os.timezoneName)
        zone.add("OFFSET", os.timezoneOffset)
        element.add(zone)
        element.add("VERSION", os.version)
        return element
    }

    static func cpu(_ cpu: InventoryReport.CPU) -> Element {
        var element = Element("CPUS")
        element.add("ARCH", cpu.architecture)
        element.add("CORE", cpu.cores)
        element.add("DESCRIPTION", cpu.description)
        element.add("FAMILYNAME", cpu.familyName)
        element.add("FAMILYNUMBER", cpu.familyNumber)
        element.add("ID", cpu.id)
        element.add("MANUFACTURER", cpu.manufacturer)
        element.add("MODEL", cpu.model)
        element.add("NAME", cpu.name)
        element.add("SERIAL", cpu.serial)
        element.add("SPEED", cpu.speedMHz)
        element.add("STEPPING", cpu.stepping)
        element.add("THREAD", cpu.threads)
        return element
    }

    static func memory(_ module: InventoryReport.MemoryModule) -> Element {
        var element = Element("MEMORIES")
        element.add("CAPACITY", InventoryValues.mebibytes(bytes: module.capacityBytes))
        element.add("CAPTION", module.slot)
        element.add("DESCRIPTION", module.description)
        element.add("MANUFACTURER", module.manufacturer)
        element.add("MEMORYCORRECTION", module.errorCorrection)
        element.add("MODEL", module.model)
        element.add("NUMSLOTS", module.slotNumber)
        element.add("REMOVABLE", module.isRemovable)
        element.add("SERIALNUMBER", module.serial)
        element.add("SPEED", module.speedMHz)
        element.add("TYPE", module.type)
        return element
    }

    static func storage(_ drive: InventoryReport.StorageDrive) -> Element {
        var element = Element("STORAGES")
        element.add("DESCRIPTION", drive.description)
        element.add("DISKSIZE", InventoryValues.megabytes(bytes: drive.sizeBytes))
        element.add("FIRMWARE", drive.firmware)
        element.add("INTERFACE", drive.interface)
        element.add("MANUFACTURER", drive.manufacturer)
        element.add("MODEL", drive.model)
        element.add("NAME", drive.name)
        element.add("SERIALNUMBER", drive.serial)
        element.add("TYPE", drive.type)
        element.add("WWN", drive.wwn)
        return element
    }

    static func volume(_ volume: InventoryReport.Volume) -> Element {
        var element = Element("DRIVES")
        element.add("DESCRIPTION", volume.description)
        element.add("ENCRYPT_STATUS", volume.encryptionStatus)
        element.add("FILESYSTEM", volume.fileSystem)
        element.add("FREE", InventoryValues.mebibytes(bytes: volume.freeBytes))
        element.add("LABEL", volume.label)
        element.add("LETTER", volume.letter)
        element.add("SERIAL", volume.serial)
        element.add("SYSTEMDRIVE", volume.isSystemDrive)
        element.add("TOTAL", InventoryValues.mebibytes(bytes: volume.totalBytes))
        element.add("TYPE", volume.type)
        element.add("VOLUMN", volume.volume)
        return element
    }

    /// One entry per address, as agents write them; one entry for an interface without addresses.
    static func networks(_ interface: InventoryReport.NetworkInterface) -> [Element] {
        var base = Element("NETWORKS")
        base.add("DESCRIPTION", interface.name)
        base.add("DRIVER", interface.driver)
        base.add("IPDHCP", interface.dhcpServer)
        base.add("IPGATEWAY", interface.gateway)
        base.add("MACADDR", interface.macAddress?.description)
        base.add("MANAGEMENT", interface.isManagement)
        base.add("MANUFACTURER", interface.manufacturer)
        base.add("MODEL", interface.model)
        base.add("MTU", interface.mtu)
        base.add("PCIID", interface.pciID)
        base.add("PCISLOT", interface.pciSlot)
        base.add("SPEED", interface.speedMbps)
        base.add("STATUS", interface.status)
        base.add("TYPE", interface.type)
        base.add("VIRTUALDEV", interface.isVirtual)
        var entries: [Element] = []
        for address in interface.ipv4 {
            var entry = base
            entry.add("IPADDRESS", address.address)
            entry.add("IPMASK", address.mask)
            entry.add("IPSUBNET", address.subnet)
            entries.append(entry)
        }
        for address in interface.ipv6 {
            var entry = base
            entry.add("IPADDRESS6", address.address)
            entry.add("IPMASK6", address.mask)
            entry.add("IPSUBNET6", address.subnet)
            entries.append(entry)
        }
        return entries.isEmpty ? [base] : entries
    }

    static func video(_ gpu: InventoryReport.GPU) -> Element {
        var element = Element("VIDEOS")
        element.add("CHIPSET", gpu.chipset)
        element.add("MEMORY", InventoryValues.mebibytes(bytes: gpu.memoryBytes))
        element.add("NAME", gpu.name)
        element.add("PCISLOT", gpu.pciSlot)
        element.add("RESOLUTION", gpu.resolution)
        return element
    }

    /// Capacities in Wh and the voltage in V with three decimals, as FusionInventory writes them ("43.746 Wh").
    static func battery(_ battery: InventoryReport.Battery) -> Element {
        var element = Element("BATTERIES")
        element.add("CAPACITY", battery.designCapacityMWh.map { thousandths($0, unit: "Wh") })
        element.add("CHEMISTRY", battery.chemistry)
        element.add("DATE", battery.manufactureDate?.description)
        element.add("MANUFACTURER", battery.manufacturer)
        element.add("NAME", battery.name)
        element.add("REAL_CAPACITY", battery.realCapacityMWh.map { thousandths($0, unit: "Wh") })
        element.add("SERIAL", battery.serial)
        element.add("VOLTAGE", battery.voltageMV.map { thousandths($0, unit: "V") })
        return element
    }

    /// 43746 → "43.746 Wh".
    static func thousandths(_ milli: Int, unit: String) -> String {
        let fraction = String(milli % 1000)
        return String(milli / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + " " + unit
    }

    static func controller(_ controller: InventoryReport.Controller) -> Element {
        var element = Element("CONTROLLERS")
        element.add("CAPTION", controller.caption)
        element.add("DRIVER", controller.driver)
        element.add("MANUFACTURER", controller.manufacturer)
        element.add("NAME", controller.name)
        element.add("PCICLASS", controller.pciClass)
        element.add("PCISLOT", controller.pciSlot)
        element.add("PCISUBSYSTEMID", controller.pciSubsystemID)
        element.add("PRODUCTID", controller.productID)
        element.add("REV", controller.revision)
        element.add("TYPE", controller.type)
        element.add("VENDORID", controller.vendorID)
        return element
    }

    static func software(_ program: InventoryReport.Software) -> Element {
        var element = Element("SOFTWARES")
        element.add("ARCH", program.architecture)
        element.add("COMMENTS", program.comments)
        element.add("FILESIZE", program.sizeBytes)
        element.add("FROM", program.source)
        element.add("GUID", program.guid)
        element.add("INSTALLDATE", program.installDate?.description)
        element.add("NAME", program.name)
        element.add("PUBLISHER", program.publisher)
        element.add("SYSTEM_CATEGORY", program.category)
        element.add("VERSION", program.version)
        return element
    }

    static func user(_ user: InventoryReport.User) -> Element {
        var element = Element("USERS")
        element.add("DOMAIN", user.domain)
        element.add("LOGIN", user.login)
        return element
    }

    static func monitor(_ monitor: InventoryReport.Monitor) -> Element {
        var element = Element("MONITORS")
        element.add("ALTSERIAL", monitor.altSerial)
        element.add("CAPTION", monitor.caption)
        element.add("DESCRIPTION", monitor.description)
        element.add("MANUFACTURER", monitor.manufacturer)
        element.add("NAME", monitor.name)
        element.add("PORT", monitor.port)
        element.add("SERIAL", monitor.serial)
        return element
    }

    static func virtualMachine(_ machine: InventoryReport.VirtualMachine) -> Element {
        var element = Element("VIRTUALMACHINES")
        element.add("COMMENT", machine.comment)
        element.add("IMAGE", machine.image)
        element.add("MAC", machine.macAddresses.isEmpty ? nil : machine.macAddresses.map(\.description).joined(separator: "/"))
        element.add("MEMORY", InventoryValues.mebibytes(bytes: machine.memoryBytes))
        element.add("NAME", machine.name)
        element.add("OWNER", machine.owner)
        element.add("SERIAL", machine.serial)
        element.add("STATUS", machine.status)
        element.add("SUBSYSTEM", machine.subsystem)
        element.add("UUID", machine.uuid)
        element.add("VCPU", machine.vcpus)
        element.add("VMTYPE", machine.vmType)
        return element
    }

    // MARK: Network devices (CONTENT/DEVICE)

    /// `DEVICE`, for a device other than a computer or a report with any section that lives there; nil otherwise.
    /// A network discovery writes the device's facts straight in `DEVICE`, as agents do; other queries in
    /// `DEVICE/INFO`.
    static func device(of report: InventoryReport) -> Element? {
        let sections = report.presentSections
        let deviceSections: Set<InventorySection> = [
            .networkDevice, .networkPorts, .networkComponents, .firmwares, .simCards, .pageCounters, .cartridges,
        ]
        guard report.deviceType != .computer || !sections.isDisjoint(with: deviceSections) else { return nil }
        let facts = report.networkDevice ?? .init()
        var device = Element("DEVICE")
        var info = Element("INFO")
        info.add("ASSETTAG", facts.assetTag)
        info.add("COMMENTS", facts.description)
        info.add("CONTACT", facts.contact)
        info.add("CPU", facts.cpuPercent)
        info.add("FIRMWARE", facts.firmware)
        info.add("LOCATION", facts.location)
        info.add("MAC", facts.macAddress?.description)
        info.add("MANUFACTURER", facts.manufacturer)
        info.add("MEMORY", InventoryValues.mebibytes(bytes: facts.memoryBytes))
        info.add("MODEL", facts.model)
        info.add("NAME", facts.name)
        info.add("RAM", InventoryValues.mebibytes(bytes: facts.ramBytes))
        info.add("SERIAL", facts.serial)
        info.add("TYPE", InventoryValues.networkDeviceType(facts.type) ?? InventoryFormat.networkDeviceType(for: report.deviceType))
        info.add("UPTIME", facts.uptime)
        if report.action == .networkDiscovery {
            device.children = info.children + facts.ipAddresses.map { Element("IP", text: $0) }
        } else {
            info.add(Element("IPS", children: facts.ipAddresses.map { Element("IP", text: $0) }))
            device.children.append(info)
        }
        device.add(Element("PORTS", children: report.networkPorts.map(networkPort).filter { !$0.children.isEmpty }))
        device.add(
            Element("COMPONENTS", children: report.networkComponents.map(networkComponent).filter { !$0.children.isEmpty }))
        device.children += report.firmwares.map(firmware).filter { !$0.children.isEmpty }
        device.children += report.simCards.map(simCard).filter { !$0.children.isEmpty }
        device.add(
            Element("CARTRIDGES", children: report.cartridges.compactMap { cartridge in
                let name = cartridge.name.uppercased()
                return XMLText.isElementName(name) ? Element(name, text: cartridge.value) : nil
            }))
        let counters = InventoryFormat.pageCounters(report.pageCounters)
        device.add(Element("PAGECOUNTERS", children: counters.map { Element($0.key.uppercased(), text: String($0.value)) }))
        return device
    }

    static func networkPort(_ port: InventoryReport.NetworkPort) -> Element {
        var element = Element("PORT")
        element.add("IFALIAS", port.alias)
        element.add("IFDESCR", port.description)
        element.add("IFINERRORS", port.inErrors)
        element.add("IFINOCTETS", port.inBytes)
        element.add("IFINTERNALSTATUS", InventoryFormat.inRange(port.adminStatus, 1...3))
        element.add("IFLASTCHANGE", port.lastChange)
        element.add("IFMTU", port.mtu)
        element.add("IFNAME", port.name)
        element.add("IFNUMBER", port.number)
        element.add("IFOUTERRORS", port.outErrors)
        element.add("IFOUTOCTETS", port.outBytes)
        element.add("IFPORTDUPLEX", InventoryFormat.inRange(port.duplex, 1...3))
        element.add("IFSPEED", port.speedBitsPerSecond)
        element.add("IFSTATUS", InventoryFormat.inRange(port.operationalStatus, 1...7))
        element.add("IFTYPE", port.ifType)
        element.add(Element("IPS", children: port.ipAddresses.map { Element("IP", text: $0) }))
        element.add("MAC", port.macAddress?.description)
        element.add("TRUNK", port.isTrunk)
        element.add(
            Element("VLANS", children: port.vlans.map { vlan in
                var entry = Element("VLAN")
                entry.add("NAME", vlan.name)
                entry.add("NUMBER", vlan.number)
                return entry
            }.filter { !$0.children.isEmpty }))
        var connections = Element("CONNECTIONS")
        if port.linkDiscovery == true { connections.add("CDP", true) }
        for neighbour in port.connections {
            var connection = Element("CONNECTION")
            connection.add("IFDESCR", neighbour.ifDescription)
            connection.add("IP", neighbour.ip)
            connection.add("MAC", neighbour.macAddress?.description)
            connection.add("MODEL", neighbour.model)
            connection.add("SYSDESCR", neighbour.sysDescription)
            connection.add("SYSNAME", neighbour.sysName)
            connections.add(connection)
        }
        element.add(connections)
        return element
    }

    static func networkComponent(_ component: InventoryReport.NetworkComponent) -> Element {
        var element = Element("COMPONENT")
        element.add("CONTAINEDININDEX", component.containedIndex)
        element.add("DESCRIPTION", component.description)
        element.add("FIRMWARE", component.firmware)
        element.add("FRU", component.fru)
        element.add("INDEX", component.index)
        element.add("IP", component.ip)
        element.add("MAC", component.macAddress?.description)
        element.add("MANUFACTURER", component.manufacturer)
        element.add("MODEL", component.model)
        element.add("NAME", component.name)
        element.add("SERIAL", component.serial)
        element.add("TYPE", component.type)
        return element
    }

    static func firmware(_ firmware: InventoryReport.Firmware) -> Element {
        var element = Element("FIRMWARES")
        element.add("DATE", firmware.date?.description)
        element.add("DESCRIPTION", firmware.description)
        element.add("MANUFACTURER", firmware.manufacturer)
        element.add("NAME", firmware.name)
        element.add("TYPE", firmware.type)
        element.add("VERSION", firmware.version)
        return element
    }

    static func simCard(_ card: InventoryReport.SIMCard) -> Element {
        var element = Element("SIMCARDS")
        element.add("COUNTRY", card.country)
        element.add("ICCID", card.iccid)
        element.add("OPERATOR_CODE", card.operatorCode)
        element.add("OPERATOR_NAME", card.operatorName)
        element.add("PHONE_NUMBER", card.phoneNumber)
        element.add("SERIAL", card.serial)
        element.add("STATE", card.state)
        element.add("SUBSCRIBER_ID", card.subscriberID)
        return element
    }
}
