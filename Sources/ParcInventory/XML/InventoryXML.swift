import Foundation
import ParcCore

/// The XML protocol of FusionInventory and OCS Inventory NG agents: a `<REQUEST>` whose `<QUERY>` says what it is
/// (PROLOG, INVENTORY, SNMPQUERY, NETDISCOVERY), with the inventory in `<CONTENT>`.
///
/// Both agents' variants read: FusionInventory 2.x (`NETWORKS/VIRTUALDEV`, `OPERATINGSYSTEM`, `CPUS/NAME`) and OCS
/// 2.x (no `OPERATINGSYSTEM` section, the OS in `HARDWARE/OSNAME` and `OSVERSION`; `CPUS/TYPE`, `CORES`,
/// `LOGICAL_CPUS`; IPv6 addresses in `IPADDRESS`; `SOFTWARES/ARCHITECTURE`), and FusionInventory's network
/// inventories (`CONTENT/DEVICE`). Values are text in XML: numbers with units ("1600 MT/s", "43.7456 Wh", "4194MB")
/// read as numbers, dates in the agents' styles read as ``InventoryDate``, and what does not read is dropped.
///
/// A list entry with no field at all (`<SIMCARDS></SIMCARDS>`) is refused
/// (``InventoryFormatError/emptyEntry(path:)``): agents never write one, so it marks a broken generator. A
/// single-value section may be empty (the OCS agent sends an empty `<BIOS>` when it cannot read DMI).
public enum InventoryXML {
    /// The agent request in `data`, a decompressed XML body.
    public static func readRequest(_ data: Data, limits: InventoryLimits = .default) throws(InventoryFormatError)
        -> AgentXMLRequest
    {
        try read(data, limits: limits, deferringSoftware: false).request
    }

    /// Like ``readRequest(_:limits:)``, except for the programs (`SOFTWARES`), most of an inventory: they are logged
    /// as the scanner's events and left for ``DeferredXMLSoftware/read(limits:)`` (decision 0082). A server that
    /// knows the same log was read before for this machine does not need them. The report lists
    /// ``InventorySection/software`` among its sections when the request has programs, but holds none.
    public static func readRequestDeferringSoftware(_ data: Data, limits: InventoryLimits = .default)
        throws(InventoryFormatError) -> (request: AgentXMLRequest, software: DeferredXMLSoftware?)
    {
        try read(data, limits: limits, deferringSoftware: true)
    }

    private static func read(_ data: Data, limits: InventoryLimits, deferringSoftware: Bool)
        throws(InventoryFormatError) -> (request: AgentXMLRequest, software: DeferredXMLSoftware?)
    {
        var builder = XMLReportBuilder()
        var parser = XMLSectionParser(
            limits: limits, wanted: { XMLReportBuilder.wanted.contains($0) },
            deferring: deferringSoftware ? DeferredXMLSoftware.section : nil,
            section: { (node: XMLNode, position: Int) throws(InventoryFormatError) in
                try builder.add(node, position: position)
            })
        try parser.parse(data)
        guard let rawQuery = parser.query else { throw .missingQuery }
        let query = rawQuery.uppercased()
        switch query {
        case "PROLOG":
            guard let deviceID = parser.deviceID else { throw .missingField(path: "REQUEST/DEVICEID") }
            return (.prolog(PrologRequest(deviceID: deviceID, token: parser.token)), nil)
        case "INVENTORY", "SNMPQUERY", "SNMP", "NETDISCOVERY":
            guard let deviceID = parser.deviceID else { throw .missingField(path: "REQUEST/DEVICEID") }
            var deferred: DeferredXMLSoftware?
            if parser.deferredEntries > 0 {
                builder.report.sections.insert(.software)
                deferred = DeferredXMLSoftware(events: parser.deferredEvents, entries: parser.deferredEntries)
            }
            return (.inventory(builder.finish(deviceID: deviceID, query: query, skipped: parser.skippedSections)),
                    deferred)
        default:
            throw .unsupportedQuery(rawQuery)
        }
    }

    /// The inventory in `data`; a request that is not an inventory (a PROLOG) is
    /// ``InventoryFormatError/notAnInventory(query:)``.
    public static func readInventory(_ data: Data, limits: InventoryLimits = .default) throws(InventoryFormatError)
        -> InventoryReport
    {
        switch try readRequest(data, limits: limits) {
        case .inventory(let report): return report
        case .prolog: throw .notAnInventory(query: "PROLOG")
        }
    }
}

/// The programs of an XML inventory read by ``InventoryXML/readRequestDeferringSoftware(_:limits:)``: the events of its
/// `SOFTWARES` entries, read only when needed (decision 0082). Identical logs read to identical programs, so a digest
/// of ``events`` stands for them; the log is about as long as the XML it came from.
public struct DeferredXMLSoftware: Sendable, Hashable {
    static let section = "SOFTWARES"

    /// The events of every `SOFTWARES` entry, in the order sent.
    public let events: XMLEventLog
    /// How many `SOFTWARES` entries the request had.
    public let entries: Int

    /// The programs, with every check that reading the request directly makes (an empty entry, a text over the
    /// limit, too many fields in one entry are refused here, with the same errors and paths).
    public func read(limits: InventoryLimits = .default) throws(InventoryFormatError) -> [InventoryReport.Software] {
        var builder = XMLReportBuilder()
        var parser = XMLSectionParser(
            limits: limits, wanted: { $0 == Self.section },
            section: { (node: XMLNode, position: Int) throws(InventoryFormatError) in
                try builder.add(node, position: position)
            })
        // The entries as they stood in the request: REQUEST/CONTENT/SOFTWARES[n], for positions and messages.
        try Self.withName("REQUEST") { (name) throws(InventoryFormatError) in try parser.startElement(name) }
        try Self.withName("CONTENT") { (name) throws(InventoryFormatError) in try parser.startElement(name) }
        try events.replay(into: &parser)
        try parser.endElement()
        try parser.endElement()
        return builder.report.software
    }

    private static func withName(
        _ name: StaticString, _ body: (UnsafeRawBufferPointer) throws(InventoryFormatError) -> Void
    ) throws(InventoryFormatError) {
        try body(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }
}

/// What an agent's XML request is.
public enum AgentXMLRequest: Hashable, Sendable {
    /// The first message of a run: the agent asks whether to send its inventory. Answer with ``PrologReply``.
    case prolog(PrologRequest)
    /// An inventory (``InventoryReport/action`` tells a local inventory from an SNMP one). Answer with
    /// ``InventoryXMLReply``.
    case inventory(InventoryReport)
}

/// A PROLOG request: `<REQUEST><DEVICEID>…</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>…</TOKEN></REQUEST>`.
public struct PrologRequest: Hashable, Sendable {
    /// The agent's device id, `<hostname>-YYYY-MM-DD-HH-MM-SS`.
    public var deviceID: String
    /// FusionInventory sends the constant `12345678`; the OCS agent sends none.
    public var token: String?

    /// A PROLOG request.
    public init(deviceID: String, token: String? = nil) {
        self.deviceID = deviceID
        self.token = token
    }
}

/// Builds a report from the sections of an XML request, one section entry at a time.
struct XMLReportBuilder {
    /// CONTENT children read (the others are skipped and listed as ignored).
    static let wanted: Set<String> = [
        "ACCESSLOG", "ACCOUNTINFO", "BIOS", "HARDWARE", "OPERATINGSYSTEM", "CPUS", "MEMORIES", "STORAGES", "DRIVES",
        "NETWORKS", "VIDEOS", "BATTERIES", "CONTROLLERS", "SOFTWARES", "USERS", "MONITORS", "VIRTUALMACHINES",
        "VERSIONCLIENT", "DEVICE",
    ]
    /// CONTENT children that are metadata, not sections: skipped without being listed.
    static let metadata: Set<String> = ["VERSIONPROVIDER", "MODULEVERSION", "PROCESSNUMBER"]
    /// Section entries that must hold at least one field.
    static let listEntries: Set<String> = [
        "CPUS", "MEMORIES", "STORAGES", "DRIVES", "NETWORKS", "VIDEOS", "BATTERIES", "CONTROLLERS", "SOFTWARES",
        "USERS", "MONITORS", "VIRTUALMACHINES", "FIRMWARES", "SIMCARDS", "MODEMS", "COMPONENT", "PORT",
    ]

    var report = InventoryReport()
    var interfaces = InterfaceMerger()
    /// HARDWARE's OS fields, for agents that send no OPERATINGSYSTEM section.
    var hardwareOS: InventoryReport.OperatingSystem?
    /// The OCS agents' chassis type, which they put in BIOS/TYPE.
    var biosChassisType: String?
    var ignored: Set<String> = []

    // MARK: Values

    /// The trimmed text of `field` (XMLSectionParser has already held it to ``InventoryLimits/maxStringBytes``).
    @inline(__always)
    func text(_ node: XMLNode, _ field: String) -> String? {
        node.value(field)
    }

    func int(_ node: XMLNode, _ field: String) -> Int? {
        InventoryValues.nonNegative(InventoryValues.integer(node.value(field)))
    }

    func mebibytes(_ node: XMLNode, _ field: String) -> Int? {
        InventoryValues.bytes(mebibytes: int(node, field))
    }

    func bool(_ node: XMLNode, _ field: String) -> Bool? {
        InventoryValues.boolean(node.value(field))
    }

    // MARK: Sections

    mutating func add(_ node: XMLNode, position: Int) throws(InventoryFormatError) {
        // Cheapest test first: an entry almost always has fields, and hashing its name 800 times is not free.
        if node.children.isEmpty, Self.listEntries.contains(node.name) {
            throw .emptyEntry(path: "REQUEST/CONTENT/\(node.name)[\(position)]")
        }
        // Cases are tried in order: programs, most of the entries, first.
        switch node.name {
        case "SOFTWARES":
            // Inserted by the first entry already when there is a program.
            if report.software.isEmpty { report.sections.insert(.software) }
            if let program = software(node) { report.software.append(program) }
        case "ACCESSLOG":
            report.inventoriedAt = InventoryValues.dateTime(node.value("LOGDATE"))
        case "ACCOUNTINFO":
            if node.value("KEYNAME")?.uppercased() == "TAG", let tag = node.value("KEYVALUE") {
                report.agent.tag = tag
            }
        case "VERSIONCLIENT":
            report.agent.versionClient = InventoryValues.trimmed(node.text)
        case "BIOS":
            report.sections.insert(.bios)
            report.bios = bios(node)
            biosChassisType = text(node, "TYPE")
        case "HARDWARE":
            report.sections.insert(.hardware)
            report.hardware = hardware(node)
        case "OPERATINGSYSTEM":
            report.sections.insert(.operatingSystem)
            report.operatingSystem = operatingSystem(node)
        case "CPUS":
            report.sections.insert(.cpus)
            report.cpus.append(cpu(node))
        case "MEMORIES":
            report.sections.insert(.memoryModules)
            report.memoryModules.append(memory(node))
        case "STORAGES":
            report.sections.insert(.storageDrives)
            report.storageDrives.append(storage(node))
        case "DRIVES":
            report.sections.insert(.volumes)
            report.volumes.append(volume(node))
        case "NETWORKS":
            report.sections.insert(.networkInterfaces)
            addInterface(node)
        case "VIDEOS":
            report.sections.insert(.gpus)
            var gpu = InventoryReport.GPU()
            gpu.name = text(node, "NAME")
            gpu.chipset = text(node, "CHIPSET")
            gpu.memoryBytes = mebibytes(node, "MEMORY")
            gpu.resolution = text(node, "RESOLUTION")
            gpu.pciSlot = text(node, "PCISLOT")
            report.gpus.append(gpu)
        case "BATTERIES":
            report.sections.insert(.batteries)
            report.batteries.append(battery(node))
        case "CONTROLLERS":
            report.sections.insert(.controllers)
            report.controllers.append(controller(node))
        case "USERS":
            report.sections.insert(.users)
            let user = InventoryReport.User(login: text(node, "LOGIN"), domain: text(node, "DOMAIN"))
            if user.login != nil || user.domain != nil { report.users.append(user) }
        case "MONITORS":
            report.sections.insert(.monitors)
            var monitor = InventoryReport.Monitor()
            monitor.name = text(node, "NAME")
            monitor.caption = text(node, "CAPTION")
            monitor.description = text(node, "DESCRIPTION")
            monitor.manufacturer = text(node, "MANUFACTURER")
            monitor.serial = text(node, "SERIAL")
            monitor.altSerial = text(node, "ALTSERIAL")
            monitor.port = text(node, "PORT")
            report.monitors.append(monitor)
        case "VIRTUALMACHINES":
            report.sections.insert(.virtualMachines)
            if let machine = virtualMachine(node) { report.virtualMachines.append(machine) }
        case "DEVICE":
            try device(node)
        default:
            break
        }
    }

    func bios(_ node: XMLNode) -> InventoryReport.BIOS {
        var bios = InventoryReport.BIOS()
        bios.systemManufacturer = text(node, "SMANUFACTURER")
        bios.systemModel = text(node, "SMODEL")
        bios.systemSerial = text(node, "SSN")
        bios.skuNumber = text(node, "SKUNUMBER")
        bios.assetTag = text(node, "ASSETTAG")
        bios.manufacturer = text(node, "BMANUFACTURER")
        bios.version = text(node, "BVERSION")
        bios.date = InventoryValues.date(node.value("BDATE"), slashOrder: .monthFirst)
        bios.motherboardManufacturer = text(node, "MMANUFACTURER")
        bios.motherboardModel = text(node, "MMODEL")
        bios.motherboardSerial = text(node, "MSN")
        bios.enclosureSerial = text(node, "ENCLOSURESERIAL")
        bios.biosSerial = text(node, "BIOSSERIAL")
        return bios
    }

    mutating func hardware(_ node: XMLNode) -> InventoryReport.Hardware {
        var hardware = InventoryReport.Hardware()
        hardware.name = text(node, "NAME")
        hardware.uuid = text(node, "UUID")
        hardware.chassisType = text(node, "CHASSIS_TYPE")
        hardware.vmSystem = text(node, "VMSYSTEM")
        hardware.memoryBytes = mebibytes(node, "MEMORY")
        hardware.swapBytes = mebibytes(node, "SWAP")
        hardware.workgroup = text(node, "WORKGROUP")
        hardware.description = text(node, "DESCRIPTION")
        hardware.lastLoggedUser = text(node, "LASTLOGGEDUSER")
        hardware.defaultGateway = text(node, "DEFAULTGATEWAY")
        hardware.dns = text(node, "DNS")
        hardware.windowsProductID = text(node, "WINPRODID")
        if let osName = text(node, "OSNAME") {
            var os = InventoryReport.OperatingSystem()
            os.fullName = osName
            os.version = text(node, "OSVERSION")
            // "x86_64/00-00-00 00:05:33": the architecture, then the uptime.
            if let description = hardware.description, let slash = description.firstIndex(of: "/") {
                let architecture = description[..<slash]
                if !architecture.isEmpty, !architecture.contains(" ") { os.architecture = String(architecture) }
            }
            hardwareOS = os
        }
        return hardware
    }

    func operatingSystem(_ node: XMLNode) -> InventoryReport.OperatingSystem {
        var os = InventoryReport.OperatingSystem()
        os.name = text(node, "NAME")
        os.fullName = text(node, "FULL_NAME")
        os.version = text(node, "VERSION")
        os.servicePack = text(node, "SERVICE_PACK")
        os.architecture = text(node, "ARCH")
        os.kernelName = text(node, "KERNEL_NAME")
        os.kernelVersion = text(node, "KERNEL_VERSION")
        os.installDate = InventoryValues.date(node.value("INSTALL_DATE"), slashOrder: .dayFirst)
        os.bootTime = InventoryValues.dateTime(node.value("BOOT_TIME"))
        os.fqdn = text(node, "FQDN")
        os.dnsDomain = text(node, "DNS_DOMAIN")
        os.hostID = text(node, "HOSTID")
        if let zone = node.child("TIMEZONE") {
            os.timezoneName = zone.value("NAME")
            os.timezoneOffset = InventoryValues.timezoneOffset(zone.value("OFFSET"))
        }
        return os
    }

    func cpu(_ node: XMLNode) -> InventoryReport.CPU {
        var cpu = InventoryReport.CPU()
        cpu.name = text(node, "NAME") ?? text(node, "TYPE")
        cpu.manufacturer = text(node, "MANUFACTURER")
        cpu.model = text(node, "MODEL")
        cpu.familyName = text(node, "FAMILYNAME")
        cpu.familyNumber = text(node, "FAMILYNUMBER")
        cpu.stepping = int(node, "STEPPING")
        cpu.speedMHz = int(node, "SPEED")
        cpu.cores = int(node, "CORE") ?? int(node, "CORES")
        cpu.threads = int(node, "THREAD") ?? int(node, "LOGICAL_CPUS")
        cpu.architecture = InventoryValues.cpuArchitecture(node.value("ARCH") ?? node.value("CPUARCH"))
        cpu.id = text(node, "ID")
        cpu.description = text(node, "DESCRIPTION")
        cpu.serial = text(node, "SERIAL")
        return cpu
    }

    func memory(_ node: XMLNode) -> InventoryReport.MemoryModule {
        var module = InventoryReport.MemoryModule()
        module.slot = text(node, "CAPTION")
        module.slotNumber = int(node, "NUMSLOTS")
        module.capacityBytes = mebibytes(node, "CAPACITY")
        module.type = text(node, "TYPE")
        module.speedMHz = int(node, "SPEED")
        module.manufacturer = text(node, "MANUFACTURER")
        module.serial = text(node, "SERIALNUMBER")
        module.model = text(node, "MODEL") ?? text(node, "PARTNUMBER")
        module.description = text(node, "DESCRIPTION")
        module.errorCorrection = text(node, "MEMORYCORRECTION")
        module.isRemovable = bool(node, "REMOVABLE")
        return module
    }

    func storage(_ node: XMLNode) -> InventoryReport.StorageDrive {
        var drive = InventoryReport.StorageDrive()
        drive.name = text(node, "NAME")
        drive.model = text(node, "MODEL")
        drive.manufacturer = text(node, "MANUFACTURER")
        drive.serial = text(node, "SERIALNUMBER") ?? text(node, "SERIAL")
        drive.sizeBytes = InventoryValues.bytes(megabyteText: node.value("DISKSIZE"))
        drive.type = text(node, "TYPE")
        drive.interface = text(node, "INTERFACE")
        drive.firmware = text(node, "FIRMWARE")
        drive.description = text(node, "DESCRIPTION")
        drive.wwn = text(node, "WWN")
        return drive
    }

    func volume(_ node: XMLNode) -> InventoryReport.Volume {
        var volume = InventoryReport.Volume()
        volume.letter = text(node, "LETTER")
        volume.type = text(node, "TYPE")
        volume.volume = text(node, "VOLUMN")
        volume.label = text(node, "LABEL")
        volume.description = text(node, "DESCRIPTION")
        volume.fileSystem = text(node, "FILESYSTEM")
        volume.totalBytes = mebibytes(node, "TOTAL")
        volume.freeBytes = mebibytes(node, "FREE")
        volume.serial = text(node, "SERIAL")
        volume.isSystemDrive = bool(node, "SYSTEMDRIVE")
        volume.encryptionStatus = text(node, "ENCRYPT_STATUS")
        return volume
    }

    mutating func addInterface(_ node: XMLNode) {
        guard let name = text(node, "DESCRIPTION") else { return }
        var entry = InterfaceMerger.Entry(name: name, mac: InventoryValues.mac(node.value("MACADDR")))
        entry.type = InventoryValues.interfaceType(node.value("TYPE"))
        entry.isVirtual = bool(node, "VIRTUALDEV")
        entry.isManagement = bool(node, "MANAGEMENT")
        entry.status = InventoryValues.interfaceStatus(node.value("STATUS"))
        entry.speedMbps = int(node, "SPEED")
        entry.mtu = int(node, "MTU")
        entry.driver = text(node, "DRIVER")
        entry.pciID = text(node, "PCIID")
        entry.pciSlot = text(node, "PCISLOT")
        entry.manufacturer = text(node, "MANUFACTURER")
        entry.model = text(node, "MODEL")
        entry.gateway = text(node, "IPGATEWAY")
        entry.dhcpServer = text(node, "IPDHCP")
        entry.address = node.value("IPADDRESS")
        entry.mask = node.value("IPMASK")
        entry.subnet = node.value("IPSUBNET")
        entry.address6 = node.value("IPADDRESS6")
        entry.mask6 = node.value("IPMASK6")
        entry.subnet6 = node.value("IPSUBNET6")
        interfaces.add(entry)
    }

    func battery(_ node: XMLNode) -> InventoryReport.Battery {
        var battery = InventoryReport.Battery()
        battery.name = text(node, "NAME")
        battery.manufacturer = text(node, "MANUFACTURER")
        battery.serial = text(node, "SERIAL")
        battery.chemistry = text(node, "CHEMISTRY")
        battery.designCapacityMWh = InventoryValues.milli(node.value("CAPACITY"), unit: "wh")
        battery.realCapacityMWh = InventoryValues.milli(node.value("REAL_CAPACITY"), unit: "wh")
        battery.voltageMV = InventoryValues.milli(node.value("VOLTAGE"), unit: "v")
        battery.manufactureDate = InventoryValues.date(node.value("DATE"), slashOrder: .dayFirst)
        return battery
    }

    func controller(_ node: XMLNode) -> InventoryReport.Controller {
        var controller = InventoryReport.Controller()
        controller.name = text(node, "NAME")
        controller.manufacturer = text(node, "MANUFACTURER")
        controller.type = text(node, "TYPE")
        controller.caption = text(node, "CAPTION")
        controller.driver = text(node, "DRIVER")
        controller.pciClass = text(node, "PCICLASS")
        controller.pciSlot = text(node, "PCISLOT")
        controller.pciSubsystemID = text(node, "PCISUBSYSTEMID")
        controller.vendorID = text(node, "VENDORID")
        controller.productID = text(node, "PRODUCTID")
        controller.revision = text(node, "REV")
        if controller.vendorID == nil, controller.productID == nil, let pciID = text(node, "PCIID") {
            let parts = pciID.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                controller.vendorID = String(parts[0])
                controller.productID = String(parts[1])
            }
        }
        return controller
    }

    func software(_ node: XMLNode) -> InventoryReport.Software? {
        guard let name = text(node, "NAME") else { return nil }
        var program = InventoryReport.Software(name: name)
        program.version = text(node, "VERSION")
        program.publisher = text(node, "PUBLISHER")
        program.installDate = InventoryValues.date(node.value("INSTALLDATE"), slashOrder: .dayFirst)
        program.architecture = text(node, "ARCH") ?? text(node, "ARCHITECTURE")
        program.source = text(node, "FROM")
        program.category = text(node, "SYSTEM_CATEGORY")
        program.sizeBytes = int(node, "FILESIZE")
        program.comments = text(node, "COMMENTS")
        program.guid = text(node, "GUID")
        return program
    }

    func virtualMachine(_ node: XMLNode) -> InventoryReport.VirtualMachine? {
        guard let name = text(node, "NAME") else { return nil }
        var machine = InventoryReport.VirtualMachine(name: name)
        machine.uuid = text(node, "UUID")
        machine.vmType = text(node, "VMTYPE")
        machine.subsystem = text(node, "SUBSYSTEM")
        machine.status = InventoryValues.virtualMachineStatus(node.value("STATUS"))
        machine.memoryBytes = mebibytes(node, "MEMORY")
        machine.vcpus = int(node, "VCPU")
        machine.macAddresses = InventoryFormat.macList(node.value("MAC"))
        machine.owner = text(node, "OWNER")
        machine.comment = text(node, "COMMENT")
        machine.image = text(node, "IMAGE")
        machine.serial = text(node, "SERIAL")
        return machine
    }

    // MARK: Network devices (CONTENT/DEVICE)

    mutating func device(_ node: XMLNode) throws(InventoryFormatError) {
        var device = report.networkDevice ?? InventoryReport.NetworkDevice()
        // NETDISCOVERY puts the facts straight in DEVICE; SNMPQUERY in DEVICE/INFO.
        let info = node.child("INFO") ?? node
        device.name = info.value("NAME") ?? info.value("SNMPHOSTNAME") ?? info.value("DNSHOSTNAME")
            ?? info.value("NETBIOSNAME")
        device.type = InventoryValues.networkDeviceType(info.value("TYPE"))
        device.description = info.value("COMMENTS") ?? info.value("DESCRIPTION")
        device.manufacturer = info.value("MANUFACTURER")
        device.model = info.value("MODEL")
        device.serial = info.value("SERIAL")
        device.firmware = info.value("FIRMWARE")
        device.macAddress = InventoryValues.mac(info.value("MAC"))
        device.ipAddresses = InventoryFormat.addresses(
            info.values("IP") + (info.child("IPS")?.values("IP") ?? []))
        device.location = info.value("LOCATION")
        device.contact = info.value("CONTACT")
        device.uptime = info.value("UPTIME")
        device.cpuPercent = int(info, "CPU")
        device.ramBytes = mebibytes(info, "RAM")
        device.memoryBytes = mebibytes(info, "MEMORY")
        device.assetTag = info.value("ASSETTAG")
        report.networkDevice = device
        report.sections.insert(.networkDevice)

        var firmwarePosition = 0
        var simPosition = 0
        for child in node.children {
            switch child.name {
            case "PORTS":
                report.sections.insert(.networkPorts)
                for (index, port) in child.children.enumerated() where port.name == "PORT" {
                    if port.children.isEmpty {
                        throw .emptyEntry(path: "REQUEST/CONTENT/DEVICE/PORTS/PORT[\(index + 1)]")
                    }
                    report.networkPorts.append(networkPort(port))
                }
            case "COMPONENTS":
                report.sections.insert(.networkComponents)
                for (index, part) in child.children.enumerated() where part.name == "COMPONENT" {
                    if part.children.isEmpty {
                        throw .emptyEntry(path: "REQUEST/CONTENT/DEVICE/COMPONENTS/COMPONENT[\(index + 1)]")
                    }
                    report.networkComponents.append(component(part))
                }
            case "FIRMWARES":
                firmwarePosition += 1
                if child.children.isEmpty {
                    throw .emptyEntry(path: "REQUEST/CONTENT/DEVICE/FIRMWARES[\(firmwarePosition)]")
                }
                report.sections.insert(.firmwares)
                var firmware = InventoryReport.Firmware()
                firmware.name = child.value("NAME")
                firmware.description = child.value("DESCRIPTION")
                firmware.type = child.value("TYPE")
                firmware.version = child.value("VERSION")
                firmware.date = InventoryValues.date(child.value("DATE"), slashOrder: .dayFirst)
                firmware.manufacturer = child.value("MANUFACTURER")
                report.firmwares.append(firmware)
            case "SIMCARDS":
                simPosition += 1
                if child.children.isEmpty {
                    throw .emptyEntry(path: "REQUEST/CONTENT/DEVICE/SIMCARDS[\(simPosition)]")
                }
                report.sections.insert(.simCards)
                var card = InventoryReport.SIMCard()
                card.serial = child.value("SERIAL")
                card.iccid = child.value("ICCID")
                card.phoneNumber = child.value("PHONE_NUMBER")
                card.state = child.value("STATE")
                card.country = child.value("COUNTRY")
                card.operatorCode = child.value("OPERATOR_CODE")
                card.operatorName = child.value("OPERATOR_NAME")
                card.subscriberID = child.value("SUBSCRIBER_ID")
                report.simCards.append(card)
            case "CARTRIDGES":
                report.sections.insert(.cartridges)
                for level in child.children {
                    if let value = InventoryValues.trimmed(level.text) {
                        report.cartridges.append(InventoryReport.Cartridge(name: level.name.lowercased(), value: value))
                    }
                }
            case "PAGECOUNTERS":
                report.sections.insert(.pageCounters)
                var counters: [String: Int] = [:]
                for counter in child.children {
                    if let value = InventoryValues.nonNegative(InventoryValues.integer(InventoryValues.trimmed(counter.text))) {
                        counters[counter.name] = value
                    }
                }
                report.pageCounters.merge(InventoryFormat.pageCounters(counters)) { _, new in new }
            case "INFO":
                break
            default:
                if node.child("INFO") != nil, !child.children.isEmpty {
                    ignored.insert(child.name.lowercased())
                }
            }
        }
    }

    func networkPort(_ node: XMLNode) -> InventoryReport.NetworkPort {
        var port = InventoryReport.NetworkPort()
        port.number = int(node, "IFNUMBER")
        port.name = node.value("IFNAME")
        port.description = node.value("IFDESCR")
        port.alias = node.value("IFALIAS")
        port.macAddress = InventoryValues.mac(node.value("MAC"))
        port.ifType = int(node, "IFTYPE")
        port.speedBitsPerSecond = int(node, "IFSPEED")
        port.mtu = int(node, "IFMTU")
        port.operationalStatus = InventoryFormat.inRange(int(node, "IFSTATUS"), 1...7)
        port.adminStatus = InventoryFormat.inRange(int(node, "IFINTERNALSTATUS"), 1...3)
        port.duplex = InventoryFormat.inRange(int(node, "IFPORTDUPLEX"), 1...3)
        port.lastChange = node.value("IFLASTCHANGE")
        port.inBytes = int(node, "IFINOCTETS") ?? int(node, "IFINBYTES")
        port.outBytes = int(node, "IFOUTOCTETS") ?? int(node, "IFOUTBYTES")
        port.inErrors = int(node, "IFINERRORS")
        port.outErrors = int(node, "IFOUTERRORS")
        port.ipAddresses = InventoryFormat.addresses(node.values("IP") + (node.child("IPS")?.values("IP") ?? []))
        port.isTrunk = bool(node, "TRUNK")
        if let vlans = node.child("VLANS") {
            for vlan in vlans.children where vlan.name == "VLAN" {
                let entry = InventoryReport.VLAN(number: int(vlan, "NUMBER"), name: vlan.value("NAME"))
                if entry.number != nil || entry.name != nil { port.vlans.append(entry) }
            }
        }
        if let connections = node.child("CONNECTIONS") {
            if bool(connections, "CDP") == true || bool(connections, "LLDP") == true { port.linkDiscovery = true }
            for connection in connections.children where connection.name == "CONNECTION" {
                var neighbour = InventoryReport.PortConnection()
                neighbour.sysName = connection.value("SYSNAME")
                neighbour.sysDescription = connection.value("SYSDESCR")
                neighbour.ifDescription = connection.value("IFDESCR")
                neighbour.ip = connection.value("IP")
                neighbour.model = connection.value("MODEL")
                let macs = connection.values("MAC").compactMap { InventoryValues.mac($0) }
                if macs.isEmpty {
                    if neighbour != InventoryReport.PortConnection() { port.connections.append(neighbour) }
                } else {
                    for mac in macs {
                        neighbour.macAddress = mac
                        port.connections.append(neighbour)
                    }
                }
            }
        }
        return port
    }

    func component(_ node: XMLNode) -> InventoryReport.NetworkComponent {
        var component = InventoryReport.NetworkComponent()
        component.index = int(node, "INDEX")
        component.containedIndex = int(node, "CONTAINEDININDEX")
        component.name = node.value("NAME")
        component.description = node.value("DESCRIPTION")
        component.type = node.value("TYPE")
        component.manufacturer = node.value("MANUFACTURER")
        component.model = node.value("MODEL")
        component.serial = node.value("SERIAL")
        component.firmware = node.value("FIRMWARE")
        component.fru = int(node, "FRU")
        component.macAddress = InventoryValues.mac(node.value("MAC"))
        component.ip = node.value("IP")
        return component
    }

    // MARK: Finishing

    mutating func finish(deviceID: String, query: String, skipped: [String]) -> InventoryReport {
        report.agent.deviceID = deviceID
        report.action = InventoryFormat.action(query)
        if report.sections.contains(.networkInterfaces) { report.networkInterfaces = interfaces.interfaces }
        if report.hardware != nil, report.hardware?.chassisType == nil {
            report.hardware?.chassisType = biosChassisType
        }
        if report.operatingSystem == nil, let hardwareOS {
            report.operatingSystem = hardwareOS
            report.sections.insert(.operatingSystem)
        }
        if var device = report.networkDevice {
            let fallback: InventoryDeviceType = report.action == .networkDiscovery ? .unmanaged : .networkEquipment
            if device.type == nil { device.type = InventoryFormat.networkDeviceType(for: fallback) }
            report.networkDevice = device
            report.deviceType = InventoryFormat.deviceType(networkDeviceType: device.type, itemType: nil)
        } else {
            report.deviceType = .computer
        }
        for name in skipped where !Self.metadata.contains(name) { ignored.insert(name.lowercased()) }
        report.ignoredSections = ignored.sorted()
        return report
    }
}
