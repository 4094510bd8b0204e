import Foundation
import Testing

@testable import ParcCore

@Suite("IP addresses")
struct IPAddressTests {
    @Test(
        "addresses of both families read into their canonical form",
        arguments: [
            ("10.1.2.3", "10.1.2.3"), (" 192.168.1.10\n", "192.168.1.10"), ("0.0.0.0", "0.0.0.0"),
            ("255.255.255.255", "255.255.255.255"), ("2001:DB8::1", "2001:db8::1"), ("::", "::"), ("::1", "::1"),
            ("1::", "1::"), ("fe80::1%eth0", "fe80::1"), ("fe80::1%br-9a1.2_x", "fe80::1"),
            ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"), ("::ffff:10.1.2.3", "::ffff:10.1.2.3"),
            ("::FFFF:0a01:0203", "::ffff:10.1.2.3"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
            ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"), ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ])
    func canonical(text: String, expected: String) throws {
        #expect(try IPAddress(parsing: text).description == expected)
        #expect(IPAddress(text)?.description == expected)
    }

    @Test("an address is its bytes, IPv4 in 4 and IPv6 in 16")
    func bytes() throws {
        let ipv4 = try IPAddress(parsing: "10.1.2.3")
        #expect(ipv4.family == .ipv4)
        #expect(ipv4.bytes == [10, 1, 2, 3])
        #expect(IPAddress(bytes: [10, 1, 2, 3]) == ipv4)
        #expect(IPAddress(ipv4: 0x0A01_0203) == ipv4)
        let ipv6 = try IPAddress(parsing: "2001:db8::ff00:42:8329")
        #expect(ipv6.bytes == [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29])
        #expect(IPAddress(bytes: ipv6.bytes) == ipv6)
        #expect(IPAddress(bytes: [1, 2, 3, 4, 5]) == nil)
        #expect(IPAddress(bytes: []) == nil)
    }

    @Test("an IPv4-mapped IPv6 address stays IPv6 but knows the IPv4 address it carries")
    func mapped() throws {
        let mapped = try IPAddress(parsing: "::ffff:10.1.2.3")
        let plain = try IPAddress(parsing: "10.1.2.3")
        #expect(mapped.family == .ipv6)
        #expect(mapped != plain)
        #expect(mapped.unmappedIPv4 == plain)
        #expect(mapped.unmapped == plain)
        #expect(plain.unmappedIPv4 == nil)
        #expect(plain.unmapped == plain)
        #expect(try IPAddress(parsing: "::10.1.2.3").unmappedIPv4 == nil)
        #expect(try IPAddress(parsing: "1::ffff:10.1.2.3").unmappedIPv4 == nil)
    }

    @Test("IPv4 sorts before IPv6, each by value")
    func order() throws {
        let sorted = try ["::1", "10.0.0.2", "2001:db8::", "10.0.0.10", "::ffff:1.2.3.4", "9.255.255.255"]
            .map { try IPAddress(parsing: $0) }.sorted().map(\.description)
        #expect(sorted == ["9.255.255.255", "10.0.0.2", "10.0.0.10", "::1", "::ffff:1.2.3.4", "2001:db8::"])
    }

    @Test("addresses encode as their text and refuse to decode from anything else")
    func codable() throws {
        let addresses = try ["10.1.2.3", "2001:db8::1"].map { try IPAddress(parsing: $0) }
        let data = try JSONEncoder().encode(addresses)
        #expect(String(decoding: data, as: UTF8.self) == #"["10.1.2.3","2001:db8::1"]"#)
        #expect(try JSONDecoder().decode([IPAddress].self, from: data) == addresses)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPAddress].self, from: Data(#"["10.1"]"#.utf8))
        }
    }

    @Test(
        "malformed addresses say where they go wrong",
        arguments: [
            ("10.1", IPAddressError.Problem.ipv4PartCount(2)), ("10.1.2.3.4", .ipv4PartCount(5)),
            ("010.1.2.3", .ipv4LeadingZero("010")), ("10.1.2.00", .ipv4LeadingZero("00")),
            ("256.1.1.1", .ipv4PartOutOfRange("256")), ("1.2.3.1000", .ipv4PartOutOfRange("1000")),
            ("10..1.2", .ipv4EmptyPart), (".10.1.2", .ipv4EmptyPart), ("10.1.2.", .ipv4EmptyPart),
            ("0x0a.0.0.1", .unexpectedCharacter("x")), ("10.1.2.3a", .unexpectedCharacter("a")),
            ("host.example", .unexpectedCharacter("h")), ("10.1.2.3/8", .unexpectedCharacter("/")),
            ("１０.0.0.1", .unexpectedCharacter("１")), ("10.0.0.1\u{0}", .unexpectedCharacter("\u{0}")),
            ("🙂", .unexpectedCharacter("🙂")), ("10.0.0.1 x", .unexpectedCharacter(" ")),
            ("1:2:3:4:5:6:7:8:9", .ipv6GroupCount(9)), ("1:2:3:4:5:6:7", .ipv6GroupCount(7)),
            ("1:2:3:4::5:6:7:8", .ipv6GroupCount(8)), ("1::2::3", .ipv6MultipleDoubleColons),
            (":::", .ipv6EmptyGroup), ("1:::2", .ipv6EmptyGroup), (":1:2:3:4:5:6:7", .ipv6EmptyGroup),
            ("1:2:3:4:5:6:7:", .ipv6EmptyGroup), ("12345::", .ipv6GroupTooLong("12345")),
            ("::10.1.2.3:1", .ipv6MisplacedIPv4), ("::ffff:10.1.2", .ipv4PartCount(3)),
            ("::ffff:10.1.2.300", .ipv4PartOutOfRange("300")), ("fe80::1%", .invalidZone),
            ("fe80::1%eth 0", .invalidZone), ("fe80::1%" + String(repeating: "x", count: 33), .invalidZone),
            ("[::1]", .unexpectedCharacter("[")), ("::g", .unexpectedCharacter("g")),
        ])
    func malformed(text: String, problem: IPAddressError.Problem) {
        #expect(throws: IPAddressError.invalidAddress(text.trimmingCharacters(in: .whitespaces), problem: problem)) {
            try IPAddress(parsing: text)
        }
        #expect(IPAddress(text) == nil)
    }

    @Test("empty, blank, oversized and truncated texts are refused with a clear message")
    func emptyAndHuge() {
        #expect(throws: IPAddressError.empty) { try IPAddress(parsing: "") }
        #expect(throws: IPAddressError.empty) { try IPAddress(parsing: " \t\n") }
        let huge = String(repeating: "1", count: 1_000_000)
        #expect(throws: IPAddressError.tooLong(length: 1_000_000, limit: 64)) { try IPAddress(parsing: huge) }
        #expect(throws: IPAddressError.tooLong(length: 65, limit: 64)) {
            try IPAddress(parsing: String(repeating: "1", count: 65))
        }
        do {
            _ = try IPAddress(parsing: "192.168.1")
            Issue.record("a truncated address was accepted")
        } catch {
            #expect(error.code == "ip_address_invalid")
            #expect(
                error.message
                    == "'192.168.1' is not an IP address: an IPv4 address has 4 numbers separated by dots, and this "
                    + "one has 3. Write an address such as 192.168.1.10 or 2001:db8::1.")
        }
    }

    @Test("every one-character change of valid addresses either parses or throws, never traps")
    func mutations() {
        let alphabet = Array("0123456789abcdefABCDEF:.%/- xg\u{0}é")
        for seed in ["10.1.2.3", "2001:db8::1", "::ffff:10.1.2.3", "fe80::1%eth0"] {
            let characters = Array(seed)
            for index in characters.indices {
                for replacement in alphabet {
                    var mutated = characters
                    mutated[index] = replacement
                    _ = IPAddress(String(mutated))
                    mutated.remove(at: index)
                    _ = IPAddress(String(mutated))
                }
            }
        }
    }
}
