import Foundation
import ParcCore
import Testing

@testable import ParcInventory

@Suite("Matching keys, MAC addresses, hardware UUIDs, chassis")
struct MatchingTests {
    /// A computer with the given serial, UUID and interfaces.
    static func computer(
        name: String? = "ws-42", serial: String? = nil, uuid: String? = nil,
        interfaces: [InventoryReport.NetworkInterface] = []
    ) -> InventoryReport {
        var report = InventoryReport()
        var hardware = InventoryReport.Hardware()
        hardware.name = name
        hardware.uuid = uuid
        report.hardware = hardware
        var bios = InventoryReport.BIOS()
        bios.systemSerial = serial
        report.bios = bios
        report.networkInterfaces = interfaces
        return report
    }

    static func interface(
        _ name: String, _ mac: String?, virtual: Bool? = nil, type: String? = nil, management: Bool? = nil
    ) -> InventoryReport.NetworkInterface {
        var interface = InventoryReport.NetworkInterface(name: name)
        interface.macAddress = mac.flatMap(MACAddress.init)
        interface.isVirtual = virtual
        interface.type = type
        interface.isManagement = management
        return interface
    }

    @Test("UUID, serial, MAC, name: the default order")
    func defaultOrder() {
        let report = Self.computer(
            name: "WS-42", serial: " 5cg1234abc ", uuid: "{4c4c4544-0034-3010-8048-b6c04f503732}",
            interfaces: [Self.interface("eth0", "00:E0:4C:68:01:DB", virtual: false)])
        #expect(
            report.matchKeys().map(\.description) == [
                "uuid:4C4C4544-0034-3010-8048-B6C04F503732", "serial:5CG1234ABC", "mac:00:e0:4c:68:01:db",
                "name:ws-42",
            ])
    }

    @Test(
        "junk serials give no serial key",
        arguments: [
            "To be filled by O.E.M.", "System Serial Number", "0", "00000000", "0000000000", "Default string",
            "Not Specified", "None", "   ", "",
        ])
    func junkSerial(serial: String) {
        let keys = Self.computer(serial: serial).matchKeys()
        #expect(!keys.contains { $0.criterion == .serial })
        #expect(keys.map(\.criterion) == [.name])
    }

    @Test(
        "junk UUIDs give no UUID key",
        arguments: [
            "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
            "03000200-0400-0500-0006-000700080009", "00020003-0004-0005-0006-000700080009", "Not Settable", "",
        ])
    func junkUUID(uuid: String) {
        #expect(!Self.computer(uuid: uuid).matchKeys().contains { $0.criterion == .uuid })
        #expect(SystemUUID(uuid) == nil)
    }

    @Test("UUIDs are written one way, whatever the agent's style")
    func uuidNormalisation() {
        let forms = [
            "4c4c4544-0034-3010-8048-b6c04f503732", "{4C4C4544-0034-3010-8048-B6C04F503732}",
            "4C4C454400343010-8048B6C04F503732", "4c4c4544003430108048b6c04f503732",
        ]
        #expect(Set(forms.compactMap { SystemUUID($0)?.value }) == ["4C4C4544-0034-3010-8048-B6C04F503732"])
        #expect(SystemUUID("af8d3fcfa6fe4784")?.value == "AF8D3FCFA6FE4784", "an Android ID is kept as it is")
        #expect(SystemUUID("00000000-0000-1000-8000-0017F2D11432") != nil, "zeros then a MAC: a real Mac UUID")
    }

    @Test("a virtual machine with no serial and no UUID is matched by MAC, then by name")
    func virtualMachineWithoutIdentity() throws {
        let report = try InventoryXML.readInventory(
            Fixture.data("agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml"))
        #expect(report.identity.serial == nil && report.identity.uuid == nil)
        let keys = report.matchKeys()
        #expect(keys == [
            InventoryMatchKey(criterion: .macAddress, value: "02:fc:00:00:00:01"),
            InventoryMatchKey(criterion: .name, value: "vm"),
        ])
        let virtualBox = Self.computer(name: "vbox", serial: "0", uuid: nil)
        #expect(virtualBox.matchKeys().map(\.description) == ["name:vbox"], "VirtualBox's serial 0 is junk")
    }

    @Test("only physical interfaces give MAC keys: virtual, loopback, bridges, management and zero MACs do not")
    func physicalMACsOnly() {
        let report = Self.computer(
            serial: nil,
            interfaces: [
                Self.interface("lo", "00:00:00:00:00:00", virtual: true, type: "loopback"),
                Self.interface("docker0", "02:42:ac:11:00:01", virtual: true),
                Self.interface("virbr0", "52:54:00:fa:20:0e", virtual: false, type: "bridge"),
                Self.interface("bmc", "d0:94:66:00:00:01", management: true),
                Self.interface("wlan0", "da:a1:19:00:00:02", virtual: false),
                Self.interface("eth0", "3c:7c:3f:00:11:22", virtual: false),
                Self.interface("eth0.10", "3c:7c:3f:00:11:22", virtual: false),
                Self.interface("multicast", "01:00:5e:00:00:01", virtual: false),
                Self.interface("broadcast", "ff:ff:ff:ff:ff:ff", virtual: false),
            ])
        // Burnt-in before locally administered (randomised Wi-Fi), each once.
        #expect(
            report.matchKeys(order: [.macAddress]).map(\.value) == ["3c:7c:3f:00:11:22", "da:a1:19:00:00:02"])
    }

    @Test("an agent that does not say which interfaces are virtual: names decide")
    func physicalByName() {
        let names = ["eth0", "enp0s31f6", "wlp2s0", "em1", "ens18"]
        let software = ["lo", "docker0", "veth12ab", "virbr0", "br-1a2b", "tun0", "tap0", "ifb0", "wg0", "vmnet8"]
        for name in names { #expect(Self.interface(name, nil).isPhysical, "\(name)") }
        for name in software { #expect(!Self.interface(name, nil).isPhysical, "\(name)") }
        #expect(!Self.interface("eth0", nil, virtual: true).isPhysical, "the agent's word wins")
        #expect(Self.interface("tun0", nil, virtual: false).isPhysical, "the agent's word wins")
    }

    @Test("the order is configurable; a criterion left out gives no key, one listed twice counts once")
    func configurableOrder() {
        let report = Self.computer(
            serial: "5CG1234ABC", uuid: "4C4C4544-0034-3010-8048-B6C04F503732",
            interfaces: [Self.interface("eth0", "3c:7c:3f:00:11:22", virtual: false)])
        #expect(report.matchKeys(order: [.name, .macAddress]).map(\.criterion) == [.name, .macAddress])
        #expect(report.matchKeys(order: [.serial, .serial, .uuid]).map(\.criterion) == [.serial, .uuid])
        #expect(report.matchKeys(order: []).isEmpty)
        #expect(InventoryMatchCriterion.defaultOrder == [.uuid, .serial, .macAddress, .name])
    }

    @Test("names many machines share give no name key")
    func genericNames() {
        #expect(Self.computer(name: "localhost").matchKeys().isEmpty)
        #expect(Self.computer(name: "localhost.localdomain").matchKeys().isEmpty)
        #expect(Self.computer(name: "PC-Compta").matchKeys().map(\.value) == ["pc-compta"])
    }

    @Test("a network device is matched by serial and base MAC")
    func networkDevice() throws {
        let report = try InventoryXML.readInventory(Fixture.data("inventory/fusion-xml/6.xml"))
        #expect(
            report.matchKeys().map(\.description) == [
                "serial:SSI1912014B", "mac:8c:60:4f:8d:ae:fc", "name:ucs6248up-cluster-pa3-b",
            ])
    }

    @Test(
        "MAC addresses in every agent style are the same address",
        arguments: [
            "00:E0:4C:68:01:DB", "00-e0-4c-68-01-db", "00e0.4c68.01db", "00E04C6801DB", " 00:e0:4c:68:01:db\n",
            "0:e0:4c:68:1:db",
        ])
    func macForms(text: String) {
        #expect(MACAddress(text)?.description == "00:e0:4c:68:01:db")
    }

    @Test(
        "what is not a MAC address is refused",
        arguments: ["", "00:e0:4c", "00:e0:4c:68:01:db:", "zz:e0:4c:68:01:db", "00:e0-4c:68:01:db", "00e0.4c6.801db", "not a mac"])
    func notMAC(text: String) {
        #expect(MACAddress(text) == nil)
    }

    @Test("MAC properties and coding")
    func macProperties() throws {
        let mac = try #require(MACAddress("02:fc:00:00:00:01"))
        #expect(mac.isLocallyAdministered && mac.isUnicast)
        #expect(MACAddress("00:00:00:00:00:00")?.isZero == true)
        #expect(MACAddress("01:00:5e:00:00:01")?.isMulticast == true)
        #expect(MACAddress("80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:01")?.bytes.count == 20)
        let encoded = try JSONEncoder().encode([mac])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["02:fc:00:00:00:01"]"#)
        #expect(try JSONDecoder().decode([MACAddress].self, from: encoded) == [mac])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([MACAddress].self, from: Data(#"["x"]"#.utf8)) }
    }

    @Test(
        "chassis types and virtualisation give the kind of computer",
        arguments: [
            ("Laptop", nil, nil, InventoryChassis.laptop), ("Notebook", "Physical", nil, .laptop),
            ("Desktop", nil, nil, .desktop), ("Mini Tower", nil, nil, .desktop), ("All in One", nil, nil, .desktop),
            ("Rack Mount Chassis", nil, nil, .server), ("Main Server Chassis", nil, nil, .server),
            ("Tablet", nil, nil, .tablet), ("Other", nil, nil, .unknown), (nil, nil, nil, .unknown),
            ("Desktop", "VMware", nil, .virtualMachine), ("Other", "Physical", "QEMU Standard PC (Q35 + ICH9, 2009)", .virtualMachine),
            (nil, nil, "VMware Virtual Platform", .virtualMachine), ("Desktop", "Physical", "OptiPlex 7090", .desktop),
        ] as [(String?, String?, String?, InventoryChassis)])
    func chassis(type: String?, vm: String?, model: String?, expected: InventoryChassis) {
        #expect(InventoryChassis.classify(chassisType: type, vmSystem: vm, systemModel: model) == expected)
    }
}

@Suite("Stable keys of components")
struct StableKeyTests {
    @Test("components keep their identity from one inventory to the next")
    func stableKeys() throws {
        let first = try GLPIInventoryJSON.read(Fixture.data("inventory/glpi-json/computer_1.json"))
        let second = try GLPIInventoryJSON.read(
            GLPIInventoryJSON.write(first))
        #expect(first.software.map(\.stableKey) == second.software.map(\.stableKey))
        #expect(first.volumes.map(\.stableKey) == ["/", "/var/www", "/boot", "/var/lib/mysql", "/home", "/boot/efi"])
        #expect(Set(first.volumes.map(\.stableKey)).count == first.volumes.count)
        #expect(first.storageDrives.map(\.stableKey) == ["S29NNXAH146409"])
        #expect(first.memoryModules.map(\.stableKey) == ["#1", "#2"])
        #expect(first.networkInterfaces.map(\.stableKey).contains("enp57s0u1u4|00:e0:4c:68:01:db"))
        #expect(first.users.map(\.stableKey) == ["trasher", "root"])
        let windows = try InventoryXML.readInventory(Fixture.data("inventory/fusion-xml/2.xml"))
        #expect(windows.users.map(\.stableKey) == ["CEDRE\\cvigneron"])
        #expect(windows.volumes.map(\.stableKey) == ["C:", "D:", "Réservé au système"])
    }
}
