import Foundation
import ParcCore

extension GLPIInventoryJSON {
    /// The report as a GLPI-native JSON document that validates against inventory.schema.json: what Parc's agent
    /// sends, and what `read` reads back into an equal report (``InventoryReport/ignoredSections`` aside).
    ///
    /// Every section of ``InventoryReport/presentSections`` is written, empty ones as `[]`; sizes go back to the
    /// wire's MiB and MB, rounded down; values the schema would refuse (an interface status outside its word list, a
    /// port status out of range, a time zone without its offset) are left out rather than written.
    ///
    /// - Throws: ``InventoryFormatError/cannotWrite(field:)`` when the report has no ``InventoryReport/Agent/deviceID``
    ///   or no ``InventoryReport/Agent/versionClient``: the schema requires `deviceid` and `content.versionclient`.
    public static func write(_ report: InventoryReport, prettyPrinted: Bool = false) throws(InventoryFormatError)
        -> Data
    {
        let document = try GLPIJSONWriting.document(for: report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [
            .sortedKeys, .withoutEscapingSlashes,
        ]
        do {
            return try encoder.encode(document)
        } catch {
            // Every value is a string, number, boolean or container: encoding cannot fail.
            preconditionFailure("encoding a GLPI document failed: \(error)")
        }
    }
}

/// InventoryReport → GLPI document.
enum GLPIJSONWriting {
    static func document(for report: InventoryReport) throws(InventoryFormatError) -> GLPIDocument {
        guard let deviceID = report.agent.deviceID, !deviceID.isEmpty else {
            throw .cannotWrite(field: "deviceid (agent.deviceID)")
        }
        guard let versionClient = report.agent.versionClient, !versionClient.isEmpty else {
            throw .cannotWrite(field: "content.versionclient (agent.versionClient)")
        }
        var content = GLPIContent(versionclient: versionClient)
        let sections = report.presentSections
        if let at = report.inventoriedAt { content.accesslog = GLPIAccessLog(logdate: at.description) }
        if sections.contains(.bios) { content.bios = bios(report.bios ?? .init()) }
        if sections.contains(.hardware) { content.hardware = hardware(report.hardware ?? .init()) }
        if sections.contains(.operatingSystem) {
            content.operatingsystem = operatingSystem(report.operatingSystem ?? .init())
        }
        if sections.contains(.cpus) { content.cpus = report.cpus.map(cpu) }
        if sections.contains(.memoryModules) { content.memories = report.memoryModules.map(memory) }
        if sections.contains(.storageDrives) { content.storages = report.storageDrives.map(storage) }
        if sections.contains(.volumes) { content.drives = report.volumes.map(drive) }
        if sections.contains(.networkInterfaces) { content.networks = report.networkInterfaces.flatMap(networks) }
        if sections.contains(.gpus) { content.videos = report.gpus.map(video) }
        if sections.contains(.batteries) { content.batteries = report.batteries.map(battery) }
        if sections.contains(.controllers) { content.controllers = report.controllers.map(controller) }
        if sections.contains(.software) { content.softwares = report.software.map(software) }
        if sections.contains(.users) {
            content.users = report.users.map { GLPIUser(domain: $0.domain, login: $0.login) }
        }
        if sections.contains(.monitors) { content.monitors = report.monitors.map(monitor) }
        if sections.contains(.virtualMachines) { content.virtualmachines = report.virtualMachines.map(virtualMachine) }
        // itemtype cannot say storage, power, video or KVM: network_device.type does.
        if sections.contains(.networkDevice) || [.storage, .power, .video, .kvm].contains(report.deviceType) {
            content.network_device = networkDevice(report.networkDevice ?? .init(), type: report.deviceType)
        }
        if sections.contains(.networkPorts) { content.network_ports = report.networkPorts.map(networkPort) }
        if sections.contains(.networkComponents) {
            content.network_components = report.networkComponents.map(networkComponent)
        }
        if sections.contains(.firmwares) { content.firmwares = report.firmwares.map(firmware) }
        if sections.contains(.simCards) { content.simcards = report.simCards.map(simCard) }
        if sections.contains(.pageCounters) { content.pagecounters = InventoryFormat.pageCounters(report.pageCounters).mapValues(JSONInt.init) }
        if sections.contains(.cartridges) {
            content.cartridges = report.cartridges.map { GLPICartridge(name: $0.name, value: $0.value) }
        }

        var document = GLPIDocument(content: content, deviceid: deviceID)
        document.action = report.action.rawValue
        document.itemtype = InventoryFormat.itemType(for: report.deviceType)
        document.partial = report.isPartial ? true : nil
        document.tag = report.agent.tag
        return document
    }

    static func bios(_ bios: InventoryReport.BIOS) -> GLPIBIOS {
        var wire = GLPIBIOS()
        wire.assettag = bios.assetTag
        wire.bdate = bios.date?.description
        wire.bmanufacturer = bios.manufacturer
        wire.bversion = bios.version
        wire.mmanufacturer = bios.motherboardManufacturer
        wire.mmodel = bios.motherboardModel
        wire.msn = bios.motherboardSerial
        wire.skunumber = bios.skuNumber
        wire.smanufacturer = bios.systemManufacturer
        wire.smodel = bios.systemModel
        wire.ssn = bios.systemSerial
        wire.biosserial = bios.biosSerial
        wire.enclosureserial = bios.enclosureSerial
        return wire
    }

    static func hardware(_ hardware: InventoryReport.Hardware) -> GLPIHardware {
        var wire = GLPIHardware()
        wire.chassis_type = hardware.chassisType
        wire.defaultgateway = hardware.defaultGateway
        wire.description = hardware.description
        wire.dns = hardware.dns
        wire.lastloggeduser = hardware.lastLoggedUser
        wire.memory = JSONInt.from(InventoryValues.mebibytes(bytes: hardware.memoryBytes))
        wire.name = hardware.name
        wire.swap = JSONInt.from(InventoryValues.mebibytes(bytes: hardware.swapBytes))
        wire.uuid = hardware.uuid
        wire.vmsystem = hardware.vmSystem
        wire.winprodid = hardware.windowsProductID
        wire.workgroup = hardware.workgroup
        return wire
    }

    static func operatingSystem(_ os: InventoryReport.OperatingSystem) -> GLPIOperatingSystem {
        var wire = GLPIOperatingSystem()
        wire.arch = os.architecture
        wire.boot_time = os.bootTime?.description
        wire.dns_domain = os.dnsDomain
        wire.fqdn = os.fqdn
        wire.full_name = os.fullName
        wire.hostid = os.hostID
        wire.install_date = os.installDate?.description
        wire.kernel_name = os.kernelName
        wire.kernel_version = os.kernelVersion
        wire.name = os.name
        wire.service_pack = os.servicePack
        if let name = os.timezoneName, let offset = InventoryValues.timezoneOffset(os.timezoneOffset) {
            wire.timezone = GLPITimezone(name: name, offset: offset)
        }
        wire.version = os.version
        return wire
    }

    static func cpu(_ cpu: InventoryReport.CPU) -> GLPICPU {
        var wire = GLPICPU()
        wire.arch = InventoryValues.cpuArchitecture(cpu.architecture)
        wire.core = JSONInt.from(cpu.cores)
        wire.description = cpu.description
        wire.familyname = cpu.familyName
        wire.familynumber = cpu.familyNumber
        wire.id = cpu.id
        wire.manufacturer = cpu.manufacturer
        wire.model = cpu.model
        wire.name = cpu.name
        wire.serial = cpu.serial
        wire.speed = JSONInt.from(cpu.speedMHz)
        wire.stepping = JSONInt.from(cpu.stepping)
        wire.thread = JSONInt.from(cpu.threads)
        return wire
    }

    static func memory(_ module: InventoryReport.MemoryModule) -> GLPIMemory {
        var wire = GLPIMemory()
        wire.capacity = JSONInt.from(InventoryValues.mebibytes(bytes: module.capacityBytes))
        wire.caption = module.slot
        wire.description = module.description
        wire.manufacturer = module.manufacturer
        wire.memorycorrection = module.errorCorrection
        wire.model = module.model
        wire.numslots = JSONInt.from(module.slotNumber)
        wire.removable = module.isRemovable
        wire.serialnumber = module.serial
        wire.speed = module.speedMHz.map(String.init)
        wire.type = module.type
        return wire
    }

    static func storage(_ drive: InventoryReport.StorageDrive) -> GLPIStorage {
        var wire = GLPIStorage()
        wire.description = drive.description
        wire.disksize = JSONInt.from(InventoryValues.megabytes(bytes: drive.sizeBytes))
        wire.firmware = drive.firmware
        wire.interface = drive.interface
        wire.manufacturer = drive.manufacturer
        wire.model = drive.model
        wire.name = drive.name
        wire.serial = drive.serial
        wire.type = drive.type
        wire.wwn = drive.wwn
        return wire
    }

    static func drive(_ volume: InventoryReport.Volume) -> GLPIDrive {
        var wire = GLPIDrive()
        wire.description = volume.description
        wire.encrypt_status = volume.encryptionStatus
        wire.filesystem = volume.fileSystem
        wire.free = JSONInt.from(InventoryValues.mebibytes(bytes: volume.freeBytes))
        wire.label = volume.label
        wire.letter = volume.letter
        wire.serial = volume.serial
        wire.systemdrive = volume.isSystemDrive
        wire.total = JSONInt.from(InventoryValues.mebibytes(bytes: volume.totalBytes))
        wire.type = volume.type
        wire.volumn = volume.volume
        return wire
    }

    /// One entry per address, as agents write them (the schema has one IPv4 and one IPv6 field per entry); one
    /// entry for an interface without addresses.
    static func networks(_ interface: InventoryReport.NetworkInterface) -> [GLPINetwork] {
        var base = GLPINetwork(description: interface.name)
        base.driver = interface.driver
        base.ipdhcp = interface.dhcpServer
        base.ipgateway = interface.gateway
        base.mac = interface.macAddress?.description
        base.management = interface.isManagement
        base.manufacturer = interface.manufacturer
        base.model = interface.model
        base.mtu = JSONInt.from(interface.mtu)
        base.pciid = interface.pciID
        base.pcislot = interface.pciSlot
        base.speed = interface.speedMbps.map(String.init)
        base.status = InventoryValues.interfaceStatus(interface.status)
        base.type = InventoryValues.interfaceType(interface.type)
        base.virtualdev = interface.isVirtual
        var entries: [GLPINetwork] = []
        for address in interface.ipv4 {
            var entry = base
            entry.ipaddress = address.address
            entry.ipmask = address.mask
            entry.ipsubnet = address.subnet
            entries.append(entry)
        }
        for address in interface.ipv6 {
            var entry = base
            entry.ipaddress6 = address.address
            entry.ipmask6 = address.mask
            entry.ipsubnet6 = address.subnet
            entries.append(entry)
        }
        return entries.isEmpty ? [base] : entries
    }

    static func video(_ gpu: InventoryReport.GPU) -> GLPIVideo {
        GLPIVideo(
            chipset: gpu.chipset, memory: JSONInt.from(InventoryValues.mebibytes(bytes: gpu.memoryBytes)), name: gpu.name,
            pcislot: gpu.pciSlot, resolution: gpu.resolution)
    }

    static func battery(_ battery: InventoryReport.Battery) -> GLPIBattery {
        GLPIBattery(
            capacity: JSONInt.from(battery.designCapacityMWh), chemistry: battery.chemistry,
            date: battery.manufactureDate?.description, manufacturer: battery.manufacturer, name: battery.name,
            real_capacity: JSONInt.from(battery.realCapacityMWh), serial: battery.serial, voltage: JSONInt.from(battery.voltageMV))
    }

    static func controller(_ controller: InventoryReport.Controller) -> GLPIController {
        GLPIController(
            caption: controller.caption, driver: controller.driver, manufacturer: controller.manufacturer,
            name: controller.name, pciclass: controller.pciClass, pcislot: controller.pciSlot,
            pcisubsystemid: controller.pciSubsystemID, productid: controller.productID, rev: controller.revision,
            type: controller.type, vendorid: controller.vendorID)
    }

    static func software(_ program: InventoryReport.Software) -> GLPISoftware {
        var wire = GLPISoftware(name: program.name)
        wire.arch = program.architecture
        wire.comments = program.comments
        wire.filesize = JSONInt.from(program.sizeBytes)
        wire.from = program.source
        wire.guid = program.guid
        wire.install_date = program.installDate?.description
        wire.publisher = program.publisher
        wire.system_category = program.category
        wire.version = program.version
        return wire
    }

    static func monitor(_ monitor: InventoryReport.Monitor) -> GLPIMonitor {
        GLPIMonitor(
            altserial: monitor.altSerial, caption: monitor.caption, description: monitor.description,
            manufacturer: monitor.manufacturer, name: monitor.name, port: monitor.port, serial: monitor.serial)
    }

    static func virtualMachine(_ machine: InventoryReport.VirtualMachine) -> GLPIVirtualMachine {
        var wire = GLPIVirtualMachine(name: machine.name)
        wire.comment = machine.comment
        wire.image = machine.image
        wire.mac = machine.macAddresses.isEmpty ? nil : machine.macAddresses.map(\.description).joined(separator: "/")
        wire.memory = JSONInt.from(InventoryValues.mebibytes(bytes: machine.memoryBytes))
        wire.owner = machine.owner
        wire.serial = machine.serial
        wire.status = InventoryValues.virtualMachineStatus(machine.status)
        wire.subsystem = machine.subsystem
        wire.uuid = machine.uuid
        wire.vcpu = JSONInt.from(machine.vcpus)
        wire.vmtype = machine.vmType
        return wire
    }

    static func networkDevice(_ device: InventoryReport.NetworkDevice, type: InventoryDeviceType) -> GLPINetworkDevice {
        var wire = GLPINetworkDevice(
            type: InventoryValues.networkDeviceType(device.type) ?? InventoryFormat.networkDeviceType(for: type))
        wire.assettag = device.assetTag
        wire.contact = device.contact
        wire.cpu = JSONInt.from(device.cpuPercent)
        wire.description = device.description
        wire.firmware = device.firmware
        wire.ips = device.ipAddresses.isEmpty ? nil : device.ipAddresses
        wire.location = device.location
        wire.mac = device.macAddress?.description
        wire.manufacturer = device.manufacturer
        wire.memory = JSONInt.from(InventoryValues.mebibytes(bytes: device.memoryBytes))
        wire.model = device.model
        wire.name = device.name
        wire.ram = JSONInt.from(InventoryValues.mebibytes(bytes: device.ramBytes))
        wire.serial = device.serial
        wire.uptime = device.uptime
        return wire
    }

    static func networkPort(_ port: InventoryReport.NetworkPort) -> GLPINetworkPort {
        var wire = GLPINetworkPort()
        wire.ifalias = port.alias
        wire.ifdescr = port.description
        wire.ifinbytes = JSONInt.from(port.inBytes)
        wire.ifinerrors = JSONInt.from(port.inErrors)
        wire.ifinternalstatus = JSONInt.from(InventoryFormat.inRange(port.adminStatus, 1...3))
        wire.iflastchange = port.lastChange
        wire.ifmtu = JSONInt.from(port.mtu)
        wire.ifname = port.name
        wire.ifnumber = JSONInt.from(port.number)
        wire.ifoutbytes = JSONInt.from(port.outBytes)
        wire.ifouterrors = JSONInt.from(port.outErrors)
        wire.ifportduplex = JSONInt.from(InventoryFormat.inRange(port.duplex, 1...3))
        wire.ifspeed = JSONInt.from(port.speedBitsPerSecond)
        wire.ifstatus = JSONInt.from(InventoryFormat.inRange(port.operationalStatus, 1...7))
        wire.iftype = JSONInt.from(port.ifType)
        wire.ips = port.ipAddresses.isEmpty ? nil : port.ipAddresses
        wire.lldp = port.linkDiscovery
        wire.mac = port.macAddress?.description
        wire.trunk = port.isTrunk
        wire.vlans = port.vlans.isEmpty ? nil : port.vlans.map { GLPIVLAN(name: $0.name, number: $0.number) }
        if !port.connections.isEmpty {
            wire.connections = port.connections.map { neighbour in
                var connection = GLPIConnection()
                connection.ifdescr = neighbour.ifDescription
                connection.ip = neighbour.ip
                connection.mac = neighbour.macAddress.map { [$0.description] }
                connection.model = neighbour.model
                connection.sysdescr = neighbour.sysDescription
                connection.sysname = neighbour.sysName
                return connection
            }
        }
        return wire
    }

    static func networkComponent(_ component: InventoryReport.NetworkComponent) -> GLPINetworkComponent {
        GLPINetworkComponent(
            contained_index: JSONInt.from(component.containedIndex), description: component.description,
            firmware: component.firmware, fru: JSONInt.from(component.fru), index: JSONInt.from(component.index), ip: component.ip,
            mac: component.macAddress?.description, manufacturer: component.manufacturer, model: component.model,
            name: component.name, serial: component.serial, type: component.type)
    }

    static func firmware(_ firmware: InventoryReport.Firmware) -> GLPIFirmware {
        GLPIFirmware(
            date: firmware.date?.description, description: firmware.description,
            manufacturer: firmware.manufacturer, name: firmware.name, type: firmware.type, version: firmware.version)
    }

    static func simCard(_ card: InventoryReport.SIMCard) -> GLPISIMCard {
        GLPISIMCard(
            country: card.country, iccid: card.iccid, operator_code: card.operatorCode,
            operator_name: card.operatorName, phone_number: card.phoneNumber, serial: card.serial, state: card.state,
            subscriber_id: card.subscriberID)
    }
}
