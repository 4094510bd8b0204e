import ParcCore

/// Memory and swap totals from `/proc/meminfo`, always; memory modules from `dmidecode -t 17` when the agent is
/// root and dmidecode is installed (the SMBIOS table it reads is root-only), otherwise noted.
struct MemoryCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "memory" }
    var sections: Set<InventorySection> { [.hardware, .memoryModules] }

    static let dmidecodePaths = ["/usr/sbin/dmidecode", "/sbin/dmidecode", "/usr/bin/dmidecode"]

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        if let text = environment.text("/proc/meminfo", for: name, notes: &notes) {
            let values = MemInfoParser.parse(text)
            if values["MemTotal"] == nil {
                notes.append(.init(collector: name, reason: .unreadable, message: "no MemTotal in /proc/meminfo"))
            }
            report.updateHardware {
                $0.memoryBytes = values["MemTotal"]
                $0.swapBytes = values["SwapTotal"]
            }
        } else {
            notes.append(.init(collector: name, reason: .unavailable, message: "no /proc/meminfo: memory size unknown"))
        }
        collectModules(into: &report, notes: &notes)
    }

    func collectModules(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        guard let dmidecode = environment.executable(Self.dmidecodePaths) else {
            notes.append(
                .init(
                    collector: name, reason: .unavailable,
                    message: "memory modules not listed: dmidecode is not installed"))
            return
        }
        guard environment.isRoot else {
            notes.append(
                .init(collector: name, reason: .needsRoot, message: "could not list memory modules (dmidecode needs root)"))
            return
        }
        guard let result = environment.runCommand(dmidecode, ["-t", "17"], 30) else {
            notes.append(
                .init(collector: name, reason: .unreadable, message: "\(dmidecode) did not run or did not finish in 30 s"))
            return
        }
        let modules = DMIDecodeMemoryParser.parse(String(decoding: result.output, as: UTF8.self))
        guard result.status == 0 else {
            let why = InventoryText.clean(bytes: result.errorOutput.prefix(200))
                ?? InventoryText.clean(bytes: result.output.prefix(200)) ?? "exit status \(result.status)"
            notes.append(.init(collector: name, reason: .unreadable, message: "dmidecode failed (\(why))"))
            return
        }
        if modules.isEmpty {
            notes.append(.init(collector: name, reason: .unavailable, message: "dmidecode lists no memory device"))
        }
        report.memoryModules = modules
        report.sections.insert(.memoryModules)
    }
}
