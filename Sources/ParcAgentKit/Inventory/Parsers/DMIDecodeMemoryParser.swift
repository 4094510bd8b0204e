import ParcCore

/// Reads what `dmidecode -t 17` prints: one `Memory Device` block per slot, empty slots included
/// (`Size: No Module Installed`, capacity nil), numbered from 1 in the order listed.
public enum DMIDecodeMemoryParser {
    /// The memory modules and empty slots; empty when the output has no `Memory Device` block.
    public static func parse(_ text: String) -> [InventoryReport.MemoryModule] {
        var modules: [InventoryReport.MemoryModule] = []
        var fields: [String: String]?
        func flush() {
            guard let current = fields else { return }
            modules.append(module(current, number: modules.count + 1))
            fields = nil
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = InventoryText.clean(line)
            if line.hasPrefix("Handle ") || (trimmed == nil && fields != nil) {
                flush()
                continue
            }
            if trimmed == "Memory Device", !line.hasPrefix("\t") {
                flush()
                fields = [:]
                continue
            }
            // Only the block's own lines (one tab); deeper lines continue a list such as `Type Detail`.
            guard fields != nil, line.hasPrefix("\t"), !line.hasPrefix("\t\t"),
                let pair = InventoryText.pair(line, separator: ":")
            else { continue }
            if fields![pair.key] == nil, let value = pair.value, !placeholders.contains(value.lowercased()) {
                fields![pair.key] = value
            }
        }
        flush()
        return modules
    }

    /// What dmidecode prints for a field the firmware left empty.
    static let placeholders: Set<String> = [
        "not specified", "unknown", "not provided", "none", "other", "[empty]", "empty", "no dimm", "undefined",
        "not installed",
    ]

    static func module(_ fields: [String: String], number: Int) -> InventoryReport.MemoryModule {
        var module = InventoryReport.MemoryModule()
        module.slotNumber = number
        module.slot = fields["Locator"] ?? fields["Bank Locator"]
        module.capacityBytes = fields["Size"].flatMap(bytes)
        module.type = fields["Type"]
        module.description = fields["Form Factor"]
        module.speedMHz = fields["Speed"].flatMap(leadingInteger)
        module.manufacturer = fields["Manufacturer"]
        module.serial = fields["Serial Number"]
        module.model = fields["Part Number"]
        return module
    }

    /// `8 GB`, `8192 MB`, `512 kB`, `1 TB` → bytes; nil for `No Module Installed` and anything else.
    static func bytes(_ size: String) -> Int? {
        let parts = size.split(separator: " ")
        guard parts.count == 2, let value = InventoryText.integer(parts[0]), value > 0 else { return nil }
        let shift: Int
        switch parts[1].uppercased() {
        case "KB": shift = 10
        case "MB": shift = 20
        case "GB": shift = 30
        case "TB": shift = 40
        default: return nil
        }
        return InventoryText.multiply(value, by: 1 << shift)
    }

    /// `2667 MT/s` → 2667.
    static func leadingInteger(_ text: String) -> Int? {
        InventoryText.integer(text.prefix { $0.isNumber })
    }
}
