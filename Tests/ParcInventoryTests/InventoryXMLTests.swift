import Foundation
import ParcCore
import Testing

@testable import ParcInventory

@Suite("FusionInventory/OCS XML: inventories")
struct InventoryXMLTests {
    static let fusionCapture = "agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml"
    static let ocsCapture = "agent-protocols/ocsinventory-agent/02-POST-INVENTORY.request-body.xml"

    static func read(_ path: String) throws -> InventoryReport {
        try InventoryXML.readInventory(Fixture.data(path))
    }

    @Test(
        "every XML fixture but the broken one reads",
        arguments: try Fixture.names(in: "inventory/fusion-xml").filter { $0 != "5.xml" })
    func everyFixtureReads(name: String) throws {
        let report = try Self.read("inventory/fusion-xml/" + name)
        #expect(report.agent.deviceID != nil)
        #expect(!report.presentSections.isEmpty)
    }

    @Test("5.xml is refused with the place of its empty entry; 5-good.xml, its fix, reads")
    func brokenFixture() throws {
        #expect(throws: InventoryFormatError.emptyEntry(path: "REQUEST/CONTENT/DEVICE/SIMCARDS[1]")) {
            try Self.read("inventory/fusion-xml/5.xml")
        }
        let error = try #require(throws: InventoryFormatError.self) { try Self.read("inventory/fusion-xml/5.xml") }
        #expect(error.code == "inventory_empty_entry")
        #expect(error.message.contains("SIMCARDS[1]"))

        let good = try Self.read("inventory/fusion-xml/5-good.xml")
        #expect(good.deviceType == .networkEquipment)
        #expect(good.identity.name == "WR21")
        #expect(good.identity.serial == "486280")
        #expect(good.networkDevice?.ipAddresses == ["172.21.255.102"])
        #expect(good.networkDevice?.uptimeSeconds == 120)
        #expect(good.networkPorts.count == 18)
        #expect(good.simCards.first?.iccid == "89314404000051565613")
        #expect(good.simCards.first?.operatorName == "SFR")
        #expect(good.ignoredSections == ["modems"])
    }

    @Test("1.xml, a Fedora laptop (FusionInventory 2.3)")
    func linux() throws {
        let report = try Self.read("inventory/fusion-xml/1.xml")
        #expect(report.deviceType == .computer)
        #expect(report.identity.name == "LF014")
        #expect(report.identity.serial == "9E113232I")
        #expect(report.identity.uuid == "0055ADC9-1D3A-E411-8043-B05D95113232")
        #expect(report.identity.chassis == .laptop, "Notebook")
        #expect(report.bios?.date == InventoryDate(year: 2014, month: 7, day: 25), "BIOS dates are month first")
        #expect(report.agent.tag == "teclib")
        #expect(report.operatingSystem?.name == "Fedora")
        #expect(report.operatingSystem?.fullName == "Fedora release 25 (Twenty Five)")
        #expect(report.operatingSystem?.kernelVersion == "4.11.3-200.fc25.x86_64")
        #expect(report.hardware?.memoryBytes == 7908 << 20)
        #expect(report.cpus.first?.name == "Intel(R) Core(TM) i5-4210U CPU @ 1.70GHz")
        #expect(report.cpus.first?.threads == 4)
        #expect(report.memoryModules.map(\.capacityBytes) == [8192 << 20, nil], "an empty slot has no capacity")
        #expect(report.memoryModules.first?.speedMHz == 1600, "\"1600 MT/s\"")
        #expect(report.memoryModules.first?.isRemovable == true)
        #expect(report.volumes.map(\.mountPoint) == ["/", "/boot", "/home"])
        #expect(report.volumes.first?.totalBytes == 150_268 << 20)
        #expect(report.storageDrives.first?.sizeBytes == 250_059_000_000)
        #expect(report.software.count == 42)
        #expect(report.software[0].installDate == nil, "N/A")
        #expect(report.software[1].installDate == InventoryDate(year: 2017, month: 6, day: 8), "08/06/2017, day first")
        #expect(report.software[2].installDate == InventoryDate(year: 2017, month: 1, day: 16))
        #expect(report.virtualMachines.map(\.memoryBytes) == [1048 << 20, 2097 << 20, 4194 << 20], "\"4194MB\"")
        #expect(report.virtualMachines.allSatisfy { $0.status == "off" })
        // Ten entries: lo and tun0 twice (one per address), enp0s25 with two MACs.
        #expect(
            report.networkInterfaces.map(\.name) == [
                "bmc", "lo", "enp0s25", "enp0s25", "wlp2s0", "virbr0", "virbr0-nic", "tun0",
            ])
        #expect(report.networkInterfaces[0].isManagement == true)
        #expect(report.networkInterfaces[1].ipv4.map(\.address) == ["127.0.0.1"])
        #expect(report.networkInterfaces[1].ipv6.map(\.address) == ["::1"])
        #expect(report.ignoredSections.contains("processes"))
        #expect(report.ignoredSections.contains("local_users"))
    }

    @Test("2.xml, a Windows 8.1 laptop (FusionInventory 2.3)")
    func windows() throws {
        let report = try Self.read("inventory/fusion-xml/2.xml")
        #expect(report.identity.name == "pc-arg-23")
        #expect(report.identity.serial == "CZC0479792")
        #expect(report.identity.model == "HP EliteBook 2540p")
        #expect(report.identity.chassis == .laptop)
        #expect(report.agent.tag == "3923")
        let os = try #require(report.operatingSystem)
        #expect(os.name == "Windows")
        #expect(os.fullName == "Microsoft Windows 8.1 Professionnel")
        #expect(os.kernelVersion == "6.3.9600")
        #expect(os.build == "9600")
        #expect(os.architecture == "64-bit")
        #expect(os.installDate == InventoryDate(year: 2015, month: 4, day: 17), "2015-04-17T03:02:45Z")
        #expect(os.timezoneName == "Romance Standard Time")
        #expect(report.hardware?.workgroup == "cedre.local")
        #expect(report.hardware?.windowsProductID == "00259-40825-10721-AAOEM")
        #expect(report.users == [InventoryReport.User(login: "cvigneron", domain: "CEDRE")])
        #expect(report.software.count == 8)
        let ccleaner = try #require(report.software.first)
        #expect(ccleaner.name == "CCleaner")
        #expect(ccleaner.version == "5.09")
        #expect(ccleaner.publisher == "Piriform")
        #expect(ccleaner.installDate == InventoryDate(year: 2015, month: 9, day: 11), "11/09/2015, day first")
        #expect(ccleaner.source == "registry")
        #expect(ccleaner.guid == "CCleaner")
        #expect(report.volumes.map(\.letter) == ["C:", "D:", "Réservé au système"])
        #expect(report.volumes.first?.isSystemDrive == true)
        #expect(report.volumes.first?.totalBytes == 115_123 << 20)
        #expect(report.volumes.first?.label == "Systeme")
        #expect(report.memoryModules.map(\.speedMHz) == [1333, 1333], "\"1333 MHz\"")
        #expect(report.memoryModules.map(\.description) == ["SODIMM", "SODIMM"])
        #expect(report.batteries.first?.designCapacityMWh == 5100)
        #expect(report.batteries.first?.voltageMV == 10_800)
        #expect(report.batteries.first?.manufactureDate == InventoryDate(year: 2007, month: 1, day: 11))
        #expect(report.gpus.first?.name == "Intel(R) HD Graphics")
        #expect(report.gpus.first?.resolution == "1280x1024")
        #expect(report.storageDrives.first?.serial == "101024PCK204VJJVAMYJ")
        #expect(report.controllers.count == 26)
        #expect(report.networkInterfaces.last?.isVirtual == true)
        #expect(report.networkInterfaces.first?.macAddress?.description == "68:b5:99:e6:84:eb")
        #expect(report.networkInterfaces.first?.dhcpServer == "10.253.6.1")
    }

    @Test("4.xml, an iMac: battery capacity and voltage with units")
    func macUnits() throws {
        let report = try Self.read("inventory/fusion-xml/4.xml")
        let battery = try #require(report.batteries.first)
        #expect(battery.designCapacityMWh == 43_746, "\"43.7456 Wh\"")
        #expect(battery.voltageMV == 8_614, "\"8.614 V\"")
        #expect(battery.manufactureDate == InventoryDate(year: 2015, month: 11, day: 10), "10/11/2015, as GLPI reads it")
        #expect(report.operatingSystem?.build == "17F77")
        #expect(report.storageDrives.count == 4)
        #expect(report.users.map(\.login) == ["mariem", "com"])
    }

    @Test("FusionInventory 2.6 on Debian 12 (the captured INVENTORY): a VM with no serial and no UUID")
    func fusionCapture() throws {
        let report = try Self.read(Self.fusionCapture)
        #expect(report.action == .inventory)
        #expect(report.agent.deviceID == "vm-2026-11-29-10-52-28")
        #expect(report.agent.kind == .fusionInventory)
        #expect(report.agent.version == "2.6-3")
        #expect(report.identity.name == "vm")
        #expect(report.identity.serial == nil)
        #expect(report.identity.uuid == nil)
        #expect(report.identity.chassis == .virtualMachine, "VMSYSTEM Docker")
        #expect(report.sections.contains(.bios), "BIOS present, with an empty SSN")
        #expect(report.operatingSystem?.fullName == "Debian GNU/Linux 12 (bookworm)")
        #expect(report.operatingSystem?.version == "12.11")
        #expect(report.uptimeSeconds == 302)
        #expect(report.hardware?.memoryBytes == 24_105 << 20)
        #expect(report.cpus.count == 1)
        #expect(report.cpus.first?.cores == 2)
        #expect(report.storageDrives.first?.sizeBytes == 274_877_000_000)
        #expect(report.volumes.first?.freeBytes == 81_025 << 20)
        #expect(report.networkInterfaces.map(\.name) == ["lo", "ifb0", "ifb1", "eth0"])
        let eth0 = report.networkInterfaces[3]
        #expect(eth0.ipv4.map(\.address) == ["192.0.2.2"])
        #expect(eth0.ipv6.map(\.address) == ["fd00::2", "fe80::fc:ff:fe00:1"])
        #expect(eth0.isVirtual == false)
        #expect(report.software.count == 802)
        #expect(report.software.first == {
            var adduser = InventoryReport.Software(name: "adduser")
            adduser.version = "3.134"
            adduser.publisher = "Debian"
            adduser.architecture = "all"
            adduser.source = "deb"
            adduser.category = "admin"
            adduser.sizeBytes = 702_464
            return adduser
        }())
        #expect(report.matchKeys().map(\.description) == ["mac:02:fc:00:00:00:01", "name:vm"])
    }

    @Test("OCS Inventory agent 2.10 on the same VM: its own variant of every section")
    func ocsCapture() throws {
        var report = try Self.read(Self.ocsCapture)
        #expect(report.agent.deviceID == "vm-2026-11-29-10-53-41")
        #expect(report.agent.versionClient == nil, "the OCS agent names itself in its User-Agent only")
        report.agent.versionClient = "OCS-NG_unified_unix_agent_v2.10.0"
        #expect(report.agent.kind == .ocsInventory)
        #expect(report.agent.version == "2.10.0")
        #expect(report.sections.contains(.bios), "an empty <BIOS> is a present, empty section")
        #expect(report.bios == InventoryReport.BIOS())
        let os = try #require(report.operatingSystem, "the OS comes from HARDWARE/OSNAME")
        #expect(os.fullName == "Debian GNU/Linux 12")
        #expect(os.version == "12")
        #expect(os.architecture == "x86_64")
        let cpu = try #require(report.cpus.first)
        #expect(cpu.name == "AMD EPYC", "CPUS/TYPE")
        #expect(cpu.cores == 2)
        #expect(cpu.threads == 2, "LOGICAL_CPUS")
        #expect(cpu.architecture == "x86_64")
        #expect(report.storageDrives.first?.sizeBytes == 274_877_000_000, "274877.906944 MB, whole megabytes")
        let eth0 = try #require(report.networkInterfaces.first { $0.name == "eth0" })
        #expect(eth0.ipv4.map(\.address) == ["192.0.2.2"])
        #expect(eth0.ipv6.map(\.address) == ["fe80::fc:ff:fe00:1"], "the IPv6 address OCS put in IPADDRESS")
        #expect(eth0.type == "ethernet")
        #expect(eth0.mtu == 1400)
        #expect(eth0.isVirtual == nil)
        #expect(eth0.isPhysical)
        #expect(report.networkInterfaces.first { $0.name == "ifb0" }?.isPhysical == false, "known software interface")
        #expect(report.software.count == 802)
        let adduser = try #require(report.software.first)
        #expect(adduser.architecture == "all", "SOFTWARES/ARCHITECTURE")
        #expect(adduser.installDate == InventoryDate(year: 2025, month: 4, day: 20), "2025/04/20 00:00:00")
        #expect(adduser.comments == "add and remove users and groups")
        let bridge = try #require(report.controllers.first)
        #expect(bridge.vendorID == "8086")
        #expect(bridge.productID == "0d57")
        #expect(report.ignoredSections.contains("repository"))
        #expect(report.matchKeys().map(\.description) == ["mac:02:fc:00:00:00:01", "name:vm"])
    }

    @Test("the OCS agents' chassis type in BIOS/TYPE gives the kind of computer")
    func ocsChassisType() throws {
        let body = """
            <REQUEST><CONTENT><BIOS><SMANUFACTURER>LENOVO</SMANUFACTURER><SSN>PF2ABCDE</SSN><TYPE>Notebook</TYPE></BIOS>
            <HARDWARE><NAME>PC-042</NAME><OSNAME>Microsoft Windows 10 Pro</OSNAME><OSVERSION>10.0.19045</OSVERSION>
            </HARDWARE></CONTENT><DEVICEID>PC-042-2026-01-05-08-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>
            """
        let report = try InventoryXML.readInventory(Data(body.utf8))
        #expect(report.hardware?.chassisType == "Notebook")
        #expect(report.identity.chassis == .laptop)
        #expect(report.operatingSystem?.fullName == "Microsoft Windows 10 Pro")
        #expect(report.matchKeys().map(\.description) == ["serial:PF2ABCDE", "name:pc-042"])
    }

    @Test("FusionInventory and OCS reports of the same machine share their identity keys")
    func sameMachineTwoAgents() throws {
        let fusion = Set(try Self.read(Self.fusionCapture).matchKeys())
        let ocs = Set(try Self.read(Self.ocsCapture).matchKeys())
        #expect(!fusion.isDisjoint(with: ocs))
        #expect(fusion == ocs)
    }

    @Test("6.xml, a Cisco UCS fabric interconnect by SNMP")
    func snmpSwitch() throws {
        let report = try Self.read("inventory/fusion-xml/6.xml")
        #expect(report.deviceType == .networkEquipment)
        #expect(report.action == .networkInventory)
        let device = try #require(report.networkDevice)
        #expect(device.type == "Networking")
        #expect(device.name == "ucs6248up-cluster-pa3-B")
        #expect(device.uptimeSeconds == 482 * 86_400 + 5 * 3_600 + 42 * 60 + 18)
        #expect(device.cpuPercent == 4)
        #expect(report.networkPorts.count == 183)
        #expect(report.networkComponents.count == 66)
        #expect(report.networkComponents.first?.type == "stack")
        #expect(report.firmwares.first?.version == "5.0(3)N2(4.02b)")
        let management = try #require(report.networkPorts.first)
        #expect(management.name == "mgmt0")
        #expect(management.inBytes == 1_883_240_436)
        #expect(management.linkDiscovery == true)
        #expect(management.connections.first?.ip == "172.25.1.2")
        #expect(report.networkPorts.last?.vlans == [InventoryReport.VLAN(number: 1, name: "default")])
    }

    @Test("8.xml, a printer by SNMP; 9.xml, a device found by network discovery")
    func snmpPrinterAndDiscovery() throws {
        let printer = try Self.read("inventory/fusion-xml/8.xml")
        #expect(printer.deviceType == .printer)
        #expect(printer.action == .networkInventory, "QUERY SNMP")
        #expect(printer.pageCounters == ["total": 94_344])
        #expect(printer.cartridges.map(\.name) == ["drumblack", "tonerblack"])
        #expect(printer.networkDevice?.ramBytes == 32 << 20)
        #expect(printer.networkPorts.first?.ipAddresses == ["10.75.230.125"])

        let found = try Self.read("inventory/fusion-xml/9.xml")
        #expect(found.deviceType == .unmanaged)
        #expect(found.action == .networkDiscovery)
        #expect(found.identity.name == "homeassistant")
        #expect(found.networkDevice?.ipAddresses == ["172.210.10.133"])
        #expect(found.networkDevice?.macAddress?.description == "f3:6c:00:33:85:f2")
    }
}

@Suite("FusionInventory/OCS XML: encodings and concurrency")
struct InventoryXMLEnvironmentTests {
    @Test("a body declared ISO-8859-1 reads as text")
    func latin1() throws {
        let body = Data(#"<?xml version="1.0" encoding="ISO-8859-1"?><REQUEST><CONTENT><HARDWARE><NAME>poste-"#.utf8)
            + Data([0xE9, 0x74, 0xE9]) + Data(
                "</NAME></HARDWARE></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>".utf8)
        #expect(try InventoryXML.readInventory(body).hardware?.name == "poste-été")
    }

    @Test("inventories read concurrently give the same reports as one by one")
    func concurrentReads() async throws {
        let xml = try Fixture.data(InventoryXMLTests.fusionCapture)
        let json = try Fixture.data("inventory/glpi-json/computer_1.json")
        let expectedXML = try InventoryXML.readInventory(xml)
        let expectedJSON = try GLPIInventoryJSON.read(json)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for _ in 0..<5 {
                        if task.isMultiple(of: 2) {
                            guard try InventoryXML.readInventory(xml) == expectedXML else { return false }
                        } else {
                            guard try GLPIInventoryJSON.read(json) == expectedJSON else { return false }
                        }
                    }
                    return true
                }
            }
            for try await same in group { #expect(same) }
        }
    }
}
