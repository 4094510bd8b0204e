import ParcCore

/// Network interfaces from `/sys/class/net`: MAC, MTU, link state and speed, kind, driver and PCI slot; an
/// interface is virtual when it has no `device` link (it is not backed by hardware: bridges, tunnels, veth,
/// loopback). Addresses come from `getifaddrs` (IPv4 aliases labelled `eth0:1` belong to `eth0`), gateways from
/// `/proc/net/route`, and the name servers (`hardware.dns`) from `/etc/resolv.conf`.
struct NetworkCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "network" }
    var sections: Set<InventorySection> { [.networkInterfaces] }

    static let statuses: Set<String> = ["up", "down", "dormant", "notpresent", "lowerlayerdown", "unknown", "testing"]

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        let routes = environment.files.bytes("/proc/net/route", limit: 16 << 20)
            .map { RouteTableParser.defaultRoutes(String(decoding: $0, as: UTF8.self)) } ?? []
        let servers = environment.files.bytes("/etc/resolv.conf")
            .map { ResolvConfParser.nameServers(String(decoding: $0, as: UTF8.self)) } ?? []
        report.updateHardware {
            $0.defaultGateway = routes.first?.gateway
            $0.dns = servers.isEmpty ? nil : servers.joined(separator: "/")
        }
        guard let names = environment.files.list("/sys/class/net") else {
            notes.append(
                .init(collector: name, reason: .unavailable, message: "could not list /sys/class/net: interfaces unknown"))
            return
        }
        let addresses = environment.interfaceAddresses()
        report.networkInterfaces = names.map { interfaceName in
            var interface = self.interface(interfaceName)
            for entry in addresses where entry.interface == interfaceName || entry.interface.hasPrefix(interfaceName + ":") {
                add(entry, to: &interface)
            }
            interface.gateway = routes.first { $0.interface == interfaceName }?.gateway
            return interface
        }
        report.sections.insert(.networkInterfaces)
    }

    func interface(_ interfaceName: String) -> InventoryReport.NetworkInterface {
        let files = environment.files
        let base = "/sys/class/net/" + interfaceName
        var interface = InventoryReport.NetworkInterface(name: interfaceName)
        interface.macAddress = files.value(base + "/address").flatMap(MACAddress.init).flatMap { $0.isZero ? nil : $0 }
        interface.mtu = InventoryText.integer(files.value(base + "/mtu"))
        interface.status = files.value(base + "/operstate").map { $0.lowercased() }.flatMap {
            Self.statuses.contains($0) ? $0 : nil
        }
        // Reading `speed` fails (EINVAL) while the link is down, and says -1 when the driver does not know.
        interface.speedMbps = InventoryText.integer(files.value(base + "/speed")).flatMap { $0 > 0 ? $0 : nil }
        interface.type = type(base)
        let hasDevice = files.exists(base + "/device")
        interface.isVirtual = !hasDevice
        if hasDevice {
            interface.driver = files.linkTarget(base + "/device/driver").flatMap { $0.split(separator: "/").last }
                .map(String.init)
            if let pciDirectory = files.resolvedPath(base + "/device").flatMap(Self.pciDirectory) {
                interface.pciSlot = pciDirectory.split(separator: "/").last.map(String.init)
                interface.pciID = pciID(pciDirectory)
            }
        }
        return interface
    }

    /// The GLPI word for the interface's kind, from its ARP hardware type and the directories sysfs adds for
    /// wireless, bridge and bond interfaces.
    func type(_ base: String) -> String? {
        let files = environment.files
        switch InventoryText.integer(files.value(base + "/type")) {
        case 772: return "loopback"
        case 32: return "infiniband"
        case 512: return "dialup"
        case 801, 802, 803: return "wifi"
        case 1:
            if files.exists(base + "/wireless") || files.exists(base + "/phy80211") { return "wifi" }
            if files.exists(base + "/bridge") { return "bridge" }
            if files.exists(base + "/bonding") { return "aggregate" }
            return "ethernet"
        default: return nil
        }
    }

    /// `vendor:device:subsystem vendor:subsystem device` as FusionInventory writes it (`8086:100E:001E:8086`).
    func pciID(_ directory: String) -> String? {
        let parts = ["vendor", "device", "subsystem_vendor", "subsystem_device"].map { file in
            environment.files.value(directory + "/" + file).map { value in
                (value.hasPrefix("0x") ? String(value.dropFirst(2)) : value).uppercased()
            }
        }
        guard let vendor = parts[0], let device = parts[1] else { return nil }
        let all = [vendor, device] + (parts[2] != nil && parts[3] != nil ? [parts[2]!, parts[3]!] : [])
        return all.joined(separator: ":")
    }

    /// The deepest PCI device directory on a device's sysfs path (`…/0000:00:03.0/virtio2` → `…/0000:00:03.0`).
    static func pciDirectory(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        guard let index = parts.lastIndex(where: isPCIAddress) else { return nil }
        return "/" + parts[...index].joined(separator: "/")
    }

    /// `0000:00:1f.6`.
    static func isPCIAddress(_ part: Substring) -> Bool {
        let bytes = Array(part.utf8)
        guard bytes.count == 12, bytes[4] == UInt8(ascii: ":"), bytes[7] == UInt8(ascii: ":"),
            bytes[10] == UInt8(ascii: ".")
        else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            [4, 7, 10].contains(index) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
        }
    }

    func add(_ entry: InventoryEnvironment.InterfaceAddress, to interface: inout InventoryReport.NetworkInterface) {
        let subnet = entry.mask.flatMap { IPNetwork.subnet(address: entry.address, mask: $0, ipv6: entry.isIPv6) }
        if entry.isIPv6 {
            let address = InventoryReport.IPv6Address(address: entry.address.lowercased(), mask: entry.mask, subnet: subnet)
            if !interface.ipv6.contains(address) { interface.ipv6.append(address) }
        } else {
            let address = InventoryReport.IPv4Address(address: entry.address, mask: entry.mask, subnet: subnet)
            if !interface.ipv4.contains(address) { interface.ipv4.append(address) }
        }
    }
}
