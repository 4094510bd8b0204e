import ParcCore

/// Debian packages, read from dpkg's database file (``DpkgStatusParser``) rather than through `dpkg-query`: the
/// same facts for a fraction of the time. Each package's publisher is the distribution (`Debian`, `Ubuntu`), as
/// glpi-agent and FusionInventory report it, so that the software catalogue groups the same packages whichever
/// agent sent them; the install date is the last change of its file list (`/var/lib/dpkg/info/<name>.list`), so
/// an upgrade moves it, as with the other agents (decision 0024).
struct DpkgCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "software" }
    var sections: Set<InventorySection> { [.software] }

    static let statusFile = "/var/lib/dpkg/status"

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        guard environment.files.exists(Self.statusFile) else { return }  // not a dpkg system
        var database = DpkgStatusParser.Stream()
        guard environment.stream(Self.statusFile, for: name, notes: &notes, limit: 1 << 30, { database.feed($0) }) else {
            notes.append(.init(collector: name, reason: .unreadable, message: "Debian packages unknown"))
            return
        }
        let publisher = DistributorName.read(environment.files)
        let dates = InstallDates(environment: environment)
        for package in database.finish() {
            var software = InventoryReport.Software(name: package.name)
            software.version = package.version
            software.architecture = package.architecture
            software.source = "deb"
            software.category = package.section
            software.sizeBytes = InventoryText.multiply(package.installedSizeKiB, by: 1024)
            software.publisher = publisher
            software.installDate = dates.date(of: package)
            report.software.append(software)
        }
        report.sections.insert(.software)
    }

    /// Install days from the file lists' modification times; one `stat` per package (about 2 ms for 1 000).
    struct InstallDates {
        let environment: InventoryEnvironment

        func date(of package: DpkgStatusParser.Package) -> InventoryDate? {
            let directory = "/var/lib/dpkg/info/"
            // Multi-Arch: same packages name their list `<name>:<arch>.list`.
            let seconds = environment.files.modificationTime(directory + package.name + ".list")
                ?? package.architecture.flatMap {
                    environment.files.modificationTime(directory + package.name + ":" + $0 + ".list")
                }
            return seconds.flatMap { environment.localTime($0)?.date }
        }
    }
}
