import Foundation
import ParcCore
import Testing

@testable import ParcInventory

@Suite("GLPI-native JSON: writing")
struct GLPIJSONWriterTests {
    static func validator() throws -> JSONSchemaValidator {
        try JSONSchemaValidator(schema: Fixture.data("inventory/inventory.schema.json"))
    }

    static func xmlReport(_ path: String) throws -> InventoryReport {
        var report = try InventoryXML.readInventory(Fixture.data(path))
        // SNMP inventories carry no VERSIONCLIENT; the format requires one to write.
        if report.agent.versionClient == nil { report.agent.versionClient = "FusionInventory-Agent_v2.6" }
        return report
    }

    static var xmlFixtures: [String] {
        let inventories = (try? Fixture.names(in: "inventory/fusion-xml").filter { $0 != "5.xml" }) ?? []
        return inventories.map { "inventory/fusion-xml/" + $0 } + [
            "agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml",
            "agent-protocols/ocsinventory-agent/02-POST-INVENTORY.request-body.xml",
        ]
    }

    /// `report` written and read back, with what writing does not carry cleared on both sides.
    static func roundTrip(_ report: InventoryReport) throws -> (InventoryReport, InventoryReport) {
        let written = try GLPIInventoryJSON.write(report)
        var again = try GLPIInventoryJSON.read(written)
        var original = report
        original.ignoredSections = []
        again.ignoredSections = []
        return (original, again)
    }

    @Test("JSON → report → JSON → report gives the same report", arguments: try Fixture.names(in: "inventory/glpi-json"))
    func jsonRoundTrip(name: String) throws {
        let report = try GLPIInventoryJSON.read(Fixture.data("inventory/glpi-json/" + name))
        let (original, again) = try Self.roundTrip(report)
        #expect(again == original)
    }

    @Test("XML → report → JSON → report gives the same report", arguments: xmlFixtures)
    func xmlRoundTrip(path: String) throws {
        let report = try Self.xmlReport(path)
        let (original, again) = try Self.roundTrip(report)
        #expect(again == original)
    }

    @Test("what Parc writes validates against inventory.schema.json", arguments: try Fixture.names(in: "inventory/glpi-json"))
    func writtenJSONValidates(name: String) throws {
        let validator = try Self.validator()
        let input = try Fixture.data("inventory/glpi-json/" + name)
        #expect(try validator.validate(input) == [], "the fixture itself is valid, so the validator is trusted")
        let written = try GLPIInventoryJSON.write(GLPIInventoryJSON.read(input))
        #expect(try validator.validate(written) == [])
    }

    @Test("what Parc writes from XML inventories validates too", arguments: xmlFixtures)
    func writtenFromXMLValidates(path: String) throws {
        let written = try GLPIInventoryJSON.write(Self.xmlReport(path))
        #expect(try Self.validator().validate(written) == [])
    }

    @Test("the validator catches what the schema forbids")
    func validatorCatchesViolations() throws {
        let broken = #"""
            {"deviceid": "d", "unknown": 1, "content": {"networks": [{"status": "Up", "description": "eth0"}],
             "cpus": [{"arch": "amd64", "core": "2"}], "hardware": {"memory": 1.5}}}
            """#
        let problems = try Self.validator().validate(Data(broken.utf8))
        #expect(problems.contains { $0.contains("required versionclient") })
        #expect(problems.contains { $0.contains("unknown is not allowed") })
        #expect(problems.contains { $0.contains("\"Up\" does not match") })
        #expect(problems.contains { $0.contains("\"amd64\" does not match") })
        #expect(problems.contains { $0.contains("cpus[0].core: string") })
        #expect(problems.contains { $0.contains("hardware.memory: number") })
    }

    @Test("the written document carries the schema's required fields")
    func requiredFields() throws {
        let report = try GLPIInventoryJSON.read(Fixture.data("inventory/glpi-json/computer_1.json"))
        let written = try GLPIInventoryJSON.write(report)
        let object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        #expect(object["deviceid"] as? String == "glpixps-2018-07-09-09-07-13")
        let content = try #require(object["content"] as? [String: Any])
        #expect(content["versionclient"] as? String == "FusionInventory-Agent_v2.5.2-1.fc31")
        #expect(object["itemtype"] as? String == "Computer")
        #expect(object["action"] as? String == "inventory")
        #expect(object["tag"] as? String == "000005")
        #expect(object["partial"] == nil)
        let networks = try #require(content["networks"] as? [[String: Any]])
        #expect(networks.count == 8, "one entry per address, as agents write them")
        #expect(networks.allSatisfy { $0["description"] is String })
    }

    @Test("a report without device id or version cannot be written")
    func cannotWriteWithoutRequiredFields() throws {
        var report = InventoryReport()
        #expect(throws: InventoryFormatError.cannotWrite(field: "deviceid (agent.deviceID)")) {
            try GLPIInventoryJSON.write(report)
        }
        report.agent.deviceID = "pc-2026-01-01-00-00-00"
        #expect(throws: InventoryFormatError.cannotWrite(field: "content.versionclient (agent.versionClient)")) {
            try GLPIInventoryJSON.write(report)
        }
        report.agent.versionClient = "Parc-Agent_v1.0"
        let written = try GLPIInventoryJSON.write(report)
        #expect(try Self.validator().validate(written) == [])
    }

    @Test("a report built by hand, as Parc's agent builds one, writes valid JSON and reads back")
    func handBuiltReport() throws {
        var report = InventoryReport()
        report.agent = .init(deviceID: "ws-42-2026-11-29-10-00-00", tag: "HQ", versionClient: "Parc-Agent_v1.0")
        report.inventoriedAt = InventoryDateTime(iso: "2026-11-29 10:00:00")
        var hardware = InventoryReport.Hardware()
        hardware.name = "ws-42"
        hardware.uuid = "4C4C4544-0034-3010-8048-B6C04F503732"
        hardware.memoryBytes = 16 << 30
        report.hardware = hardware
        var cpu = InventoryReport.CPU()
        cpu.name = "AMD Ryzen 7"
        cpu.architecture = "amd64"
        report.cpus = [cpu]
        var eth0 = InventoryReport.NetworkInterface(name: "eth0")
        eth0.macAddress = MACAddress("3C:7C:3F:00:11:22")
        eth0.status = "Up"
        eth0.type = "ether"
        eth0.ipv4 = [.init(address: "10.0.0.5", mask: "255.255.255.0")]
        eth0.ipv6 = [.init(address: "fe80::1")]
        report.networkInterfaces = [eth0]
        var program = InventoryReport.Software(name: "bash")
        program.version = "5.2.15-2+b2"
        program.installDate = InventoryDate(year: 2025, month: 4, day: 20)
        report.software = [program]
        report.sections = [.users]

        #expect(report.presentSections == [.hardware, .cpus, .networkInterfaces, .software, .users])
        let written = try GLPIInventoryJSON.write(report, prettyPrinted: true)
        #expect(try Self.validator().validate(written) == [])
        let text = String(decoding: written, as: UTF8.self)
        #expect(text.contains(#""arch" : "x86_64""#), "amd64 written as the schema's x86_64")
        #expect(text.contains(#""status" : "up""#))
        #expect(text.contains(#""type" : "ethernet""#))
        #expect(text.contains(#""users" : ["#))
        #expect(text.contains(#""memory" : 16384"#))

        let again = try GLPIInventoryJSON.read(written)
        #expect(again.hardware == report.hardware)
        #expect(again.software == report.software)
        #expect(again.networkInterfaces.first?.ipv4 == eth0.ipv4)
        #expect(again.networkInterfaces.first?.ipv6 == eth0.ipv6)
        #expect(again.sections == report.presentSections)
        #expect(again.agent == report.agent)
    }

    @Test("a partial report is written with \"partial\": true and only its sections")
    func partialWrite() throws {
        let report = try GLPIInventoryJSON.read(Fixture.data("inventory/glpi-json/computer_1_partial_cpu.json"))
        let written = try GLPIInventoryJSON.write(report)
        let object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        #expect(object["partial"] as? Bool == true)
        let content = try #require(object["content"] as? [String: Any])
        #expect(Set(content.keys) == ["bios", "hardware", "cpus", "versionclient"])
    }

    @Test("the normalised model itself encodes and decodes with Codable")
    func modelCodable() throws {
        let report = try InventoryXML.readInventory(
            Fixture.data("agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml"))
        let encoded = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(InventoryReport.self, from: encoded)
        #expect(decoded == report)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains(#""macAddress":"02:fc:00:00:00:01""#))
        #expect(text.contains(#""bootTime":"2026-11-29 10:48:11""#))
    }
}
