import Foundation

// The GLPI-native inventory document as inventory.schema.json describes it, for the fields Parc reads and writes.
// Property names are the schema's keys, so the synthesized Codable conformances read and write them as they are;
// types are the schema's types, so a wrong type fails decoding with the field's coding path. Unknown keys are
// ignored (newer agents add fields); the root's unknown sections are listed in InventoryReport.ignoredSections.

// swiftlint:disable identifier_name

struct GLPIDocument: Codable {
    var content: GLPIContent
    var deviceid: String
    var action: String?
    var itemtype: String?
    var partial: Bool?
    var tag: String?
    var jobid: Int?
    /// Keys of `content`, for the sections Parc ignores; not encoded.
    var contentKeys: [String] = []

    enum CodingKeys: String, CodingKey {
        case content, deviceid, action, itemtype, partial, tag, jobid
    }

    init(content: GLPIContent, deviceid: String) {
        self.content = content
        self.deviceid = deviceid
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        content = try container.decode(GLPIContent.self, forKey: .content)
        deviceid = try container.decode(String.self, forKey: .deviceid)
        action = try container.decodeIfPresent(String.self, forKey: .action)
        itemtype = try container.decodeIfPresent(String.self, forKey: .itemtype)
        partial = try container.decodeIfPresent(Bool.self, forKey: .partial)
        tag = try container.decodeIfPresent(String.self, forKey: .tag)
        jobid = try container.decodeIfPresent(Int.self, forKey: .jobid)
        let keys = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .content)
        contentKeys = keys.allKeys.map(\.stringValue)
    }
}

/// An integer as the schema's `integer`: a JSON number with no fraction that fits in 64 bits. Decoding it through
/// this type, rather than `Int`, keeps the coding path in the error when it does not fit (Foundation's decoder reports
/// such numbers as invalid JSON, without a path).
struct JSONInt: Codable, Hashable {
    var value: Int

    init(_ value: Int) {
        self.value = value
    }

    static func from(_ value: Int?) -> JSONInt? { value.map(JSONInt.init) }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let exact = try? container.decode(Int.self) {
            value = exact
            return
        }
        guard let number = try? container.decode(Double.self), number.rounded() == number, abs(number) < 9.2e18 else {
            throw DecodingError.typeMismatch(
                Int.self, .init(codingPath: decoder.codingPath, debugDescription: "not a 64-bit integer"))
        }
        value = Int(number)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension Optional where Wrapped == JSONInt {
    var int: Int? { self?.value }
}

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

struct GLPIContent: Codable {
    var accesslog: GLPIAccessLog?
    var bios: GLPIBIOS?
    var hardware: GLPIHardware?
    var operatingsystem: GLPIOperatingSystem?
    var cpus: [GLPICPU]?
    var memories: [GLPIMemory]?
    var storages: [GLPIStorage]?
    var drives: [GLPIDrive]?
    var networks: [GLPINetwork]?
    var videos: [GLPIVideo]?
    var batteries: [GLPIBattery]?
    var controllers: [GLPIController]?
    var softwares: [GLPISoftware]?
    var users: [GLPIUser]?
    var monitors: [GLPIMonitor]?
    var virtualmachines: [GLPIVirtualMachine]?
    var network_device: GLPINetworkDevice?
    var network_ports: [GLPINetworkPort]?
    var network_components: [GLPINetworkComponent]?
    var firmwares: [GLPIFirmware]?
    var simcards: [GLPISIMCard]?
    var pagecounters: [String: JSONInt]?
    var cartridges: [GLPICartridge]?
    var versionclient: String

    init(versionclient: String) {
        self.versionclient = versionclient
    }

    /// The content keys Parc maps (plus metadata), lower-case.
    static let knownKeys: Set<String> = [
        "accesslog", "bios", "hardware", "operatingsystem", "cpus", "memories", "storages", "drives", "networks",
        "videos", "batteries", "controllers", "softwares", "users", "monitors", "virtualmachines", "network_device",
        "network_ports", "network_components", "firmwares", "simcards", "pagecounters", "cartridges",
        "versionclient", "versionprovider",
    ]
}

struct GLPIAccessLog: Codable {
    var logdate: String
    var userid: String?
}

struct GLPIBIOS: Codable {
    var assettag: String?
    var bdate: String?
    var bmanufacturer: String?
    var bversion: String?
    var mmanufacturer: String?
    var mmodel: String?
    var msn: String?
    var skunumber: String?
    var smanufacturer: String?
    var smodel: String?
    var ssn: String?
    var biosserial: String?
    var enclosureserial: String?
}

struct GLPIHardware: Codable {
    var chassis_type: String?
    var defaultgateway: String?
    var description: String?
    var dns: String?
    var lastloggeduser: String?
    var memory: JSONInt?
    var name: String?
    var swap: JSONInt?
    var uuid: String?
    var vmsystem: String?
    var winprodid: String?
    var workgroup: String?
}

struct GLPITimezone: Codable {
    var name: String
    var offset: String
}

struct GLPIOperatingSystem: Codable {
    var arch: String?
    var boot_time: String?
    var dns_domain: String?
    var fqdn: String?
    var full_name: String?
    var hostid: String?
    var install_date: String?
    var kernel_name: String?
    var kernel_version: String?
    var name: String?
    var service_pack: String?
    var timezone: GLPITimezone?
    var version: String?
}

struct GLPICPU: Codable {
    var arch: String?
    var core: JSONInt?
    var description: String?
    var familyname: String?
    var familynumber: String?
    var id: String?
    var manufacturer: String?
    var model: String?
    var name: String?
    var serial: String?
    var speed: JSONInt?
    var stepping: JSONInt?
    var thread: JSONInt?
}

struct GLPIMemory: Codable {
    var capacity: JSONInt?
    var caption: String?
    var description: String?
    var manufacturer: String?
    var memorycorrection: String?
    var model: String?
    var numslots: JSONInt?
    var removable: Bool?
    var serialnumber: String?
    var speed: String?
    var type: String?
}

struct GLPIStorage: Codable {
    var description: String?
    var disksize: JSONInt?
    var firmware: String?
    var interface: String?
    var manufacturer: String?
    var model: String?
    var name: String?
    var serial: String?
    var type: String?
    var wwn: String?
}

struct GLPIDrive: Codable {
    var description: String?
    var encrypt_status: String?
    var filesystem: String?
    var free: JSONInt?
    var label: String?
    var letter: String?
    var serial: String?
    var systemdrive: Bool?
    var total: JSONInt?
    var type: String?
    var volumn: String?
}

struct GLPINetwork: Codable {
    var description: String
    var driver: String?
    var ipaddress: String?
    var ipaddress6: String?
    var ipdhcp: String?
    var ipgateway: String?
    var ipmask: String?
    var ipmask6: String?
    var ipsubnet: String?
    var ipsubnet6: String?
    var mac: String?
    var management: Bool?
    var manufacturer: String?
    var model: String?
    var mtu: JSONInt?
    var pciid: String?
    var pcislot: String?
    var speed: String?
    var status: String?
    var type: String?
    var virtualdev: Bool?

    init(description: String) {
        self.description = description
    }
}

struct GLPIVideo: Codable {
    var chipset: String?
    var memory: JSONInt?
    var name: String?
    var pcislot: String?
    var resolution: String?
}

struct GLPIBattery: Codable {
    var capacity: JSONInt?
    var chemistry: String?
    var date: String?
    var manufacturer: String?
    var name: String?
    var real_capacity: JSONInt?
    var serial: String?
    var voltage: JSONInt?
}

struct GLPIController: Codable {
    var caption: String?
    var driver: String?
    var manufacturer: String?
    var name: String?
    var pciclass: String?
    var pcislot: String?
    var pcisubsystemid: String?
    var productid: String?
    var rev: String?
    var type: String?
    var vendorid: String?
}

struct GLPISoftware: Codable {
    var arch: String?
    var comments: String?
    var filesize: JSONInt?
    var from: String?
    var guid: String?
    var install_date: String?
    var name: String
    var publisher: String?
    var system_category: String?
    var version: String?

    init(name: String) {
        self.name = name
    }
}

struct GLPIUser: Codable {
    var domain: String?
    var login: String?
}

struct GLPIMonitor: Codable {
    var altserial: String?
    var caption: String?
    var description: String?
    var manufacturer: String?
    var name: String?
    var port: String?
    var serial: String?
}

struct GLPIVirtualMachine: Codable {
    var comment: String?
    var image: String?
    var mac: String?
    var memory: JSONInt?
    var name: String
    var owner: String?
    var serial: String?
    var status: String?
    var subsystem: String?
    var uuid: String?
    var vcpu: JSONInt?
    var vmtype: String?

    init(name: String) {
        self.name = name
    }
}

struct GLPINetworkDevice: Codable {
    var assettag: String?
    var contact: String?
    var cpu: JSONInt?
    var description: String?
    var firmware: String?
    var ips: [String]?
    var location: String?
    var mac: String?
    var manufacturer: String?
    var memory: JSONInt?
    var model: String?
    var name: String?
    var ram: JSONInt?
    var serial: String?
    var type: String
    var uptime: String?

    init(type: String) {
        self.type = type
    }
}

struct GLPINetworkPort: Codable {
    var connections: [GLPIConnection]?
    var ifalias: String?
    var ifdescr: String?
    var ifinbytes: JSONInt?
    var ifinerrors: JSONInt?
    var ifinternalstatus: JSONInt?
    var iflastchange: String?
    var ifmtu: JSONInt?
    var ifname: String?
    var ifnumber: JSONInt?
    var ifoutbytes: JSONInt?
    var ifouterrors: JSONInt?
    var ifportduplex: JSONInt?
    var ifspeed: JSONInt?
    var ifstatus: JSONInt?
    var iftype: JSONInt?
    var ips: [String]?
    var lldp: Bool?
    var mac: String?
    var trunk: Bool?
    var vlans: [GLPIVLAN]?
}

/// A port neighbour. The schema leaves its shape open; agents write `mac` as a string or, for MACs learnt on a
/// port, an array of strings.
struct GLPIConnection: Codable {
    var ifdescr: String?
    var ip: String?
    var mac: [String]?
    var model: String?
    var sysdescr: String?
    var sysname: String?

    enum CodingKeys: String, CodingKey {
        case ifdescr, ip, mac, model, sysdescr, sysname
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ifdescr = try container.decodeIfPresent(String.self, forKey: .ifdescr)
        ip = try container.decodeIfPresent(String.self, forKey: .ip)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        sysdescr = try container.decodeIfPresent(String.self, forKey: .sysdescr)
        sysname = try container.decodeIfPresent(String.self, forKey: .sysname)
        if let one = try? container.decodeIfPresent(String.self, forKey: .mac) {
            mac = [one]
        } else {
            mac = try container.decodeIfPresent([String].self, forKey: .mac)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(ifdescr, forKey: .ifdescr)
        try container.encodeIfPresent(ip, forKey: .ip)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(sysdescr, forKey: .sysdescr)
        try container.encodeIfPresent(sysname, forKey: .sysname)
        if let mac, mac.count == 1 { try container.encode(mac[0], forKey: .mac) }
    }
}

/// A VLAN. The schema leaves its shape open; agents write `number` as a string or an integer.
struct GLPIVLAN: Codable {
    var name: String?
    var number: Int?

    enum CodingKeys: String, CodingKey {
        case name, number
    }

    init(name: String?, number: Int?) {
        self.name = name
        self.number = number
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        if let text = try? container.decodeIfPresent(String.self, forKey: .number) {
            number = Int(text.trimmingCharacters(in: .whitespaces))
        } else {
            number = try container.decodeIfPresent(Int.self, forKey: .number)
        }
    }
}

struct GLPINetworkComponent: Codable {
    var contained_index: JSONInt?
    var description: String?
    var firmware: String?
    var fru: JSONInt?
    var index: JSONInt?
    var ip: String?
    var mac: String?
    var manufacturer: String?
    var model: String?
    var name: String?
    var serial: String?
    var type: String?
}

struct GLPIFirmware: Codable {
    var date: String?
    var description: String?
    var manufacturer: String?
    var name: String?
    var type: String?
    var version: String?
}

struct GLPISIMCard: Codable {
    var country: String?
    var iccid: String?
    var operator_code: String?
    var operator_name: String?
    var phone_number: String?
    var serial: String?
    var state: String?
    var subscriber_id: String?
}

/// A cartridge level. The schema says `{name, value}`; SNMP agents write `{"tonerblack": "71"}`. Both read; Parc
/// writes the schema's form.
struct GLPICartridge: Codable {
    var levels: [(name: String, value: String)]

    init(name: String, value: String) {
        levels = [(name, value)]
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        let name = AnyCodingKey(stringValue: "name")
        let value = AnyCodingKey(stringValue: "value")
        if container.contains(name), container.contains(value) {
            levels = [
                (try container.decode(String.self, forKey: name), try Self.text(container, value))
            ]
        } else {
            levels = try container.allKeys.sorted { $0.stringValue < $1.stringValue }.map {
                ($0.stringValue, try Self.text(container, $0))
            }
        }
    }

    static func text(_ container: KeyedDecodingContainer<AnyCodingKey>, _ key: AnyCodingKey) throws -> String {
        if let number = try? container.decode(Int.self, forKey: key) { return String(number) }
        return try container.decode(String.self, forKey: key)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        if let level = levels.first {
            try container.encode(level.name, forKey: AnyCodingKey(stringValue: "name"))
            try container.encode(level.value, forKey: AnyCodingKey(stringValue: "value"))
        }
    }
}
