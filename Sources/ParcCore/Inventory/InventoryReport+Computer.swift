// The sections of a computer's inventory. Each type starts empty (`init()`) and is filled field by field; readers
// normalise values as InventoryReport's documentation says.

extension InventoryReport {
    /// BIOS and system board, from DMI (GLPI `bios`, XML `BIOS`).
    public struct BIOS: Hashable, Sendable, Codable {
        /// System maker (`smanufacturer`): "Dell Inc.", "LENOVO", "QEMU".
        public var systemManufacturer: String?
        /// System model (`smodel`): "XPS 13 9350".
        public var systemModel: String?
        /// System serial number as reported (`ssn`), junk included; matching skips junk (``SerialNumber``).
        public var systemSerial: String?
        /// SKU or product number (`skunumber`).
        public var skuNumber: String?
        /// Asset tag written in the firmware (`assettag`).
        public var assetTag: String?
        /// Firmware maker (`bmanufacturer`).
        public var manufacturer: String?
        /// Firmware version (`bversion`).
        public var version: String?
        /// Firmware release date (`bdate`).
        public var date: InventoryDate?
        /// Mainboard maker (`mmanufacturer`).
        public var motherboardManufacturer: String?
        /// Mainboard model (`mmodel`).
        public var motherboardModel: String?
        /// Mainboard serial (`msn`).
        public var motherboardSerial: String?
        /// Chassis serial (`enclosureserial`).
        public var enclosureSerial: String?
        /// Firmware serial (`biosserial`).
        public var biosSerial: String?

        /// Nothing known.
        public init() {}
    }

    /// Host-wide facts (GLPI `hardware`, XML `HARDWARE`).
    public struct Hardware: Hashable, Sendable, Codable {
        /// Host name, short form (`name`): what the asset is named after.
        public var name: String?
        /// Hardware UUID as reported (`uuid`); see ``SystemUUID`` for matching.
        public var uuid: String?
        /// SMBIOS chassis type as reported (`chassis_type`): "Laptop", "Notebook", "Desktop", "Rack Mount Chassis".
        public var chassisType: String?
        /// Virtualisation the agent detected (`vmsystem`): "Physical", "VMware", "KVM", "Docker"…
        public var vmSystem: String?
        /// Physical memory the OS sees, in bytes (`memory`, MiB on the wire).
        public var memoryBytes: Int?
        /// Swap space in bytes (`swap`, MiB on the wire).
        public var swapBytes: Int?
        /// Windows workgroup or domain, or the DNS domain elsewhere (`workgroup`).
        public var workgroup: String?
        /// Free text the agent puts there (`description`), often "arch/uptime".
        public var description: String?
        /// Last user who logged in (`lastloggeduser`).
        public var lastLoggedUser: String?
        /// Default gateway (`defaultgateway`).
        public var defaultGateway: String?
        /// DNS servers as reported, `/`-separated (`dns`).
        public var dns: String?
        /// Windows product id (`winprodid`).
        public var windowsProductID: String?

        /// Nothing known.
        public init() {}
    }

    /// The operating system (GLPI `operatingsystem`; XML `OPERATINGSYSTEM`, or `HARDWARE/OSNAME` and `OSVERSION`
    /// from agents that send no such section).
    public struct OperatingSystem: Hashable, Sendable, Codable {
        /// Short name (`name`): "Fedora", "Windows", "Debian GNU/Linux".
        public var name: String?
        /// Full name (`full_name`): "Microsoft Windows 10 Pro", "Debian GNU/Linux 12 (bookworm)".
        public var fullName: String?
        /// Version (`version`): "12.11", "22H2", "10.13.5 (17F77)".
        public var version: String?
        /// Service pack (`service_pack`).
        public var servicePack: String?
        /// Architecture (`arch`): "x86_64", "64-bit", "arm64".
        public var architecture: String?
        /// Kernel name (`kernel_name`): "linux", "MSWin32", "darwin".
        public var kernelName: String?
        /// Kernel version (`kernel_version`): "6.1.0-18-amd64", "10.0.19045".
        public var kernelVersion: String?
        /// When the OS was installed (`install_date`).
        public var installDate: InventoryDate?
        /// Last boot, agent's clock (`boot_time`).
        public var bootTime: InventoryDateTime?
        /// Fully qualified host name (`fqdn`).
        public var fqdn: String?
        /// DNS domain (`dns_domain`).
        public var dnsDomain: String?
        /// Host id (`hostid`).
        public var hostID: String?
        /// Time zone name (`timezone.name`).
        public var timezoneName: String?
        /// Time zone offset, `+HHMM` or `-HHMM` (`timezone.offset`).
        public var timezoneOffset: String?

        /// Nothing known.
        public init() {}

        /// The build number where the version strings carry one: the third part of a Windows kernel version
        /// (`10.0.19045` → `19045`), or the parenthesised build of a macOS version (`10.13.5 (17F77)` → `17F77`).
        public var build: String? {
            if let version, let open = version.lastIndex(of: "("), version.hasSuffix(")") {
                let inside = version[version.index(after: open)..<version.index(before: version.endIndex)]
                if !inside.isEmpty { return String(inside) }
            }
            let windows = (kernelName?.lowercased()).map { $0.contains("win") } ?? false
            if windows, let kernelVersion {
                let parts = kernelVersion.split(separator: ".")
                if parts.count >= 3, parts[2].allSatisfy(\.isNumber) { return String(parts[2]) }
            }
            return nil
        }
    }

    /// A processor (GLPI `cpus`, XML `CPUS`).
    public struct CPU: Hashable, Sendable, Codable {
        /// Model name (`name`; OCS `TYPE`): "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz".
        public var name: String?
        /// Maker (`manufacturer`): "Intel", "AMD".
        public var manufacturer: String?
        /// Model number (`model`).
        public var model: String?
        /// Family name (`familyname`).
        public var familyName: String?
        /// Family number (`familynumber`).
        public var familyNumber: String?
        /// Stepping (`stepping`).
        public var stepping: Int?
        /// Nominal speed in MHz (`speed`).
        public var speedMHz: Int?
        /// Cores (`core`; OCS `CORES`).
        public var cores: Int?
        /// Hardware threads (`thread`; OCS `LOGICAL_CPUS`).
        public var threads: Int?
        /// Architecture (`arch`), one of the GLPI schema's words: `x86_64`, `i386`…`i686`, `aarch64`, `arm…`,
        /// `powerpc`, `powerpc64`, `mips`, `mips64`, `sparc`, `sparc64`, `alpha`, `m68k`.
        public var architecture: String?
        /// CPUID signature (`id`).
        public var id: String?
        /// Description (`description`).
        public var description: String?
        /// Serial (`serial`), rarely real.
        public var serial: String?

        /// Nothing known.
        public init() {}

        /// `name|id`: identical processors of a multi-socket machine share it; pair them in order.
        public var stableKey: String { (name ?? "") + "|" + (id ?? "") }
    }

    /// A memory module or an empty slot (GLPI `memories`, XML `MEMORIES`).
    public struct MemoryModule: Hashable, Sendable, Codable {
        /// Slot label (`caption`): "DIMM0", "Bottom-Slot 1(left)".
        public var slot: String?
        /// Slot number (`numslots`).
        public var slotNumber: Int?
        /// Capacity in bytes (`capacity`, MiB on the wire); nil for an empty slot.
        public var capacityBytes: Int?
        /// Memory type (`type`): "DDR4", "LPDDR3".
        public var type: String?
        /// Speed in MHz or MT/s (`speed`).
        public var speedMHz: Int?
        /// Maker (`manufacturer`).
        public var manufacturer: String?
        /// Serial (`serialnumber`).
        public var serial: String?
        /// Part number (`model`).
        public var model: String?
        /// Form factor or description (`description`): "DIMM", "SODIMM", "Chip".
        public var description: String?
        /// Error correction (`memorycorrection`).
        public var errorCorrection: String?
        /// Whether it can be removed (`removable`).
        public var isRemovable: Bool?

        /// Nothing known.
        public init() {}

        /// The slot: `slotNumber`, else the slot label.
        public var stableKey: String { slotNumber.map { "#\($0)" } ?? slot ?? "" }
    }

    /// A physical disk or other storage device (GLPI `storages`, XML `STORAGES`).
    public struct StorageDrive: Hashable, Sendable, Codable {
        /// Device name (`name`): "sda", "nvme0n1", `\\.\PHYSICALDRIVE0`.
        public var name: String?
        /// Model (`model`).
        public var model: String?
        /// Maker (`manufacturer`).
        public var manufacturer: String?
        /// Serial (`serial`; XML `SERIALNUMBER` or `SERIAL`).
        public var serial: String?
        /// Size in bytes (`disksize`, decimal megabytes on the wire).
        public var sizeBytes: Int?
        /// Kind (`type`): "disk", "Fixed hard disk media", "cdrom".
        public var type: String?
        /// Bus (`interface`): "SATA", "NVMe", "USB".
        public var interface: String?
        /// Firmware revision (`firmware`).
        public var firmware: String?
        /// Description (`description`).
        public var description: String?
        /// World wide name (`wwn`).
        public var wwn: String?

        /// Nothing known.
        public init() {}

        /// The serial, else the device name.
        public var stableKey: String { serial ?? name ?? "" }
    }

    /// A file system or drive letter with its size (GLPI `drives`, XML `DRIVES`). Linux agents put the mount point
    /// in `type` and the device in `volumn`; Windows agents put the letter in `letter`, the drive type in `type` and
    /// the label in `volumn`. ``mountPoint`` reads either.
    public struct Volume: Hashable, Sendable, Codable {
        /// Drive letter (`letter`): "C:".
        public var letter: String?
        /// Mount point on Unix, drive type on Windows (`type`).
        public var type: String?
        /// Device on Unix, label on Windows (`volumn`, sic).
        public var volume: String?
        /// Label (`label`).
        public var label: String?
        /// Description (`description`).
        public var description: String?
        /// File system (`filesystem`): "ext4", "NTFS", "apfs".
        public var fileSystem: String?
        /// Size in bytes (`total`, MiB on the wire).
        public var totalBytes: Int?
        /// Free space in bytes (`free`, MiB on the wire).
        public var freeBytes: Int?
        /// File-system serial or UUID (`serial`).
        public var serial: String?
        /// Whether the OS boots from it (`systemdrive`).
        public var isSystemDrive: Bool?
        /// Encryption status as reported (`encrypt_status`).
        public var encryptionStatus: String?

        /// Nothing known.
        public init() {}

        /// The mount point, else the device or label.
        public var stableKey: String { mountPoint ?? volume ?? label ?? "" }

        /// The drive letter, else `type` when it is a path (`/`, `/home`).
        public var mountPoint: String? {
            if let letter { return letter }
            if let type, type.hasPrefix("/") { return type }
            return nil
        }

        /// Used space over size, 0…1; nil when the size is unknown or zero.
        public var usedFraction: Double? {
            guard let totalBytes, totalBytes > 0, let freeBytes else { return nil }
            return Double(max(0, totalBytes - freeBytes)) / Double(totalBytes)
        }
    }

    /// A network interface of the device, with all its addresses (GLPI `networks`, XML `NETWORKS`). Agents send
    /// one entry per address; readers merge entries of the same name and MAC, in the order first seen.
    public struct NetworkInterface: Hashable, Sendable, Codable {
        /// Interface name (`description`): "eth0", "wlp58s0", "Intel(R) Ethernet Connection I219-LM".
        public var name: String
        /// Hardware address (`mac`; XML `MACADDR`); nil when absent, zero or unreadable.
        public var macAddress: MACAddress?
        /// Kind, one of the GLPI schema's words: `ethernet`, `wifi`, `infiniband`, `aggregate`, `alias`, `dialup`,
        /// `loopback`, `bridge`, `fibrechannel`, `bluetooth`.
        public var type: String?
        /// Whether the agent says it is virtual (`virtualdev`); nil when the agent does not say (OCS).
        public var isVirtual: Bool?
        /// Whether it is a management interface such as a BMC (`management`).
        public var isManagement: Bool?
        /// Link state, one of the GLPI schema's words: `up`, `down`, `dormant`, `notpresent`, `lowerlayerdown`,
        /// `unknown`, `testing`.
        public var status: String?
        /// Link speed in Mbit/s (`speed`); nil when unknown or negative.
        public var speedMbps: Int?
        /// MTU (`mtu`).
        public var mtu: Int?
        /// Driver (`driver`).
        public var driver: String?
        /// PCI vendor:device:subsystem (`pciid`).
        public var pciID: String?
        /// PCI slot (`pcislot`).
        public var pciSlot: String?
        /// Maker (`manufacturer`).
        public var manufacturer: String?
        /// Model (`model`).
        public var model: String?
        /// IPv4 addresses, each once, in the order reported.
        public var ipv4: [IPv4Address]
        /// IPv6 addresses, each once, in the order reported.
        public var ipv6: [IPv6Address]
        /// Gateway (`ipgateway`).
        public var gateway: String?
        /// DHCP server the address came from (`ipdhcp`).
        public var dhcpServer: String?

        /// An interface with a name and nothing else.
        public init(name: String) {
            self.name = name
            ipv4 = []
            ipv6 = []
        }

        /// Whether the interface is a physical card: what the agent said, else not for loopback, bridge or alias
        /// types nor for names of software interfaces (`lo`, `docker0`, `veth…`, `virbr…`, `br-…`, `tun…`, `tap…`,
        /// `ifb…`, `wg…`…).
        public var isPhysical: Bool {
            if let type, ["loopback", "bridge", "alias", "aggregate", "dialup"].contains(type) { return false }
            if let isVirtual { return !isVirtual }
            let lower = name.lowercased()
            return !Self.softwareInterfacePrefixes.contains { lower.hasPrefix($0) }
        }

        static let softwareInterfacePrefixes = [
            "lo", "docker", "veth", "virbr", "br-", "vnet", "vmnet", "vboxnet", "tun", "tap", "ifb", "dummy", "wg",
            "zt", "tailscale", "cali", "flannel", "cni", "kube", "lxc", "lxd", "podman", "utun", "gif", "stf", "awdl",
            "llw", "bridge", "teredo", "isatap", "sit", "ip6tnl", "gre", "bond", "team", "nlmon", "vxlan",
        ]

        /// `name|mac`, the interface's identity across inventories.
        public var stableKey: String { name + "|" + (macAddress?.description ?? "") }
    }

    /// An IPv4 address of an interface.
    public struct IPv4Address: Hashable, Sendable, Codable {
        /// Dotted quad.
        public var address: String
        /// Net mask, dotted quad (`ipmask`).
        public var mask: String?
        /// Network address (`ipsubnet`).
        public var subnet: String?

        /// An address with an optional mask and subnet.
        public init(address: String, mask: String? = nil, subnet: String? = nil) {
            self.address = address
            self.mask = mask
            self.subnet = subnet
        }
    }

    /// An IPv6 address of an interface.
    public struct IPv6Address: Hashable, Sendable, Codable {
        /// Address, lower-case.
        public var address: String
        /// Mask as reported (`ipmask6`): "ffff:ffff:ffff:ffff::".
        public var mask: String?
        /// Network address (`ipsubnet6`).
        public var subnet: String?

        /// An address with an optional mask and subnet.
        public init(address: String, mask: String? = nil, subnet: String? = nil) {
            self.address = address
            self.mask = mask
            self.subnet = subnet
        }
    }

    /// A graphics adapter (GLPI `videos`, XML `VIDEOS`).
    public struct GPU: Hashable, Sendable, Codable {
        /// Name (`name`).
        public var name: String?
        /// Chipset (`chipset`).
        public var chipset: String?
        /// Video memory in bytes (`memory`, MiB on the wire).
        public var memoryBytes: Int?
        /// Current resolution (`resolution`): "1920x1080".
        public var resolution: String?
        /// PCI slot (`pcislot`).
        public var pciSlot: String?

        /// Nothing known.
        public init() {}

        /// `name|pciSlot`.
        public var stableKey: String { (name ?? "") + "|" + (pciSlot ?? "") }
    }

    /// A battery (GLPI `batteries`, XML `BATTERIES`).
    public struct Battery: Hashable, Sendable, Codable {
        /// Name or model (`name`).
        public var name: String?
        /// Maker (`manufacturer`).
        public var manufacturer: String?
        /// Serial (`serial`).
        public var serial: String?
        /// Chemistry (`chemistry`): "Li-ION", "lithium-polymer".
        public var chemistry: String?
        /// Design capacity in mWh (`capacity`; XML may say "43.7456 Wh").
        public var designCapacityMWh: Int?
        /// Present full-charge capacity in mWh (`real_capacity`).
        public var realCapacityMWh: Int?
        /// Voltage in mV (`voltage`; XML may say "8.614 V").
        public var voltageMV: Int?
        /// Manufacture date (`date`).
        public var manufactureDate: InventoryDate?

        /// Nothing known.
        public init() {}

        /// `serial|name`.
        public var stableKey: String { (serial ?? "") + "|" + (name ?? "") }

        /// Present capacity over design capacity, 0…1 or a little more; nil when either is unknown.
        public var health: Double? {
            guard let designCapacityMWh, designCapacityMWh > 0, let realCapacityMWh else { return nil }
            return Double(realCapacityMWh) / Double(designCapacityMWh)
        }
    }

    /// A PCI or other controller (GLPI `controllers`, XML `CONTROLLERS`).
    public struct Controller: Hashable, Sendable, Codable {
        /// Name (`name`).
        public var name: String?
        /// Maker (`manufacturer`).
        public var manufacturer: String?
        /// Kind (`type`): "VGA compatible controller", "USB controller".
        public var type: String?
        /// Caption (`caption`).
        public var caption: String?
        /// Kernel driver (`driver`).
        public var driver: String?
        /// PCI class code (`pciclass`).
        public var pciClass: String?
        /// PCI slot (`pcislot`).
        public var pciSlot: String?
        /// PCI subsystem id (`pcisubsystemid`).
        public var pciSubsystemID: String?
        /// PCI vendor id (`vendorid`; OCS `PCIID` before the colon).
        public var vendorID: String?
        /// PCI device id (`productid`; OCS `PCIID` after the colon).
        public var productID: String?
        /// Revision (`rev`).
        public var revision: String?

        /// Nothing known.
        public init() {}

        /// `pciSlot|name`.
        public var stableKey: String { (pciSlot ?? "") + "|" + (name ?? "") }
    }

    /// An installed program or package (GLPI `softwares`, XML `SOFTWARES`).
    public struct Software: Hashable, Sendable, Codable {
        /// Name (`name`).
        public var name: String
        /// Version (`version`).
        public var version: String?
        /// Publisher (`publisher`).
        public var publisher: String?
        /// Installation day (`install_date`; XML `INSTALLDATE` in any of the agents' date styles).
        public var installDate: InventoryDate?
        /// Architecture (`arch`; OCS `ARCHITECTURE`): "x86_64", "all", "noarch".
        public var architecture: String?
        /// Where the agent found it (`from`): "deb", "rpm", "registry", "Android".
        public var source: String?
        /// Category (`system_category`): "admin", "Development/Libraries".
        public var category: String?
        /// Installed size in bytes (`filesize`).
        public var sizeBytes: Int?
        /// Description (`comments`).
        public var comments: String?
        /// Windows product code or other unique id (`guid`).
        public var guid: String?

        /// A program with a name and nothing else.
        public init(name: String) {
            self.name = name
        }

        /// `name|version|architecture`, the program's identity on this device across inventories.
        public var stableKey: String { name + "|" + (version ?? "") + "|" + (architecture ?? "") }
    }

    /// A user logged in when the inventory ran (GLPI `users`, XML `USERS`).
    public struct User: Hashable, Sendable, Codable {
        /// Login (`login`).
        public var login: String?
        /// Domain (`domain`).
        public var domain: String?

        /// A user.
        public init(login: String? = nil, domain: String? = nil) {
            self.login = login
            self.domain = domain
        }

        /// `domain\login`.
        public var stableKey: String { (domain.map { $0 + "\\" } ?? "") + (login ?? "") }
    }

    /// A monitor attached to the device (GLPI `monitors`, XML `MONITORS`).
    public struct Monitor: Hashable, Sendable, Codable {
        /// Name (`name`).
        public var name: String?
        /// Caption (`caption`), often the model.
        public var caption: String?
        /// Description (`description`), often the manufacture week.
        public var description: String?
        /// Maker (`manufacturer`).
        public var manufacturer: String?
        /// Serial from the EDID (`serial`).
        public var serial: String?
        /// Second serial from the EDID (`altserial`).
        public var altSerial: String?
        /// Connector (`port`): "VGA", "HDMI".
        public var port: String?

        /// Nothing known.
        public init() {}

        /// The serial, else `name|caption`.
        public var stableKey: String { serial ?? ((name ?? "") + "|" + (caption ?? "")) }
    }

    /// A virtual machine or container hosted by the device (GLPI `virtualmachines`, XML `VIRTUALMACHINES`).
    public struct VirtualMachine: Hashable, Sendable, Codable {
        /// Name (`name`).
        public var name: String
        /// UUID or container id (`uuid`).
        public var uuid: String?
        /// Hypervisor or engine (`vmtype`): "libvirt", "docker", "virtualbox", "hyperv".
        public var vmType: String?
        /// Subsystem (`subsystem`): "kvm", "Oracle VM VirtualBox".
        public var subsystem: String?
        /// State, one of the GLPI schema's words: `running`, `blocked`, `idle`, `paused`, `shutdown`, `crashed`,
        /// `dying`, `off`.
        public var status: String?
        /// Memory in bytes (`memory`, MiB on the wire).
        public var memoryBytes: Int?
        /// Virtual CPUs (`vcpu`).
        public var vcpus: Int?
        /// MAC addresses (`mac`, `/`-separated on the wire).
        public var macAddresses: [MACAddress]
        /// Owner (`owner`).
        public var owner: String?
        /// Comment (`comment`).
        public var comment: String?
        /// Image (`image`), for containers.
        public var image: String?
        /// Serial (`serial`).
        public var serial: String?

        /// A machine with a name and nothing else.
        public init(name: String) {
            self.name = name
            macAddresses = []
        }

        /// The UUID, else the name.
        public var stableKey: String { uuid ?? name }
    }
}
