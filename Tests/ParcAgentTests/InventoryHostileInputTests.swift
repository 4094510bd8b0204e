import Foundation
import ParcCore
import Testing

@testable import ParcAgentKit

/// Odd files must never crash a collector: every parser gets truncated, garbage, binary and absurd input, and
/// answers with what it can read.
@Suite("Inventory parsers on truncated, garbage and hostile input")
struct InventoryHostileInputTests {
    /// Deterministic pseudo-random bytes (xorshift), so a failure can be replayed.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static let samples = [
        "cpuinfo-xeon-2-sockets.txt", "cpuinfo-raspberry-pi-4.txt", "meminfo.txt", "dmidecode-t17.txt",
        "mountinfo-desktop.txt", "os-release-ubuntu.txt", "dpkg-status.txt", "rpm-qa.txt", "route.txt",
        "resolv.conf.txt", "udev-b8-0.txt", "hosts.txt",
    ]

    /// Runs every text parser on `bytes`.
    static func parseEverything(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = CPUInfoParser.parse(text)
        _ = MemInfoParser.parse(text)
        _ = DMIDecodeMemoryParser.parse(text)
        _ = MountInfoParser.parse(text)
        _ = OSReleaseParser.parse(text)
        _ = DpkgStatusParser.installed(bytes)
        _ = RPMQueryParser.parse(text)
        _ = RouteTableParser.defaultRoutes(text)
        _ = ResolvConfParser.nameServers(text)
        _ = UdevDataParser.properties(text)
        _ = HostsFileParser.fullyQualifiedName(of: "pc", in: text)
        _ = UtmpParser.sessions(bytes)
    }

    @Test("every sample cut at every 7th byte: no crash", arguments: samples)
    func truncated(_ name: String) throws {
        let bytes = try InventorySample.bytes(name)
        for end in stride(from: 0, through: bytes.count, by: 7) { Self.parseEverything(Array(bytes[..<end])) }
    }

    @Test("random bytes, empty input, NULs, a megabyte without a new line: no crash")
    func garbage() {
        for seed in 1...40 { Self.parseEverything(Self.noise(4096, seed: UInt64(seed))) }
        Self.parseEverything([])
        Self.parseEverything([UInt8](repeating: 0, count: 10_000))
        Self.parseEverything([UInt8](repeating: UInt8(ascii: ":"), count: 1 << 20))
        Self.parseEverything(Array("\n\n\n\t:\t\n=\n\"\\".utf8))
    }

    @Test("dpkg status: a file cut inside its last line loses that entry only; invalid UTF-8 is replaced")
    func dpkgCut() throws {
        let full = try InventorySample.bytes("dpkg-status.txt")
        #expect(DpkgStatusParser.installed(full).count == 5)
        let marker = Array("Status: hold ok inst".utf8)
        let start = try #require(full.indices.first { full[$0...].starts(with: marker) })
        let cut = Array(full[..<(start + marker.count)])
        #expect(DpkgStatusParser.installed(cut).map(\.name) == ["adduser", "apt", "binutils-common"])
        let endsWithLine = Array(full[..<(start + marker.count + 6)])  // "…installed\n": a complete line
        #expect(DpkgStatusParser.installed(endsWithLine).last?.name == "heldback")
        var invalid = Array("Package: caf\u{E9}\nStatus: install ok installed\nVersion: 1\n\n".utf8)
        invalid[invalid.firstIndex(of: 0xA9)!] = 0xFF
        #expect(DpkgStatusParser.installed(invalid).first?.name.hasPrefix("caf\u{FFFD}") == true)
        let huge = Array("Package: big\nStatus: install ok installed\nInstalled-Size: 99999999999999999999\n\n".utf8)
        #expect(DpkgStatusParser.installed(huge).first?.installedSizeKiB == nil, "beyond Int: unknown, not a crash")
    }

    @Test("utmp: a partial record at the end is ignored, a login made of control bytes too")
    func utmpPartial() {
        let record = UtmpRecord(type: 7, user: "alice", line: "pts/0").bytes
        #expect(UtmpParser.sessions(record + Array(record.prefix(100))).count == 1)
        #expect(UtmpParser.sessions(Array(record.prefix(383))).isEmpty)
        #expect(UtmpParser.sessions(UtmpRecord(type: 7, user: "\u{1B}[2J", line: "x").bytes).isEmpty)
        #expect(UtmpParser.sessions(UtmpRecord(type: 7, user: "", line: "x").bytes).isEmpty)
    }

    @Test("absurd numbers and sizes read as unknown")
    func absurdNumbers() {
        #expect(MemInfoParser.parse("MemTotal: 99999999999999999999 kB\nSwapTotal: 9223372036854775807 kB\n").isEmpty)
        #expect(DMIDecodeMemoryParser.bytes("9223372036854775807 TB") == nil)
        #expect(DMIDecodeMemoryParser.bytes("-8 GB") == nil)
        #expect(CPUInfoParser.nominalMHz("CPU @ 99999999999GHz") == nil)
        #expect(CPUInfoParser.parse("processor: 0\ncpu cores: -4\n").first?.cores == 1)
        #expect(InventoryText.integer("12a") == nil)
        #expect(InventoryText.integer(" 42\n") == 42)
        #expect(InventoryText.multiply(Int.max / 2, by: 1024) == nil)
    }

    @Test("mountinfo: bad escapes are kept as they are")
    func mountEscapes() {
        #expect(MountInfoParser.unescape("/a\\040b") == "/a b")
        #expect(MountInfoParser.unescape("/a\\999b") == "/a\\999b")
        #expect(MountInfoParser.unescape("/end\\04") == "/end\\04")
        #expect(MountInfoParser.unescape("/end\\") == "/end\\")
    }
}
