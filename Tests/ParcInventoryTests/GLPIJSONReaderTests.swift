import Foundation
import ParcCore
import Testing

@testable import ParcInventory

@Suite("GLPI-native JSON: reading")
struct GLPIJSONReaderTests {
    static func read(_ name: String) throws -> InventoryReport {
        try GLPIInventoryJSON.read(Fixture.data("inventory/glpi-json/" + name))
    }

    @Test("every GLPI JSON fixture reads", arguments: try Fixture.names(in: "inventory/glpi-json"))
    func everyFixtureReads(name: String) throws {
        let report = try Self.read(name)
        #expect(report.agent.deviceID != nil)
        #expect(!report.presentSections.isEmpty)
    }

    @Test("computer_1.json: identity, OS, CPU, memory, disks, interfaces, software, agent")
    func computer1() throws {
        let report = try Self.read("computer_1.json")
        #expect(report.deviceType == .computer)
        #expect(report.action == .inventory)
        #expect(!report.isPartial)

        let identity = report.identity
        #expect(identity.name == "glpixps")
        #expect(identity.serial == "640HP72")
        #expect(identity.uuid == "4c4c4544-0034-3010-8048-b6c04f503732")
        #expect(identity.manufacturer == "Dell Inc.")
        #expect(identity.model == "XPS 13 9350")
        #expect(identity.chassis == .laptop)
        #expect(report.bios?.date == InventoryDate(year: 2016, month: 2, day: 6))
        #expect(report.bios?.version == "1.4.3")
        #expect(report.bios?.motherboardSerial == "/640HP72/CE129536461378/")

        let os = try #require(report.operatingSystem)
        #expect(os.name == "Fedora")
        #expect(os.fullName == "Fedora 31 (Workstation Edition)")
        #expect(os.version == "31 (Workstation Edition)")
        #expect(os.architecture == "x86_64")
        #expect(os.kernelName == "linux")
        #expect(os.kernelVersion == "5.6.15-200.fc31.x86_64")
        #expect(os.bootTime?.description == "2020-06-09 07:58:08")
        #expect(os.timezoneName == "CEST")
        #expect(os.timezoneOffset == "+0200")
        #expect(report.inventoriedAt?.description == "2020-06-12 14:19:54")
        #expect(report.uptimeSeconds == 3 * 86_400 + 6 * 3_600 + 21 * 60 + 46)

        #expect(report.cpus.count == 1)
        let cpu = try #require(report.cpus.first)
        #expect(cpu.name == "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz")
        #expect(cpu.manufacturer == "Intel")
        #expect(cpu.cores == 2)
        #expect(cpu.threads == 4)
        #expect(cpu.speedMHz == 2300)
        #expect(cpu.architecture == "i386")
        #expect(cpu.serial == "To Be Filled By O.E.M.")

        #expect(report.hardware?.memoryBytes == 7800 << 20)
        #expect(report.hardware?.swapBytes == 7951 << 20)
        #expect(report.memoryModules.count == 2)
        #expect(report.memoryModules.allSatisfy { $0.capacityBytes == 4096 << 20 })
        #expect(report.memoryModules.map(\.speedMHz) == [1867, 1867])
        #expect(report.memoryModules.map(\.type) == ["LPDDR3", "LPDDR3"])
        #expect(report.memoryModules.map(\.slotNumber) == [1, 2])

        #expect(report.storageDrives.count == 1)
        #expect(report.storageDrives.first?.sizeBytes == 256_060_000_000)
        #expect(report.storageDrives.first?.serial == "S29NNXAH146409")
        #expect(report.volumes.count == 6)
        let root = try #require(report.volumes.first)
        #expect(root.mountPoint == "/")
        #expect(root.volume == "/dev/mapper/xps-root")
        #expect(root.fileSystem == "ext4")
        #expect(root.totalBytes == 40189 << 20)
        #expect(root.freeBytes == 11683 << 20)
        #expect(root.encryptionStatus == "Yes")

        // Eight entries, one per address, become five interfaces.
        #expect(report.networkInterfaces.map(\.name) == ["lo", "enp57s0u1u4", "wlp58s0", "virbr0", "virbr0-nic"])
        let wired = report.networkInterfaces[1]
        #expect(wired.macAddress?.description == "00:e0:4c:68:01:db")
        #expect(wired.ipv4 == [.init(address: "192.168.1.142", mask: "255.255.255.0", subnet: "192.168.1.0")])
        #expect(wired.ipv6.map(\.address) == ["fe80::b283:4fa3:d3f2:96b1"])
        #expect(wired.type == "ethernet")
        #expect(wired.status == "up")
        #expect(wired.speedMbps == 100)
        #expect(wired.gateway == "192.168.1.1")
        #expect(wired.isPhysical)
        #expect(report.networkInterfaces[0].macAddress == nil, "loopback's 00:00:00:00:00:00 is no MAC")
        #expect(!report.networkInterfaces[0].isPhysical)
        #expect(!report.networkInterfaces[3].isPhysical)
        #expect(report.networkInterfaces[3].speedMbps == nil, "a speed of -1 is unknown")

        #expect(report.software.count == 6)
        let gitg = try #require(report.software.first { $0.name == "gitg" })
        #expect(gitg.version == "3.32.1-1.fc31")
        #expect(gitg.publisher == "Fedora Project")
        #expect(gitg.installDate == InventoryDate(year: 2019, month: 12, day: 19))
        #expect(gitg.architecture == "x86_64")
        #expect(gitg.source == "rpm")
        #expect(gitg.sizeBytes == 2_335_956)
        #expect(gitg.stableKey == "gitg|3.32.1-1.fc31|x86_64")
        #expect(report.software.last?.installDate == InventoryDate(year: 2020, month: 1, day: 15))

        let battery = try #require(report.batteries.first)
        #expect(battery.designCapacityMWh == 57570)
        #expect(battery.realCapacityMWh == 50570)
        #expect(battery.voltageMV == 8465)
        #expect(battery.manufactureDate == InventoryDate(year: 2019, month: 7, day: 6))
        #expect(report.controllers.count == 25)
        #expect(report.controllers.first?.pciSlot == "00:00.0")
        #expect(report.users.map(\.login) == ["trasher", "root"])
        #expect(report.monitors.first?.serial == "ABH55D")

        #expect(report.agent.deviceID == "glpixps-2018-07-09-09-07-13")
        #expect(report.agent.tag == "000005")
        #expect(report.agent.versionClient == "FusionInventory-Agent_v2.5.2-1.fc31")
        #expect(report.agent.kind == .fusionInventory)
        #expect(report.agent.version == "2.5.2-1.fc31")
        #expect(report.ignoredSections == ["firewalls", "inputs", "printers", "remote_mgmt", "sounds", "usbdevices"])
    }

    @Test(
        "a partial inventory carries only its sections",
        arguments: [
            ("computer_1_partial_batteries.json", [InventorySection.bios, .hardware, .batteries]),
            ("computer_1_partial_cpu.json", [.bios, .hardware, .cpus]),
            ("computer_1_partial_memory.json", [.bios, .hardware, .memoryModules]),
            ("computer_1_partial_softs.json", [.bios, .hardware, .operatingSystem, .software]),
            ("computer_1_partial_volumes.json", [.bios, .hardware, .volumes]),
            ("computer_2_partial_vms.json", [.bios, .hardware, .virtualMachines]),
            ("computer_2_partial_dbs.json", [.bios, .hardware]),
        ])
    func partial(name: String, sections: [InventorySection]) throws {
        let report = try Self.read(name)
        #expect(report.isPartial)
        #expect(report.sections == Set(sections))
        #expect(report.presentSections == Set(sections))
        if name == "computer_2_partial_dbs.json" { #expect(report.ignoredSections == ["databases_services"]) }
        if name == "computer_1_partial_softs.json" {
            #expect(report.software.count == 6)
            #expect(report.cpus.isEmpty && report.memoryModules.isEmpty && report.volumes.isEmpty)
        }
    }

    @Test("a full inventory is not partial and lists its sections")
    func fullIsNotPartial() throws {
        let report = try Self.read("computer_2.json")
        #expect(!report.isPartial)
        #expect(report.sections == [.bios, .hardware, .virtualMachines])
        #expect(report.virtualMachines.count == 6)
        let db = try #require(report.virtualMachines.first { $0.name == "db" })
        #expect(db.status == "running")
        #expect(db.vmType == "docker")
        #expect(db.image == "postgres")
        let virtualBox = try #require(report.virtualMachines.last)
        #expect(virtualBox.name == "'T")
        #expect(virtualBox.vcpus == 1)
        #expect(virtualBox.subsystem == "Oracle VM VirtualBox")
        #expect(report.bios?.assetTag == "COMP1")
    }

    @Test("an empty list is a section that is present")
    func emptyListIsPresent() throws {
        let json = #"{"deviceid":"d","content":{"versionclient":"v","softwares":[]},"partial":true}"#
        let report = try GLPIInventoryJSON.read(Data(json.utf8))
        #expect(report.sections == [.software])
        #expect(report.software.isEmpty)
    }

    @Test("phone_1.json: a phone, its SIM card, a boot time that does not exist")
    func phone() throws {
        let report = try Self.read("phone_1.json")
        #expect(report.deviceType == .phone)
        #expect(report.identity.name == "Mi9TPro-TéléphoneM")
        #expect(report.identity.chassis == nil)
        #expect(report.operatingSystem?.bootTime == nil, "2019-54-17 is no day")
        #expect(report.operatingSystem?.hostID == "Mi9TPro-TéléphoneM", "leading space trimmed")
        #expect(report.simCards.first?.phoneNumber == "+33632331095")
        #expect(report.simCards.first?.operatorName == "Free")
        #expect(report.cpus.first?.architecture == "aarch64")
        #expect(report.networkInterfaces.first?.macAddress?.description == "e0:dc:ff:ed:09:59")
        #expect(report.software.count == 3)
        #expect(report.ignoredSections == ["cameras", "inputs", "sensors"])
    }

    @Test("printer_1.json: a printer, its counters and toner")
    func printer() throws {
        let report = try Self.read("printer_1.json")
        #expect(report.deviceType == .printer)
        #expect(report.action == .networkInventory)
        let device = try #require(report.networkDevice)
        #expect(device.name == "NPIF2BE10")
        #expect(device.serial == "PHCVN191TG")
        #expect(device.ipAddresses == ["10.59.29.175"])
        #expect(device.ramBytes == 512 << 20)
        #expect(device.uptimeSeconds == 7 * 86_400 + 3_600 + 26 * 60 + 41)
        #expect(report.pageCounters == ["total": 1802, "rectoverso": 831])
        #expect(report.cartridges == [InventoryReport.Cartridge(name: "tonerblack", value: "71")])
        #expect(report.networkPorts.count == 2)
        #expect(report.networkPorts[1].speedBitsPerSecond == 1_000_000_000)
        #expect(report.firmwares.first?.date == InventoryDate(year: 2019, month: 9, day: 16))
    }

    @Test("networkequipment_1.json: a switch with its ports, VLANs, neighbours and modules")
    func networkEquipment() throws {
        let report = try Self.read("networkequipment_1.json")
        #expect(report.deviceType == .networkEquipment)
        #expect(report.identity.serial == "SSI1912014B")
        #expect(report.networkDevice?.ipAddresses == ["127.0.0.1", "10.2.5.10", "192.168.12.5"])
        #expect(report.networkPorts.count == 183)
        #expect(report.networkComponents.count == 66)
        let management = try #require(report.networkPorts.first)
        #expect(management.name == "mgmt0")
        #expect(management.connections.first?.sysName == "sw2-mgmt-eqnx")
        #expect(management.linkDiscovery == true)
        #expect(report.networkPorts.last?.vlans == [InventoryReport.VLAN(number: 1, name: "default")])
        #expect(report.networkPorts.filter { !$0.connections.isEmpty }.count == 5)
    }
}
