import ParcCore

/// Reads `/proc/cpuinfo` into one ``InventoryReport/CPU`` per socket, as the other agents report processors: the
/// logical processors that share a `physical id` are one CPU, whose `threads` is their count and whose `cores` is
/// the number of distinct `core id`s (else `cpu cores`).
///
/// x86 blocks name the model (`model name`), the maker (`vendor_id`), family, model and stepping. ARM blocks carry
/// `CPU implementer` and `CPU part` codes, named here for the common cores. The speed is the nominal one written in
/// the model name (`@ 2.30GHz`), never `cpu MHz`, the current clock, which would change the inventory at every run;
/// the collector adds the maximum frequency from cpufreq when the name has none.
public enum CPUInfoParser {
    /// The processors, in socket order; empty when no block has a `processor` number.
    public static func parse(_ text: String) -> [InventoryReport.CPU] {
        var sockets: [String: Socket] = [:]
        var order: [String] = []
        for block in blocks(text) {
            guard InventoryText.integer(block["processor"]) != nil else { continue }
            let socketID = block["physical id"] ?? "0"
            if sockets[socketID] == nil {
                sockets[socketID] = Socket(first: block)
                order.append(socketID)
            }
            sockets[socketID]!.threads += 1
            if let core = block["core id"] { sockets[socketID]!.coreIDs.insert(core) }
        }
        return order.compactMap { sockets[$0]?.cpu }
    }

    /// The logical processors of one socket.
    struct Socket {
        let first: [String: String]
        var threads = 0
        var coreIDs: Set<String> = []

        var cpu: InventoryReport.CPU {
            var cpu = InventoryReport.CPU()
            let implementer = first["CPU implementer"].flatMap { CPUInfoParser.hexCode($0) }
            let part = first["CPU part"].flatMap { CPUInfoParser.hexCode($0) }
            cpu.name = first["model name"] ?? implementer.flatMap { CPUInfoParser.armCoreName(implementer: $0, part: part) }
                ?? first["cpu model"] ?? first["cpu"]
            cpu.manufacturer = first["vendor_id"].map(CPUInfoParser.vendorName)
                ?? implementer.flatMap { CPUInfoParser.armImplementers[$0] }
            cpu.familyNumber = first["cpu family"]
            cpu.model = first["model"]
            cpu.stepping = InventoryText.integer(first["stepping"])
            cpu.threads = threads
            cpu.cores = coreIDs.isEmpty ? InventoryText.integer(first["cpu cores"]) ?? threads : coreIDs.count
            cpu.speedMHz = cpu.name.flatMap(CPUInfoParser.nominalMHz)
            return cpu
        }
    }

    /// Blocks of `key : value` lines separated by blank lines.
    static func blocks(_ text: String) -> [[String: String]] {
        var blocks: [[String: String]] = []
        var current: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let pair = InventoryText.pair(line, separator: ":") else {
                if InventoryText.clean(line) == nil, !current.isEmpty {
                    blocks.append(current)
                    current = [:]
                }
                continue
            }
            if let value = pair.value, current[pair.key] == nil { current[pair.key] = value }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }

    /// `GenuineIntel` → `Intel`, `AuthenticAMD` → `AMD`; other vendor ids as they are.
    static func vendorName(_ vendorID: String) -> String {
        switch vendorID {
        case "GenuineIntel": "Intel"
        case "AuthenticAMD": "AMD"
        case "HygonGenuine": "Hygon"
        case "CentaurHauls": "Centaur"
        case "Shanghai": "Zhaoxin"
        default: vendorID
        }
    }

    /// `0x41` → 0x41.
    static func hexCode(_ text: String) -> Int? {
        let lower = text.lowercased()
        guard lower.hasPrefix("0x"), lower.count <= 10 else { return nil }
        return Int(lower.dropFirst(2), radix: 16)
    }

    /// The makers of ARM cores by implementer code (Arm ARM, MIDR_EL1).
    static let armImplementers: [Int: String] = [
        0x41: "ARM", 0x42: "Broadcom", 0x43: "Cavium", 0x46: "Fujitsu", 0x48: "HiSilicon", 0x4E: "NVIDIA",
        0x50: "APM", 0x51: "Qualcomm", 0x53: "Samsung", 0x61: "Apple", 0xC0: "Ampere",
    ]

    /// Arm's own cores by part number.
    static let armParts: [Int: String] = [
        0xD03: "Cortex-A53", 0xD04: "Cortex-A35", 0xD05: "Cortex-A55", 0xD07: "Cortex-A57", 0xD08: "Cortex-A72",
        0xD09: "Cortex-A73", 0xD0A: "Cortex-A75", 0xD0B: "Cortex-A76", 0xD0C: "Neoverse-N1", 0xD0D: "Cortex-A77",
        0xD40: "Neoverse-V1", 0xD41: "Cortex-A78", 0xD44: "Cortex-X1", 0xD46: "Cortex-A510", 0xD47: "Cortex-A710",
        0xD48: "Cortex-X2", 0xD49: "Neoverse-N2", 0xD4F: "Neoverse-V2", 0xC07: "Cortex-A7", 0xC0F: "Cortex-A15",
    ]

    /// `ARM Cortex-A72`; the maker alone for a part not listed; nil for an unknown maker.
    static func armCoreName(implementer: Int, part: Int?) -> String? {
        guard let maker = armImplementers[implementer] else { return nil }
        if implementer == 0x41, let part, let core = armParts[part] { return maker + " " + core }
        return maker
    }

    /// The speed after `@` in a model name: `… CPU @ 2.30GHz` → 2300, `@ 800MHz` → 800.
    static func nominalMHz(_ name: String) -> Int? {
        guard let at = name.lastIndex(of: "@") else { return nil }
        let text = name[name.index(after: at)...].drop { $0 == " " }.lowercased()
        let number = text.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number), value > 0, value < 100_000 else { return nil }
        let unit = text.dropFirst(number.count).drop { $0 == " " }
        if unit.hasPrefix("ghz") { return Int((value * 1000).rounded()) }
        if unit.hasPrefix("mhz") { return Int(value.rounded()) }
        return nil
    }
}
