// The sections of an SNMP inventory of a network device or printer, and of a phone's SIM cards.

extension InventoryReport {
    /// What SNMP says about a network device or printer (GLPI `network_device`, XML `DEVICE/INFO`).
    public struct NetworkDevice: Hashable, Sendable, Codable {
        /// Name (`name`, sysName).
        public var name: String?
        /// Kind as the GLPI schema writes it: `Networking`, `Printer`, `Storage`, `Power`, `Phone`, `Video`, `KVM`,
        /// `Computer`, `Unmanaged`.
        public var type: String?
        /// System description (`description`; XML `COMMENTS`, sysDescr).
        public var description: String?
        /// Maker (`manufacturer`).
        public var manufacturer: String?
        /// Model (`model`).
        public var model: String?
        /// Serial (`serial`).
        public var serial: String?
        /// Firmware version (`firmware`).
        public var firmware: String?
        /// Base MAC address (`mac`).
        public var macAddress: MACAddress?
        /// Management addresses (`ips`; XML `IPS/IP`), each once.
        public var ipAddresses: [String]
        /// sysLocation (`location`).
        public var location: String?
        /// sysContact (`contact`).
        public var contact: String?
        /// Uptime as SNMP formats it (`uptime`): "482 days, 05:42:18.50". See ``uptimeSeconds``.
        public var uptime: String?
        /// CPU load in percent (`cpu`).
        public var cpuPercent: Int?
        /// Total memory in bytes (`ram`, MiB on the wire).
        public var ramBytes: Int?
        /// Free memory in bytes (`memory`, MiB on the wire).
        public var memoryBytes: Int?
        /// Asset tag (`assettag`).
        public var assetTag: String?

        /// Nothing known.
        public init() {
            ipAddresses = []
        }

        /// ``uptime`` in seconds: "482 days, 05:42:18.50", "(12078) 0:02:00.78" (timeticks first: hundredths of a
        /// second), "5:42:18.50".
        public var uptimeSeconds: Int? {
            guard let uptime else { return nil }
            if uptime.hasPrefix("("), let close = uptime.firstIndex(of: ")"),
                let ticks = Int(uptime[uptime.index(after: uptime.startIndex)..<close])
            {
                return ticks / 100
            }
            var days = 0
            var clock = Substring(uptime)
            if let comma = uptime.firstIndex(of: ",") {
                let dayPart = uptime[..<comma].split(separator: " ")
                guard let count = dayPart.first.flatMap({ Int($0) }) else { return nil }
                days = count
                clock = uptime[uptime.index(after: comma)...]
            }
            let parts = clock.split(separator: ":").map { $0.trimmingPrefix(" ") }
            guard parts.count == 3, let hours = Int(parts[0]), let minutes = Int(parts[1]),
                let seconds = Double(parts[2])
            else { return nil }
            return days * 86_400 + hours * 3_600 + minutes * 60 + Int(seconds)
        }
    }

    /// A port of a network device or printer (GLPI `network_ports`, XML `DEVICE/PORTS/PORT`).
    public struct NetworkPort: Hashable, Sendable, Codable {
        /// ifIndex (`ifnumber`).
        public var number: Int?
        /// ifName (`ifname`).
        public var name: String?
        /// ifDescr (`ifdescr`).
        public var description: String?
        /// ifAlias (`ifalias`).
        public var alias: String?
        /// Hardware address (`mac`).
        public var macAddress: MACAddress?
        /// ifType, IANA number (`iftype`): 6 ethernetCsmacd, 24 softwareLoopback, 53 propVirtual…
        public var ifType: Int?
        /// Speed in bit/s (`ifspeed`).
        public var speedBitsPerSecond: Int?
        /// MTU (`ifmtu`).
        public var mtu: Int?
        /// ifOperStatus, 1–7 (`ifstatus`): 1 up, 2 down, 5 dormant…
        public var operationalStatus: Int?
        /// ifAdminStatus, 1–3 (`ifinternalstatus`).
        public var adminStatus: Int?
        /// Duplex, 1–3 (`ifportduplex`): 1 unknown, 2 half, 3 full.
        public var duplex: Int?
        /// ifLastChange as SNMP formats it (`iflastchange`).
        public var lastChange: String?
        /// Octets received (`ifinbytes`; XML `IFINOCTETS`).
        public var inBytes: Int?
        /// Octets sent (`ifoutbytes`; XML `IFOUTOCTETS`).
        public var outBytes: Int?
        /// Input errors (`ifinerrors`).
        public var inErrors: Int?
        /// Output errors (`ifouterrors`).
        public var outErrors: Int?
        /// Addresses on the port (`ips`; XML `IP` and `IPS/IP`), each once.
        public var ipAddresses: [String]
        /// VLANs on the port.
        public var vlans: [VLAN]
        /// Neighbours seen through CDP or LLDP, or MAC addresses learnt on the port.
        public var connections: [PortConnection]
        /// Whether the port is a trunk (`trunk`).
        public var isTrunk: Bool?
        /// Whether the neighbours come from LLDP or CDP (`lldp`; XML `CONNECTIONS/CDP` or `LLDP`).
        public var linkDiscovery: Bool?

        /// Nothing known.
        public init() {
            ipAddresses = []
            vlans = []
            connections = []
        }

        /// `number|name`, the port's identity on its device across inventories.
        public var stableKey: String { (number.map(String.init) ?? "") + "|" + (name ?? description ?? "") }
    }

    /// A VLAN on a port.
    public struct VLAN: Hashable, Sendable, Codable {
        /// VLAN id.
        public var number: Int?
        /// Name.
        public var name: String?

        /// A VLAN.
        public init(number: Int? = nil, name: String? = nil) {
            self.number = number
            self.name = name
        }
    }

    /// A neighbour of a port: a CDP/LLDP device, or a MAC address learnt on the port.
    public struct PortConnection: Hashable, Sendable, Codable {
        /// Neighbour's sysName (`sysname`).
        public var sysName: String?
        /// Neighbour's sysDescr (`sysdescr`).
        public var sysDescription: String?
        /// Neighbour's port (`ifdescr`).
        public var ifDescription: String?
        /// Neighbour's address (`ip`).
        public var ip: String?
        /// Neighbour's or learnt MAC (`mac`).
        public var macAddress: MACAddress?
        /// Neighbour's model (`model`).
        public var model: String?

        /// Nothing known.
        public init() {}
    }

    /// A physical part of a network device (GLPI `network_components`, XML `DEVICE/COMPONENTS/COMPONENT`).
    public struct NetworkComponent: Hashable, Sendable, Codable {
        /// entPhysicalIndex (`index`).
        public var index: Int?
        /// Index of the part that contains this one (`contained_index`; XML `CONTAINEDININDEX`).
        public var containedIndex: Int?
        /// Name (`name`).
        public var name: String?
        /// Description (`description`).
        public var description: String?
        /// Kind (`type`): "chassis", "module", "port", "powerSupply", "fan", "stack".
        public var type: String?
        /// Maker (`manufacturer`).
        public var manufacturer: String?
        /// Model (`model`).
        public var model: String?
        /// Serial (`serial`).
        public var serial: String?
        /// Firmware (`firmware`).
        public var firmware: String?
        /// Field-replaceable unit flag as SNMP gives it (`fru`).
        public var fru: Int?
        /// Hardware address (`mac`).
        public var macAddress: MACAddress?
        /// Address (`ip`).
        public var ip: String?

        /// Nothing known.
        public init() {}

        /// entPhysicalIndex, else `serial|name`.
        public var stableKey: String { index.map { "#\($0)" } ?? ((serial ?? "") + "|" + (name ?? "")) }
    }

    /// A firmware (GLPI `firmwares`, XML `DEVICE/FIRMWARES`).
    public struct Firmware: Hashable, Sendable, Codable {
        /// Name (`name`).
        public var name: String?
        /// Description (`description`).
        public var description: String?
        /// Kind (`type`): "device", "system", "baseband".
        public var type: String?
        /// Version (`version`).
        public var version: String?
        /// Release day (`date`).
        public var date: InventoryDate?
        /// Maker (`manufacturer`).
        public var manufacturer: String?

        /// Nothing known.
        public init() {}

        /// `type|name`.
        public var stableKey: String { (type ?? "") + "|" + (name ?? "") }
    }

    /// A SIM card (GLPI `simcards`, XML `DEVICE/SIMCARDS`).
    public struct SIMCard: Hashable, Sendable, Codable {
        /// Serial (`serial`).
        public var serial: String?
        /// ICCID (`iccid`).
        public var iccid: String?
        /// Phone number (`phone_number`).
        public var phoneNumber: String?
        /// State (`state`).
        public var state: String?
        /// Country (`country`).
        public var country: String?
        /// Operator code (`operator_code`).
        public var operatorCode: String?
        /// Operator name (`operator_name`).
        public var operatorName: String?
        /// IMSI (`subscriber_id`).
        public var subscriberID: String?

        /// Nothing known.
        public init() {}

        /// The ICCID, else the serial.
        public var stableKey: String { iccid ?? serial ?? "" }
    }

    /// A cartridge, toner or drum level of a printer (GLPI `cartridges`, XML `DEVICE/CARTRIDGES`).
    public struct Cartridge: Hashable, Sendable, Codable {
        /// What it is, lower-case: "tonerblack", "drumblack", "wastetoner".
        public var name: String
        /// Level as reported: a percentage ("71"), "OK", "0g".
        public var value: String

        /// A cartridge level.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// The name.
        public var stableKey: String { name }
    }

    /// Page counter names the GLPI schema knows, in its order.
    public static let pageCounterNames = [
        "total", "black", "color", "rectoverso", "scanned", "printtotal", "printblack", "printcolor", "copytotal",
        "copyblack", "copyblack_a3", "copycolor", "copycolor_a3", "faxtotal", "duplex",
    ]
}
