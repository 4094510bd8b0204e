import ParcCore

/// RPM packages through `rpm -qa` (the database format changed twice in ten years: only rpm reads it reliably),
/// when the machine has an rpm database and the rpm command. The publisher is the package's vendor; the install
/// date is rpm's own.
struct RPMCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "software" }
    var sections: Set<InventorySection> { [.software] }

    static let rpmPaths = ["/usr/bin/rpm", "/bin/rpm"]

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        guard environment.files.isDirectory("/var/lib/rpm") || environment.files.isDirectory("/usr/lib/sysimage/rpm"),
            let rpm = environment.executable(Self.rpmPaths)
        else { return }
        guard let result = environment.runCommand(rpm, ["-qa", "--queryformat", RPMQueryParser.queryFormat], 120),
            result.status == 0
        else {
            notes.append(.init(collector: name, reason: .unreadable, message: "rpm -qa failed: RPM packages unknown"))
            return
        }
        for package in RPMQueryParser.parse(String(decoding: result.output, as: UTF8.self)) {
            var software = InventoryReport.Software(name: package.name)
            software.version = package.version
            software.architecture = package.architecture
            software.source = "rpm"
            software.category = package.group
            software.sizeBytes = package.sizeBytes
            software.publisher = package.vendor
            software.comments = package.summary
            software.installDate = package.installTime.flatMap { environment.localTime($0)?.date }
            report.software.append(software)
        }
        report.sections.insert(.software)
    }
}
