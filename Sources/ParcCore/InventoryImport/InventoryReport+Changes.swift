extension InventoryReport {
    /// The changes from `stored` (the device as Parc holds it) to this report, section by section in
    /// ``InventorySection`` order, each section's changes ordered as `InventoryChange.between(stored:new:in:)` orders
    /// them.
    ///
    /// A full report compares every section (a section it lacks means the device has none: its elements are
    /// removed); a partial one compares only its ``presentSections``. Page counters have no history: they move with
    /// every page printed.
    public func changes(from stored: InventoryReport) -> [InventoryChange] {
        let compared = isPartial ? presentSections : Set(InventorySection.allCases)
        var changes: [InventoryChange] = []
        for section in InventorySection.allCases where compared.contains(section) {
            switch section {
            case .bios: changes += InventoryChange.between(stored: stored.bios, new: bios, in: section)
            case .hardware: changes += InventoryChange.between(stored: stored.hardware, new: hardware, in: section)
            case .operatingSystem:
                changes += InventoryChange.between(stored: stored.operatingSystem, new: operatingSystem, in: section)
            case .cpus: changes += InventoryChange.between(stored: stored.cpus, new: cpus, in: section)
            case .memoryModules:
                changes += InventoryChange.between(stored: stored.memoryModules, new: memoryModules, in: section)
            case .storageDrives:
                changes += InventoryChange.between(stored: stored.storageDrives, new: storageDrives, in: section)
            case .volumes: changes += InventoryChange.between(stored: stored.volumes, new: volumes, in: section)
            case .networkInterfaces:
                changes += InventoryChange.between(
                    stored: stored.networkInterfaces, new: networkInterfaces, in: section)
            case .gpus: changes += InventoryChange.between(stored: stored.gpus, new: gpus, in: section)
            case .batteries: changes += InventoryChange.between(stored: stored.batteries, new: batteries, in: section)
            case .controllers:
                changes += InventoryChange.between(stored: stored.controllers, new: controllers, in: section)
            case .software: changes += InventoryChange.between(stored: stored.software, new: software, in: section)
            case .users: changes += InventoryChange.between(stored: stored.users, new: users, in: section)
            case .monitors: changes += InventoryChange.between(stored: stored.monitors, new: monitors, in: section)
            case .virtualMachines:
                changes += InventoryChange.between(stored: stored.virtualMachines, new: virtualMachines, in: section)
            case .networkDevice:
                changes += InventoryChange.between(stored: stored.networkDevice, new: networkDevice, in: section)
            case .networkPorts:
                changes += InventoryChange.between(stored: stored.networkPorts, new: networkPorts, in: section)
            case .networkComponents:
                changes += InventoryChange.between(
                    stored: stored.networkComponents, new: networkComponents, in: section)
            case .firmwares: changes += InventoryChange.between(stored: stored.firmwares, new: firmwares, in: section)
            case .simCards: changes += InventoryChange.between(stored: stored.simCards, new: simCards, in: section)
            case .pageCounters: break
            case .cartridges:
                changes += InventoryChange.between(stored: stored.cartridges, new: cartridges, in: section)
            }
        }
        return changes
    }
}
