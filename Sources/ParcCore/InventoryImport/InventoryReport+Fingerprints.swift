extension InventoryReport {
    /// A digest of each section this report speaks for: every section of a full report (an absent one digests as
    /// empty, since it means "none"), only the ``presentSections`` of a partial one.
    ///
    /// The server stores them with the asset and, at the next inventory, skips every section whose digest did not
    /// change: re-importing an unchanged machine then costs reading the report, digesting it (under a millisecond
    /// for 800 programs) and comparing 22 short strings. Each digest is 16 hexadecimal digits of a 64-bit FNV-1a
    /// hash over a canonical encoding of every field (``FingerprintEncoder``); it is stable across processes and
    /// machines, and changes when the model does, which only costs one full import after an upgrade. A collision
    /// would take two different contents of one section of one device, about one chance in 2⁶⁴ per inventory.
    public func sectionFingerprints() -> [InventorySection: String] {
        let sections = isPartial ? presentSections : Set(InventorySection.allCases)
        var fingerprints: [InventorySection: String] = [:]
        fingerprints.reserveCapacity(sections.count)
        for section in sections { fingerprints[section] = fingerprint(of: section) }
        return fingerprints
    }

    /// The digest of one section, as ``sectionFingerprints()`` gives it.
    public func fingerprint(of section: InventorySection) -> String {
        let digest: UInt64
        switch section {
        case .bios: digest = FingerprintEncoder.digest(of: bios)
        case .hardware: digest = FingerprintEncoder.digest(of: hardware)
        case .operatingSystem: digest = FingerprintEncoder.digest(of: operatingSystem)
        case .cpus: digest = FingerprintEncoder.digest(of: cpus)
        case .memoryModules: digest = FingerprintEncoder.digest(of: memoryModules)
        case .storageDrives: digest = FingerprintEncoder.digest(of: storageDrives)
        case .volumes: digest = FingerprintEncoder.digest(of: volumes)
        case .networkInterfaces: digest = FingerprintEncoder.digest(of: networkInterfaces)
        case .gpus: digest = FingerprintEncoder.digest(of: gpus)
        case .batteries: digest = FingerprintEncoder.digest(of: batteries)
        case .controllers: digest = FingerprintEncoder.digest(of: controllers)
        case .software: digest = Software.digest(of: software)
        case .users: digest = FingerprintEncoder.digest(of: users)
        case .monitors: digest = FingerprintEncoder.digest(of: monitors)
        case .virtualMachines: digest = FingerprintEncoder.digest(of: virtualMachines)
        case .networkDevice: digest = FingerprintEncoder.digest(of: networkDevice)
        case .networkPorts: digest = FingerprintEncoder.digest(of: networkPorts)
        case .networkComponents: digest = FingerprintEncoder.digest(of: networkComponents)
        case .firmwares: digest = FingerprintEncoder.digest(of: firmwares)
        case .simCards: digest = FingerprintEncoder.digest(of: simCards)
        case .pageCounters: digest = FingerprintEncoder.digest(of: pageCounters)
        case .cartridges: digest = FingerprintEncoder.digest(of: cartridges)
        }
        return FNV1a64.hex(digest)
    }
}

extension InventoryReport.Software {
    /// The fields ``digest(of:)`` reads, by name: a test compares them with the type's stored properties, so a
    /// field added later cannot be forgotten.
    static let digestedFields: Set<String> = [
        "name", "version", "publisher", "installDate", "architecture", "source", "category", "sizeBytes", "comments",
        "guid",
    ]

    /// The digest of a software list, written out by hand: ~800 programs per machine make the generic
    /// ``FingerprintEncoder`` the costliest step of an unchanged re-inventory. Programs in order; each field
    /// tagged with its position, absent fields with a tag of their own, strings with their length.
    static func digest(of programs: [Self]) -> UInt64 {
        var hasher = FNV1a64(tag: 0x53)
        hasher.combine(UInt64(programs.count))
        func text(_ hasher: inout FNV1a64, _ position: UInt8, _ value: String?) {
            guard let value else { return hasher.combine(byte: position | 0x80) }
            hasher.combine(byte: position)
            hasher.combine(value)
        }
        for program in programs {
            text(&hasher, 1, program.name)
            text(&hasher, 2, program.version)
            text(&hasher, 3, program.publisher)
            if let day = program.installDate {
                hasher.combine(byte: 4)
                hasher.combine(UInt64(day.year * 10_000 + day.month * 100 + day.day))
            } else {
                hasher.combine(byte: 4 | 0x80)
            }
            text(&hasher, 5, program.architecture)
            text(&hasher, 6, program.source)
            text(&hasher, 7, program.category)
            if let size = program.sizeBytes {
                hasher.combine(byte: 8)
                hasher.combine(UInt64(bitPattern: Int64(size)))
            } else {
                hasher.combine(byte: 8 | 0x80)
            }
            text(&hasher, 9, program.comments)
            text(&hasher, 10, program.guid)
        }
        return hasher.finalized
    }
}
