import Foundation
import ParcCore
import ParcInventory
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import ParcAgentKit

@Suite("Linux collectors without root, on a bare machine, and on hostile files")
struct InventoryCollectorFaultTests {
    static let rootOnly: Set<String> = [
        "/sys/class/dmi/id/product_serial", "/sys/class/dmi/id/product_uuid", "/sys/class/dmi/id/board_serial",
        "/sys/class/dmi/id/chassis_serial",
    ]

    @Test("without root: the root-only DMI files and dmidecode are noted, the rest is read, memory modules unknown")
    func withoutRoot() throws {
        let machine = try InventoryCollectorTests.laptop()
        let environment = try InventoryCollectorTests.laptopEnvironment(machine, isRoot: false, denied: Self.rootOnly)
        let result = LocalInventory.forThisMachine(environment).collect(deviceID: "pc-2026")
        let needsRoot = result.notes.filter { $0.reason == .needsRoot }.map(\.description)
        #expect(
            needsRoot == [
                "bios: could not read /sys/class/dmi/id/product_serial (needs root)",
                "bios: could not read /sys/class/dmi/id/board_serial (needs root)",
                "bios: could not read /sys/class/dmi/id/chassis_serial (needs root)",
                "bios: could not read /sys/class/dmi/id/product_uuid (needs root)",
                "memory: could not list memory modules (dmidecode needs root)",
            ])
        let report = result.report
        #expect(report.bios?.systemManufacturer == "LENOVO")
        #expect(report.bios?.systemSerial == nil)
        #expect(report.hardware?.uuid == nil)
        #expect(report.software.count == 5)
        #expect(report.memoryModules.isEmpty)
        #expect(report.isPartial, "memory modules unknown: the server keeps those it knows")
        #expect(!report.sections.contains(.memoryModules))
        #expect(report.sections.isSuperset(of: [.bios, .hardware, .operatingSystem, .cpus, .software, .users]))
        #expect(result.notes.last?.description.contains("partial inventory: memory_modules") == true)
        // What a partial report says reads back the same.
        let json = try GLPIInventoryJSON.write(report)
        let again = try GLPIInventoryJSON.read(json)
        #expect(again.isPartial && again.presentSections == report.presentSections)
    }

    @Test("root but the files refuse anyway (a hardened kernel): noted as unreadable, not as needing root")
    func deniedToRoot() throws {
        let machine = try InventoryCollectorTests.laptop()
        let environment = try InventoryCollectorTests.laptopEnvironment(machine, isRoot: true, denied: Self.rootOnly)
        let notes = LocalInventory.forThisMachine(environment).collect(deviceID: "pc").notes
        #expect(notes.filter { $0.reason == .needsRoot }.isEmpty)
        #expect(notes.contains { $0.description == "bios: could not read /sys/class/dmi/id/product_uuid (permission denied)" })
    }

    @Test("an empty machine: every collector says what is missing, the report names the host and is partial")
    func bareMachine() throws {
        let machine = try FakeMachine()
        let result = LocalInventory.forThisMachine(machine.environment()).collect(deviceID: "pc")
        let report = result.report
        #expect(report.hardware?.name == "pc-compta-01")
        #expect(report.operatingSystem?.kernelVersion == "6.1.0-28-amd64")
        #expect(report.operatingSystem?.name == "Linux")
        #expect(report.cpus.isEmpty && report.volumes.isEmpty && report.software.isEmpty)
        #expect(report.isPartial)
        let messages = result.notes.map(\.description)
        for expected in [
            "os: no /etc/os-release: distribution unknown",
            "bios: no DMI table (/sys/class/dmi/id) nor device tree: system maker, model and serial unknown",
            "cpu: no /proc/cpuinfo: processors unknown",
            "memory: no /proc/meminfo: memory size unknown",
            "memory: memory modules not listed: dmidecode is not installed",
            "storage: could not list /sys/block: disks unknown",
            "volumes: no /proc/self/mountinfo: volumes unknown",
            "network: could not list /sys/class/net: interfaces unknown",
            "users: no /var/run/utmp: logged-in users unknown",
        ] {
            #expect(messages.contains(expected), "\(expected) in \(messages)")
        }
        #expect(
            messages.last
                == "inventory: partial inventory: cpus, memory_modules, storage_drives, volumes, network_interfaces, "
                + "software, users could not be read, so the server keeps what it knows of them")
    }

    @Test("hostile files: a FIFO, a huge file, garbage and link loops give notes, never a hang or a crash")
    func hostileFiles() throws {
        let machine = try FakeMachine()
        try machine.fifo("/proc/cpuinfo")
        try machine.write("/etc/os-release", String(repeating: "NAME=x\n", count: 20_000))
        try machine.write("/proc/meminfo", Data(InventoryHostileInputTests.noise(5000, seed: 7)))
        try machine.write("/proc/self/mountinfo", Data(InventoryHostileInputTests.noise(5000, seed: 8)))
        try machine.write("/var/lib/dpkg/status", Data(InventoryHostileInputTests.noise(100_000, seed: 9)))
        try machine.write("/var/run/utmp", Data(InventoryHostileInputTests.noise(1000, seed: 10)))
        try machine.write("/proc/stat", "btime -5\n")
        try machine.write("/sys/class/net/eth0/address", "not a mac\n")
        try machine.write("/sys/class/net/eth0/mtu", "-1\n")
        try machine.write("/sys/class/net/eth0/type", "\u{0}\u{1}\n")
        try machine.link("/sys/class/net/eth0/device", to: "device")
        try machine.write("/sys/block/sda/size", "99999999999999999999999\n")
        try machine.directory("/sys/block/sda/device")
        try machine.write("/sys/block/sdb/size", "8\n")
        try machine.link("/sys/block/sdb/device", to: "../sdb/device/../device")
        try machine.directory("/sys/class/dmi/id")
        try machine.fifo("/sys/class/dmi/id/sys_vendor")
        let started = Date()
        let result = LocalInventory.forThisMachine(machine.environment()).collect(deviceID: "pc")
        #expect(Date().timeIntervalSince(started) < 5)
        let messages = result.notes.map(\.description)
        #expect(messages.contains("cpu: could not read /proc/cpuinfo (not a regular file)"))
        #expect(messages.contains("bios: could not read /sys/class/dmi/id/sys_vendor (not a regular file)"))
        #expect(messages.contains("os: could not read /etc/os-release (larger than 65536 bytes)"))
        #expect(messages.contains("os: no btime in /proc/stat: boot time unknown"))
        let report = result.report
        #expect(report.cpus.isEmpty)
        #expect(report.networkInterfaces.map(\.name) == ["eth0"])
        #expect(report.networkInterfaces.first?.macAddress == nil && report.networkInterfaces.first?.mtu == nil)
        #expect(report.storageDrives.map(\.name) == ["sda"], "sdb's device link loops: not hardware we can read")
        #expect(report.storageDrives.first?.sizeBytes == nil)
        // Whatever was read, the JSON is valid and reads back.
        _ = try GLPIInventoryJSON.read(try GLPIInventoryJSON.write(report))
    }

    @Test("a network file system that does not answer is listed without its size, and noted")
    func silentNetworkFileSystem() throws {
        let machine = try FakeMachine()
        try machine.write(
            "/proc/self/mountinfo",
            "27 1 254:0 / / rw - ext4 /dev/vda rw\n34 27 0:45 / /mnt/nas rw - nfs4 nas:/export rw\n")
        let environment = machine.environment(usage: ["/": .init(totalBytes: 1 << 30, freeBytes: 1 << 29)])
        var report = InventoryReport()
        var notes: [CollectorNote] = []
        VolumeCollector(environment: environment).collect(into: &report, notes: &notes)
        #expect(report.volumes.map(\.mountPoint) == ["/", "/mnt/nas"])
        #expect(report.volumes[1].totalBytes == nil)
        #expect(notes.map(\.description) == ["volumes: no answer about the size of /mnt/nas (nas:/export) within 3 s"])
    }

    @Test("the live time zone: named by TZ, /etc/timezone or the /etc/localtime link; offsets as Foundation's")
    func liveTimeZone() throws {
        let machine = try FakeMachine()
        let files = SystemFiles(root: machine.root)
        #expect(LocalTimeZone.identifier(files, environment: nil) == nil)
        try machine.link("/etc/localtime", to: "/usr/share/zoneinfo/America/New_York")
        #expect(LocalTimeZone.identifier(files, environment: nil) == "America/New_York")
        try machine.write("/etc/timezone", "Europe/Berlin\n")
        #expect(LocalTimeZone.identifier(files, environment: nil) == "Europe/Berlin")
        #expect(LocalTimeZone.identifier(files, environment: ":Europe/Paris") == "Europe/Paris")
        #expect(LocalTimeZone.identifier(files, environment: "/etc/localtime") == "Europe/Berlin", "a path names no zone")
        let live = LocalTimeZone.live(SystemFiles())
        for seconds in [0, 1_700_000_000, 1_796_000_000] {
            #expect(live.offset(seconds) == TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        }
        let paris = LocalTimeZone(TimeZone(identifier: "Europe/Paris")!)
        #expect(paris.offset(1_796_000_000) == 3600 && paris.offset(1_785_000_000) == 7200, "winter and summer")
    }

    /// Whether a process with exactly this command line exists.
    static func isRunning(_ commandLine: [String]) -> Bool {
        let wanted = Data(commandLine.joined(separator: "\u{0}").utf8 + [0])
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.contains { FileManager.default.contents(atPath: "/proc/\($0)/cmdline") == wanted }
    }

    @Test("the live statvfs gives up on time; the live reader refuses a FIFO at once and reads /proc")
    func liveSystemCalls() throws {
        #expect(LiveSystem.fileSystemUsage("/", timeLimit: 2).map { $0.totalBytes > 0 } == true)
        #expect(LiveSystem.fileSystemUsage("/no/such/mount", timeLimit: 0) == nil)
        let machine = try FakeMachine()
        try machine.fifo("/fifo")
        #expect(SystemFiles(root: machine.root).read("/fifo", limit: 100) == .failed("not a regular file"))
        if case .bytes(let bytes) = SystemFiles().read("/proc/self/status", limit: 1 << 20) {
            #expect(String(decoding: bytes, as: UTF8.self).contains("Name:"))
        } else {
            Issue.record("/proc/self/status did not read")
        }
        #expect(SystemFiles().read("/proc/self/status", limit: 10) == .failed("larger than 10 bytes"))
        #expect(SystemFiles().read("/no/such/file", limit: 10) == .missing)
        let echo = try #require(LiveSystem.run("/bin/sh", ["-c", "printf out; printf err >&2; exit 3"], timeLimit: 10))
        #expect(echo.status == 3 && echo.output == Array("out".utf8) && echo.errorOutput == Array("err".utf8))
        let started = Date()
        #expect(LiveSystem.run("/bin/sleep", ["31.7"], timeLimit: 0.5) == nil)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(!Self.isRunning(["/bin/sleep", "31.7"]), "a command past its time is killed, not left behind")
        #expect(LiveSystem.run("/no/such/program", [], timeLimit: 1) == nil)
        // Both outputs at once, larger than a pipe holds: read together, no deadlock.
        let loud = try #require(
            LiveSystem.run("/bin/sh", ["-c", "head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2"], timeLimit: 20))
        #expect(loud.status == 0 && loud.output.count == 3_000_000 && loud.errorOutput.count == 2_000_000)
        let killed = try #require(LiveSystem.run("/bin/sh", ["-c", "kill -TERM $$"], timeLimit: 10))
        #expect(killed.status == 128 + SIGTERM, "a signal's end reads as 128 + the signal")
        #expect(LiveSystem.run("/bin/sh", ["-c", "echo $LC_ALL; read line; echo \"[$line]\""], timeLimit: 10)?.output
            == Array("C\n[]\n".utf8), "LC_ALL=C, no standard input")
    }
}
