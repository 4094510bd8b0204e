import Foundation
import ParcCore

/// The two inventory formats, and which one a body is.
public enum InventoryFormat: String, CaseIterable, Hashable, Sendable {
    /// GLPI-native JSON (``GLPIInventoryJSON``).
    case glpiJSON = "json"
    /// FusionInventory/OCS XML (``InventoryXML``).
    case xml = "xml"

    /// The format of a decompressed body from its first significant byte (`{` JSON, `<` XML, a UTF-8 byte-order
    /// mark skipped); nil for anything else. GLPI serves both at the same URLs and tells them apart this way too.
    public static func detect(_ data: Data) -> InventoryFormat? {
        data.withUnsafeBytes { bytes in
            var index = 0
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            while index < bytes.count, InventoryValues.isBlank(bytes[index]) { index += 1 }
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return .glpiJSON
            case UInt8(ascii: "<"): return .xml
            default: return nil
            }
        }
    }

    /// The first bytes of a body, printable, for error messages.
    static func preview(_ bytes: UnsafeRawBufferPointer, from start: Int) -> String {
        let end = min(bytes.count, start + 16)
        var text = ""
        for byte in bytes[start..<end] {
            if byte >= 0x20 && byte < 0x7F {
                text.append(Character(Unicode.Scalar(byte)))
            } else {
                text += "\\x" + String(byte, radix: 16, uppercase: true)
            }
        }
        return "\"" + text + (end < bytes.count ? "…" : "") + "\""
    }

    // MARK: Mapping rules shared by both readers

    /// JSON `action` or XML `QUERY` → action.
    static func action(_ text: String?) -> InventoryAction {
        switch InventoryValues.trimmed(text)?.lowercased() {
        case "netinventory", "snmpquery", "snmp": .networkInventory
        case "netdiscovery": .networkDiscovery
        default: .inventory
        }
    }

    /// The device type: the SNMP device type when there is one, else the JSON `itemtype`, else a computer.
    static func deviceType(networkDeviceType: String?, itemType: String?) -> InventoryDeviceType {
        switch networkDeviceType {
        case "Networking": return .networkEquipment
        case "Printer": return .printer
        case "Storage": return .storage
        case "Power": return .power
        case "Phone": return .phone
        case "Video": return .video
        case "KVM": return .kvm
        case "Computer": return .computer
        case "Unmanaged": return .unmanaged
        default: break
        }
        switch InventoryValues.trimmed(itemType)?.lowercased() {
        case "phone": return .phone
        case "networkequipment": return .networkEquipment
        case "printer": return .printer
        case "unmanaged": return .unmanaged
        default: return .computer
        }
    }

    /// The schema's `network_device.type` for a device type.
    static func networkDeviceType(for type: InventoryDeviceType) -> String {
        switch type {
        case .computer: "Computer"
        case .networkEquipment: "Networking"
        case .printer: "Printer"
        case .phone: "Phone"
        case .storage: "Storage"
        case .power: "Power"
        case .video: "Video"
        case .kvm: "KVM"
        case .unmanaged: "Unmanaged"
        }
    }

    /// The schema's `itemtype` for a device type.
    static func itemType(for type: InventoryDeviceType) -> String {
        switch type {
        case .computer: "Computer"
        case .phone: "Phone"
        case .printer: "Printer"
        case .unmanaged: "Unmanaged"
        case .networkEquipment, .storage, .power, .video, .kvm: "NetworkEquipment"
        }
    }

    /// Page counters the schema knows, non-negative.
    static func pageCounters(_ counters: [String: Int]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (name, value) in counters {
            let key = name.lowercased()
            if value >= 0, InventoryReport.pageCounterNames.contains(key) { result[key] = value }
        }
        return result
    }

    /// MACs from a `/`, `,` or space separated list, each once.
    static func macList(_ text: String?) -> [MACAddress] {
        guard let text = InventoryValues.trimmed(text) else { return [] }
        var macs: [MACAddress] = []
        for part in text.split(whereSeparator: { $0 == "/" || $0 == "," || $0 == " " }) {
            InventoryValues.appendOnce(InventoryValues.mac(String(part)), to: &macs)
        }
        return macs
    }

    /// Valid IPv4 and IPv6 addresses, each once, in order.
    static func addresses(_ texts: [String]) -> [String] {
        var result: [String] = []
        for text in texts {
            InventoryValues.appendOnce(InventoryValues.ipv4(text) ?? InventoryValues.ipv6(text), to: &result)
        }
        return result
    }

    /// `value` when within `range`, else nil.
    static func inRange(_ value: Int?, _ range: ClosedRange<Int>) -> Int? {
        guard let value, range.contains(value) else { return nil }
        return value
    }
}

/// Merges the one-entry-per-address lists agents send into one interface per name and MAC.
struct InterfaceMerger {
    struct Entry {
        var name: String
        var mac: MACAddress?
        var type: String?
        var isVirtual: Bool?
        var isManagement: Bool?
        var status: String?
        var speedMbps: Int?
        var mtu: Int?
        var driver: String?
        var pciID: String?
        var pciSlot: String?
        var manufacturer: String?
        var model: String?
        var gateway: String?
        var dhcpServer: String?
        var address: String?
        var mask: String?
        var subnet: String?
        var address6: String?
        var mask6: String?
        var subnet6: String?

        init(name: String, mac: MACAddress?) {
            self.name = name
            self.mac = mac
        }
    }

    private(set) var interfaces: [InventoryReport.NetworkInterface] = []
    private var positions: [String: Int] = [:]

    mutating func add(_ entry: Entry) {
        let key = entry.name + "|" + (entry.mac?.description ?? "")
        let position: Int
        if let known = positions[key] {
            position = known
        } else {
            position = interfaces.count
            positions[key] = position
            var interface = InventoryReport.NetworkInterface(name: entry.name)
            interface.macAddress = entry.mac
            interfaces.append(interface)
        }
        var interface = interfaces[position]
        interface.type = interface.type ?? entry.type
        interface.isVirtual = interface.isVirtual ?? entry.isVirtual
        interface.isManagement = interface.isManagement ?? entry.isManagement
        interface.status = interface.status ?? entry.status
        interface.speedMbps = interface.speedMbps ?? entry.speedMbps
        interface.mtu = interface.mtu ?? entry.mtu
        interface.driver = interface.driver ?? entry.driver
        interface.pciID = interface.pciID ?? entry.pciID
        interface.pciSlot = interface.pciSlot ?? entry.pciSlot
        interface.manufacturer = interface.manufacturer ?? entry.manufacturer
        interface.model = interface.model ?? entry.model
        interface.gateway = interface.gateway ?? entry.gateway
        interface.dhcpServer = interface.dhcpServer ?? entry.dhcpServer
        // OCS writes IPv6 addresses in the IPv4 fields.
        if let v4 = InventoryValues.ipv4(entry.address) {
            let address = InventoryReport.IPv4Address(
                address: v4, mask: InventoryValues.ipv4(entry.mask), subnet: InventoryValues.ipv4(entry.subnet))
            if !interface.ipv4.contains(where: { $0.address == v4 }) { interface.ipv4.append(address) }
        } else if let v6 = InventoryValues.ipv6(entry.address) {
            add6(v6, mask: entry.mask, subnet: entry.subnet, to: &interface)
        }
        if let v6 = InventoryValues.ipv6(entry.address6) {
            add6(v6, mask: entry.mask6, subnet: entry.subnet6, to: &interface)
        }
        interfaces[position] = interface
    }

    private func add6(_ v6: String, mask: String?, subnet: String?, to interface: inout InventoryReport.NetworkInterface) {
        guard !interface.ipv6.contains(where: { $0.address == v6 }) else { return }
        interface.ipv6.append(
            InventoryReport.IPv6Address(
                address: v6, mask: InventoryValues.ipv6(mask), subnet: InventoryValues.ipv6(subnet)))
    }
}
