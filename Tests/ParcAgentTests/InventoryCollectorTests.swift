import Foundation
import ParcCore
import Testing

@testable import ParcAgentKit

@Suite("Linux collectors on a fake machine")
struct InventoryCollectorTests {
    /// A Lenovo laptop running Debian: DMI, two disks and a loop device, a wired and a wireless card, packages,
    /// two logged-in users.
    static func laptop() throws -> FakeMachine {
        let machine = try FakeMachine()
        let dmi = [
            "sys_vendor": "LENOVO", "product_name": "20HRCTO1WW", "product_version": "ThinkPad X1 Carbon 5th",
            "product_serial": "PF0XXXXX", "product_uuid": "4c4c4544-0042-3510-8052-b4c04f4a3732",
            "bios_vendor": "LENOVO", "bios_version": "N1MET66W (1.51 )", "bios_date": "06/02/2021",
            "board_vendor": "LENOVO", "board_name": "20HRCTO1WW", "board_serial": "L1HF7CK00XX",
            "chassis_type": "10", "chassis_serial": "PF0XXXXX", "chassis_asset_tag": "No Asset Information",
        ]
        for (file, value) in dmi { try machine.write("/sys/class/dmi/id/" + file, value + "\n") }
        try machine.write("/proc/cpuinfo", try InventorySample.text("cpuinfo-xeon-2-sockets.txt"))
        try machine.write("/proc/meminfo", try InventorySample.text("meminfo.txt"))
        try machine.write("/proc/stat", "cpu  1 2 3 4\nintr 12345 0 0\nctxt 999\nbtime 1795990000\nprocesses 4242\n")
        try machine.write("/etc/os-release", try InventorySample.text("os-release-debian12.txt"))
        try machine.write("/etc/debian_version", "12.8\n")
        try machine.write("/etc/hosts", try InventorySample.text("hosts.txt"))
        try machine.write("/etc/resolv.conf", try InventorySample.text("resolv.conf.txt"))
        try machine.write("/proc/net/route", try InventorySample.text("route.txt"))
        // Disks: an NVMe drive, a SATA disk known to udev, a loop device (not hardware).
        try machine.write("/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/model", "SAMSUNG MZVLB512HAJQ-000L7\n")
        try machine.write("/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/serial", "S4ENNX0N123456\n")
        try machine.write("/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/firmware_rev", "4L2QEXA7\n")
        try machine.write("/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/size", "1000215216\n")
        try machine.write("/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/queue/rotational", "0\n")
        try machine.write("/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/dev", "259:0\n")
        try machine.link(
            "/sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/device", to: "../../nvme0")
        try machine.link("/sys/block/nvme0n1", to: "../devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1")
        try machine.write("/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/size", "1953525168\n")
        try machine.write(
            "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/queue/rotational", "1\n")
        try machine.write("/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/dev", "8:0\n")
        try machine.write("/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/vendor", "ATA     \n")
        try machine.write("/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/type", "0\n")
        try machine.link(
            "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/device", to: "../../../0:0:0:0")
        try machine.link("/sys/block/sda", to: "../devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda")
        try machine.write("/run/udev/data/b8:0", try InventorySample.text("udev-b8-0.txt"))
        try machine.write("/sys/devices/virtual/block/loop0/size", "0\n")
        try machine.link("/sys/block/loop0", to: "../devices/virtual/block/loop0")
        // Volumes.
        try machine.write("/proc/self/mountinfo", try InventorySample.text("mountinfo-desktop.txt"))
        try machine.write("/dev/nvme0n1p2", "")
        try machine.link("/dev/disk/by-uuid/0b1e7f1c-aaaa-bbbb-cccc-0123456789ab", to: "../../nvme0n1p2")
        try machine.link("/dev/disk/by-label/System\\x20Disk", to: "../../nvme0n1p2")
        // Network: a wired card on PCI, a wireless one, the loopback.
        let wired = "/sys/devices/pci0000:00/0000:00:1f.6"
        for (file, value) in ["vendor": "0x8086", "device": "0x15d7", "subsystem_vendor": "0x17aa", "subsystem_device": "0x224f"] {
            try machine.write(wired + "/" + file, value + "\n")
        }
        try machine.directory("/sys/bus/pci/drivers/e1000e")
        try machine.link(wired + "/driver", to: "../../../bus/pci/drivers/e1000e")
        let eth = wired + "/net/enp0s31f6"
        for (file, value) in ["address": "54:E1:AD:12:34:56", "mtu": "1500", "operstate": "up", "speed": "1000", "type": "1"] {
            try machine.write(eth + "/" + file, value + "\n")
        }
        try machine.link(eth + "/device", to: "../../../0000:00:1f.6")
        try machine.link("/sys/class/net/enp0s31f6", to: "../../devices/pci0000:00/0000:00:1f.6/net/enp0s31f6")
        let wlan = "/sys/devices/pci0000:00/0000:00:14.3/net/wlan0"
        for (file, value) in ["address": "a4:34:d9:aa:bb:cc", "mtu": "1500", "operstate": "dormant", "type": "1"] {
            try machine.write(wlan + "/" + file, value + "\n")
        }
        try machine.directory(wlan + "/wireless")
        try machine.link(wlan + "/device", to: "../../../0000:00:14.3")
        try machine.link("/sys/class/net/wlan0", to: "../../devices/pci0000:00/0000:00:14.3/net/wlan0")
        for (file, value) in ["address": "00:00:00:00:00:00", "mtu": "65536", "operstate": "unknown", "type": "772"] {
            try machine.write("/sys/devices/virtual/net/lo/" + file, value + "\n")
        }
        try machine.link("/sys/class/net/lo", to: "../../devices/virtual/net/lo")
        // Packages, users, dmidecode.
        try machine.write("/var/lib/dpkg/status", try InventorySample.text("dpkg-status.txt"))
        try machine.write("/var/lib/dpkg/info/adduser.list", "/.\n")
        try machine.touch("/var/lib/dpkg/info/adduser.list", at: 1_700_000_000)
        try machine.write("/var/lib/dpkg/info/binutils-common:amd64.list", "/.\n")
        try machine.touch("/var/lib/dpkg/info/binutils-common:amd64.list", at: 1_710_000_000)
        var utmp = UtmpRecord(type: 2, user: "reboot", line: "~").bytes
        utmp += UtmpRecord(type: 7, user: "alice", line: "tty2", time: 1_795_991_000).bytes
        utmp += UtmpRecord(type: 7, user: "bob", line: "pts/0", host: "10.0.0.5", time: 1_795_999_000).bytes
        utmp += UtmpRecord(type: 7, user: "alice", line: "pts/1", time: 1_795_992_000).bytes
        try machine.write("/var/run/utmp", Data(utmp))
        try machine.write("/usr/sbin/dmidecode", "#!/bin/sh\n", mode: 0o755)
        return machine
    }

    static let laptopAddresses: [InventoryEnvironment.InterfaceAddress] = [
        .init(interface: "lo", address: "127.0.0.1", mask: "255.0.0.0", isIPv6: false),
        .init(interface: "enp0s31f6", address: "10.0.2.15", mask: "255.255.255.0", isIPv6: false),
        .init(interface: "enp0s31f6:1", address: "10.0.2.16", mask: "255.255.255.0", isIPv6: false),
        .init(interface: "enp0s31f6", address: "FE80::56E1:ADFF:FE12:3456", mask: "ffff:ffff:ffff:ffff::", isIPv6: true),
    ]

    static func laptopEnvironment(_ machine: FakeMachine, isRoot: Bool = true, denied: Set<String> = [])
        throws -> InventoryEnvironment
    {
        machine.environment(
            isRoot: isRoot, denied: denied, addresses: laptopAddresses,
            usage: ["/": .init(totalBytes: 500 << 30, freeBytes: 120 << 30), "/mnt/nas": .init(totalBytes: 8 << 40, freeBytes: 1 << 40)],
            commands: [
                "/usr/sbin/dmidecode": .init(
                    status: 0, output: try InventorySample.bytes("dmidecode-t17.txt"), errorOutput: [])
            ])
    }

    @Test("a laptop as root: every section, full inventory, nothing to note")
    func laptopAsRoot() throws {
        let machine = try Self.laptop()
        let environment = try Self.laptopEnvironment(machine)
        let result = LocalInventory.forThisMachine(environment).collect(deviceID: "pc-compta-01-2026-12-01-10-00-00")
        let report = result.report
        #expect(result.notes.isEmpty, "\(result.notes)")
        #expect(!report.isPartial)
        #expect(report.agent.versionClient == "Parc-Agent_v" + AgentIdentity.version)
        #expect(report.agent.kind == .parcAgent)
        #expect(report.inventoriedAt?.description == "2026-11-30 01:53:20", "the machine's wall clock, Paris in winter")

        let bios = try #require(report.bios)
        #expect(bios.systemManufacturer == "LENOVO")
        #expect(bios.systemModel == "ThinkPad X1 Carbon 5th", "Lenovo's model is in product_version")
        #expect(bios.skuNumber == "20HRCTO1WW")
        #expect(bios.systemSerial == "PF0XXXXX")
        #expect(bios.date?.description == "2021-06-02")
        #expect(bios.version == "N1MET66W (1.51 )")
        let hardware = try #require(report.hardware)
        #expect(hardware.uuid == "4C4C4544-0042-3510-8052-B4C04F4A3732")
        #expect(hardware.chassisType == "Notebook")
        #expect(hardware.vmSystem == "Physical")
        #expect(report.identity.chassis == .laptop)
        #expect(hardware.name == "pc-compta-01")
        #expect(hardware.memoryBytes == 24_684_084 * 1024)
        #expect(hardware.defaultGateway == "10.0.2.1")
        #expect(hardware.dns == "10.0.0.53/fd00::53")
        #expect(hardware.lastLoggedUser == "bob")

        let os = try #require(report.operatingSystem)
        #expect(os.name == "Debian GNU/Linux")
        #expect(os.version == "12.8")
        #expect(os.fullName == "Debian GNU/Linux 12 (bookworm)")
        #expect(os.kernelName == "linux")
        #expect(os.kernelVersion == "6.1.0-28-amd64")
        #expect(os.architecture == "x86_64")
        #expect(os.fqdn == "pc-compta-01.ad.example.org")
        #expect(os.dnsDomain == "ad.example.org")
        #expect(os.bootTime?.description == "2026-11-29 23:06:40")
        #expect(os.timezoneName == "Europe/Paris")
        #expect(os.timezoneOffset == "+0100")
        #expect(report.uptimeSeconds == 10_000)

        #expect(report.cpus.count == 2)
        #expect(report.cpus.allSatisfy { $0.architecture == "x86_64" && $0.cores == 2 && $0.threads == 4 })
        #expect(report.memoryModules.count == 4)
        #expect(report.memoryModules.compactMap(\.capacityBytes).reduce(0, +) == 24 << 30)

        #expect(report.storageDrives.map(\.name) == ["nvme0n1", "sda"], "the loop device is not hardware")
        let nvme = report.storageDrives[0]
        #expect(nvme.model == "SAMSUNG MZVLB512HAJQ-000L7")
        #expect(nvme.serial == "S4ENNX0N123456")
        #expect(nvme.firmware == "4L2QEXA7")
        #expect(nvme.sizeBytes == 1_000_215_216 * 512)
        #expect(nvme.type == "SSD")
        #expect(nvme.interface == "NVMe")
        let sata = report.storageDrives[1]
        #expect(sata.serial == "S3Z1NB0K123456X", "from udev's record")
        #expect(sata.model == "Samsung SSD 860 EVO 500GB")
        #expect(sata.wwn == "0x5002538e40a1b2c3")
        #expect(sata.manufacturer == nil, "ATA is the bus, not the maker")
        #expect(sata.type == "HDD")
        #expect(sata.interface == "SATA")

        let mountPoints = report.volumes.compactMap(\.mountPoint)
        #expect(mountPoints == ["/", "/home", "/boot/efi", "/media/alice/My Backup Disk", "/mnt/nas", "/tmp/with\ttab\\and\nnewline"])
        let root = try #require(report.volumes.first)
        #expect(root.fileSystem == "btrfs")
        #expect(root.volume == "/dev/nvme0n1p2")
        #expect(root.serial == "0b1e7f1c-aaaa-bbbb-cccc-0123456789ab")
        #expect(root.label == "System Disk")
        #expect(root.totalBytes == 500 << 30 && root.freeBytes == 120 << 30)

        #expect(report.networkInterfaces.map(\.name) == ["enp0s31f6", "lo", "wlan0"])
        let wired = report.networkInterfaces[0]
        #expect(wired.macAddress?.description == "54:e1:ad:12:34:56")
        #expect(wired.isVirtual == false)
        #expect(wired.type == "ethernet")
        #expect(wired.status == "up")
        #expect(wired.speedMbps == 1000)
        #expect(wired.mtu == 1500)
        #expect(wired.driver == "e1000e")
        #expect(wired.pciSlot == "0000:00:1f.6")
        #expect(wired.pciID == "8086:15D7:17AA:224F")
        #expect(wired.ipv4.map(\.address) == ["10.0.2.15", "10.0.2.16"], "the alias eth0:1 belongs to eth0")
        #expect(wired.ipv4.first?.subnet == "10.0.2.0")
        #expect(wired.ipv6.first?.address == "fe80::56e1:adff:fe12:3456")
        #expect(wired.gateway == nil, "the sample's routes leave by eth0 and wlan0")
        let loopback = report.networkInterfaces[1]
        #expect(loopback.type == "loopback" && loopback.isVirtual == true && loopback.macAddress == nil)
        #expect(report.networkInterfaces[2].type == "wifi")
        #expect(report.networkInterfaces[2].status == "dormant")
        #expect(report.networkInterfaces[2].gateway == "192.168.1.1")

        #expect(report.software.map(\.name) == ["adduser", "apt", "binutils-common", "heldback", "lowercase-fields"])
        let adduser = report.software[0]
        #expect(adduser.publisher == "Debian")
        #expect(adduser.source == "deb")
        #expect(adduser.sizeBytes == 686 * 1024)
        #expect(adduser.category == "admin")
        #expect(adduser.installDate?.description == "2023-11-14")
        #expect(report.software[2].installDate?.description == "2024-03-09", "Multi-Arch: same list name")
        #expect(report.software[1].installDate == nil, "no file list")

        #expect(report.users.map(\.login) == ["alice", "bob"])
    }
}
