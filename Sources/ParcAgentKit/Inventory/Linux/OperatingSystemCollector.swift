import Foundation
import ParcCore

/// The operating system and the host's names: `/etc/os-release` (Debian's exact point release from
/// `/etc/debian_version`), `uname`, the boot time (`btime` of `/proc/stat`, which with the inventory time gives the
/// uptime), the time zone, and the fully qualified name from `/etc/hosts` when the host name has no domain: no DNS
/// query, which may be slow or hang. The installation date is the creation time of the Debian or Ubuntu
/// installer's log directory when there is one (no other source is both cheap and reliable).
struct OperatingSystemCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "os" }
    var sections: Set<InventorySection> { [.operatingSystem, .hardware] }

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        let kernel = environment.kernel
        var os = InventoryReport.OperatingSystem()
        let release = (environment.text("/etc/os-release", for: name, notes: &notes)
            ?? environment.text("/usr/lib/os-release", for: name, notes: &notes)).map(OSReleaseParser.parse) ?? [:]
        if release.isEmpty {
            notes.append(.init(collector: name, reason: .unavailable, message: "no /etc/os-release: distribution unknown"))
        }
        os.name = release["NAME"] ?? InventoryText.clean(kernel.name)
        os.fullName = release["PRETTY_NAME"] ?? release["NAME"]
        os.version = release["VERSION_ID"]
        if release["ID"] == "debian", let point = environment.files.value("/etc/debian_version"),
            point.first?.isNumber == true
        {
            os.version = point
        }
        os.kernelName = InventoryText.clean(kernel.name.lowercased())
        os.kernelVersion = InventoryText.clean(kernel.release)
        os.architecture = InventoryText.clean(kernel.machine)
        let hostName = InventoryText.clean(kernel.hostName)
        os.fqdn = hostName.map(fullyQualifiedName)
        if let fqdn = os.fqdn, let dot = fqdn.firstIndex(of: ".") {
            os.dnsDomain = InventoryText.clean(fqdn[fqdn.index(after: dot)...])
        }
        os.bootTime = bootTime(notes: &notes)
        os.installDate = environment.files.modificationTime("/var/log/installer")
            .flatMap { environment.localTime($0)?.date }
        os.timezoneName = environment.timeZone.identifier
        os.timezoneOffset = Self.offset(environment.timeZone.offset(Int(environment.now.timeIntervalSince1970)))
        report.operatingSystem = os
        let shortName = hostName.map { String($0.prefix { $0 != "." }) }
        report.updateHardware { $0.name = shortName }
    }

    /// The host name when it has a domain, else its canonical name in `/etc/hosts`, else the host name.
    func fullyQualifiedName(_ hostName: String) -> String {
        if hostName.contains(".") { return hostName }
        let hosts = environment.files.bytes("/etc/hosts", limit: 1 << 20).map { String(decoding: $0, as: UTF8.self) }
        return hosts.flatMap { HostsFileParser.fullyQualifiedName(of: hostName, in: $0) } ?? hostName
    }

    /// `btime` of `/proc/stat`, as the machine's wall-clock time.
    func bootTime(notes: inout [CollectorNote]) -> InventoryDateTime? {
        // /proc/stat grows with the number of processors and interrupts: btime comes after them.
        guard let text = environment.text("/proc/stat", for: name, notes: &notes, limit: 16 << 20) else { return nil }
        if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let seconds = InventoryText.integer(line.dropFirst(6)), let time = environment.localTime(seconds)
        {
            return time
        }
        notes.append(.init(collector: name, reason: .unreadable, message: "no btime in /proc/stat: boot time unknown"))
        return nil
    }

    /// 3600 → `+0100`, -16200 → `-0430`.
    static func offset(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        let digits = String(minutes / 60 * 100 + minutes % 60)
        return (seconds < 0 ? "-" : "+") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
