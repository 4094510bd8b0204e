import Foundation
import ParcCore
import Testing

@testable import ParcInventory

@Suite("Value normalisation: dates, numbers with units, addresses, word lists")
struct InventoryValuesTests {
    @Test(
        "dates in the agents' styles",
        arguments: [
            ("2018-01-12", InventoryValues.SlashOrder.dayFirst, "2018-01-12"),
            ("2014-05-13T00:00:00Z", .dayFirst, "2014-05-13"),
            ("2006-08-20 12:06", .dayFirst, "2006-08-20"),
            ("2025/04/20 00:00:00", .dayFirst, "2025-04-20"),
            ("16/01/2017", .dayFirst, "2017-01-16"),
            ("16/01/2017", .monthFirst, "2017-01-16"),
            ("07/25/2014", .monthFirst, "2014-07-25"),
            ("07/25/2014", .dayFirst, "2014-07-25"),
            ("08/06/2017", .dayFirst, "2017-06-08"),
            ("08/06/2017", .monthFirst, "2017-08-06"),
            ("07/25/14", .monthFirst, "2014-07-25"),
            ("03.04.2020", .dayFirst, "2020-04-03"),
            ("20201207", .dayFirst, "2020-12-07"),
        ])
    func dates(text: String, order: InventoryValues.SlashOrder, expected: String) {
        #expect(InventoryValues.date(text, slashOrder: order)?.description == expected)
    }

    @Test(
        "what is no day is nil",
        arguments: ["N/A", "", "BOOT_TIME", "1970-00-01", "2019-54-17", "31/02/2020", "2020-02-30", "12345", "0000-00-00", "2020-01-01x"])
    func notDates(text: String) {
        #expect(InventoryValues.date(text, slashOrder: .dayFirst) == nil)
    }

    @Test("instants")
    func dateTimes() {
        #expect(InventoryValues.dateTime("2020-06-09 07:58:08")?.description == "2020-06-09 07:58:08")
        #expect(InventoryValues.dateTime("2015-04-17T03:02:45Z")?.description == "2015-04-17 03:02:45")
        #expect(InventoryValues.dateTime("2021-05-31 14:00:00:00+02:00")?.description == "2021-05-31 14:00:00")
        #expect(InventoryValues.dateTime("2016-01-03")?.description == "2016-01-03 00:00:00")
        #expect(InventoryValues.dateTime("2020-06-09 25:00:00") == nil)
        #expect(InventoryValues.dateTime("Fri Jun 12 14:15") == nil)
        let boot = InventoryDateTime(iso: "2026-12-31 23:59:59")!
        let next = InventoryDateTime(iso: "2027-01-01 00:00:01")!
        #expect(next.secondsSinceEpoch - boot.secondsSinceEpoch == 2)
        #expect(boot < next)
    }

    @Test("numbers with units")
    func numbers() {
        #expect(InventoryValues.integer("1600 MT/s") == 1600)
        #expect(InventoryValues.integer("4194MB") == 4194)
        #expect(InventoryValues.integer("-1 Mbps") == -1)
        #expect(InventoryValues.integer("274877.906944") == 274_877)
        #expect(InventoryValues.integer("lots") == nil)
        #expect(InventoryValues.integer("1e999") == nil)
        #expect(InventoryValues.milli("43.7456 Wh", unit: "wh") == 43_746)
        #expect(InventoryValues.milli("43746 mWh", unit: "wh") == 43_746)
        #expect(InventoryValues.milli("43 Wh", unit: "wh") == 43_000)
        #expect(InventoryValues.milli("2100.0", unit: "wh") == 2_100)
        #expect(InventoryValues.milli("8.614 V", unit: "v") == 8_614)
        #expect(InventoryValues.milli("4365 mV", unit: "v") == 4_365)
        #expect(InventoryValues.milli("8 2 V", unit: "v") == nil)
        #expect(InventoryValues.bytes(mebibytes: 7800) == 7800 << 20)
        #expect(InventoryValues.bytes(mebibytes: -1) == nil)
        #expect(InventoryValues.bytes(mebibytes: Int.max / 2) == nil, "overflow")
        #expect(InventoryValues.bytes(megabyteText: "274877.906944") == 274_877_000_000)
        #expect(InventoryValues.boolean("1") == true && InventoryValues.boolean("false") == false)
        #expect(InventoryValues.boolean("maybe") == nil)
    }

    @Test("trimming keeps clean strings as they are and empties become nil")
    func trimming() {
        #expect(InventoryValues.trimmed("  vm\n") == "vm")
        #expect(InventoryValues.trimmed(" \t\n ") == nil)
        #expect(InventoryValues.trimmed("") == nil)
        #expect(InventoryValues.trimmed(nil) == nil)
        #expect(InventoryValues.trimmed("Téléphone ") == "Téléphone")
        #expect(InventoryValues.trimmed("\u{1}x\u{7F}") == "x")
    }

    @Test("addresses")
    func addresses() {
        #expect(InventoryValues.ipv4("192.168.1.142") == "192.168.1.142")
        for bad in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "a.b.c.d", "fe80::1"] {
            #expect(InventoryValues.ipv4(bad) == nil, "\(bad)")
        }
        #expect(InventoryValues.ipv6("FE80::B283:4FA3:D3F2:96B1") == "fe80::b283:4fa3:d3f2:96b1")
        #expect(InventoryValues.ipv6("::1") == "::1")
        #expect(InventoryValues.ipv6("fe80::1%en0") == "fe80::1")
        #expect(InventoryValues.ipv6("::ffff:192.0.2.1") == "::ffff:192.0.2.1")
        #expect(InventoryValues.ipv6("1:2:3:4:5:6:7:8") == "1:2:3:4:5:6:7:8")
        for bad in ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "g::1", "192.0.2.1", "1:2:3:4:5:6:7"] {
            #expect(InventoryValues.ipv6(bad) == nil, "\(bad)")
        }
    }

    @Test("the schema's word lists")
    func words() {
        #expect(InventoryValues.interfaceStatus("Up") == "up")
        #expect(InventoryValues.interfaceStatus("sideways") == nil)
        #expect(InventoryValues.interfaceType("ether") == "ethernet")
        #expect(InventoryValues.interfaceType("Wi-Fi") == "wifi")
        #expect(InventoryValues.interfaceType("ppp") == "dialup")
        #expect(InventoryValues.interfaceType("can") == nil)
        #expect(InventoryValues.cpuArchitecture("amd64") == "x86_64")
        #expect(InventoryValues.cpuArchitecture("i686") == "i686")
        #expect(InventoryValues.cpuArchitecture("armv7l") == "armv7l")
        #expect(InventoryValues.cpuArchitecture("arm64") == "aarch64")
        #expect(InventoryValues.cpuArchitecture("64-bit") == nil)
        #expect(InventoryValues.virtualMachineStatus("Shut off") == "off")
        #expect(InventoryValues.virtualMachineStatus("exited") == "off")
        #expect(InventoryValues.networkDeviceType("NETWORKING") == "Networking")
        #expect(InventoryValues.networkDeviceType("kvm") == "KVM")
        #expect(InventoryValues.timezoneOffset("+0200") == "+0200")
        #expect(InventoryValues.timezoneOffset("CEST") == nil)
    }

    @Test("InventoryDate and InventoryDateTime are strings in JSON and only real days decode")
    func dateCoding() throws {
        let date = try #require(InventoryDate(year: 2024, month: 2, day: 29))
        #expect(InventoryDate(year: 2023, month: 2, day: 29) == nil)
        #expect(try String(decoding: JSONEncoder().encode([date]), as: UTF8.self) == #"["2024-02-29"]"#)
        #expect(try JSONDecoder().decode([InventoryDate].self, from: Data(#"["2024-02-29"]"#.utf8)) == [date])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([InventoryDate].self, from: Data(#"["2023-02-29"]"#.utf8))
        }
        let instant = try #require(InventoryDateTime(iso: "2024-02-29 23:59:59"))
        #expect(try JSONDecoder().decode([InventoryDateTime].self, from: JSONEncoder().encode([instant])) == [instant])
    }

    @Test("uptime strings of SNMP devices")
    func snmpUptime() {
        var device = InventoryReport.NetworkDevice()
        for (text, seconds) in [
            ("482 days, 05:42:18.50", 482 * 86_400 + 5 * 3_600 + 42 * 60 + 18), ("(12078) 0:02:00.78", 120),
            ("5:42:18.50", 5 * 3_600 + 42 * 60 + 18), ("1 day, 00:00:01.00", 86_401),
        ] {
            device.uptime = text
            #expect(device.uptimeSeconds == seconds, "\(text)")
        }
        device.uptime = "forever"
        #expect(device.uptimeSeconds == nil)
    }

    @Test("the OS build from the version strings")
    func osBuild() {
        var os = InventoryReport.OperatingSystem()
        os.kernelName = "MSWin32"
        os.kernelVersion = "10.0.19045"
        #expect(os.build == "19045")
        os = InventoryReport.OperatingSystem()
        os.version = "10.13.5 (17F77)"
        #expect(os.build == "17F77")
        os = InventoryReport.OperatingSystem()
        os.kernelName = "linux"
        os.kernelVersion = "6.1.0-18-amd64"
        #expect(os.build == nil)
    }

    @Test("agent kinds and versions from the version string")
    func agentKinds() {
        let cases: [(String, InventoryAgentKind, String?)] = [
            ("FusionInventory-Agent_v2.6-3", .fusionInventory, "2.6-3"),
            ("GLPI-Agent_v1.7.3", .glpiAgent, "1.7.3"),
            ("OCS-NG_unified_unix_agent_v2.10.0", .ocsInventory, "2.10.0"),
            ("Parc-Agent_v1.0", .parcAgent, "1.0"),
            ("example-app-java", .other, nil),
        ]
        for (client, kind, version) in cases {
            let agent = InventoryReport.Agent(versionClient: client)
            #expect(agent.kind == kind, "\(client)")
            #expect(agent.version == version, "\(client)")
        }
    }
}
