import Foundation
import ParcCore
import Testing

@testable import ParcInventory

@Suite("FusionInventory XML: writing")
struct InventoryXMLWriterTests {
    /// Every XML fixture the reader accepts (5.xml has an empty entry, which the reader refuses).
    static var xmlFixtures: [String] {
        let inventories = (try? Fixture.names(in: "inventory/fusion-xml").filter { $0.hasSuffix(".xml") && $0 != "5.xml" })
            ?? []
        return inventories.map { "inventory/fusion-xml/" + $0 } + [
            "agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml",
            "agent-protocols/ocsinventory-agent/02-POST-INVENTORY.request-body.xml",
        ]
    }

    /// `report` written as XML and read back.
    static func readBack(_ report: InventoryReport, prettyPrinted: Bool = false) throws -> InventoryReport {
        try InventoryXML.readInventory(InventoryXML.write(report, prettyPrinted: prettyPrinted))
    }

    /// What an XML round trip keeps of `report`, by the rules docs/inventory-formats.md gives ("Writing XML"): XML is
    /// always full, has no empty list section and no ignored sections; a device other than a computer has a `DEVICE`
    /// that says at least its type; link discovery is said only when true.
    static func carriedByXML(_ report: InventoryReport) -> InventoryReport {
        var expected = report
        expected.isPartial = false
        expected.ignoredSections = []
        if expected.deviceType != .computer, expected.networkDevice == nil {
            var device = InventoryReport.NetworkDevice()
            device.type = InventoryFormat.networkDeviceType(for: expected.deviceType)
            expected.networkDevice = device
        }
        for index in expected.networkPorts.indices where expected.networkPorts[index].linkDiscovery == false {
            expected.networkPorts[index].linkDiscovery = nil
        }
        // The sections that hold something: presentSections of the same report without its list of sections.
        var bare = expected
        bare.sections = []
        expected.sections = bare.presentSections
        return expected
    }

    /// The names of `element`'s children in `document`, in order (`CONTENT` → `ACCESSLOG`, `BIOS`…).
    static func childNames(of element: String, in document: Data) throws -> [String] {
        let text = String(decoding: document, as: UTF8.self)
        let start = try #require(text.range(of: "<\(element)>"))
        let end = try #require(text.range(of: "</\(element)>", options: .backwards))
        var names: [String] = []
        var depth = 0
        var cursor = start.upperBound
        while let open = text.range(of: "<", range: cursor..<end.lowerBound) {
            let close = try #require(text.range(of: ">", range: open.upperBound..<end.lowerBound))
            let tag = String(text[open.upperBound..<close.lowerBound])
            if tag.hasPrefix("/") {
                depth -= 1
            } else {
                if depth == 0 { names.append(tag) }
                depth += 1
            }
            cursor = close.upperBound
        }
        return names
    }

    // MARK: Round trips

    @Test("XML → report → XML → report gives the same report, for every fixture the reader accepts", arguments: xmlFixtures)
    func xmlRoundTrip(path: String) throws {
        let report = try InventoryXML.readInventory(Fixture.data(path))
        var original = report
        original.ignoredSections = []
        #expect(try Self.readBack(report) == original)
        #expect(try Self.readBack(report, prettyPrinted: true) == original)
    }

    @Test("JSON → report → XML → report keeps everything XML can carry", arguments: try Fixture.names(in: "inventory/glpi-json"))
    func jsonThroughXML(name: String) throws {
        let report = try GLPIInventoryJSON.read(Fixture.data("inventory/glpi-json/" + name))
        let again = try Self.readBack(report)
        let expected = Self.carriedByXML(report)
        #expect(again == expected)
        // Field by field, so a failure names the section that differs.
        #expect(again.bios == expected.bios)
        #expect(again.hardware == expected.hardware)
        #expect(again.operatingSystem == expected.operatingSystem)
        #expect(again.cpus == expected.cpus)
        #expect(again.memoryModules == expected.memoryModules)
        #expect(again.storageDrives == expected.storageDrives)
        #expect(again.volumes == expected.volumes)
        #expect(again.networkInterfaces == expected.networkInterfaces)
        #expect(again.software == expected.software)
        #expect(again.batteries == expected.batteries)
        #expect(again.virtualMachines == expected.virtualMachines)
        #expect(again.networkDevice == expected.networkDevice)
        #expect(again.networkPorts == expected.networkPorts)
        #expect(again.simCards == expected.simCards)
        #expect(again.agent == expected.agent)
        #expect(again.deviceType == expected.deviceType)
        #expect(again.action == expected.action)
        #expect(again.sections == expected.sections)
    }

    @Test("the writer is deterministic, and orders elements as FusionInventory does: by name, entries in order")
    func deterministicOrder() throws {
        let path = "agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml"
        let report = try InventoryXML.readInventory(Fixture.data(path))
        let first = try InventoryXML.write(report)
        #expect(try InventoryXML.write(report) == first)
        let sections = try Self.childNames(of: "CONTENT", in: first)
        #expect(sections == sections.sorted())
        #expect(Set(sections).isSuperset(of: ["ACCESSLOG", "BIOS", "CPUS", "HARDWARE", "OPERATINGSYSTEM", "SOFTWARES"]))
        #expect(try Self.childNames(of: "REQUEST", in: first) == ["CONTENT", "DEVICEID", "QUERY"])
        let cpu = try Self.childNames(of: "CPUS", in: first)
        #expect(cpu == cpu.sorted() && !cpu.isEmpty)
        // Software in the report's order, so the first SOFTWARES is the first program.
        let text = String(decoding: first, as: UTF8.self)
        let firstProgram = try #require(text.range(of: "<SOFTWARES>"))
        #expect(text[firstProgram.upperBound...].hasPrefix("<ARCH>all</ARCH>"))
        #expect(report.software.first?.name == "adduser")
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST><CONTENT><ACCESSLOG>"))
        #expect(text.hasSuffix("<DEVICEID>vm-2026-11-29-10-52-28</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>\n"))
        let pretty = String(decoding: try InventoryXML.write(report, prettyPrinted: true), as: UTF8.self)
        #expect(pretty.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST>\n  <CONTENT>\n    <ACCESSLOG>\n"
            + "      <LOGDATE>2026-11-29 10:53:13</LOGDATE>\n    </ACCESSLOG>\n"))
    }

    // MARK: Units and shapes

    /// A report as Parc's agent builds one: sizes in bytes that are not whole MiB, dates, booleans.
    static func handBuilt() -> InventoryReport {
        var report = InventoryReport()
        report.agent = .init(deviceID: "ws-42-2026-11-29-10-00-00", tag: "HQ", versionClient: "Parc-Agent_v1.0")
        report.inventoriedAt = InventoryDateTime(iso: "2026-11-29 10:00:00")
        var hardware = InventoryReport.Hardware()
        hardware.name = "ws-42"
        hardware.memoryBytes = 16_481_980 * 1024  // /proc/meminfo's kB: 16095.68 MiB
        hardware.swapBytes = 2 << 30
        report.hardware = hardware
        var os = InventoryReport.OperatingSystem()
        os.fullName = "Debian GNU/Linux 13 (trixie)"
        os.kernelVersion = "6.12.38+deb13-amd64"
        os.installDate = InventoryDate(year: 2025, month: 8, day: 9)
        os.bootTime = InventoryDateTime(iso: "2026-11-29 08:01:02")
        os.timezoneName = "Europe/Paris"
        os.timezoneOffset = "+0100"
        report.operatingSystem = os
        var bios = InventoryReport.BIOS()
        bios.date = InventoryDate(year: 2024, month: 3, day: 4)  // 03/04: month first in BIOS dates
        report.bios = bios
        var disk = InventoryReport.StorageDrive()
        disk.name = "nvme0n1"
        disk.sizeBytes = 512_110_190_592
        report.storageDrives = [disk]
        var root = InventoryReport.Volume()
        root.type = "/"
        root.totalBytes = 499_000_000_000
        root.freeBytes = 123_456_789_012
        root.isSystemDrive = true
        report.volumes = [root]
        var module = InventoryReport.MemoryModule()
        module.slotNumber = 1
        module.capacityBytes = 8 << 30
        module.isRemovable = false
        report.memoryModules = [module]
        var battery = InventoryReport.Battery()
        battery.name = "BAT0"
        battery.designCapacityMWh = 43_746
        battery.realCapacityMWh = 40_005
        battery.voltageMV = 8_614
        battery.manufactureDate = InventoryDate(year: 2023, month: 2, day: 11)  // 11/02: day first
        report.batteries = [battery]
        var program = InventoryReport.Software(name: "bash")
        program.installDate = InventoryDate(year: 2025, month: 4, day: 5)
        program.sizeBytes = 7_503_872
        report.software = [program]
        var vm = InventoryReport.VirtualMachine(name: "build")
        vm.memoryBytes = 4 << 30
        vm.macAddresses = [MACAddress("52:54:00:12:34:56")!, MACAddress("52:54:00:12:34:57")!]
        report.virtualMachines = [vm]
        return report
    }

    @Test("units are the reader's: memory and volumes in MiB, disks in MB, batteries in Wh and V, rounded down")
    func units() throws {
        let report = Self.handBuilt()
        let text = String(decoding: try InventoryXML.write(report), as: UTF8.self)
        #expect(text.contains("<MEMORY>16095</MEMORY>"))
        #expect(text.contains("<SWAP>2048</SWAP>"))
        #expect(text.contains("<DISKSIZE>512110</DISKSIZE>"))
        #expect(text.contains("<TOTAL>475883</TOTAL>"))
        #expect(text.contains("<FREE>117737</FREE>"))
        #expect(text.contains("<CAPACITY>8192</CAPACITY>"))
        #expect(text.contains("<CAPACITY>43.746 Wh</CAPACITY>"))
        #expect(text.contains("<REAL_CAPACITY>40.005 Wh</REAL_CAPACITY>"))
        #expect(text.contains("<VOLTAGE>8.614 V</VOLTAGE>"))
        #expect(text.contains("<FILESIZE>7503872</FILESIZE>"))
        #expect(text.contains("<BDATE>2024-03-04</BDATE>"))
        #expect(text.contains("<INSTALLDATE>2025-04-05</INSTALLDATE>"))
        #expect(text.contains("<REMOVABLE>0</REMOVABLE>"))
        #expect(text.contains("<SYSTEMDRIVE>1</SYSTEMDRIVE>"))
        #expect(text.contains("<MAC>52:54:00:12:34:56/52:54:00:12:34:57</MAC>"))
        #expect(text.contains("<TIMEZONE><NAME>Europe/Paris</NAME><OFFSET>+0100</OFFSET></TIMEZONE>"))
        #expect(text.contains("<ACCOUNTINFO><KEYNAME>TAG</KEYNAME><KEYVALUE>HQ</KEYVALUE></ACCOUNTINFO>"))
        // For OCS servers, which read the OS from HARDWARE.
        #expect(text.contains("<OSNAME>Debian GNU/Linux 13 (trixie)</OSNAME><OSVERSION>6.12.38+deb13-amd64</OSVERSION>"))

        let again = try Self.readBack(report)
        #expect(again.hardware?.memoryBytes == 16095 << 20, "whole MiB, rounded down")
        #expect(again.storageDrives.first?.sizeBytes == 512_110_000_000, "whole decimal MB")
        #expect(again.volumes.first?.freeBytes == 117_737 << 20)
        #expect(again.batteries == report.batteries, "mWh and mV survive the trip through Wh and V")
        #expect(again.operatingSystem == report.operatingSystem)
        #expect(again.bios == report.bios)
        #expect(again.software == report.software)
        #expect(again.memoryModules == report.memoryModules)
        #expect(again.virtualMachines == report.virtualMachines)
        #expect(again.agent == report.agent)
        #expect(again.inventoriedAt == report.inventoriedAt)
    }

    @Test("a report whose sizes are whole units reads back equal, hand-built as Parc's agent builds one")
    func handBuiltRoundTrip() throws {
        var report = Self.handBuilt()
        report.hardware?.memoryBytes = 16 << 30
        report.storageDrives[0].sizeBytes = 512_110_000_000
        report.volumes[0].totalBytes = 475_883 << 20
        report.volumes[0].freeBytes = 117_737 << 20
        #expect(try Self.readBack(report) == Self.carriedByXML(report))
    }

    @Test("the query follows the action; a network discovery writes the device's facts straight in DEVICE")
    func queries() throws {
        let discovery = try InventoryXML.readInventory(Fixture.data("inventory/fusion-xml/9.xml"))
        let written = try InventoryXML.write(discovery)
        let text = String(decoding: written, as: UTF8.self)
        #expect(text.contains("<QUERY>NETDISCOVERY</QUERY>"))
        #expect(!text.contains("<INFO>"))
        #expect(text.contains("<DEVICE><IP>172.210.10.133</IP><MAC>f3:6c:00:33:85:f2</MAC><NAME>homeassistant</NAME>"))
        let snmp = try InventoryXML.readInventory(Fixture.data("inventory/fusion-xml/8.xml"))
        let snmpText = String(decoding: try InventoryXML.write(snmp), as: UTF8.self)
        #expect(snmpText.contains("<QUERY>SNMPQUERY</QUERY>"))
        #expect(snmpText.contains("<INFO>"))
        #expect(snmpText.contains("<TYPE>Printer</TYPE>"))
        #expect(try Self.childNames(of: "DEVICE", in: Data(snmpText.utf8)) == ["CARTRIDGES", "INFO", "PAGECOUNTERS", "PORTS"])
    }

    @Test("a phone without SNMP facts is written in DEVICE with its type, and reads back as a phone")
    func phoneType() throws {
        var report = InventoryReport()
        report.agent.deviceID = "phone-2026-01-01-00-00-00"
        report.deviceType = .phone
        var card = InventoryReport.SIMCard()
        card.iccid = "8933150319000000001"
        report.simCards = [card]
        let again = try Self.readBack(report)
        #expect(again.deviceType == .phone)
        #expect(again.networkDevice?.type == "Phone")
        #expect(again.simCards == [card])
    }

    @Test("an empty report writes an empty CONTENT and reads back empty; without a device id it cannot be written")
    func emptyReport() throws {
        var report = InventoryReport()
        for blank in [nil, "  "] {
            report.agent.deviceID = blank
            #expect(throws: InventoryFormatError.cannotWrite(field: "DEVICEID (agent.deviceID)")) {
                try InventoryXML.write(report)
            }
        }
        report.agent.deviceID = "empty-2026-01-01-00-00-00"
        let written = try InventoryXML.write(report)
        #expect(String(decoding: written, as: UTF8.self) == "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
            + "<REQUEST><CONTENT></CONTENT><DEVICEID>empty-2026-01-01-00-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>\n")
        #expect(try InventoryXML.readInventory(written) == report)
        // An empty single section is written, and is a present, empty section (as the OCS agent's empty BIOS).
        report.sections = [.bios, .software]
        let again = try Self.readBack(report)
        #expect(again.bios == InventoryReport.BIOS())
        #expect(again.sections == [.bios], "no empty list section in XML: none is what its absence says")
    }

    @Test("entries without any field are left out, since readers refuse empty entries; a partial report is written full")
    func emptyEntriesAndPartial() throws {
        var report = InventoryReport()
        report.agent.deviceID = "pc-2026-01-01-00-00-00"
        report.isPartial = true
        var cpu = InventoryReport.CPU()
        cpu.name = "  "  // blank: reads as nothing, like no field
        report.cpus = [cpu]
        var port = InventoryReport.NetworkPort()
        port.number = 1
        report.networkPorts = [InventoryReport.NetworkPort(), port]
        report.firmwares = [InventoryReport.Firmware()]
        let written = try InventoryXML.write(report)
        let text = String(decoding: written, as: UTF8.self)
        #expect(!text.contains("<CPUS>"))
        #expect(!text.contains("<FIRMWARES>"))
        let again = try InventoryXML.readInventory(written)
        #expect(again.cpus.isEmpty)
        #expect(again.networkPorts == [port])
        #expect(!again.isPartial)
    }

    // MARK: Hostile values

    @Test("text is escaped, and characters XML 1.0 forbids are dropped, never written")
    func hostileStrings() throws {
        let kept = [
            "]]>", "<script>alert(1)</script>", "R&D & <lab>", "\"quoted\" 'single'", "&amp; &#0; &lt;",
            "line one\nline two\r\nline three\rend", "tab\there", "é ü 中文 🚀", "\u{1FFFE} is allowed", "\u{7F}\u{85}",
            "]]]]>>", "<![CDATA[ x ]]>", "<?xml version=\"1.0\"?>", "<!DOCTYPE x [<!ENTITY e \"e\">]>",
        ]
        let dropped: [(String, String)] = [
            ("nul\u{0}inside", "nulinside"), ("bell\u{7}", "bell"), ("\u{1}\u{2}\u{3}escape\u{1B}[0m", "escape[0m"),
            ("form\u{C}feed\u{B}", "formfeed"), ("not a char \u{FFFE}\u{FFFF}!", "not a char !"),
            ("\u{0}\u{1}\u{1F}", ""),
        ]
        var report = InventoryReport()
        report.agent = .init(deviceID: "host<&>-2026", tag: "]]>", versionClient: "Parc-Agent_v1.0 \u{0}")
        report.software = (kept + dropped.map(\.0)).map { InventoryReport.Software(name: "n " + $0 + " n") }
        var hardware = InventoryReport.Hardware()
        hardware.name = "\u{0}"
        report.hardware = hardware
        report.cartridges = [
            InventoryReport.Cartridge(name: "tonerblack", value: "<71>"),
            InventoryReport.Cartridge(name: "a b", value: "1"), InventoryReport.Cartridge(name: "<x", value: "2"),
            InventoryReport.Cartridge(name: "xmlstyle", value: "3"), InventoryReport.Cartridge(name: "9lives", value: "4"),
        ]
        report.deviceType = .printer
        let written = try InventoryXML.write(report)
        let forbidden = written.filter { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) }
        #expect(forbidden.isEmpty)
        let text = String(decoding: written, as: UTF8.self)
        #expect(!text.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0xFFFF })
        // The only "]]>" would be a value's, which must be escaped.
        #expect(!text.contains("]]>"))
        #expect(!written.contains(0x0D), "a carriage return is a reference, else the parser reads a line feed")

        let again = try InventoryXML.readInventory(written)
        #expect(again.agent.deviceID == "host<&>-2026")
        #expect(again.agent.tag == "]]>")
        #expect(again.agent.versionClient == "Parc-Agent_v1.0")
        #expect(again.hardware == InventoryReport.Hardware(), "a value of forbidden characters only is no value")
        let names = again.software.map(\.name)
        #expect(names == (kept + dropped.map(\.1)).map { "n " + $0 + " n" })
        #expect(again.cartridges == [InventoryReport.Cartridge(name: "tonerblack", value: "<71>")],
                "names that cannot be element names are left out")
    }

    @Test("element names: letters, digits, _ - . after a letter or _, and never xml…")
    func elementNames() {
        for name in ["TONERBLACK", "_x", "a-b.c_1", "DRUM2"] { #expect(XMLText.isElementName(name), "\(name)") }
        for name in ["", "1a", "-a", "a b", "a<b", "XMLthing", "xml", "é", "a:b"] {
            #expect(!XMLText.isElementName(name), "\(name)")
        }
    }
}
