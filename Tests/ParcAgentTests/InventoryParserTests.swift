import Foundation
import ParcCore
import Testing

@testable import ParcAgentKit

@Suite("Inventory parsers read captured samples")
struct InventoryParserTests {
    @Test("cpuinfo of a two-socket Xeon: one CPU per socket, cores from core ids, threads per socket, nominal speed")
    func cpuinfoXeon() throws {
        let cpus = CPUInfoParser.parse(try InventorySample.text("cpuinfo-xeon-2-sockets.txt"))
        #expect(cpus.count == 2)
        let first = try #require(cpus.first)
        #expect(first.name == "Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz")
        #expect(first.manufacturer == "Intel")
        #expect(first.cores == 2)
        #expect(first.threads == 4)
        #expect(first.speedMHz == 2100, "from the model name, not the fluctuating cpu MHz")
        #expect(first.familyNumber == "6")
        #expect(first.model == "79")
        #expect(first.stepping == 1)
        #expect(cpus[1] == first, "identical sockets")
    }

    @Test("cpuinfo of this kind of virtual machine: AMD, one socket, 2 cores")
    func cpuinfoEpyc() throws {
        let cpus = CPUInfoParser.parse(try InventorySample.text("cpuinfo-amd-epyc-vm.txt"))
        #expect(cpus.count == 1)
        #expect(cpus.first?.name == "AMD EPYC")
        #expect(cpus.first?.manufacturer == "AMD")
        #expect(cpus.first?.cores == 2)
        #expect(cpus.first?.threads == 2)
        #expect(cpus.first?.speedMHz == nil)
    }

    @Test("cpuinfo of a Raspberry Pi 4: ARM implementer and part named, the trailing board block ignored")
    func cpuinfoARM() throws {
        let cpus = CPUInfoParser.parse(try InventorySample.text("cpuinfo-raspberry-pi-4.txt"))
        #expect(cpus.count == 1)
        #expect(cpus.first?.name == "ARM Cortex-A72")
        #expect(cpus.first?.manufacturer == "ARM")
        #expect(cpus.first?.threads == 4)
        #expect(cpus.first?.cores == 4, "no core ids and no cpu cores: one core per processor")
    }

    @Test("meminfo: kB values in bytes")
    func meminfo() throws {
        let values = MemInfoParser.parse(try InventorySample.text("meminfo.txt"))
        #expect(values["MemTotal"] == 24_684_084 * 1024)
        #expect(values["SwapTotal"] == 0)
        #expect(values["HugePages_Total"] == 0, "counts without a unit are kept as they are")
    }

    @Test("dmidecode -t 17: modules and empty slots numbered in order, placeholders dropped")
    func dmidecodeMemory() throws {
        let modules = DMIDecodeMemoryParser.parse(try InventorySample.text("dmidecode-t17.txt"))
        #expect(modules.count == 4)
        let first = modules[0]
        #expect(first.slotNumber == 1)
        #expect(first.slot == "ChannelA-DIMM0")
        #expect(first.capacityBytes == 16 << 30)
        #expect(first.type == "DDR4")
        #expect(first.speedMHz == 2667)
        #expect(first.description == "SODIMM")
        #expect(first.manufacturer == "Samsung")
        #expect(first.serial == "3A5B9C12")
        #expect(first.model == "M471A2K43DB1-CTD", "trailing blanks trimmed")
        let empty = modules[1]
        #expect(empty.slotNumber == 2)
        #expect(empty.slot == "ChannelA-DIMM1")
        #expect(empty.capacityBytes == nil)
        #expect(empty.type == nil && empty.speedMHz == nil && empty.manufacturer == nil && empty.serial == nil)
        #expect(modules[2].capacityBytes == 8192 << 20)
        #expect(modules[2].serial == "00000000", "a junk serial is reported as the machine says it")
        #expect(modules[3].slot == "ChannelB-DIMM1" && modules[3].capacityBytes == nil)
    }

    @Test("mountinfo: escapes decoded, malformed lines skipped")
    func mountinfo() throws {
        let mounts = MountInfoParser.parse(try InventorySample.text("mountinfo-desktop.txt"))
        #expect(mounts.count == 16)
        let root = try #require(mounts.first { $0.mountPoint == "/" })
        #expect(root.fileSystem == "btrfs")
        #expect(root.source == "/dev/nvme0n1p2")
        #expect(root.root == "/@")
        #expect(root.device == "0:26")
        #expect(mounts.contains { $0.mountPoint == "/media/alice/My Backup Disk" })
        #expect(mounts.contains { $0.mountPoint == "/tmp/with\ttab\\and\nnewline" })
        #expect(mounts.contains { $0.fileSystem == "nfs4" && $0.source == "nas.example.org:/export/home" })
    }

    @Test("os-release: quotes, escapes, comments and empty values")
    func osRelease() throws {
        let values = OSReleaseParser.parse(try InventorySample.text("os-release-ubuntu.txt"))
        #expect(values["NAME"] == "Ubuntu")
        #expect(values["PRETTY_NAME"] == "Ubuntu 24.04.1 LTS")
        #expect(values["VERSION_ID"] == "24.04")
        #expect(values["UBUNTU_CODENAME"] == "noble")
        #expect(values["LOGO"] == "ubuntu-logo")
        #expect(values["QUOTED"] == #"say "hi" \ back"#)
        #expect(values["EMPTY"] == nil)
        #expect(values.keys.allSatisfy { !$0.contains(" ") && !$0.hasPrefix("#") })
        let debian = OSReleaseParser.parse(try InventorySample.text("os-release-debian12.txt"))
        #expect(debian["ID"] == "debian")
        #expect(debian["PRETTY_NAME"] == "Debian GNU/Linux 12 (bookworm)")
    }

    @Test("dpkg status: installed and held packages; removed, half-installed and nameless entries left out")
    func dpkgStatus() throws {
        let packages = DpkgStatusParser.installed(try InventorySample.bytes("dpkg-status.txt"))
        #expect(packages.map(\.name) == ["adduser", "apt", "binutils-common", "heldback", "lowercase-fields"])
        let adduser = packages[0]
        #expect(adduser.version == "3.134")
        #expect(adduser.architecture == "all")
        #expect(adduser.installedSizeKiB == 686)
        #expect(adduser.section == "admin")
        #expect(packages[3].version == "1:2.0-1", "epoch kept")
        #expect(packages[4].version == "1.0" && packages[4].installedSizeKiB == 4, "field names in any case")
    }

    @Test("dpkg status of this machine: as many packages as dpkg says are installed")
    func dpkgStatusOfThisMachine() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/var/lib/dpkg/status"))
        let text = String(decoding: data, as: UTF8.self)
        let expected = text.split(separator: "\n").filter { line in
            let words = line.split(separator: " ")
            return words.first == "Status:" && words.count == 4 && words[3] == "installed"
        }.count
        #expect(expected > 100)
        #expect(DpkgStatusParser.installed([UInt8](data)).count == expected)
    }

    @Test("dpkg status read in pieces of any size: the same packages as the whole file")
    func dpkgStream() throws {
        let sample = try InventorySample.bytes("dpkg-status.txt")
        let machine = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "/var/lib/dpkg/status")))
        for bytes in [sample, machine, Array(sample.dropLast(40))] {
            let whole = DpkgStatusParser.installed(bytes)
            for size in bytes.count > 100_000 ? [4096, 65536] : [1, 7, 100, 4096] {
                var stream = DpkgStatusParser.Stream()
                var offset = 0
                while offset < bytes.count {
                    let piece = Array(bytes[offset..<min(bytes.count, offset + size)])
                    piece.withUnsafeBytes { stream.feed($0) }
                    offset += size
                }
                #expect(stream.finish() == whole, "pieces of \(size) bytes")
            }
        }
    }

    @Test("rpm -qa output: (none) dropped, gpg-pubkey left out, a tab in the summary kept")
    func rpmQuery() throws {
        let packages = RPMQueryParser.parse(try InventorySample.text("rpm-qa.txt"))
        #expect(packages.map(\.name) == ["bash", "kernel-core", "local-tool"])
        #expect(packages[0].version == "5.2.26-3.fc40")
        #expect(packages[0].architecture == "x86_64")
        #expect(packages[0].installTime == 1_714_464_000)
        #expect(packages[0].sizeBytes == 8_290_927)
        #expect(packages[0].vendor == "Fedora Project")
        #expect(packages[0].group == "Unspecified")
        #expect(packages[0].summary == "The GNU Bourne Again shell")
        #expect(packages[2].vendor == nil && packages[2].group == nil)
        #expect(packages[2].summary == "A summary\twith a tab inside")
        #expect(RPMQueryParser.queryFormat.contains(#"\t"#), "rpm expands the escapes itself")
    }

    @Test("route table: default routes through a gateway, lowest metric first")
    func routes() throws {
        let routes = RouteTableParser.defaultRoutes(try InventorySample.text("route.txt"))
        #expect(routes.map(\.interface) == ["eth0", "wlan0"])
        #expect(routes.first?.gateway == "10.0.2.1")
        #expect(routes.last?.gateway == "192.168.1.1")
    }

    @Test("resolv.conf: name servers in order, once, comments skipped")
    func resolvConf() throws {
        #expect(ResolvConfParser.nameServers(try InventorySample.text("resolv.conf.txt")) == ["10.0.0.53", "fd00::53"])
    }

    @Test("udev record: E: properties")
    func udev() throws {
        let properties = UdevDataParser.properties(try InventorySample.text("udev-b8-0.txt"))
        #expect(properties["ID_SERIAL_SHORT"] == "S3Z1NB0K123456X")
        #expect(properties["ID_MODEL"] == "Samsung_SSD_860_EVO_500GB")
        #expect(properties["ID_WWN"] == "0x5002538e40a1b2c3")
        #expect(properties["EMPTY"] == nil)
        #expect(properties["disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456X"] == nil, "S: lines are not properties")
    }

    @Test("hosts: the canonical name of the line naming the host; commented lines ignored")
    func hosts() throws {
        let text = try InventorySample.text("hosts.txt")
        #expect(HostsFileParser.fullyQualifiedName(of: "pc-compta-01", in: text) == "pc-compta-01.ad.example.org")
        #expect(HostsFileParser.fullyQualifiedName(of: "PC-COMPTA-01", in: text) == "pc-compta-01.ad.example.org")
        #expect(HostsFileParser.fullyQualifiedName(of: "localhost", in: text) == nil)
        #expect(HostsFileParser.fullyQualifiedName(of: "other", in: text) == nil)
    }

    @Test("utmp: user sessions with terminal, host and time; other record types ignored")
    func utmp() {
        var file = UtmpRecord(type: 2, user: "reboot", line: "~").bytes  // BOOT_TIME
        file += UtmpRecord(type: 7, user: "alice", line: "pts/0", host: "10.0.0.5", time: 1_795_000_000).bytes
        file += UtmpRecord(type: 6, user: "LOGIN", line: "tty1").bytes  // LOGIN_PROCESS
        file += UtmpRecord(type: 7, user: "bob", line: "tty2", time: 1_795_000_100).bytes
        file += UtmpRecord(type: 8, user: "carol", line: "pts/1").bytes  // DEAD_PROCESS
        let sessions = UtmpParser.sessions(file)
        #expect(sessions.map(\.user) == ["alice", "bob"])
        #expect(sessions[0].terminal == "pts/0")
        #expect(sessions[0].host == "10.0.0.5")
        #expect(sessions[0].loginTime == 1_795_000_000)
        #expect(sessions[1].host == nil)
    }

    @Test("DMI values: chassis numbers, month-first BIOS dates")
    func dmiValues() {
        #expect(DMIValues.chassisType("10") == "Notebook")
        #expect(DMIValues.chassisType("3") == "Desktop")
        #expect(DMIValues.chassisType("131") == "Desktop", "bit 7 is the chassis lock")
        #expect(DMIValues.chassisType("99") == nil)
        #expect(DMIValues.chassisType("tower") == nil)
        #expect(DMIValues.biosDate("03/14/2023")?.description == "2023-03-14")
        #expect(DMIValues.biosDate("12/01/99")?.description == "1999-12-01")
        #expect(DMIValues.biosDate("02/30/2020") == nil)
        #expect(DMIValues.biosDate("2023-03-14") == nil)
    }

    @Test("subnets of IPv4 and IPv6 addresses")
    func subnets() {
        #expect(IPNetwork.subnet(address: "192.168.1.20", mask: "255.255.255.0", ipv6: false) == "192.168.1.0")
        #expect(IPNetwork.subnet(address: "fd00::2", mask: "ffff:ffff:ffff:ffff::", ipv6: true) == "fd00::")
        #expect(IPNetwork.subnet(address: "not an address", mask: "255.0.0.0", ipv6: false) == nil)
        #expect(IPNetwork.subnet(address: "10.0.0.1", mask: "ffff::", ipv6: false) == nil)
    }
}

/// A glibc `struct utmp` record (384 bytes, little-endian), built field by field.
struct UtmpRecord {
    var type: Int16
    var user: String
    var line: String
    var host: String = ""
    var time: Int32 = 0

    var bytes: [UInt8] {
        var record = [UInt8](repeating: 0, count: UtmpParser.recordSize)
        func put(_ text: String, at offset: Int, size: Int) {
            for (index, byte) in text.utf8.prefix(size).enumerated() { record[offset + index] = byte }
        }
        record[0] = UInt8(truncatingIfNeeded: type)
        record[1] = UInt8(truncatingIfNeeded: type >> 8)
        put(line, at: 8, size: 32)
        put(user, at: 44, size: 32)
        put(host, at: 76, size: 256)
        for index in 0..<4 { record[340 + index] = UInt8(truncatingIfNeeded: UInt32(bitPattern: time) >> (8 * UInt32(index))) }
        return record
    }
}
