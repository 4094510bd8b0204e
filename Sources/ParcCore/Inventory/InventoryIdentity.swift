import Foundation

/// Who a device says it is, gathered from the sections that carry identity: `hardware` (name, UUID, chassis),
/// `bios` (maker, model, serial, asset tag) for computers and phones, `networkDevice` for SNMP devices.
///
/// Values are as reported (trimmed), junk included: a technician sees what the machine says. Matching uses
/// ``InventoryReport/matchKeys(order:)``, which skips junk.
public struct InventoryIdentity: Hashable, Sendable {
    /// Host name.
    public var name: String?
    /// Hardware UUID.
    public var uuid: String?
    /// System serial number.
    public var serial: String?
    /// Maker.
    public var manufacturer: String?
    /// Model.
    public var model: String?
    /// Asset tag written in the firmware.
    public var assetTag: String?
    /// For computers, what kind of computer; nil for other devices.
    public var chassis: InventoryChassis?
}

/// What kind of computer a report describes. The raw values are stable.
public enum InventoryChassis: String, CaseIterable, Hashable, Sendable, Codable {
    /// Desktop, tower, mini PC, all-in-one.
    case desktop = "desktop"
    /// Laptop, notebook, convertible.
    case laptop = "laptop"
    /// Tablet or detachable.
    case tablet = "tablet"
    /// Rack, blade or tower server.
    case server = "server"
    /// Virtual machine or container.
    case virtualMachine = "virtual_machine"
    /// A chassis type that says nothing (Other, Unknown) or none at all.
    case unknown = "unknown"

    /// The kind for an SMBIOS chassis type name as agents write it (DMTF DSP0134 7.4.1), and the virtualisation an
    /// agent detected: anything but "Physical" is a virtual machine, and so is a system whose maker or model names a
    /// hypervisor (QEMU, KVM, VMware, VirtualBox, Hyper-V, Xen, Parallels, Bochs).
    public static func classify(
        chassisType: String?, vmSystem: String?, systemManufacturer: String? = nil, systemModel: String? = nil
    ) -> InventoryChassis {
        if let vm = vmSystem?.trimmingCharacters(in: .whitespaces).lowercased(), !vm.isEmpty, vm != "physical" {
            return .virtualMachine
        }
        let maker = ((systemManufacturer ?? "") + " " + (systemModel ?? "")).lowercased()
        let hypervisors = [
            "qemu", "kvm", "vmware", "virtualbox", "innotek", "virtual machine", "hvm domu", "xen", "parallels", "bochs",
        ]
        if hypervisors.contains(where: { maker.contains($0) }) { return .virtualMachine }
        guard let chassis = chassisType?.lowercased().trimmingCharacters(in: .whitespaces), !chassis.isEmpty else {
            return .unknown
        }
        switch chassis {
        case "desktop", "low profile desktop", "pizza box", "mini tower", "tower", "all in one", "all-in-one",
            "space-saving", "space saving", "lunch box", "mini pc", "stick pc", "sealed-case pc",
            "embedded pc":
            return .desktop
        case "portable", "laptop", "notebook", "hand held", "sub notebook", "sub-notebook", "convertible",
            "docking station":
            return .laptop
        case "tablet", "detachable":
            return .tablet
        case "main server chassis", "rack mount chassis", "blade", "blade enclosure", "multi-system chassis",
            "expansion chassis", "server", "rackmount", "rack mount", "compactpci", "advancedtca", "io box":
            return .server
        default:
            return .unknown
        }
    }
}

extension InventoryReport {
    /// The device's identity (see ``InventoryIdentity``).
    public var identity: InventoryIdentity {
        let device = networkDevice
        var identity = InventoryIdentity(
            name: hardware?.name ?? device?.name,
            uuid: hardware?.uuid,
            serial: bios?.systemSerial ?? device?.serial,
            manufacturer: bios?.systemManufacturer ?? device?.manufacturer,
            model: bios?.systemModel ?? device?.model,
            assetTag: bios?.assetTag ?? device?.assetTag,
            chassis: nil)
        if deviceType == .computer {
            identity.chassis = InventoryChassis.classify(
                chassisType: hardware?.chassisType, vmSystem: hardware?.vmSystem,
                systemManufacturer: bios?.systemManufacturer, systemModel: bios?.systemModel)
        }
        return identity
    }
}
