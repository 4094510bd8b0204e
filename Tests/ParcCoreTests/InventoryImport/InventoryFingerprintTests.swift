import Testing

@testable import ParcCore

@Suite("Inventory section fingerprints")
struct InventoryFingerprintTests {
    static func report() -> InventoryReport {
        var report = InventoryReport()
        var hardware = InventoryReport.Hardware()
        hardware.name = "pc-lyon-042"
        hardware.memoryBytes = 8_589_934_592
        report.hardware = hardware
        report.software = (0..<800).map { index in
            var program = InventoryReport.Software(name: "package-\(index)")
            program.version = "1.0-\(index)"
            program.publisher = "Debian"
            program.installDate = InventoryDate(year: 2024, month: 1 + index % 12, day: 1 + index % 28)
            return program
        }
        var volume = InventoryReport.Volume()
        volume.type = "/"
        volume.freeBytes = 1_000
        report.volumes = [volume]
        report.pageCounters = ["total": 100, "black": 60, "color": 40]
        return report
    }

    @Test("a full report has a fingerprint for every section, a partial one for those it carries")
    func sections() {
        let full = Self.report().sectionFingerprints()
        #expect(Set(full.keys) == Set(InventorySection.allCases))
        #expect(full.values.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isHexDigit) })
        var partial = Self.report()
        partial.isPartial = true
        partial.sections = [.software]
        partial.volumes = []
        partial.pageCounters = [:]
        partial.hardware = nil
        #expect(Set(partial.sectionFingerprints().keys) == [.software])
        #expect(partial.sectionFingerprints()[.software] == full[.software])
    }

    @Test("the same inventory gives the same fingerprints; a change moves only its section's")
    func changes() {
        let before = Self.report().sectionFingerprints()
        #expect(Self.report().sectionFingerprints() == before)
        var upgraded = Self.report()
        upgraded.software[417].version = "1.1-417"
        var after = upgraded.sectionFingerprints()
        #expect(after[.software] != before[.software])
        after[.software] = before[.software]
        #expect(after == before)
        var fuller = Self.report()
        fuller.volumes[0].freeBytes = 999
        #expect(fuller.fingerprint(of: .volumes) != Self.report().fingerprint(of: .volumes))
        var reordered = Self.report()
        reordered.software.swapAt(0, 1)
        #expect(reordered.fingerprint(of: .software) != Self.report().fingerprint(of: .software))
    }

    @Test("absent, empty and present sections all differ")
    func emptiness() {
        var report = InventoryReport()
        let none = report.fingerprint(of: .bios)
        report.bios = InventoryReport.BIOS()
        let empty = report.fingerprint(of: .bios)
        report.bios?.systemSerial = ""
        let blank = report.fingerprint(of: .bios)
        #expect(Set([none, empty, blank]).count == 3)
        #expect(report.fingerprint(of: .cpus) != report.fingerprint(of: .bios))
        report.cpus = [InventoryReport.CPU()]
        #expect(report.fingerprint(of: .cpus) != InventoryReport().fingerprint(of: .cpus))
    }

    @Test("page counters digest alike whatever order the dictionary keeps its keys in")
    func dictionaryOrder() {
        var first: [String: Int] = [:]
        var second: [String: Int] = [:]
        let names = InventoryReport.pageCounterNames
        for (index, name) in names.enumerated() { first[name] = index }
        for (index, name) in names.enumerated().reversed() { second[name] = index }
        #expect(FingerprintEncoder.digest(of: first) == FingerprintEncoder.digest(of: second))
        #expect(FingerprintEncoder.digest(of: Forward()) == FingerprintEncoder.digest(of: Backward()))
    }

    @Test("values that write alike as text still digest apart")
    func canonical() {
        #expect(FingerprintEncoder.digest(of: ["ab"]) != FingerprintEncoder.digest(of: ["a", "b"]))
        #expect(FingerprintEncoder.digest(of: [String?.none]) != FingerprintEncoder.digest(of: [""]))
        #expect(FingerprintEncoder.digest(of: 1) != FingerprintEncoder.digest(of: "1"))
        #expect(FingerprintEncoder.digest(of: true) != FingerprintEncoder.digest(of: 1))
        #expect(FingerprintEncoder.digest(of: ["a": 1, "b": 2]) != FingerprintEncoder.digest(of: ["a": 2, "b": 1]))
        #expect(FingerprintEncoder.digest(of: ["a": 1]) != FingerprintEncoder.digest(of: ["a": 1, "b": 2]))
        #expect(FingerprintEncoder.digest(of: [[1, 2], [3]]) != FingerprintEncoder.digest(of: [[1], [2, 3]]))
        #expect(FingerprintEncoder.digest(of: 1.5) != FingerprintEncoder.digest(of: 2.5))
        #expect(FingerprintEncoder.digest(of: UInt8(7)) == FingerprintEncoder.digest(of: 7))
    }

    @Test("fingerprints do not depend on the process: a known report has a known digest")
    func stable() {
        var report = InventoryReport()
        var hardware = InventoryReport.Hardware()
        hardware.name = "pc-lyon-042"
        hardware.memoryBytes = 8_589_934_592
        report.hardware = hardware
        report.software = [InventoryReport.Software(name: "vim")]
        #expect(report.fingerprint(of: .hardware) == "2f01ba5e47d3375b")
        #expect(report.fingerprint(of: .software) == "e8591c8c09296046")
    }

    /// Encodes two keys in one order; ``Backward`` in the other.
    struct Forward: Encodable {
        enum Keys: String, CodingKey { case a, b }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("x", forKey: .a)
            try container.encode(2, forKey: .b)
        }
    }

    struct Backward: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Forward.Keys.self)
            try container.encode(2, forKey: .b)
            try container.encode("x", forKey: .a)
        }
    }

    @Test("the software digest reads every field of a program")
    func softwareDigestCoversEveryField() {
        var program = InventoryReport.Software(name: "firefox-esr")
        let fields = Set(Mirror(reflecting: program).children.compactMap(\.label))
        #expect(fields == InventoryReport.Software.digestedFields,
                "a field was added to or removed from Software: update Software.digest(of:) and digestedFields")
        var digests: Set<UInt64> = [InventoryReport.Software.digest(of: [program])]
        program.version = "128.5"; digests.insert(InventoryReport.Software.digest(of: [program]))
        program.publisher = "Mozilla"; digests.insert(InventoryReport.Software.digest(of: [program]))
        program.installDate = InventoryDate(year: 2025, month: 1, day: 2); digests.insert(InventoryReport.Software.digest(of: [program]))
        program.architecture = "amd64"; digests.insert(InventoryReport.Software.digest(of: [program]))
        program.source = "deb"; digests.insert(InventoryReport.Software.digest(of: [program]))
        program.category = "web"; digests.insert(InventoryReport.Software.digest(of: [program]))
        program.sizeBytes = 250_000_000; digests.insert(InventoryReport.Software.digest(of: [program]))
        program.comments = "Web browser"; digests.insert(InventoryReport.Software.digest(of: [program]))
        program.guid = "{ABC}"; digests.insert(InventoryReport.Software.digest(of: [program]))
        #expect(digests.count == 10, "each field changes the digest")
        // Absent and empty differ; two fields' text does not slide into one another; order counts.
        var empty = InventoryReport.Software(name: "a")
        let absent = InventoryReport.Software.digest(of: [empty])
        empty.version = ""
        #expect(InventoryReport.Software.digest(of: [empty]) != absent)
        var left = InventoryReport.Software(name: "ab"); left.version = "c"
        var right = InventoryReport.Software(name: "a"); right.version = "bc"
        #expect(InventoryReport.Software.digest(of: [left]) != InventoryReport.Software.digest(of: [right]))
        #expect(InventoryReport.Software.digest(of: [left, right]) != InventoryReport.Software.digest(of: [right, left]))
    }
}
