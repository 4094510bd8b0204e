import ParcCore

/// Processors from `/proc/cpuinfo` (``CPUInfoParser``), with the architecture from `uname` and, when the model name
/// carries no speed, the maximum frequency cpufreq reports.
struct CPUCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "cpu" }
    var sections: Set<InventorySection> { [.cpus] }

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        guard let text = environment.text("/proc/cpuinfo", for: name, notes: &notes, limit: 16 << 20) else {
            notes.append(.init(collector: name, reason: .unavailable, message: "no /proc/cpuinfo: processors unknown"))
            return
        }
        var cpus = CPUInfoParser.parse(text)
        guard !cpus.isEmpty else {
            notes.append(.init(collector: name, reason: .unreadable, message: "no processor found in /proc/cpuinfo"))
            return
        }
        let architecture = Self.architecture(environment.kernel.machine)
        let maximumKHz = environment.files.value("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
            .flatMap { InventoryText.integer($0) }
        for index in cpus.indices {
            cpus[index].architecture = architecture
            if cpus[index].speedMHz == nil, let maximumKHz, maximumKHz > 0 { cpus[index].speedMHz = maximumKHz / 1000 }
        }
        report.cpus = cpus
    }

    /// `uname -m` in the GLPI schema's words: `ppc64le` is `powerpc64`; architectures the schema does not name
    /// (`riscv64`, `s390x`) are left out rather than written invalid.
    static func architecture(_ machine: String) -> String? {
        let machine = machine.lowercased()
        switch machine {
        case "x86_64", "aarch64", "mips", "mips64", "alpha", "sparc", "sparc64", "m68k": return machine
        case "amd64": return "x86_64"
        case "arm64": return "aarch64"
        case "ppc64", "ppc64le": return "powerpc64"
        case "ppc": return "powerpc"
        default:
            if machine.hasPrefix("arm") { return machine }
            let bytes = Array(machine.utf8)
            if bytes.count == 4, bytes[0] == UInt8(ascii: "i"), bytes[2...] == [UInt8(ascii: "8"), UInt8(ascii: "6")],
                (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1])
            {
                return machine
            }
            return nil
        }
    }
}
