import Foundation

/// One inventory of one device, whatever sent it: GLPI's agent (GLPI-native JSON), FusionInventory or OCS agents
/// (XML), network inventories made over SNMP, or Parc's own agent. ParcInventory reads and writes the formats; the
/// server imports this value.
///
/// The report is organised in sections (``InventorySection``), each a property: `bios`, `hardware`,
/// `operatingSystem` hold one value or nil; the others hold lists. A **full** inventory (``isPartial`` false) is
/// the whole truth about the device: a section it does not carry means the device has none. A **partial** one
/// (glpi-agent's `"partial": true`) replaces only the sections it carries, listed in ``presentSections``; the
/// others stay as stored.
///
/// Values are normalised once, here, so the import compares like with like:
/// - strings are trimmed, and an empty string is nil;
/// - sizes are bytes, every one of them (`…Bytes`); speeds and capacities carry their unit in their name
///   (`speedMHz`, `designCapacityMWh`);
/// - MAC addresses are ``MACAddress`` values (`00:e0:4c:68:01:db`);
/// - dates are ``InventoryDate`` or ``InventoryDateTime``; dates that do not exist are dropped;
/// - fields the GLPI schema restricts to a list of words (interface status and type, CPU architecture, virtual
///   machine status) hold only those words, lower-cased as the schema writes them, or nil.
///
/// Every list element has a `stableKey`, the identity the import uses to tell an updated component from a new
/// one (see docs/inventory-formats.md).
public struct InventoryReport: Hashable, Sendable, Codable {
    /// What kind of device this is.
    public var deviceType: InventoryDeviceType
    /// Why the agent sent it: a local inventory, or a network inventory or discovery made for another device.
    public var action: InventoryAction
    /// Whether only ``presentSections`` replace what is stored (glpi-agent's `"partial": true`).
    public var isPartial: Bool
    /// The sections the source carried, including empty ones (`"softwares": []` is "no software", not "unknown").
    /// See ``presentSections``.
    public var sections: Set<InventorySection>
    /// Names of the source's sections that Parc does not model (`envs`, `processes`, `local_users`…), lower-cased,
    /// sorted, each once. Kept for logs; writers do not write them back.
    public var ignoredSections: [String]
    /// The agent that sent the report.
    public var agent: Agent
    /// When the agent made the inventory, by its own clock (`ACCESSLOG/LOGDATE`).
    public var inventoriedAt: InventoryDateTime?

    /// BIOS and system board (DMI): system maker, model and serial, asset tag, firmware.
    public var bios: BIOS?
    /// Host-wide facts: host name, hardware UUID, chassis, virtualisation, memory and swap totals.
    public var hardware: Hardware?
    /// The operating system.
    public var operatingSystem: OperatingSystem?
    /// Processors, one per socket as agents report them.
    public var cpus: [CPU]
    /// Memory modules, including empty slots (their capacity is nil).
    public var memoryModules: [MemoryModule]
    /// Physical disks and other storage devices (GLPI `storages`).
    public var storageDrives: [StorageDrive]
    /// Mounted file systems and drive letters with their size and free space (GLPI `drives`).
    public var volumes: [Volume]
    /// Network interfaces of the device itself, each once with all its addresses.
    public var networkInterfaces: [NetworkInterface]
    /// Graphics adapters (GLPI `videos`).
    public var gpus: [GPU]
    /// Batteries.
    public var batteries: [Battery]
    /// PCI and other controllers.
    public var controllers: [Controller]
    /// Installed software and packages.
    public var software: [Software]
    /// Users logged in when the inventory ran.
    public var users: [User]
    /// Monitors attached to the device.
    public var monitors: [Monitor]
    /// Virtual machines and containers this device hosts.
    public var virtualMachines: [VirtualMachine]
    /// SNMP facts of a network device or printer (GLPI `network_device`, XML `DEVICE/INFO`).
    public var networkDevice: NetworkDevice?
    /// Ports of a network device or printer, as SNMP lists them.
    public var networkPorts: [NetworkPort]
    /// Physical parts of a network device (chassis, modules, power supplies, fans…), as the ENTITY-MIB lists them.
    public var networkComponents: [NetworkComponent]
    /// Firmware versions (device firmware, modules).
    public var firmwares: [Firmware]
    /// SIM cards of a phone or cellular router.
    public var simCards: [SIMCard]
    /// Page counters of a printer, by GLPI name (`total`, `black`, `color`, `rectoverso`, …).
    public var pageCounters: [String: Int]
    /// Cartridge and toner levels of a printer, in the order reported.
    public var cartridges: [Cartridge]

    /// An empty full inventory of a computer.
    public init() {
        deviceType = .computer
        action = .inventory
        isPartial = false
        sections = []
        ignoredSections = []
        agent = Agent()
        inventoriedAt = nil
        bios = nil
        hardware = nil
        operatingSystem = nil
        cpus = []
        memoryModules = []
        storageDrives = []
        volumes = []
        networkInterfaces = []
        gpus = []
        batteries = []
        controllers = []
        software = []
        users = []
        monitors = []
        virtualMachines = []
        networkDevice = nil
        networkPorts = []
        networkComponents = []
        firmwares = []
        simCards = []
        pageCounters = [:]
        cartridges = []
    }

    /// ``sections`` plus every section that holds data, so a report built by hand needs only its data: what a
    /// partial inventory replaces, and what a writer writes.
    public var presentSections: Set<InventorySection> {
        var present = sections
        if bios != nil { present.insert(.bios) }
        if hardware != nil { present.insert(.hardware) }
        if operatingSystem != nil { present.insert(.operatingSystem) }
        if !cpus.isEmpty { present.insert(.cpus) }
        if !memoryModules.isEmpty { present.insert(.memoryModules) }
        if !storageDrives.isEmpty { present.insert(.storageDrives) }
        if !volumes.isEmpty { present.insert(.volumes) }
        if !networkInterfaces.isEmpty { present.insert(.networkInterfaces) }
        if !gpus.isEmpty { present.insert(.gpus) }
        if !batteries.isEmpty { present.insert(.batteries) }
        if !controllers.isEmpty { present.insert(.controllers) }
        if !software.isEmpty { present.insert(.software) }
        if !users.isEmpty { present.insert(.users) }
        if !monitors.isEmpty { present.insert(.monitors) }
        if !virtualMachines.isEmpty { present.insert(.virtualMachines) }
        if networkDevice != nil { present.insert(.networkDevice) }
        if !networkPorts.isEmpty { present.insert(.networkPorts) }
        if !networkComponents.isEmpty { present.insert(.networkComponents) }
        if !firmwares.isEmpty { present.insert(.firmwares) }
        if !simCards.isEmpty { present.insert(.simCards) }
        if !pageCounters.isEmpty { present.insert(.pageCounters) }
        if !cartridges.isEmpty { present.insert(.cartridges) }
        return present
    }

    /// Seconds between ``OperatingSystem/bootTime`` and ``inventoriedAt``, both read on the agent's clock; nil when
    /// either is missing or they contradict each other.
    public var uptimeSeconds: Int? {
        guard let boot = operatingSystem?.bootTime, let now = inventoriedAt else { return nil }
        let seconds = now.secondsSinceEpoch - boot.secondsSinceEpoch
        return seconds >= 0 ? seconds : nil
    }
}

/// What kind of device an inventory describes. The raw values are stable (API, database).
public enum InventoryDeviceType: String, CaseIterable, Hashable, Sendable, Codable {
    /// A desktop, laptop, server or virtual machine (see ``InventoryChassis``).
    case computer = "computer"
    /// A switch, router, firewall, access point… inventoried over SNMP.
    case networkEquipment = "network_equipment"
    /// A printer or multi-function device.
    case printer = "printer"
    /// A phone or tablet.
    case phone = "phone"
    /// A storage array or NAS inventoried over SNMP.
    case storage = "storage"
    /// A UPS or power distribution unit.
    case power = "power"
    /// A video device (camera, video conference system).
    case video = "video"
    /// A KVM switch.
    case kvm = "kvm"
    /// A device seen on the network but not identified (network discovery).
    case unmanaged = "unmanaged"
}

/// Why an agent sent an inventory. The raw values are stable.
public enum InventoryAction: String, CaseIterable, Hashable, Sendable, Codable {
    /// The agent inventoried the machine it runs on (XML `QUERY` `INVENTORY`, JSON `action` `inventory`).
    case inventory = "inventory"
    /// An agent inventoried another device over SNMP (`SNMPQUERY`, `netinventory`).
    case networkInventory = "netinventory"
    /// An agent found a device on the network (`NETDISCOVERY`, `netdiscovery`).
    case networkDiscovery = "netdiscovery"
}

/// A section of an inventory: the unit a partial inventory replaces. The raw values are stable.
public enum InventorySection: String, CaseIterable, Hashable, Comparable, Sendable, Codable {
    case bios = "bios"
    case hardware = "hardware"
    case operatingSystem = "operating_system"
    case cpus = "cpus"
    case memoryModules = "memory_modules"
    case storageDrives = "storage_drives"
    case volumes = "volumes"
    case networkInterfaces = "network_interfaces"
    case gpus = "gpus"
    case batteries = "batteries"
    case controllers = "controllers"
    case software = "software"
    case users = "users"
    case monitors = "monitors"
    case virtualMachines = "virtual_machines"
    case networkDevice = "network_device"
    case networkPorts = "network_ports"
    case networkComponents = "network_components"
    case firmwares = "firmwares"
    case simCards = "sim_cards"
    case pageCounters = "page_counters"
    case cartridges = "cartridges"

    /// Declaration order.
    public static func < (lhs: InventorySection, rhs: InventorySection) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The family of agent that sent an inventory, read from its version string.
public enum InventoryAgentKind: String, CaseIterable, Hashable, Sendable, Codable {
    /// GLPI Agent (`GLPI-Agent_v1.7`).
    case glpiAgent = "glpi_agent"
    /// FusionInventory Agent (`FusionInventory-Agent_v2.6-3`).
    case fusionInventory = "fusioninventory"
    /// OCS Inventory NG's unified Unix or Windows agent (`OCS-NG_unified_unix_agent_v2.10.0`).
    case ocsInventory = "ocsinventory"
    /// Parc's own agent (`Parc-Agent_v1.0`).
    case parcAgent = "parc_agent"
    /// Anything else.
    case other = "other"
}

extension InventoryReport {
    /// The agent that sent a report.
    public struct Agent: Hashable, Sendable, Codable {
        /// The agent's device id (`DEVICEID`, `deviceid`): `<hostname>-YYYY-MM-DD-HH-MM-SS`, chosen once and kept by
        /// the agent.
        public var deviceID: String?
        /// The tag the agent was configured with (`--tag`), used to assign an entity.
        public var tag: String?
        /// The agent's version string (`VERSIONCLIENT`, `versionclient`), such as `FusionInventory-Agent_v2.6-3`.
        public var versionClient: String?

        /// An agent with nothing known.
        public init(deviceID: String? = nil, tag: String? = nil, versionClient: String? = nil) {
            self.deviceID = deviceID
            self.tag = tag
            self.versionClient = versionClient
        }

        /// The family of agent, from ``versionClient``.
        public var kind: InventoryAgentKind {
            guard let client = versionClient?.lowercased() else { return .other }
            if client.hasPrefix("glpi-agent") || client.hasPrefix("glpi agent") { return .glpiAgent }
            if client.hasPrefix("fusioninventory") { return .fusionInventory }
            if client.hasPrefix("ocs-ng") || client.hasPrefix("ocs_") || client.hasPrefix("ocsinventory") {
                return .ocsInventory
            }
            if client.hasPrefix("parc-agent") || client.hasPrefix("parc agent") { return .parcAgent }
            return .other
        }

        /// The version number in ``versionClient``, after its last `_v` (`2.6-3`).
        public var version: String? {
            guard let client = versionClient, let range = client.range(of: "_v", options: .backwards) else {
                return nil
            }
            let version = client[range.upperBound...]
            return version.isEmpty ? nil : String(version)
        }
    }
}
