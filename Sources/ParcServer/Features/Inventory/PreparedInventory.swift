import Crypto
import Foundation
import ParcCore
import ParcInventory

/// Everything an import writes, computed before the transaction opens: rows and digests per section, the
/// software list after the dictionary, match keys, summary values.
struct PreparedInventory {
    struct Section {
        let section: InventorySection
        let digest: String
    }

    /// The rows of a section, for `asset_components`.
    func rows(of section: InventorySection) throws -> [SectionRows.Row] {
        try SectionRows.of(section, in: report, encoder: JSONEncoder.sortedKeys)?.rows ?? []
    }

    struct Program {
        let name: String
        let publisher: String?
        let nameKey: String
        let publisherKey: String
        let version: String
        let architecture: String
        let installDate: String?
        /// One program of this device: catalogue key, version, architecture (computed once: the import looks
        /// every program up by it several times).
        let identity: String

        init(name: String, publisher: String?, nameKey: String, publisherKey: String, version: String,
             architecture: String, installDate: String?) {
            self.name = name
            self.publisher = publisher
            self.nameKey = nameKey
            self.publisherKey = publisherKey
            self.version = version
            self.architecture = architecture
            self.installDate = installDate
            identity = Self.key(nameKey, publisherKey) + "\u{1}" + version + "\u{1}" + architecture
        }

        static func key(_ nameKey: String, _ publisherKey: String) -> String { nameKey + "\u{1}" + publisherKey }
        static func versionKey(_ softwareID: UUID, _ version: String, _ architecture: String) -> VersionKey {
            VersionKey(softwareID: softwareID, version: version, architecture: architecture)
        }

        var softwareKey: String { Self.key(nameKey, publisherKey) }
        func versionKey(_ softwareID: UUID) -> VersionKey { Self.versionKey(softwareID, version, architecture) }
    }

    /// One version of one catalogue program (hashing a UUID is cheap; formatting it is not).
    struct VersionKey: Hashable, Comparable {
        let softwareID: UUID
        let version: String
        let architecture: String

        /// The same order in every process (concurrent imports insert in one order: no deadlock).
        static func < (lhs: VersionKey, rhs: VersionKey) -> Bool {
            if lhs.softwareID != rhs.softwareID {
                return withUnsafeBytes(of: lhs.softwareID.uuid) { left in
                    withUnsafeBytes(of: rhs.softwareID.uuid) { right in left.lexicographicallyPrecedes(right) }
                }
            }
            return (lhs.version, lhs.architecture) < (rhs.version, rhs.architecture)
        }
    }

    struct Key: Hashable {
        let criterion: String
        let value: String
        let scope: String
    }

    let entityID: UUID
    let assetType: AssetType
    let fallbackName: String
    let sections: [Section]
    /// The programs after the dictionary, each once; empty until ``preparePrograms()`` ran (``init`` runs it
    /// unless told the software is probably unchanged).
    private(set) var software: [Program] = []
    /// Whether ``software`` holds the report's programs.
    private(set) var programsPrepared = false
    /// The digest of the programs the report brings (``softwareFingerprint``) and of the dictionary that turns
    /// them into catalogue entries; nil when the report does not carry the software section (a partial inventory
    /// without it).
    var softwareDigest: String? { softwareFingerprint.map { $0 + "." + dictionary.fingerprint } }
    /// The report's programs' own digest, as ``InventoryReport/fingerprint(of:)`` gives it.
    private(set) var softwareFingerprint: String?
    /// The programs of an XML report, still as the scanner's events, while nothing needed them (decision 0082).
    private var deferredSoftware: DeferredXMLSoftware?
    /// SHA-256 of those events: the programs as sent, which ``SoftwareDigestHints`` remembers per machine.
    let sentSoftwareDigest: String?
    let dictionary: SoftwareDictionary
    let keys: [Key]
    let keysDigest: String
    let sourceKind: String
    let deviceID: String?
    let agentID: UUID?
    let linkedAssetID: UUID?
    private(set) var report: InventoryReport

    /// Everything an import of `report` writes. With `programs: false`, the program list is left for
    /// ``preparePrograms()``: a machine whose software digest did not change needs none of it.
    ///
    /// `deferredSoftware` holds the programs of an XML report that were not read yet. When `knownSoftware` (the
    /// hints) says this machine sent the very same events last time, their fingerprint is taken from the hint and
    /// they stay unread until ``preparePrograms()`` needs them; otherwise they are read here.
    init(_ report: InventoryReport, entityID: UUID, source: InventorySource, matchOrder: [InventoryMatchCriterion],
         dictionary: SoftwareDictionary = .empty, programs: Bool = true,
         deferredSoftware: DeferredXMLSoftware? = nil,
         knownSoftware: (_ keysDigest: String) -> SoftwareDigestHints.Hint? = { _ in nil }) throws
    {
        self.report = report
        self.dictionary = dictionary
        self.entityID = entityID
        assetType = AssetType(report.deviceType)
        let identity = report.identity
        fallbackName = String((identity.name ?? source.deviceID ?? identity.serial ?? "unnamed").prefix(200))
        sourceKind = source.kind
        deviceID = source.deviceID
        agentID = source.agentID
        linkedAssetID = source.linkedAssetID
        // A full inventory is the whole truth: a section it lacks is emptied. A partial one touches only
        // the sections it carries. Digests come first; rows are encoded only for sections that changed.
        let touched = report.isPartial ? report.presentSections : Set(InventorySection.allCases)
        sections = InventorySection.allCases.filter { touched.contains($0) && $0 != .software }.map {
            Section(section: $0, digest: report.fingerprint(of: $0))
        }
        var keys = report.matchKeys(order: matchOrder).map {
            Key(criterion: $0.criterion.rawValue, value: $0.value,
                scope: $0.criterion == .name ? entityID.uuidString : "")
        }
        // The device id names the agent, which is the machine itself only for a local inventory: a network
        // inventory carries the id of the agent that polled the device.
        if let deviceID = source.deviceID, !deviceID.isEmpty, report.action == .inventory {
            keys.append(Key(criterion: "device_id", value: String(deviceID.prefix(255)), scope: ""))
        }
        self.keys = keys
        var hasher = SHA256()
        for key in keys { hasher.update(data: Data("\(key.criterion)\u{1}\(key.value)\u{1}\(key.scope)\u{0}".utf8)) }
        keysDigest = Self.hex(hasher.finalize())
        if !touched.contains(.software) {
            sentSoftwareDigest = nil
        } else if let deferredSoftware {
            let sent = Self.hex(SHA256.hash(data: deferredSoftware.events.bytes))
            sentSoftwareDigest = sent
            if let hint = knownSoftware(keysDigest), hint.sent == sent {
                // The same events as this machine's last committed import: the same programs.
                softwareFingerprint = hint.fingerprint
                self.deferredSoftware = deferredSoftware
            } else {
                self.report.software = try Self.read(deferredSoftware)
                softwareFingerprint = self.report.fingerprint(of: .software)
            }
        } else {
            sentSoftwareDigest = nil
            softwareFingerprint = report.fingerprint(of: .software)
        }
        if programs { try preparePrograms() }
    }

    /// Deferred programs read, with the intake's limits; a refusal is the API's 4xx, as for a body read at once.
    private static func read(_ deferred: DeferredXMLSoftware) throws -> [InventoryReport.Software] {
        do {
            return try deferred.read(limits: InventoryIntake.limits)
        } catch {
            throw InventoryIntake.error(error)
        }
    }

    /// Fills ``software``: the report's programs after the dictionary, each identity once.
    mutating func preparePrograms() throws {
        guard !programsPrepared else { return }
        if let deferred = deferredSoftware {
            report.software = try Self.read(deferred)
            deferredSoftware = nil
        }
        programsPrepared = true
        guard softwareDigest != nil else { return }
        var programs: [Program] = []
        programs.reserveCapacity(report.software.count)
        var seen = Set<String>()
        for item in report.software {
            // The dictionary renames, merges (two names renamed to one) or ignores programs.
            guard let (renamed, renamedPublisher) = dictionary.apply(name: item.name, publisher: item.publisher)
            else { continue }
            let name = String(renamed.prefix(255))
            let publisher = renamedPublisher.map { String($0.prefix(255)) }
            let key = SoftwareCatalogueKey(name: name, publisher: publisher)
            guard !key.name.isEmpty else { continue }
            let program = Program(
                name: name, publisher: publisher, nameKey: key.name, publisherKey: key.publisher,
                version: String((item.version ?? "").prefix(255)),
                architecture: String((item.architecture ?? "").prefix(64)),
                installDate: item.installDate?.description)
            guard seen.insert(program.identity).inserted else { continue }
            programs.append(program)
        }
        software = programs
    }

    static func hex(_ digest: SHA256.Digest) -> String { Hex.string(digest) }

    /// The summary columns the report sets, as text (nil clears). Fields whose section the report does not
    /// carry are left out, so a partial inventory leaves them as stored.
    func summary() -> [(String, String?)] {
        let present = report.isPartial ? report.presentSections : Set(InventorySection.allCases)
        let identity = report.identity
        var values: [(String, String?)] = []
        if present.contains(.hardware) || present.contains(.networkDevice) {
            if let name = identity.name { values.append(("name", String(name.prefix(200)))) }
            values.append(("uuid", identity.uuid))
        }
        if present.contains(.bios) || present.contains(.networkDevice) {
            values.append(("serial", identity.serial))
            values.append(("manufacturer", identity.manufacturer))
            values.append(("model", identity.model))
        }
        if present.contains(.hardware) || present.contains(.bios), let chassis = identity.chassis, chassis != .unknown {
            values.append(("subtype", chassis.rawValue))
        }
        if present.contains(.operatingSystem) {
            let os = report.operatingSystem
            values.append(("os_name", os?.fullName ?? os?.name))
            values.append(("os_version", os?.version))
            values.append(("os_build", os?.build))
            values.append(("os_architecture", os?.architecture))
            values.append(("os_kernel", os?.kernelVersion))
            values.append(("os_install_date", os?.installDate?.description))
        }
        if present.contains(.hardware) || present.contains(.memoryModules) {
            let modules = report.memoryModules.compactMap(\.capacityBytes).reduce(0, +)
            let memory = report.hardware?.memoryBytes ?? (modules > 0 ? modules : nil)
            values.append(("memory_bytes", memory.map(String.init)))
        }
        if present.contains(.cpus) {
            values.append(("cpu_name", report.cpus.first?.name))
            let cores = report.cpus.compactMap(\.cores).reduce(0, +)
            values.append(("cpu_cores", cores > 0 ? String(cores) : nil))
        }
        if present.contains(.volumes) {
            let fullest = report.volumes.compactMap(\.usedFraction).max()
            values.append(("disk_used_max_percent", fullest.map { String(Int(($0 * 100).rounded())) }))
        }
        return values
    }

    /// The history line of a machine created by inventory.
    var creationSummary: [FieldChange] {
        var changes = [FieldChange(field: "source", before: nil, after: sourceKind)]
        if let name = report.identity.name { changes.append(FieldChange(field: "name", before: nil, after: name)) }
        changes.append(FieldChange(field: "software", before: nil, after: "\(software.count)"))
        return changes
    }
}

extension AssetModel {
    /// A summary column as text.
    func summaryValue(_ field: String) -> String? {
        switch field {
        case "name": name
        case "uuid": systemUUID
        case "serial": serial
        case "manufacturer": manufacturer
        case "model": model
        case "subtype": subtype
        case "os_name": osName
        case "os_version": osVersion
        case "os_build": osBuild
        case "os_architecture": osArchitecture
        case "os_kernel": osKernel
        case "os_install_date": osInstallDate
        case "memory_bytes": memoryBytes.map(String.init)
        case "cpu_name": cpuName
        case "cpu_cores": cpuCores.map(String.init)
        case "disk_used_max_percent": diskUsedMaxPercent.map(String.init)
        default: nil
        }
    }

    func setSummaryValue(_ field: String, _ value: String?) {
        switch field {
        case "name": if let value { name = value }
        case "uuid": systemUUID = value
        case "serial": serial = value
        case "manufacturer": manufacturer = value
        case "model": model = value
        case "subtype": subtype = value
        case "os_name": osName = value
        case "os_version": osVersion = value
        case "os_build": osBuild = value
        case "os_architecture": osArchitecture = value
        case "os_kernel": osKernel = value
        case "os_install_date": osInstallDate = value
        case "memory_bytes": memoryBytes = value.flatMap { Int64($0) }
        case "cpu_name": cpuName = value
        case "cpu_cores": cpuCores = value.flatMap { Int($0) }
        case "disk_used_max_percent": diskUsedMaxPercent = value.flatMap { Int($0) }
        default: break
        }
    }
}
