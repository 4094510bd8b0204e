import Foundation
import Testing

@testable import ParcCore

@Suite("IP address ranges")
struct IPAddressRangeTests {
    @Test(
        "CIDR blocks, spans and single addresses hold what they say and nothing more",
        arguments: [
            ("10.0.0.0/8", "10.0.0.0", true), ("10.0.0.0/8", "10.255.255.255", true),
            ("10.0.0.0/8", "11.0.0.0", false), ("10.0.0.0/8", "9.255.255.255", false),
            ("172.16.0.0/12", "172.31.255.255", true), ("172.16.0.0/12", "172.32.0.0", false),
            ("0.0.0.0/0", "203.0.113.9", true), ("0.0.0.0/0", "2001:db8::1", false),
            ("192.168.1.10/32", "192.168.1.10", true), ("192.168.1.10/32", "192.168.1.11", false),
            ("2001:db8::/32", "2001:db8:ffff:ffff::1", true), ("2001:db8::/32", "2001:db9::", false),
            ("2001:db8::/32", "10.0.0.1", false), ("::1/128", "::1", true), ("::1/128", "::2", false),
            ("fe80::/10", "febf:ffff::1", true), ("fe80::/10", "fec0::1", false),
            ("10.0.0.1-10.0.0.9", "10.0.0.1", true), ("10.0.0.1-10.0.0.9", "10.0.0.9", true),
            ("10.0.0.1-10.0.0.9", "10.0.0.10", false), ("10.0.0.1 - 10.0.0.9", "10.0.0.5", true),
            ("10.0.0.250-10.0.1.5", "10.0.1.0", true), ("2001:db8::1-2001:db8::ff", "2001:db8::80", true),
            ("2001:db8::1-2001:db8::ff", "2001:db8::100", false), ("192.168.1.10", "192.168.1.10", true),
            ("192.168.1.10", "192.168.1.1", false), ("10.0.0.0/8", "not an address", false),
            ("10.0.0.0/8", "", false),
        ])
    func contains(range: String, address: String, expected: Bool) throws {
        #expect(try IPAddressRange(parsing: range).contains(address) == expected)
    }

    @Test("an IPv4-mapped IPv6 address is in the IPv4 ranges that hold its IPv4 address")
    func mappedAddresses() throws {
        let network = try IPAddressRange(parsing: "10.0.0.0/8")
        #expect(network.contains("::ffff:10.1.2.3"))
        #expect(network.contains("::FFFF:a01:203"))
        #expect(!network.contains("::ffff:11.1.2.3"))
        #expect(!network.contains("::10.1.2.3"))
        #expect(try IPAddressRange(parsing: "10.0.0.1-10.0.0.9").contains("::ffff:10.0.0.5"))
        #expect(try IPAddressRange(parsing: "::ffff:0:0/96").contains("10.1.2.3"))
        #expect(try IPAddressRange(parsing: "::/0").contains("10.1.2.3"))
    }

    @Test(
        "a range prints as it was written, normalised",
        arguments: [
            ("10.0.0.0/8", "10.0.0.0/8", 8), (" 2001:DB8::/32 ", "2001:db8::/32", 32),
            ("192.168.1.10", "192.168.1.10", 32),
            ("::1", "::1", 128), ("10.0.0.1 -10.0.0.9", "10.0.0.1-10.0.0.9", nil), ("10.0.0.0 / 8", "10.0.0.0/8", 8),
        ])
    func description(text: String, expected: String, prefixLength: Int?) throws {
        let range = try IPAddressRange(parsing: text)
        #expect(range.description == expected)
        #expect(range.prefixLength == prefixLength)
        #expect(try IPAddressRange(parsing: range.description) == range)
    }

    @Test("a block's first and last addresses are its network and its broadcast")
    func bounds() throws {
        let block = try IPAddressRange(parsing: "192.168.4.0/22")
        #expect(block.first.description == "192.168.4.0")
        #expect(block.last.description == "192.168.7.255")
        let ipv6 = try IPAddressRange(parsing: "2001:db8:abcd::/48")
        #expect(ipv6.last.description == "2001:db8:abcd:ffff:ffff:ffff:ffff:ffff")
        let all = try IPAddressRange(parsing: "::/0")
        #expect(all.last.description == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
    }

    @Test("malformed ranges are refused with what was wrong and an example")
    func malformed() {
        #expect(throws: IPAddressError.hostBitsSet("10.1.2.3/8", network: "10.0.0.0/8")) {
            try IPAddressRange(parsing: "10.1.2.3/8")
        }
        #expect(throws: IPAddressError.hostBitsSet("2001:db8::1/32", network: "2001:db8::/32")) {
            try IPAddressRange(parsing: "2001:db8::1/32")
        }
        for text in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/x", "10.0.0.0/1000"] {
            #expect(throws: IPAddressError.invalidPrefixLength(text, maximum: 32)) { try IPAddressRange(parsing: text) }
        }
        #expect(throws: IPAddressError.invalidPrefixLength("2001:db8::/129", maximum: 128)) {
            try IPAddressRange(parsing: "2001:db8::/129")
        }
        #expect(throws: IPAddressError.reversedRange("10.0.0.9-10.0.0.1")) {
            try IPAddressRange(parsing: "10.0.0.9-10.0.0.1")
        }
        #expect(throws: IPAddressError.mixedFamilies("10.0.0.1-::1")) { try IPAddressRange(parsing: "10.0.0.1-::1") }
        #expect(throws: IPAddressError.mixedFamilies("10.0.0.1-::ffff:10.0.0.9")) {
            try IPAddressRange(parsing: "10.0.0.1-::ffff:10.0.0.9")
        }
        #expect(throws: IPAddressError.invalidAddress("", problem: .missingAddress)) {
            try IPAddressRange(parsing: "10.0.0.1-")
        }
        #expect(throws: IPAddressError.invalidAddress("", problem: .missingAddress)) {
            try IPAddressRange(parsing: "/8")
        }
        #expect(throws: IPAddressError.invalidAddress("fe80::1%eth0", problem: .zoneInRange)) {
            try IPAddressRange(parsing: "fe80::1%eth0/64")
        }
        #expect(throws: IPAddressError.invalidAddress("10.0.0", problem: .ipv4PartCount(3))) {
            try IPAddressRange(parsing: "10.0.0/8")
        }
        #expect(throws: IPAddressError.empty) { try IPAddressRange(parsing: "  ") }
        #expect(throws: IPAddressError.tooLong(length: 200_000, limit: IPAddressRange.maximumTextLength)) {
            try IPAddressRange(
                parsing: String(repeating: "10.0.0.1-", count: 20_000) + String(repeating: "x", count: 20_000))
        }
        let error = IPAddressError.hostBitsSet("10.1.2.3/8", network: "10.0.0.0/8")
        #expect(error.code == "ip_range_host_bits_set")
        #expect(
            error.message
                == "'10.1.2.3/8' has bits set after its prefix; write the network, 10.0.0.0/8, or drop the / for the "
                + "one address.")
    }

    @Test("ranges built from values check what parsing checks")
    func builtFromValues() throws {
        let network = try IPAddress(parsing: "10.0.0.0")
        #expect(try IPAddressRange(network: network, prefixLength: 8).description == "10.0.0.0/8")
        #expect(throws: IPAddressError.invalidPrefixLength("10.0.0.0/40", maximum: 32)) {
            try IPAddressRange(network: network, prefixLength: 40)
        }
        #expect(throws: IPAddressError.invalidPrefixLength("10.0.0.0/-3", maximum: 32)) {
            try IPAddressRange(network: network, prefixLength: -3)
        }
        let single = IPAddressRange(network)
        #expect(single.contains(network))
        #expect(single.description == "10.0.0.0")
    }

    @Test("a settings field reads into ranges; the first bad entry is named")
    func list() throws {
        let ranges = try IPAddressRange.list(parsing: "10.0.0.0/8, 192.168.0.0/16\n::1;\t2001:db8::/32,,")
        #expect(ranges.map(\.description) == ["10.0.0.0/8", "192.168.0.0/16", "::1", "2001:db8::/32"])
        #expect(ranges.contains(address: "192.168.3.4"))
        #expect(!ranges.contains(address: "8.8.8.8"))
        #expect(!ranges.contains(address: "garbage"))
        #expect(try IPAddressRange.list(parsing: " \n ").isEmpty)
        #expect(throws: IPAddressError.invalidAddress("192.168.0", problem: .ipv4PartCount(3))) {
            try IPAddressRange.list(parsing: "10.0.0.0/8, 192.168.0/16")
        }
        let many = Array(repeating: "10.0.0.1", count: 1_001).joined(separator: ",")
        #expect(throws: IPAddressError.tooManyRanges(count: 1_001, limit: 1_000)) {
            try IPAddressRange.list(parsing: many)
        }
    }

    @Test(
        "loopback, private and link-local addresses are accepted by default, public ones are not",
        arguments: [
            ("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("10.20.30.40", true), ("172.16.0.1", true),
            ("172.31.255.255", true), ("192.168.1.1", true), ("fd12:3456::1", true), ("fc00::1", true),
            ("fe80::1%eth0", true), ("169.254.10.20", true), ("::ffff:192.168.1.1", true), ("::ffff:127.0.0.1", true),
            ("8.8.8.8", false), ("172.32.0.1", false), ("172.15.255.255", false), ("100.64.0.1", false),
            ("192.169.0.1", false), ("2001:4860:4860::8888", false), ("::ffff:8.8.8.8", false), ("::", false),
            ("fec0::1", false), ("not-an-address", false),
        ])
    func privateAndLoopback(address: String, expected: Bool) {
        #expect(IPAddressRange.privateAndLoopback.contains(address: address) == expected)
    }

    @Test("the default list is the eight blocks of the issue, in order")
    func defaultList() {
        #expect(
            IPAddressRange.privateAndLoopback.map(\.description) == [
                "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fe80::/10",
                "169.254.0.0/16",
            ])
    }

    @Test("ranges encode as their text and refuse bad text when decoded")
    func codable() throws {
        let ranges = try ["10.0.0.0/8", "10.0.0.1-10.0.0.9", "::1"].map { try IPAddressRange(parsing: $0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = try encoder.encode(ranges)
        #expect(String(decoding: data, as: UTF8.self) == #"["10.0.0.0/8","10.0.0.1-10.0.0.9","::1"]"#)
        #expect(try JSONDecoder().decode([IPAddressRange].self, from: data) == ranges)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPAddressRange].self, from: Data(#"["10.1.2.3/8"]"#.utf8))
        }
    }
}
