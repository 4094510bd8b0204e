import Foundation
import ParcCore

/// A list element of an inventory as `asset_components` stores it: its identity on the device, the label
/// pages show, and the sizes lists filter on ("disks over 90 % full").
protocol StoredComponent: Encodable {
    var stableKey: String { get }
    var componentLabel: String { get }
    var capacityBytes: Int? { get }
    var freeBytes: Int? { get }
}

extension StoredComponent {
    var capacityBytes: Int? { nil }
    var freeBytes: Int? { nil }
}

extension InventoryReport.CPU: StoredComponent {
    var componentLabel: String { name ?? model ?? "CPU" }
}

extension InventoryReport.MemoryModule: StoredComponent {
    var componentLabel: String { [slot, type, manufacturer].compactMap { $0 }.joined(separator: " · ") }
}

extension InventoryReport.StorageDrive: StoredComponent {
    var componentLabel: String { [name, model].compactMap { $0 }.joined(separator: " · ") }
    var capacityBytes: Int? { sizeBytes }
}

extension InventoryReport.Volume: StoredComponent {
    var componentLabel: String { mountPoint ?? volume ?? label ?? "" }
    var capacityBytes: Int? { totalBytes }
}

extension InventoryReport.NetworkInterface: StoredComponent {
    var componentLabel: String { name }
}

extension InventoryReport.GPU: StoredComponent {
    var componentLabel: String { name ?? chipset ?? "GPU" }
    var capacityBytes: Int? { memoryBytes }
}

extension InventoryReport.Battery: StoredComponent {
    var componentLabel: String { [name, manufacturer].compactMap { $0 }.joined(separator: " · ") }
}

extension InventoryReport.Controller: StoredComponent {
    var componentLabel: String { [name, manufacturer].compactMap { $0 }.joined(separator: " · ") }
}

extension InventoryReport.User: StoredComponent {
    var componentLabel: String { stableKey }
}

extension InventoryReport.Monitor: StoredComponent {
    var componentLabel: String { name ?? caption ?? description ?? "" }
}

extension InventoryReport.VirtualMachine: StoredComponent {
    var componentLabel: String { name }
}

extension InventoryReport.NetworkPort: StoredComponent {
    var componentLabel: String { stableKey }
}

extension InventoryReport.NetworkComponent: StoredComponent {
    var componentLabel: String { stableKey }
}

extension InventoryReport.Firmware: StoredComponent {
    var componentLabel: String { stableKey }
}

extension InventoryReport.SIMCard: StoredComponent {
    var componentLabel: String { stableKey }
}

extension InventoryReport.Cartridge: StoredComponent {
    var componentLabel: String { stableKey }
}

/// One section's rows for `asset_components`, or its digest input.
struct SectionRows {
    struct Row {
        let stableKey: String
        let label: String
        let capacityBytes: Int?
        let freeBytes: Int?
        let data: Data
    }

    let section: InventorySection
    let rows: [Row]

    /// The rows of `section` in `report`; nil for the software section, which has tables of its own.
    static func of(_ section: InventorySection, in report: InventoryReport, encoder: JSONEncoder) throws -> SectionRows? {
        func list(_ items: [some StoredComponent]) throws -> [Row] {
            try items.map {
                Row(stableKey: $0.stableKey, label: $0.componentLabel, capacityBytes: $0.capacityBytes,
                    freeBytes: $0.freeBytes, data: try encoder.encode($0))
            }
        }
        func single(_ item: (some Encodable)?) throws -> [Row] {
            guard let item else { return [] }
            return [Row(stableKey: section.rawValue, label: section.rawValue, capacityBytes: nil, freeBytes: nil,
                        data: try encoder.encode(item))]
        }
        let rows: [Row]
        switch section {
        case .software: return nil
        case .bios: rows = try single(report.bios)
        case .hardware: rows = try single(report.hardware)
        case .operatingSystem: rows = try single(report.operatingSystem)
        case .networkDevice: rows = try single(report.networkDevice)
        case .pageCounters: rows = report.pageCounters.isEmpty ? [] : try single(report.pageCounters)
        case .cpus: rows = try list(report.cpus)
        case .memoryModules: rows = try list(report.memoryModules)
        case .storageDrives: rows = try list(report.storageDrives)
        case .volumes: rows = try list(report.volumes)
        case .networkInterfaces: rows = try list(report.networkInterfaces)
        case .gpus: rows = try list(report.gpus)
        case .batteries: rows = try list(report.batteries)
        case .controllers: rows = try list(report.controllers)
        case .users: rows = try list(report.users)
        case .monitors: rows = try list(report.monitors)
        case .virtualMachines: rows = try list(report.virtualMachines)
        case .networkPorts: rows = try list(report.networkPorts)
        case .networkComponents: rows = try list(report.networkComponents)
        case .firmwares: rows = try list(report.firmwares)
        case .simCards: rows = try list(report.simCards)
        case .cartridges: rows = try list(report.cartridges)
        }
        return SectionRows(section: section, rows: rows)
    }
}
