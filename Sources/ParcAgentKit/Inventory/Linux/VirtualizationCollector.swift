import ParcCore

/// Whether the machine is physical, a virtual machine or a container (`hardware.vmSystem`, the word other agents
/// send: `Physical`, `KVM`, `VMware`, `Docker`, `lxc`…), from files every user may read: container markers first
/// (a container on a virtual machine is a container), then the DMI maker and model the BIOS collector read, then
/// Xen's sysfs entry, then the CPU's `hypervisor` flag. Runs after ``DMICollector``.
struct VirtualizationCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "virtualization" }
    var sections: Set<InventorySection> { [.hardware] }

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        let system = container() ?? hypervisor(report.bios) ?? "Physical"
        report.updateHardware { $0.vmSystem = system }
    }

    /// `Docker`, `Podman`, `lxc`, `Virtuozzo`; nil outside a container.
    func container() -> String? {
        let files = environment.files
        if files.exists("/.dockerenv") { return "Docker" }
        if files.exists("/run/.containerenv") { return "Podman" }
        if let cgroups = files.bytes("/proc/1/cgroup").map({ String(decoding: $0, as: UTF8.self) }) {
            if cgroups.contains("/docker/") || cgroups.contains("/docker-") { return "Docker" }
            if cgroups.contains("/lxc/") || cgroups.contains("/lxc.payload") { return "lxc" }
        }
        if files.exists("/proc/vz"), !files.exists("/proc/bc") { return "Virtuozzo" }
        return nil
    }

    /// The hypervisor named by the DMI maker or model, Xen's sysfs entry, else `Virtual Machine` when the CPU says
    /// it runs under a hypervisor it does not name; nil on bare metal.
    func hypervisor(_ bios: InventoryReport.BIOS?) -> String? {
        if let named = Self.hypervisorName(
            [bios?.systemManufacturer, bios?.systemModel, bios?.manufacturer].compactMap { $0 }.joined(separator: " "))
        {
            return named
        }
        if environment.files.value("/sys/hypervisor/type") == "xen" { return "Xen" }
        let flags = environment.files.bytes("/proc/cpuinfo", limit: 16 << 20).map { String(decoding: $0, as: UTF8.self) }
        if let flags, flags.split(separator: "\n").contains(where: { Self.hasHypervisorFlag($0) }) { return "Virtual Machine" }
        return nil
    }

    /// The x86 `flags` line lists `hypervisor` under any hypervisor.
    static func hasHypervisorFlag(_ line: Substring) -> Bool {
        guard line.hasPrefix("flags") else { return false }
        return line.split(separator: " ").contains("hypervisor")
    }

    /// The hypervisor a DMI maker or model names: `QEMU`, `KVM`, `VMware`, `VirtualBox`, `Hyper-V`, `Xen`,
    /// `Parallels`, `Bochs`; nil for any other text.
    static func hypervisorName(_ text: String) -> String? {
        let lower = text.lowercased()
        if lower.contains("vmware") { return "VMware" }
        if lower.contains("virtualbox") || lower.contains("innotek") { return "VirtualBox" }
        if lower.contains("kvm") { return "KVM" }
        if lower.contains("qemu") { return "QEMU" }
        if lower.contains("microsoft corporation") && lower.contains("virtual machine") { return "Hyper-V" }
        if lower.contains("xen") { return "Xen" }
        if lower.contains("parallels") { return "Parallels" }
        if lower.contains("bochs") { return "Bochs" }
        return nil
    }
}
