import Foundation

/// How a backup run decides which files to read (the names technicians learn).
public enum BackupMethod: String, Sendable, Codable, CaseIterable {
    /// Every file read and stored; the snapshot depends on no other.
    case full
    /// Files changed since the last snapshot of any method.
    case incremental
    /// Files changed since the last full snapshot.
    case differential
}

/// Counters of one backup run.
public struct SnapshotSummary: Sendable, Hashable, Codable {
    /// Regular files in the snapshot, directories, and their total content size.
    public var files: Int
    public var directories: Int
    public var bytes: UInt64
    /// Files whose content was read in this run (the others were unchanged against the base).
    public var filesRead: Int
    /// Bytes of content read, and of blobs added to the repository (before compression).
    public var bytesRead: UInt64
    public var newBytes: UInt64
    /// Bytes added to the repository as stored (compressed and encrypted).
    public var storedBytes: UInt64
    /// Entries that could not be read or changed while being read (listed in `errors` of the run).
    public var errors: Int
    /// Wall time of the run.
    public var durationSeconds: Double

    /// A summary.
    public init(
        files: Int = 0, directories: Int = 0, bytes: UInt64 = 0, filesRead: Int = 0, bytesRead: UInt64 = 0,
        newBytes: UInt64 = 0, storedBytes: UInt64 = 0, errors: Int = 0, durationSeconds: Double = 0
    ) {
        self.files = files
        self.directories = directories
        self.bytes = bytes
        self.filesRead = filesRead
        self.bytesRead = bytesRead
        self.newBytes = newBytes
        self.storedBytes = storedBytes
        self.errors = errors
        self.durationSeconds = durationSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case files, directories, bytes, errors
        case filesRead = "files_read"
        case bytesRead = "bytes_read"
        case newBytes = "new_bytes"
        case storedBytes = "stored_bytes"
        case durationSeconds = "duration_seconds"
    }
}

/// One backup run (format §8), stored as `snapshots/<id>`; its ID is the file's name.
///
/// The root tree holds one entry per backed-up path, nested as in the file system: backing up
/// `/home/ana` and `/etc` gives a root with `etc` and `home`, `home` holding only `ana`. Restoring
/// any snapshot needs only its own tree, whatever the method.
public struct Snapshot: Sendable, Hashable, Codable {
    /// Format version: 1.
    public var version: Int
    /// When the run started.
    public var time: Date
    public var hostname: String
    public var username: String
    /// The absolute paths given to the run, as given (raw bytes would not be JSON text; paths
    /// that are not UTF-8 are kept in the tree, and here with `\xNN` escapes).
    public var paths: [String]
    public var method: BackupMethod
    /// The snapshot compared against (nil for a full run).
    public var base: ObjectID?
    /// The full snapshot at the head of the chain (nil for a full run).
    public var full: ObjectID?
    /// The root tree blob.
    public var tree: ObjectID
    /// Exclusion globs in force.
    public var excludes: [String]
    /// Free labels (the plan's name, "drill"…).
    public var tags: [String]
    public var summary: SnapshotSummary

    /// A snapshot document.
    public init(
        time: Date, hostname: String, username: String, paths: [String], method: BackupMethod,
        base: ObjectID? = nil, full: ObjectID? = nil, tree: ObjectID, excludes: [String] = [], tags: [String] = [],
        summary: SnapshotSummary = SnapshotSummary()
    ) {
        self.version = 1
        self.time = time
        self.hostname = hostname
        self.username = username
        self.paths = paths
        self.method = method
        self.base = base
        self.full = full
        self.tree = tree
        self.excludes = excludes
        self.tags = tags
        self.summary = summary
    }

    /// The JSON bytes (before encryption). Times keep milliseconds.
    public func encoded() -> Data {
        do {
            return try JSONEncoder.snapshot.encode(self)
        } catch {
            preconditionFailure("a snapshot always encodes: \(error)")
        }
    }

    /// Decodes and validates a snapshot document; `name` is used in errors.
    public static func decode(_ bytes: Data, name: String) throws(RepositoryError) -> Snapshot {
        let snapshot: Snapshot
        do {
            snapshot = try JSONDecoder.snapshot.decode(Snapshot.self, from: bytes)
        } catch {
            throw .damagedFile(kind: .snapshot, name: name, reason: "does not decode: \(error)")
        }
        guard snapshot.version == 1 else { throw .unsupportedVersion(snapshot.version) }
        return snapshot
    }
}

/// A snapshot with its ID.
public struct SnapshotEntry: Sendable, Hashable {
    public let id: ObjectID
    public let snapshot: Snapshot

    public init(id: ObjectID, snapshot: Snapshot) {
        self.id = id
        self.snapshot = snapshot
    }
}

extension JSONEncoder {
    /// Repository JSON with fractional-second dates.
    static var snapshot: JSONEncoder {
        let encoder = JSONEncoder.repository
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(SnapshotTime.format(date))
        }
        return encoder
    }
}

extension JSONDecoder {
    /// Reads RFC 3339 dates with or without fractional seconds.
    static var snapshot: JSONDecoder {
        let decoder = JSONDecoder.repository
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = SnapshotTime.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }
}

/// RFC 3339 UTC times with milliseconds, as snapshots write them.
public enum SnapshotTime {
    /// `2026-11-29T13:10:00.123Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    /// Parses with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
