import Foundation
import Testing

@testable import ParcCore

@Suite("Inventory entity rules")
struct InventoryEntityRulesTests {
    static let lyon = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
    static let paris = UUID(uuidString: "00000000-0000-0000-0000-00000000000b")!
    static let servers = UUID(uuidString: "00000000-0000-0000-0000-00000000000c")!
    static let root = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!

    static func rules() throws -> InventoryEntityRules {
        InventoryEntityRules([
            InventoryEntityRule(
                name: "Lyon servers", entityID: servers, tag: "lyon",
                ipRanges: [try IPAddressRange(parsing: "10.69.10.0/24")]),
            InventoryEntityRule(name: "Lyon by tag", entityID: lyon, tag: "  LYON "),
            InventoryEntityRule(name: "Lyon by name", entityID: lyon, hostName: try GlobPattern("pc-lyon-*")),
            InventoryEntityRule(
                name: "Paris network", entityID: paris,
                ipRanges: [
                    try IPAddressRange(parsing: "10.75.0.0/16"), try IPAddressRange(parsing: "2001:db8:75::/48"),
                ]),
        ])
    }

    @Test(
        "the first rule whose conditions all hold gives the entity",
        arguments: [
            ("lyon", "10.69.10.5", "srv-db", servers), ("Lyon", "10.69.11.5", "srv-db", lyon),
            (" lyon\n", nil, nil, lyon), ("LYON", "::ffff:10.69.10.7", "x", servers),
            (nil, "10.69.10.5", "pc-lyon-042", lyon),
            (nil, "10.75.3.4", "PC-LYON-7", lyon), (nil, "10.75.3.4", "pc-paris-7", paris),
            ("paris", "2001:db8:75::10", nil, paris), (nil, "10.76.0.1", "pc-paris-7", nil), (nil, nil, nil, nil),
            ("lyonnais", "192.168.1.1", "x", nil), (nil, "garbage", "pc-paris-1", nil),
        ] as [(String?, String?, String?, UUID?)])
    func firstMatchWins(tag: String?, ip: String?, hostName: String?, expected: UUID?) throws {
        #expect(try Self.rules().entity(tag: tag, ip: ip, hostName: hostName) == expected)
    }

    @Test("the rules page learns which rule would match, by position")
    func whichRule() throws {
        let rules = try Self.rules()
        let match = rules.matchingRule(tag: "lyon", ip: "10.69.10.5", hostName: "pc-lyon-1")
        #expect(match?.index == 0)
        #expect(match?.rule.name == "Lyon servers")
        #expect(rules.matchingRule(tag: nil, ip: "10.75.0.1", hostName: nil)?.index == 3)
        #expect(rules.matchingRule(tag: nil, ip: nil, hostName: nil) == nil)
        #expect(InventoryEntityRules().entity(tag: "lyon", ip: "10.0.0.1", hostName: "pc") == nil)
    }

    @Test("a condition on something the device does not report does not hold")
    func unknownValues() throws {
        let tagged = InventoryEntityRule(entityID: Self.lyon, tag: "lyon")
        #expect(!tagged.matches(tag: nil, ip: nil, hostName: nil))
        #expect(!tagged.matches(tag: "", ip: nil, hostName: nil))
        let ranged = InventoryEntityRule(entityID: Self.lyon, ipRanges: IPAddressRange.privateAndLoopback)
        #expect(!ranged.matches(tag: nil, ip: nil, hostName: nil))
        #expect(ranged.matches(tag: nil, ip: IPAddress("192.168.1.9"), hostName: nil))
        let named = InventoryEntityRule(entityID: Self.lyon, hostName: try GlobPattern("pc-*"))
        #expect(!named.matches(tag: nil, ip: nil, hostName: nil))
        #expect(!named.matches(tag: nil, ip: nil, hostName: "pc-" + String(repeating: "x", count: 300)))
        #expect(named.matches(tag: nil, ip: nil, hostName: " pc-1 "))
    }

    @Test("a rule with no condition, or only a blank tag, matches every device: the default entity goes last")
    func catchAll() throws {
        let fallback = InventoryEntityRule(name: "everything else", entityID: Self.root, tag: "   ")
        #expect(fallback.isCatchAll)
        #expect(!(try Self.rules().rules.contains(where: \.isCatchAll)))
        var rules = try Self.rules()
        rules.rules.append(fallback)
        #expect(rules.entity(tag: nil, ip: nil, hostName: nil) == Self.root)
        #expect(rules.entity(tag: "lyon", ip: nil, hostName: nil) == Self.lyon)
    }

    @Test("a report is placed by its agent's tag and its host name")
    func report() throws {
        var report = InventoryReport()
        report.agent.tag = "Lyon"
        let rules = try Self.rules()
        #expect(rules.entity(for: report, sourceIP: "10.69.10.20") == Self.servers)
        report.agent.tag = nil
        var hardware = InventoryReport.Hardware()
        hardware.name = "pc-lyon-031"
        report.hardware = hardware
        #expect(rules.entity(for: report, sourceIP: "203.0.113.5") == Self.lyon)
        #expect(rules.entity(for: report, sourceIP: nil) == Self.lyon)
        report.hardware = nil
        #expect(rules.entity(for: report, sourceIP: "10.75.1.1") == Self.paris)
    }

    @Test("rules survive a round trip through JSON")
    func codable() throws {
        let rules = try Self.rules()
        let decoded = try JSONDecoder().decode(InventoryEntityRules.self, from: try JSONEncoder().encode(rules))
        #expect(decoded == rules)
        #expect(decoded.entity(tag: nil, ip: "10.75.3.4", hostName: nil) == Self.paris)
    }
}
