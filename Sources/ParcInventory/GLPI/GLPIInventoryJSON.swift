import Foundation
import ParcCore

/// The GLPI-native inventory format: the JSON document glpi-agent sends and Parc's agent writes, as
/// inventory.schema.json (version 1.0) defines it.
///
/// Reading is strict where the schema is: a value of the wrong JSON type, or a required field missing
/// (`deviceid`, `content.versionclient`, a program's `name`, an interface's `description`…), is an
/// ``InventoryFormatError`` naming the field. Unknown keys are ignored, so newer agents still work; unknown
/// sections are listed in ``InventoryReport/ignoredSections``. Values are normalised as ``InventoryReport`` says;
/// a value that does not make sense (a day that does not exist, a negative size) is dropped, not refused.
public enum GLPIInventoryJSON {
    /// The inventory in `data`, a decompressed GLPI-native JSON document.
    public static func read(_ data: Data, limits: InventoryLimits = .default) throws(InventoryFormatError)
        -> InventoryReport
    {
        guard data.count <= limits.maxInputBytes else {
            throw .tooLarge(bytes: data.count, limit: limits.maxInputBytes)
        }
        let failure: InventoryFormatError? = data.withUnsafeBytes { bytes in
            do throws(InventoryFormatError) {
                try Self.precheck(bytes, limits: limits)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        let document: GLPIDocument
        do {
            document = try JSONDecoder().decode(GLPIDocument.self, from: data)
        } catch let error as DecodingError {
            throw Self.formatError(error)
        } catch {
            throw .malformedJSON(path: "the document", detail: String(describing: error))
        }
        return try GLPIJSONMapping(limits: limits).report(from: document)
    }

    /// Refuses what is not a JSON object, then enforces the limits (``JSONPrescan``).
    static func precheck(_ bytes: UnsafeRawBufferPointer, limits: InventoryLimits) throws(InventoryFormatError) {
        guard let first = bytes.firstIndex(where: { !InventoryValues.isBlank($0) }) else { throw .empty }
        switch bytes[first] {
        case UInt8(ascii: "{"): break
        case UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            throw .wrongType(path: "the document", expected: "a JSON object")
        default:
            throw .unknownFormat(start: InventoryFormat.preview(bytes, from: first))
        }
        try JSONPrescan(limits: limits).check(bytes)
    }

    /// Translates a decoder error into the field it is about.
    static func formatError(_ error: DecodingError) -> InventoryFormatError {
        switch error {
        case .typeMismatch(let type, let context):
            return .wrongType(path: path(context.codingPath), expected: describe(type))
        case .valueNotFound(_, let context):
            return .missingField(path: path(context.codingPath))
        case .keyNotFound(let key, let context):
            return .missingField(path: path(context.codingPath + [key]))
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError.map { String(describing: $0) }) ?? context.debugDescription
            let detail = underlying.hasSuffix(".") ? String(underlying.dropLast()) : underlying
            if context.debugDescription.contains("does not fit") || underlying.contains("does not fit") {
                return .wrongType(path: path(context.codingPath), expected: "an integer within 64 bits")
            }
            return .malformedJSON(path: path(context.codingPath), detail: detail)
        @unknown default:
            return .malformedJSON(path: "the document", detail: String(describing: error))
        }
    }

    /// `content.softwares[3].name`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "the document" : text
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "a boolean (true or false)"
        case is [Any].Type: "an array"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// GLPI document → InventoryReport.
struct GLPIJSONMapping {
    let limits: InventoryLimits

    /// The trimmed value, checked against ``InventoryLimits/maxStringBytes``.
    @inline(__always)
    func text(_ value: String?, _ section: String, _ index: Int?, _ field: String) throws(InventoryFormatError)
        -> String?
    {
        guard let trimmed = InventoryValues.trimmed(value) else { return nil }
        if trimmed.utf8.count > limits.maxStringBytes {
            throw .stringTooLong(
                path: "content." + section + (index.map { "[\($0)]" } ?? "") + "." + field, limit: limits.maxStringBytes)
        }
        return trimmed
    }

    func report(from document: GLPIDocument) throws(InventoryFormatError) -> InventoryReport {
        let content = document.content
        var report = InventoryReport()
        report.isPartial = document.partial ?? false
        report.action = InventoryFormat.action(document.action)
        report.agent = InventoryReport.Agent(
            deviceID: try text(document.deviceid, "", nil, "deviceid"),
            tag: try text(document.tag, "", nil, "tag"),
            versionClient: try text(content.versionclient, "", nil, "versionclient"))
        guard report.agent.deviceID != nil else { throw .missingField(path: "deviceid") }
        report.inventoriedAt = content.accesslog.flatMap { InventoryValues.dateTime($0.logdate) }
        report.ignoredSections = Array(
            Set(document.contentKeys.map { $0.lowercased() }).subtracting(GLPIContent.knownKeys)
        ).sorted()

        if let bios = content.bios { report.bios = try map(bios) }
        if let hardware = content.hardware { report.hardware = try map(hardware) }
        if let os = content.operatingsystem { report.operatingSystem = try map(os) }
        if let cpus = content.cpus {
            report.sections.insert(.cpus)
            report.cpus = try cpus.enumerated().map { (index, cpu) throws(InventoryFormatError) in try map(cpu, index) }
        }
        if let memories = content.memories {
            report.sections.insert(.memoryModules)
            report.memoryModules = try memories.enumerated().map { (index, module) throws(InventoryFormatError) in
                try map(module, index)
            }
        }
        if let storages = content.storages {
            report.sections.insert(.storageDrives)
            report.storageDrives = try storages.enumerated().map { (index, drive) throws(InventoryFormatError) in
                try map(drive, index)
            }
        }
        if let drives = content.drives {
            report.sections.insert(.volumes)
            report.volumes = try drives.enumerated().map { (index, drive) throws(InventoryFormatError) in
                try map(drive, index)
            }
        }
        if let networks = content.networks {
            report.sections.insert(.networkInterfaces)
            var merger = InterfaceMerger()
            for (index, network) in networks.enumerated() { try merge(network, index, into: &merger) }
            report.networkInterfaces = merger.interfaces
        }
        if let videos = content.videos {
            report.sections.insert(.gpus)
            report.gpus = try videos.enumerated().map { (index, video) throws(InventoryFormatError) in
                try map(video, index)
            }
        }
        if let batteries = content.batteries {
            report.sections.insert(.batteries)
            report.batteries = try batteries.enumerated().map { (index, battery) throws(InventoryFormatError) in
                try map(battery, index)
            }
        }
        if let controllers = content.controllers {
            report.sections.insert(.controllers)
            report.controllers = try controllers.enumerated().map { (index, controller) throws(InventoryFormatError) in
                try map(controller, index)
            }
        }
        if let softwares = content.softwares {
            report.sections.insert(.software)
            var software: [InventoryReport.Software] = []
            software.reserveCapacity(softwares.count)
            for (index, entry) in softwares.enumerated() {
                if let program = try map(entry, index) { software.append(program) }
            }
            report.software = software
        }
        if let users = content.users {
            report.sections.insert(.users)
            for (index, user) in users.enumerated() {
                let login = try text(user.login, "users", index, "login")
                let domain = try text(user.domain, "users", index, "domain")
                if login != nil || domain != nil {
                    report.users.append(InventoryReport.User(login: login, domain: domain))
                }
            }
        }
        if let monitors = content.monitors {
            report.sections.insert(.monitors)
            report.monitors = try monitors.enumerated().map { (index, monitor) throws(InventoryFormatError) in
                try map(monitor, index)
            }
        }
        if let machines = content.virtualmachines {
            report.sections.insert(.virtualMachines)
            for (index, machine) in machines.enumerated() {
                if let machine = try map(machine, index) { report.virtualMachines.append(machine) }
            }
        }
        if let device = content.network_device { report.networkDevice = try map(device) }
        if let ports = content.network_ports {
            report.sections.insert(.networkPorts)
            report.networkPorts = try ports.enumerated().map { (index, port) throws(InventoryFormatError) in
                try map(port, index)
            }
        }
        if let components = content.network_components {
            report.sections.insert(.networkComponents)
            report.networkComponents = try components.enumerated().map { (index, component) throws(InventoryFormatError) in
                try map(component, index)
            }
        }
        if let firmwares = content.firmwares {
            report.sections.insert(.firmwares)
            report.firmwares = try firmwares.enumerated().map { (index, firmware) throws(InventoryFormatError) in
                try map(firmware, index)
            }
        }
        if let cards = content.simcards {
            report.sections.insert(.simCards)
            report.simCards = try cards.enumerated().map { (index, card) throws(InventoryFormatError) in
                try map(card, index)
            }
        }
        if let counters = content.pagecounters {
            report.sections.insert(.pageCounters)
            report.pageCounters = InventoryFormat.pageCounters(counters.mapValues(\.value))
        }
        if let cartridges = content.cartridges {
            report.sections.insert(.cartridges)
            for (index, cartridge) in cartridges.enumerated() {
                for level in cartridge.levels {
                    guard let name = try text(level.name, "cartridges", index, "name")?.lowercased(),
                        let value = try text(level.value, "cartridges", index, name)
                    else { continue }
                    report.cartridges.append(InventoryReport.Cartridge(name: name, value: value))
                }
            }
        }
        report.deviceType = InventoryFormat.deviceType(
            networkDeviceType: report.networkDevice?.type, itemType: document.itemtype)
        if report.bios != nil { report.sections.insert(.bios) }
        if report.hardware != nil { report.sections.insert(.hardware) }
        if report.operatingSystem != nil { report.sections.insert(.operatingSystem) }
        if report.networkDevice != nil { report.sections.insert(.networkDevice) }
        return report
    }

    // MARK: Sections

    func map(_ wire: GLPIBIOS) throws(InventoryFormatError) -> InventoryReport.BIOS {
        var bios = InventoryReport.BIOS()
        bios.systemManufacturer = try text(wire.smanufacturer, "bios", nil, "smanufacturer")
        bios.systemModel = try text(wire.smodel, "bios", nil, "smodel")
        bios.systemSerial = try text(wire.ssn, "bios", nil, "ssn")
        bios.skuNumber = try text(wire.skunumber, "bios", nil, "skunumber")
        bios.assetTag = try text(wire.assettag, "bios", nil, "assettag")
        bios.manufacturer = try text(wire.bmanufacturer, "bios", nil, "bmanufacturer")
        bios.version = try text(wire.bversion, "bios", nil, "bversion")
        bios.date = InventoryValues.date(wire.bdate, slashOrder: .monthFirst)
        bios.motherboardManufacturer = try text(wire.mmanufacturer, "bios", nil, "mmanufacturer")
        bios.motherboardModel = try text(wire.mmodel, "bios", nil, "mmodel")
        bios.motherboardSerial = try text(wire.msn, "bios", nil, "msn")
        bios.enclosureSerial = try text(wire.enclosureserial, "bios", nil, "enclosureserial")
        bios.biosSerial = try text(wire.biosserial, "bios", nil, "biosserial")
        return bios
    }

    func map(_ wire: GLPIHardware) throws(InventoryFormatError) -> InventoryReport.Hardware {
        var hardware = InventoryReport.Hardware()
        hardware.name = try text(wire.name, "hardware", nil, "name")
        hardware.uuid = try text(wire.uuid, "hardware", nil, "uuid")
        hardware.chassisType = try text(wire.chassis_type, "hardware", nil, "chassis_type")
        hardware.vmSystem = try text(wire.vmsystem, "hardware", nil, "vmsystem")
        hardware.memoryBytes = InventoryValues.bytes(mebibytes: wire.memory.int)
        hardware.swapBytes = InventoryValues.bytes(mebibytes: wire.swap.int)
        hardware.workgroup = try text(wire.workgroup, "hardware", nil, "workgroup")
        hardware.description = try text(wire.description, "hardware", nil, "description")
        hardware.lastLoggedUser = try text(wire.lastloggeduser, "hardware", nil, "lastloggeduser")
        hardware.defaultGateway = try text(wire.defaultgateway, "hardware", nil, "defaultgateway")
        hardware.dns = try text(wire.dns, "hardware", nil, "dns")
        hardware.windowsProductID = try text(wire.winprodid, "hardware", nil, "winprodid")
        return hardware
    }

    func map(_ wire: GLPIOperatingSystem) throws(InventoryFormatError) -> InventoryReport.OperatingSystem {
        var os = InventoryReport.OperatingSystem()
        os.name = try text(wire.name, "operatingsystem", nil, "name")
        os.fullName = try text(wire.full_name, "operatingsystem", nil, "full_name")
        os.version = try text(wire.version, "operatingsystem", nil, "version")
        os.servicePack = try text(wire.service_pack, "operatingsystem", nil, "service_pack")
        os.architecture = try text(wire.arch, "operatingsystem", nil, "arch")
        os.kernelName = try text(wire.kernel_name, "operatingsystem", nil, "kernel_name")
        os.kernelVersion = try text(wire.kernel_version, "operatingsystem", nil, "kernel_version")
        os.installDate = InventoryValues.date(wire.install_date, slashOrder: .dayFirst)
        os.bootTime = InventoryValues.dateTime(wire.boot_time)
        os.fqdn = try text(wire.fqdn, "operatingsystem", nil, "fqdn")
        os.dnsDomain = try text(wire.dns_domain, "operatingsystem", nil, "dns_domain")
        os.hostID = try text(wire.hostid, "operatingsystem", nil, "hostid")
        if let zone = wire.timezone {
            os.timezoneName = try text(zone.name, "operatingsystem.timezone", nil, "name")
            os.timezoneOffset = InventoryValues.timezoneOffset(zone.offset)
        }
        return os
    }

    func map(_ wire: GLPICPU, _ index: Int) throws(InventoryFormatError) -> InventoryReport.CPU {
        var cpu = InventoryReport.CPU()
        cpu.name = try text(wire.name, "cpus", index, "name")
        cpu.manufacturer = try text(wire.manufacturer, "cpus", index, "manufacturer")
        cpu.model = try text(wire.model, "cpus", index, "model")
        cpu.familyName = try text(wire.familyname, "cpus", index, "familyname")
        cpu.familyNumber = try text(wire.familynumber, "cpus", index, "familynumber")
        cpu.stepping = InventoryValues.nonNegative(wire.stepping.int)
        cpu.speedMHz = InventoryValues.nonNegative(wire.speed.int)
        cpu.cores = InventoryValues.nonNegative(wire.core.int)
        cpu.threads = InventoryValues.nonNegative(wire.thread.int)
        cpu.architecture = InventoryValues.cpuArchitecture(wire.arch)
        cpu.id = try text(wire.id, "cpus", index, "id")
        cpu.description = try text(wire.description, "cpus", index, "description")
        cpu.serial = try text(wire.serial, "cpus", index, "serial")
        return cpu
    }

    func map(_ wire: GLPIMemory, _ index: Int) throws(InventoryFormatError) -> InventoryReport.MemoryModule {
        var module = InventoryReport.MemoryModule()
        module.slot = try text(wire.caption, "memories", index, "caption")
        module.slotNumber = InventoryValues.nonNegative(wire.numslots.int)
        module.capacityBytes = InventoryValues.bytes(mebibytes: wire.capacity.int)
        module.type = try text(wire.type, "memories", index, "type")
        module.speedMHz = InventoryValues.nonNegative(InventoryValues.integer(InventoryValues.trimmed(wire.speed)))
        module.manufacturer = try text(wire.manufacturer, "memories", index, "manufacturer")
        module.serial = try text(wire.serialnumber, "memories", index, "serialnumber")
        module.model = try text(wire.model, "memories", index, "model")
        module.description = try text(wire.description, "memories", index, "description")
        module.errorCorrection = try text(wire.memorycorrection, "memories", index, "memorycorrection")
        module.isRemovable = wire.removable
        return module
    }

    func map(_ wire: GLPIStorage, _ index: Int) throws(InventoryFormatError) -> InventoryReport.StorageDrive {
        var drive = InventoryReport.StorageDrive()
        drive.name = try text(wire.name, "storages", index, "name")
        drive.model = try text(wire.model, "storages", index, "model")
        drive.manufacturer = try text(wire.manufacturer, "storages", index, "manufacturer")
        drive.serial = try text(wire.serial, "storages", index, "serial")
        drive.sizeBytes = InventoryValues.bytes(megabytes: wire.disksize.int)
        drive.type = try text(wire.type, "storages", index, "type")
        drive.interface = try text(wire.interface, "storages", index, "interface")
        drive.firmware = try text(wire.firmware, "storages", index, "firmware")
        drive.description = try text(wire.description, "storages", index, "description")
        drive.wwn = try text(wire.wwn, "storages", index, "wwn")
        return drive
    }

    func map(_ wire: GLPIDrive, _ index: Int) throws(InventoryFormatError) -> InventoryReport.Volume {
        var volume = InventoryReport.Volume()
        volume.letter = try text(wire.letter, "drives", index, "letter")
        volume.type = try text(wire.type, "drives", index, "type")
        volume.volume = try text(wire.volumn, "drives", index, "volumn")
        volume.label = try text(wire.label, "drives", index, "label")
        volume.description = try text(wire.description, "drives", index, "description")
        volume.fileSystem = try text(wire.filesystem, "drives", index, "filesystem")
        volume.totalBytes = InventoryValues.bytes(mebibytes: wire.total.int)
        volume.freeBytes = InventoryValues.bytes(mebibytes: wire.free.int)
        volume.serial = try text(wire.serial, "drives", index, "serial")
        volume.isSystemDrive = wire.systemdrive
        volume.encryptionStatus = try text(wire.encrypt_status, "drives", index, "encrypt_status")
        return volume
    }

    func merge(_ wire: GLPINetwork, _ index: Int, into merger: inout InterfaceMerger) throws(InventoryFormatError) {
        guard let name = try text(wire.description, "networks", index, "description") else { return }
        var entry = InterfaceMerger.Entry(name: name, mac: InventoryValues.mac(wire.mac))
        entry.type = InventoryValues.interfaceType(wire.type)
        entry.isVirtual = wire.virtualdev
        entry.isManagement = wire.management
        entry.status = InventoryValues.interfaceStatus(wire.status)
        entry.speedMbps = InventoryValues.nonNegative(InventoryValues.integer(InventoryValues.trimmed(wire.speed)))
        entry.mtu = InventoryValues.nonNegative(wire.mtu.int)
        entry.driver = try text(wire.driver, "networks", index, "driver")
        entry.pciID = try text(wire.pciid, "networks", index, "pciid")
        entry.pciSlot = try text(wire.pcislot, "networks", index, "pcislot")
        entry.manufacturer = try text(wire.manufacturer, "networks", index, "manufacturer")
        entry.model = try text(wire.model, "networks", index, "model")
        entry.gateway = try text(wire.ipgateway, "networks", index, "ipgateway")
        entry.dhcpServer = try text(wire.ipdhcp, "networks", index, "ipdhcp")
        entry.address = InventoryValues.trimmed(wire.ipaddress)
        entry.mask = InventoryValues.trimmed(wire.ipmask)
        entry.subnet = InventoryValues.trimmed(wire.ipsubnet)
        entry.address6 = InventoryValues.trimmed(wire.ipaddress6)
        entry.mask6 = InventoryValues.trimmed(wire.ipmask6)
        entry.subnet6 = InventoryValues.trimmed(wire.ipsubnet6)
        merger.add(entry)
    }

    func map(_ wire: GLPIVideo, _ index: Int) throws(InventoryFormatError) -> InventoryReport.GPU {
        var gpu = InventoryReport.GPU()
        gpu.name = try text(wire.name, "videos", index, "name")
        gpu.chipset = try text(wire.chipset, "videos", index, "chipset")
        gpu.memoryBytes = InventoryValues.bytes(mebibytes: wire.memory.int)
        gpu.resolution = try text(wire.resolution, "videos", index, "resolution")
        gpu.pciSlot = try text(wire.pcislot, "videos", index, "pcislot")
        return gpu
    }

    func map(_ wire: GLPIBattery, _ index: Int) throws(InventoryFormatError) -> InventoryReport.Battery {
        var battery = InventoryReport.Battery()
        battery.name = try text(wire.name, "batteries", index, "name")
        battery.manufacturer = try text(wire.manufacturer, "batteries", index, "manufacturer")
        battery.serial = try text(wire.serial, "batteries", index, "serial")
        battery.chemistry = try text(wire.chemistry, "batteries", index, "chemistry")
        battery.designCapacityMWh = InventoryValues.nonNegative(wire.capacity.int)
        battery.realCapacityMWh = InventoryValues.nonNegative(wire.real_capacity.int)
        battery.voltageMV = InventoryValues.nonNegative(wire.voltage.int)
        battery.manufactureDate = InventoryValues.date(wire.date, slashOrder: .dayFirst)
        return battery
    }

    func map(_ wire: GLPIController, _ index: Int) throws(InventoryFormatError) -> InventoryReport.Controller {
        var controller = InventoryReport.Controller()
        controller.name = try text(wire.name, "controllers", index, "name")
        controller.manufacturer = try text(wire.manufacturer, "controllers", index, "manufacturer")
        controller.type = try text(wire.type, "controllers", index, "type")
        controller.caption = try text(wire.caption, "controllers", index, "caption")
        controller.driver = try text(wire.driver, "controllers", index, "driver")
        controller.pciClass = try text(wire.pciclass, "controllers", index, "pciclass")
        controller.pciSlot = try text(wire.pcislot, "controllers", index, "pcislot")
        controller.pciSubsystemID = try text(wire.pcisubsystemid, "controllers", index, "pcisubsystemid")
        controller.vendorID = try text(wire.vendorid, "controllers", index, "vendorid")
        controller.productID = try text(wire.productid, "controllers", index, "productid")
        controller.revision = try text(wire.rev, "controllers", index, "rev")
        return controller
    }

    func map(_ wire: GLPISoftware, _ index: Int) throws(InventoryFormatError) -> InventoryReport.Software? {
        guard let name = try text(wire.name, "softwares", index, "name") else { return nil }
        var program = InventoryReport.Software(name: name)
        program.version = try text(wire.version, "softwares", index, "version")
        program.publisher = try text(wire.publisher, "softwares", index, "publisher")
        program.installDate = InventoryValues.date(wire.install_date, slashOrder: .dayFirst)
        program.architecture = try text(wire.arch, "softwares", index, "arch")
        program.source = try text(wire.from, "softwares", index, "from")
        program.category = try text(wire.system_category, "softwares", index, "system_category")
        program.sizeBytes = InventoryValues.nonNegative(wire.filesize.int)
        program.comments = try text(wire.comments, "softwares", index, "comments")
        program.guid = try text(wire.guid, "softwares", index, "guid")
        return program
    }

    func map(_ wire: GLPIMonitor, _ index: Int) throws(InventoryFormatError) -> InventoryReport.Monitor {
        var monitor = InventoryReport.Monitor()
        monitor.name = try text(wire.name, "monitors", index, "name")
        monitor.caption = try text(wire.caption, "monitors", index, "caption")
        monitor.description = try text(wire.description, "monitors", index, "description")
        monitor.manufacturer = try text(wire.manufacturer, "monitors", index, "manufacturer")
        monitor.serial = try text(wire.serial, "monitors", index, "serial")
        monitor.altSerial = try text(wire.altserial, "monitors", index, "altserial")
        monitor.port = try text(wire.port, "monitors", index, "port")
        return monitor
    }

    func map(_ wire: GLPIVirtualMachine, _ index: Int) throws(InventoryFormatError) -> InventoryReport.VirtualMachine? {
        guard let name = try text(wire.name, "virtualmachines", index, "name") else { return nil }
        var machine = InventoryReport.VirtualMachine(name: name)
        machine.uuid = try text(wire.uuid, "virtualmachines", index, "uuid")
        machine.vmType = try text(wire.vmtype, "virtualmachines", index, "vmtype")
        machine.subsystem = try text(wire.subsystem, "virtualmachines", index, "subsystem")
        machine.status = InventoryValues.virtualMachineStatus(wire.status)
        machine.memoryBytes = InventoryValues.bytes(mebibytes: wire.memory.int)
        machine.vcpus = InventoryValues.nonNegative(wire.vcpu.int)
        machine.macAddresses = InventoryFormat.macList(wire.mac)
        machine.owner = try text(wire.owner, "virtualmachines", index, "owner")
        machine.comment = try text(wire.comment, "virtualmachines", index, "comment")
        machine.image = try text(wire.image, "virtualmachines", index, "image")
        machine.serial = try text(wire.serial, "virtualmachines", index, "serial")
        return machine
    }

    func map(_ wire: GLPINetworkDevice) throws(InventoryFormatError) -> InventoryReport.NetworkDevice {
        var device = InventoryReport.NetworkDevice()
        device.name = try text(wire.name, "network_device", nil, "name")
        device.type = InventoryValues.networkDeviceType(wire.type)
        device.description = try text(wire.description, "network_device", nil, "description")
        device.manufacturer = try text(wire.manufacturer, "network_device", nil, "manufacturer")
        device.model = try text(wire.model, "network_device", nil, "model")
        device.serial = try text(wire.serial, "network_device", nil, "serial")
        device.firmware = try text(wire.firmware, "network_device", nil, "firmware")
        device.macAddress = InventoryValues.mac(wire.mac)
        device.ipAddresses = InventoryFormat.addresses(wire.ips ?? [])
        device.location = try text(wire.location, "network_device", nil, "location")
        device.contact = try text(wire.contact, "network_device", nil, "contact")
        device.uptime = try text(wire.uptime, "network_device", nil, "uptime")
        device.cpuPercent = InventoryValues.nonNegative(wire.cpu.int)
        device.ramBytes = InventoryValues.bytes(mebibytes: wire.ram.int)
        device.memoryBytes = InventoryValues.bytes(mebibytes: wire.memory.int)
        device.assetTag = try text(wire.assettag, "network_device", nil, "assettag")
        return device
    }

    func map(_ wire: GLPINetworkPort, _ index: Int) throws(InventoryFormatError) -> InventoryReport.NetworkPort {
        var port = InventoryReport.NetworkPort()
        port.number = InventoryValues.nonNegative(wire.ifnumber.int)
        port.name = try text(wire.ifname, "network_ports", index, "ifname")
        port.description = try text(wire.ifdescr, "network_ports", index, "ifdescr")
        port.alias = try text(wire.ifalias, "network_ports", index, "ifalias")
        port.macAddress = InventoryValues.mac(wire.mac)
        port.ifType = InventoryValues.nonNegative(wire.iftype.int)
        port.speedBitsPerSecond = InventoryValues.nonNegative(wire.ifspeed.int)
        port.mtu = InventoryValues.nonNegative(wire.ifmtu.int)
        port.operationalStatus = InventoryFormat.inRange(wire.ifstatus.int, 1...7)
        port.adminStatus = InventoryFormat.inRange(wire.ifinternalstatus.int, 1...3)
        port.duplex = InventoryFormat.inRange(wire.ifportduplex.int, 1...3)
        port.lastChange = try text(wire.iflastchange, "network_ports", index, "iflastchange")
        port.inBytes = InventoryValues.nonNegative(wire.ifinbytes.int)
        port.outBytes = InventoryValues.nonNegative(wire.ifoutbytes.int)
        port.inErrors = InventoryValues.nonNegative(wire.ifinerrors.int)
        port.outErrors = InventoryValues.nonNegative(wire.ifouterrors.int)
        port.ipAddresses = InventoryFormat.addresses(wire.ips ?? [])
        port.isTrunk = wire.trunk
        port.linkDiscovery = wire.lldp
        for vlan in wire.vlans ?? [] {
            let name = try text(vlan.name, "network_ports", index, "vlans.name")
            if name != nil || vlan.number != nil {
                port.vlans.append(InventoryReport.VLAN(number: InventoryValues.nonNegative(vlan.number), name: name))
            }
        }
        for connection in wire.connections ?? [] {
            var neighbour = InventoryReport.PortConnection()
            neighbour.sysName = try text(connection.sysname, "network_ports", index, "connections.sysname")
            neighbour.sysDescription = try text(connection.sysdescr, "network_ports", index, "connections.sysdescr")
            neighbour.ifDescription = try text(connection.ifdescr, "network_ports", index, "connections.ifdescr")
            neighbour.ip = try text(connection.ip, "network_ports", index, "connections.ip")
            neighbour.model = try text(connection.model, "network_ports", index, "connections.model")
            let macs = (connection.mac ?? []).compactMap { InventoryValues.mac($0) }
            if macs.isEmpty {
                if neighbour != InventoryReport.PortConnection() { port.connections.append(neighbour) }
            } else {
                for mac in macs {
                    neighbour.macAddress = mac
                    port.connections.append(neighbour)
                }
            }
        }
        return port
    }

    func map(_ wire: GLPINetworkComponent, _ index: Int) throws(InventoryFormatError)
        -> InventoryReport.NetworkComponent
    {
        var component = InventoryReport.NetworkComponent()
        component.index = InventoryValues.nonNegative(wire.index.int)
        component.containedIndex = InventoryValues.nonNegative(wire.contained_index.int)
        component.name = try text(wire.name, "network_components", index, "name")
        component.description = try text(wire.description, "network_components", index, "description")
        component.type = try text(wire.type, "network_components", index, "type")
        component.manufacturer = try text(wire.manufacturer, "network_components", index, "manufacturer")
        component.model = try text(wire.model, "network_components", index, "model")
        component.serial = try text(wire.serial, "network_components", index, "serial")
        component.firmware = try text(wire.firmware, "network_components", index, "firmware")
        component.fru = InventoryValues.nonNegative(wire.fru.int)
        component.macAddress = InventoryValues.mac(wire.mac)
        component.ip = try text(wire.ip, "network_components", index, "ip")
        return component
    }

    func map(_ wire: GLPIFirmware, _ index: Int) throws(InventoryFormatError) -> InventoryReport.Firmware {
        var firmware = InventoryReport.Firmware()
        firmware.name = try text(wire.name, "firmwares", index, "name")
        firmware.description = try text(wire.description, "firmwares", index, "description")
        firmware.type = try text(wire.type, "firmwares", index, "type")
        firmware.version = try text(wire.version, "firmwares", index, "version")
        firmware.date = InventoryValues.date(wire.date, slashOrder: .dayFirst)
        firmware.manufacturer = try text(wire.manufacturer, "firmwares", index, "manufacturer")
        return firmware
    }

    func map(_ wire: GLPISIMCard, _ index: Int) throws(InventoryFormatError) -> InventoryReport.SIMCard {
        var card = InventoryReport.SIMCard()
        card.serial = try text(wire.serial, "simcards", index, "serial")
        card.iccid = try text(wire.iccid, "simcards", index, "iccid")
        card.phoneNumber = try text(wire.phone_number, "simcards", index, "phone_number")
        card.state = try text(wire.state, "simcards", index, "state")
        card.country = try text(wire.country, "simcards", index, "country")
        card.operatorCode = try text(wire.operator_code, "simcards", index, "operator_code")
        card.operatorName = try text(wire.operator_name, "simcards", index, "operator_name")
        card.subscriberID = try text(wire.subscriber_id, "simcards", index, "subscriber_id")
        return card
    }
}
