/// A kind of evidence that an inventory describes a device Parc already knows. The raw values are stable (settings,
/// API).
public enum InventoryMatchCriterion: String, CaseIterable, Hashable, Sendable, Codable {
    /// The hardware UUID, normalised by ``SystemUUID``; junk UUIDs give no key.
    case uuid = "uuid"
    /// The system serial number, normalised by ``SerialNumber``; junk serials ("To be filled by O.E.M.", "0",
    /// all zeros…) give no key.
    case serial = "serial"
    /// The MAC address of a physical interface (``InventoryReport/NetworkInterface/isPhysical``), unicast,
    /// burnt-in addresses before locally-administered ones; for a network device, its base MAC first.
    case macAddress = "mac"
    /// The device's name, lower-cased; meaningful only within one entity, which the caller scopes.
    case name = "name"

    /// UUID, serial, MAC of a physical interface, name: the order of issue 3 and of GLPI's default rules.
    public static let defaultOrder: [InventoryMatchCriterion] = [.uuid, .serial, .macAddress, .name]
}

/// One identity candidate of an inventory: look for a known device with this value.
public struct InventoryMatchKey: Hashable, Sendable, CustomStringConvertible {
    /// What the value is.
    public let criterion: InventoryMatchCriterion
    /// The normalised value: upper-case UUID or serial, `aa:bb:…` MAC, lower-case name.
    public let value: String

    /// A key.
    public init(criterion: InventoryMatchCriterion, value: String) {
        self.criterion = criterion
        self.value = value
    }

    /// `criterion:value`.
    public var description: String { criterion.rawValue + ":" + value }
}

extension InventoryReport {
    /// Names that many machines share and that identify none.
    static let genericNames: Set<String> = [
        "localhost", "localhost.localdomain", "localhost6", "localhost6.localdomain6", "unknown", "(none)", "none",
        "default", "user-pc", "android", "ubuntu", "debian", "raspberrypi", "minwinpc", "desktop", "laptop", "pc",
    ]

    /// The identity candidates of the report, criterion by criterion in `order`, each criterion's keys in
    /// decreasing strength, no key twice. A criterion listed twice counts once; one left out gives no keys.
    ///
    /// The import tries them in turn and takes the first known device that answers: a UUID or serial is strong
    /// evidence, a MAC is good evidence as long as the interface is physical (virtual bridges and container
    /// interfaces reuse MACs across machines), a name is weak and only holds within one entity. A virtual machine
    /// may report no serial and no UUID at all: it is then matched by MAC, then by name.
    public func matchKeys(order: [InventoryMatchCriterion] = InventoryMatchCriterion.defaultOrder)
        -> [InventoryMatchKey]
    {
        var keys: [InventoryMatchKey] = []
        var seen = Set<InventoryMatchKey>()
        var done = Set<InventoryMatchCriterion>()
        func add(_ criterion: InventoryMatchCriterion, _ value: String) {
            let key = InventoryMatchKey(criterion: criterion, value: value)
            if seen.insert(key).inserted { keys.append(key) }
        }
        let identity = identity
        for criterion in order where done.insert(criterion).inserted {
            switch criterion {
            case .uuid:
                if let raw = identity.uuid, let uuid = SystemUUID(raw) { add(.uuid, uuid.value) }
            case .serial:
                if let raw = identity.serial, let serial = SerialNumber(raw) { add(.serial, serial.value) }
            case .macAddress:
                for mac in physicalMACAddresses() { add(.macAddress, mac.description) }
            case .name:
                if let name = identity.name?.lowercased(), !name.isEmpty, !Self.genericNames.contains(name) {
                    add(.name, name)
                }
            }
        }
        return keys
    }

    /// Unicast MACs of physical interfaces (a network device's base MAC first), burnt-in before
    /// locally-administered, otherwise in the order reported.
    func physicalMACAddresses() -> [MACAddress] {
        var candidates: [MACAddress] = []
        if let mac = networkDevice?.macAddress { candidates.append(mac) }
        for interface in networkInterfaces where interface.isPhysical && interface.isManagement != true {
            if let mac = interface.macAddress { candidates.append(mac) }
        }
        let usable = candidates.filter(\.isUnicast)
        return usable.filter { !$0.isLocallyAdministered } + usable.filter(\.isLocallyAdministered)
    }
}
