import Foundation

/// Settings of `check`.
public struct CheckOptions: Sendable, Hashable {
    /// Also read and verify every blob of every pack (decrypt, decompress, hash), not only the
    /// structure. Reads the whole repository.
    public var readData: Bool
    /// Take no lock (a lock file is a write; use on read-only media, when nothing else can
    /// prune the repository meanwhile).
    public var noLock: Bool
    /// Packs read at once with ``readData``; each holds one pack (about 16 MiB) in memory.
    public var concurrency: Int

    /// Options; by default a structure check under a shared lock, using every core.
    public init(
        readData: Bool = false, noLock: Bool = false, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.readData = readData
        self.noLock = noLock
        self.concurrency = max(1, concurrency)
    }
}

/// What `check` found: errors (damage), warnings (harmless leftovers), the state of every
/// snapshot, and counts. Codable, so the CLI can print it as JSON; ``summary`` is the text form.
public struct CheckReport: Sendable, Hashable, Codable {
    /// Damage: something a snapshot needs, or a repository file, is missing or altered.
    public var errors: [CheckIssue] = []
    /// Harmless findings (leftovers of interrupted runs, which prune removes).
    public var warnings: [CheckIssue] = []
    /// Every snapshot, oldest first (unreadable ones last), with what of it is damaged.
    public var snapshots: [SnapshotHealth] = []
    /// What was checked.
    public var counts = CheckCounts()
    /// Whether every blob was read.
    public var readData = false
    /// Wall time.
    public var durationSeconds: Double = 0

    /// Whether no error was found (warnings allowed).
    public var isHealthy: Bool { errors.isEmpty }

    /// An empty report.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        errors = try container.decode([CheckIssue].self, forKey: .errors)
        warnings = try container.decode([CheckIssue].self, forKey: .warnings)
        snapshots = try container.decode([SnapshotHealth].self, forKey: .snapshots)
        counts = try container.decode(CheckCounts.self, forKey: .counts)
        readData = try container.decode(Bool.self, forKey: .readData)
        durationSeconds = try container.decode(Double.self, forKey: .durationSeconds)
    }

    /// JSON with snake-case keys, and `healthy`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(isHealthy, forKey: .healthy)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(snapshots, forKey: .snapshots)
        try container.encode(counts, forKey: .counts)
        try container.encode(readData, forKey: .readData)
        try container.encode(durationSeconds, forKey: .durationSeconds)
    }

    private enum CodingKeys: String, CodingKey {
        case healthy, errors, warnings, snapshots, counts
        case readData = "read_data"
        case durationSeconds = "duration_seconds"
    }

    /// The report as text for people: every error with the snapshots and files it affects, the
    /// warnings, then per damaged snapshot what is intact.
    public var summary: String {
        var lines: [String] = []
        for issue in errors { lines.append("error: " + issue.description) }
        for issue in warnings { lines.append("warning: " + issue.description) }
        for health in snapshots where !health.isIntact { lines.append(health.description) }
        let intact = snapshots.filter(\.isIntact).count
        let plural = maintenancePlural
        lines.append(
            "\(plural(counts.snapshots, "snapshot")) (\(intact) intact), \(plural(counts.packs, "pack")), "
                + "\(plural(counts.blobs, "blob")), \(plural(counts.trees, "tree")), \(plural(counts.files, "file"))"
                + (readData ? ", \(plural(counts.blobsRead, "blob")) read (\(counts.bytesRead) bytes)" : "")
                + ": \(plural(errors.count, "error")), \(plural(warnings.count, "warning"))")
        if errors.isEmpty {
            lines.append(
                readData
                    ? "no errors: every blob reads and verifies"
                    : "no errors in the structure; run with --read-data to verify the content of every blob")
        }
        return lines.joined(separator: "\n")
    }
}

/// One problem found by `check`.
public struct CheckIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of problem.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `config` cannot be read or decrypted.
        case configDamaged = "config_damaged"
        /// A key file does not match its name or does not decode (that passphrase no longer opens).
        case keyFileDamaged = "key_file_damaged"
        /// An index file does not match its name, decrypt or decode; the packs it listed look unindexed.
        case indexFileDamaged = "index_file_damaged"
        /// A snapshot file does not match its name, decrypt or decode: the snapshot is lost.
        case snapshotFileDamaged = "snapshot_file_damaged"
        /// A dictionary file does not match its name, decrypt, or load: the small files compressed
        /// with it cannot be read (`--read-data` names them).
        case dictionaryFileDamaged = "dictionary_file_damaged"
        /// Blobs are compressed with a dictionary and the repository has none it can read.
        case dictionaryMissing = "dictionary_missing"
        /// A pack the index names is not there.
        case packMissing = "pack_missing"
        /// A pack's trailer or header is cut short or fails authentication.
        case packHeaderDamaged = "pack_header_damaged"
        /// A pack's header does not list a blob where the index says it is.
        case packIndexMismatch = "pack_index_mismatch"
        /// A pack's bytes do not hash to its name although its blobs read.
        case packContentMismatch = "pack_content_mismatch"
        /// A blob fails authentication, decompression or its hash.
        case blobCorrupted = "blob_corrupted"
        /// A blob's bytes are not there (pack truncated) or its recorded place is impossible.
        case blobUnreadable = "blob_unreadable"
        /// A tree names a blob that no index has.
        case blobMissing = "blob_missing"
        /// A tree blob reads but is not a valid tree.
        case treeMalformed = "tree_malformed"
        /// Warning: a pack on disk that no index names (left by an interrupted backup; prune deletes it).
        case unindexedPack = "unindexed_pack"
        /// Warning: an index file superseded by another (left by an interrupted prune; prune deletes it).
        case supersededIndexFile = "superseded_index_file"
    }

    /// What kind of problem.
    public var kind: Kind
    /// The problem in words, with what to do.
    public var message: String
    /// The repository file concerned, relative to the repository root (`data/3f/3f…`, `index/…`).
    public var file: String?
    /// The pack concerned.
    public var pack: ObjectID?
    /// The blob concerned, and its type.
    public var blob: ObjectID?
    public var blobType: BlobType?
    /// The snapshots, files and directories this problem damages (empty when it damages none,
    /// e.g. an unused blob, or when a copy elsewhere is sound).
    public var affected: [AffectedSnapshot]

    /// An issue.
    public init(
        kind: Kind, message: String, file: String? = nil, pack: ObjectID? = nil, blob: ObjectID? = nil,
        blobType: BlobType? = nil, affected: [AffectedSnapshot] = []
    ) {
        self.kind = kind
        self.message = message
        self.file = file
        self.pack = pack
        self.blob = blob
        self.blobType = blobType
        self.affected = affected
    }

    private enum CodingKeys: String, CodingKey {
        case kind, message, file, pack, blob, affected
        case blobType = "blob_type"
    }

    public var description: String {
        var text = message
        for snapshot in affected {
            text += "\n  " + snapshot.description
        }
        return text
    }
}

/// The part of one snapshot that an issue damages.
public struct AffectedSnapshot: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The snapshot.
    public var snapshot: ObjectID
    /// Its host and time, when its file is readable.
    public var hostname: String?
    public var time: Date?
    /// Files whose content cannot be restored, as full paths inside the snapshot (non-UTF-8
    /// bytes as `\xNN`), sorted.
    public var files: [String]
    /// Directories whose listing is lost, so nothing below them can be restored (`/` when the
    /// whole snapshot is lost).
    public var directories: [String]

    /// An affected snapshot.
    public init(snapshot: ObjectID, hostname: String?, time: Date?, files: [String], directories: [String]) {
        self.snapshot = snapshot
        self.hostname = hostname
        self.time = time
        self.files = files
        self.directories = directories
    }

    private enum CodingKeys: String, CodingKey {
        case snapshot, hostname, time, files, directories
    }

    public var description: String {
        var parts: [String] = []
        if !files.isEmpty { parts.append("files " + files.joined(separator: ", ")) }
        if !directories.isEmpty { parts.append("everything under " + directories.joined(separator: ", ")) }
        return "snapshot \(snapshot.shortHex)\(maintenanceSnapshotLabel(hostname, time)): "
            + parts.joined(separator: "; ")
    }
}

/// The state of one snapshot after `check`.
public struct SnapshotHealth: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The snapshot.
    public var snapshot: ObjectID
    /// Its host and time (nil when its file is unreadable).
    public var hostname: String?
    public var time: Date?
    /// Whether its file reads.
    public var readable: Bool
    /// Regular files in the readable part of its tree.
    public var files: Int
    /// Files whose content is damaged, full paths, sorted.
    public var damagedFiles: [String]
    /// Directories whose listing is lost (`/`: the whole tree).
    public var lostDirectories: [String]

    /// The files that restore intact: every file counted minus the damaged ones (the files
    /// under lost directories cannot be counted).
    public private(set) var intactFiles: Int
    /// Whether everything in the snapshot can be restored.
    public private(set) var isIntact: Bool

    init(
        snapshot: ObjectID, hostname: String?, time: Date?, readable: Bool, files: Int, damagedFiles: [String],
        lostDirectories: [String]
    ) {
        self.snapshot = snapshot
        self.hostname = hostname
        self.time = time
        self.readable = readable
        self.files = files
        self.damagedFiles = damagedFiles
        self.lostDirectories = lostDirectories
        intactFiles = files - damagedFiles.count
        isIntact = readable && damagedFiles.isEmpty && lostDirectories.isEmpty
    }

    private enum CodingKeys: String, CodingKey {
        case snapshot, hostname, time, readable, files
        case damagedFiles = "damaged_files"
        case lostDirectories = "lost_directories"
        case intactFiles = "intact_files"
        case isIntact = "intact"
    }

    public var description: String {
        let name = "snapshot \(snapshot.shortHex)\(maintenanceSnapshotLabel(hostname, time))"
        if !readable { return "\(name): the snapshot file is damaged; nothing of it can be restored" }
        if isIntact { return "\(name): intact (\(maintenancePlural(files, "file")))" }
        var text = "\(name): \(damagedFiles.count) of \(maintenancePlural(files, "file")) damaged"
        if !damagedFiles.isEmpty { text += " (" + damagedFiles.joined(separator: ", ") + ")" }
        if !lostDirectories.isEmpty {
            text +=
                lostDirectories == ["/"]
                ? "; its root tree is lost, nothing of it can be restored"
                : "; everything under " + lostDirectories.joined(separator: ", ") + " is lost"
        }
        if lostDirectories != ["/"] {
            text += "; the other \(maintenancePlural(intactFiles, "file")) \(intactFiles == 1 ? "is" : "are") intact"
        }
        return text
    }
}

/// What `check` looked at.
public struct CheckCounts: Sendable, Hashable, Codable {
    /// Key files and index files present (damaged ones included).
    public var keyFiles = 0
    public var indexFiles = 0
    /// Packs the index names, and pack files on disk.
    public var packs = 0
    public var packsOnDisk = 0
    /// Distinct blobs in the index.
    public var blobs = 0
    /// Snapshot files present (damaged ones included).
    public var snapshots = 0
    /// Distinct trees walked, and files in all snapshots.
    public var trees = 0
    public var files = 0
    /// With read-data: packs and blobs read, bytes read.
    public var packsRead = 0
    public var blobsRead = 0
    public var bytesRead: UInt64 = 0

    /// Zero counts.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case packs, blobs, snapshots, trees, files
        case keyFiles = "key_files"
        case indexFiles = "index_files"
        case packsOnDisk = "packs_on_disk"
        case packsRead = "packs_read"
        case blobsRead = "blobs_read"
        case bytesRead = "bytes_read"
    }
}

/// `1 file`, `2 files`.
func maintenancePlural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

/// ` (pc-042, 2026-11-29T13:10:00.000Z)` or empty.
func maintenanceSnapshotLabel(_ hostname: String?, _ time: Date?) -> String {
    var parts: [String] = []
    if let hostname { parts.append(hostname) }
    if let time { parts.append(SnapshotTime.format(time)) }
    return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
}
