import Testing

@testable import ParcCore

@Suite("Inventory change detection")
struct InventoryChangeTests {
    static func program(_ name: String, _ version: String?, publisher: String? = nil, arch: String? = nil)
        -> InventoryReport.Software
    {
        var software = InventoryReport.Software(name: name)
        software.version = version
        software.publisher = publisher
        software.architecture = arch
        return software
    }

    @Test("programs added, removed, changed and upgraded are told apart, ordered by key")
    func software() {
        let stored = [
            Self.program("adduser", "3.134"), Self.program("bash", "5.2.15-2"),
            Self.program("curl", "7.88", publisher: "X"),
            Self.program("emacs", "28"),
        ]
        let new = [
            Self.program("curl", "7.88", publisher: "Y"), Self.program("dash", "0.5.12"),
            Self.program("bash", "5.2.21-2"),
            Self.program("adduser", "3.134"),
        ]
        let changes = InventoryChange.between(stored: stored, new: new, in: .software)
        #expect(changes.map(\.kind) == [.versionChanged, .changed, .added, .removed])
        #expect(changes.map(\.key) == ["bash|", "curl|7.88|", "dash|0.5.12|", "emacs|28|"])
        #expect(changes.map(\.label) == ["bash", "curl", "dash", "emacs"])
        #expect(changes[0].fields == [FieldChange(field: "version", before: "5.2.15-2", after: "5.2.21-2")])
        #expect(changes[1].fields == [FieldChange(field: "publisher", before: "X", after: "Y")])
        #expect(
            changes[2].fields == [
                FieldChange(field: "name", before: nil, after: "dash"),
                FieldChange(field: "version", before: nil, after: "0.5.12"),
            ])
        #expect(
            changes[3].fields == [
                FieldChange(field: "name", before: "emacs", after: nil),
                FieldChange(field: "version", before: "28", after: nil),
            ])
        #expect(changes.allSatisfy { $0.section == .software })
    }

    @Test("an upgrade that also changes the publisher records both, the version first")
    func upgradeWithOtherFields() {
        let changes = InventoryChange.between(
            stored: [Self.program("Firefox", "119.0", publisher: "Mozilla", arch: "x64")],
            new: [Self.program("Firefox", "120.0", publisher: "Mozilla Foundation", arch: "x64")], in: .software)
        #expect(changes.count == 1)
        #expect(changes[0].kind == .versionChanged)
        #expect(changes[0].key == "Firefox|x64")
        #expect(
            changes[0].fields == [
                FieldChange(field: "version", before: "119.0", after: "120.0"),
                FieldChange(field: "publisher", before: "Mozilla", after: "Mozilla Foundation"),
            ])
    }

    @Test("several versions side by side pair only when one goes and one comes")
    func multipleVersions() {
        let oneForOne = InventoryChange.between(
            stored: [Self.program("kernel", "5.14.1"), Self.program("kernel", "5.14.2")],
            new: [Self.program("kernel", "5.14.2"), Self.program("kernel", "5.14.3")], in: .software)
        #expect(oneForOne.map(\.kind) == [.versionChanged])
        #expect(oneForOne[0].fields == [FieldChange(field: "version", before: "5.14.1", after: "5.14.3")])
        let twoForTwo = InventoryChange.between(
            stored: [Self.program("kernel", "1"), Self.program("kernel", "2")],
            new: [Self.program("kernel", "3"), Self.program("kernel", "4")], in: .software)
        #expect(twoForTwo.map(\.kind) == [.removed, .removed, .added, .added])
        #expect(twoForTwo.map(\.key) == ["kernel|1|", "kernel|2|", "kernel|3|", "kernel|4|"])
        let otherArchitecture = InventoryChange.between(
            stored: [Self.program("libc6", "2.36", arch: "amd64")], new: [Self.program("libc6", "2.37", arch: "i386")],
            in: .software)
        #expect(otherArchitecture.map(\.kind) == [.removed, .added])
    }

    @Test("identical components with the same key pair in order")
    func duplicateKeys() {
        var cpu = InventoryReport.CPU()
        cpu.name = "Xeon"
        cpu.cores = 8
        var faster = cpu
        faster.cores = 12
        let changes = InventoryChange.between(stored: [cpu, cpu], new: [cpu, faster], in: .cpus)
        #expect(changes.count == 1)
        #expect(changes[0].kind == .changed)
        #expect(changes[0].label == "Xeon")
        #expect(changes[0].fields == [FieldChange(field: "cores", before: "8", after: "12")])
        #expect(
            InventoryChange.between(stored: [cpu, cpu, cpu], new: [cpu], in: .cpus).map(\.kind) == [.removed, .removed])
    }

    @Test("fields that move on their own write no history")
    func volatileFields() {
        var root = InventoryReport.Volume()
        root.type = "/"
        root.totalBytes = 100
        root.freeBytes = 40
        var fuller = root
        fuller.freeBytes = 10
        #expect(InventoryChange.between(stored: [root], new: [fuller], in: .volumes).isEmpty)
        var interface = InventoryReport.NetworkInterface(name: "wlan0")
        interface.status = "up"
        interface.speedMbps = 866
        var later = interface
        later.status = "down"
        later.speedMbps = 144
        #expect(InventoryChange.between(stored: [interface], new: [later], in: .networkInterfaces).isEmpty)
        later.ipv4 = [InventoryReport.IPv4Address(address: "10.0.0.9", mask: "255.255.255.0")]
        #expect(
            InventoryChange.between(stored: [interface], new: [later], in: .networkInterfaces)[0].fields == [
                FieldChange(field: "ipv4", before: nil, after: "10.0.0.9/255.255.255.0")
            ])
        var hardware = InventoryReport.Hardware()
        hardware.description = "x86_64/00-01-02 10:11:12"
        hardware.lastLoggedUser = "alice"
        var rebooted = hardware
        rebooted.description = "x86_64/00-00-00 00:05:00"
        rebooted.lastLoggedUser = "bob"
        #expect(InventoryChange.between(stored: hardware, new: rebooted, in: .hardware).isEmpty)
    }

    @Test("one-value sections are added, removed or changed field by field")
    func scalarSections() {
        var hardware = InventoryReport.Hardware()
        hardware.name = "pc-lyon-042"
        hardware.memoryBytes = 8_589_934_592
        var upgraded = hardware
        upgraded.memoryBytes = 17_179_869_184
        #expect(
            InventoryChange.between(stored: hardware, new: upgraded, in: .hardware) == [
                InventoryChange(
                    section: .hardware, kind: .changed, key: "hardware", label: "hardware",
                    fields: [FieldChange(field: "memory_bytes", before: "8589934592", after: "17179869184")])
            ])
        var bios = InventoryReport.BIOS()
        bios.systemSerial = "5CG1234ABC"
        let added = InventoryChange.between(stored: nil, new: bios, in: .bios)
        #expect(added.map(\.kind) == [.added])
        #expect(added[0].fields == [FieldChange(field: "system_serial", before: nil, after: "5CG1234ABC")])
        #expect(InventoryChange.between(stored: bios, new: nil, in: .bios).map(\.kind) == [.removed])
        #expect(InventoryChange.between(stored: bios, new: bios, in: .bios).isEmpty)
        let none: InventoryReport.BIOS? = nil
        #expect(InventoryChange.between(stored: none, new: none, in: .bios).isEmpty)
    }

    @Test("the same inventories give the same changes in the same order, whatever the order of the elements")
    func deterministic() {
        let stored = (0..<50).map { Self.program("p\($0)", "1.\($0)") }
        let new =
            (0..<50).map { index in Self.program("p\(index)", index.isMultiple(of: 3) ? "2.\(index)" : "1.\(index)") }
            + (50..<60).map { Self.program("p\($0)", "1") }
        let expected = InventoryChange.between(stored: stored, new: new, in: .software)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let shuffled = InventoryChange.between(
                stored: stored.shuffled(using: &generator), new: new.shuffled(using: &generator), in: .software)
            #expect(shuffled == expected)
        }
        #expect(expected.count == 17 + 10)
        #expect(expected.map(\.key) == expected.map(\.key).sorted())
    }

    @Test("800 programs with a few upgrades, removals and additions give exactly those")
    func debianVolume() {
        let stored = (0..<800).map { Self.program("package-\($0)", "1.0-\($0)", publisher: "Debian", arch: "amd64") }
        var new = stored
        for index in stride(from: 0, to: 100, by: 10) { new[index].version = "1.1-\(index)" }
        new.removeLast(5)
        new += (0..<5).map { Self.program("new-package-\($0)", "0.1", publisher: "Debian", arch: "all") }
        let changes = InventoryChange.between(stored: stored, new: new, in: .software)
        #expect(changes.filter { $0.kind == .versionChanged }.count == 10)
        #expect(changes.filter { $0.kind == .removed }.map(\.label) == (795..<800).map { "package-\($0)" })
        #expect(changes.filter { $0.kind == .added }.count == 5)
        #expect(changes.count == 20)
        #expect(InventoryChange.between(stored: stored, new: stored, in: .software).isEmpty)
    }

    @Test("a full report compares every section, a partial one only those it carries")
    func reports() {
        var stored = InventoryReport()
        var cpu = InventoryReport.CPU()
        cpu.name = "Core i5"
        stored.cpus = [cpu]
        stored.software = [Self.program("vim", "9.0")]
        stored.pageCounters = ["total": 10]
        var partial = InventoryReport()
        partial.isPartial = true
        partial.software = [Self.program("vim", "9.1")]
        partial.pageCounters = ["total": 20]
        #expect(partial.changes(from: stored).map(\.kind) == [.versionChanged])
        var full = partial
        full.isPartial = false
        #expect(full.changes(from: stored).map(\.section) == [.cpus, .software])
        #expect(full.changes(from: stored).map(\.kind) == [.removed, .versionChanged])
        #expect(stored.changes(from: stored).isEmpty)
    }

    @Test("long values are cut, and field lists of different shapes still compare by name")
    func clippingAndFieldShapes() {
        var program = Self.program(String(repeating: "n", count: 5_000), "1")
        program.comments = String(repeating: "c", count: 100_000)
        let added = InventoryChange.between(stored: [], new: [program], in: .software)
        #expect(added[0].fields.allSatisfy { ($0.after?.count ?? 0) <= InventoryChange.maximumValueLength })
        #expect(added[0].fields[0].after?.hasSuffix("…") == true)
        let changes = InventoryChange.fieldChanges(
            from: [("a", "1"), ("b", "2"), ("gone", "x"), ("empty", nil)], to: [("b", "3"), ("a", "1"), ("new", "y")])
        #expect(
            changes == [
                FieldChange(field: "b", before: "2", after: "3"), FieldChange(field: "new", before: nil, after: "y"),
                FieldChange(field: "gone", before: "x", after: nil),
            ])
    }
}
