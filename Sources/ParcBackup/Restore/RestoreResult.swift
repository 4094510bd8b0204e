import Foundation

/// A problem with one entry of a restore (or a note about it), named by its path in the snapshot.
public struct RestoreIssue: Sendable, Hashable, CustomStringConvertible {
    /// The absolute path in the snapshot, for people (`\xNN` for bytes that are not UTF-8).
    public let path: String
    /// The same path, raw bytes.
    public let rawPath: Data
    /// What went wrong and, where it helps, what to do.
    public let message: String

    /// An issue about `rawPath`.
    public init(rawPath: Data, message: String) {
        self.rawPath = rawPath
        self.path = Node.display(rawPath)
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// One entry a dry run would restore.
public struct RestorePlanEntry: Sendable, Hashable {
    /// The absolute path in the snapshot, for people, and raw.
    public let path: String
    public let rawPath: Data
    /// What it is.
    public let type: NodeType
    /// Files: content bytes; symbolic links: target length; others: 0.
    public let size: UInt64
    /// Files restored as a hard link of an earlier file: that file's path.
    public let hardLinkTo: String?

    /// A plan entry.
    public init(rawPath: Data, type: NodeType, size: UInt64, hardLinkTo: String?) {
        self.rawPath = rawPath
        self.path = Node.display(rawPath)
        self.type = type
        self.size = size
        self.hardLinkTo = hardLinkTo
    }
}

/// What a restore did (or, for a dry run, would do).
public struct RestoreResult: Sendable, Hashable {
    /// Regular files restored, hard links included.
    public var files = 0
    /// Of those, the ones made as hard links of an earlier file.
    public var hardLinks = 0
    /// Directories created or merged into.
    public var directories = 0
    /// Symbolic links.
    public var symlinks = 0
    /// Fifos and device files.
    public var specialFiles = 0
    /// Content bytes of the restored files (a file with several links counted once; holes of
    /// sparse files included, though not written).
    public var bytes: UInt64 = 0
    /// Dry run: every entry that would be restored, in snapshot order. Empty otherwise.
    public var planned: [RestorePlanEntry] = []
    /// Entries not restored, or restored without some of their metadata. The command exits
    /// non-zero when this is not empty.
    public var issues: [RestoreIssue] = []
    /// Information that needs no action (sockets, which are not restored).
    public var notes: [RestoreIssue] = []
    /// Wall time.
    public var durationSeconds: Double = 0

    /// Whether everything selected was restored with all its metadata.
    public var succeeded: Bool { issues.isEmpty }

    /// An empty result.
    public init() {}
}

/// Where a running restore stands; handed to the progress closure a few times a second from
/// worker threads, and once more at the end with ``finished`` set.
public struct RestoreProgressReport: Sendable, Hashable {
    /// Regular files finished (restored or given up with an issue), directories created.
    public var files: Int
    public var directories: Int
    /// Content bytes finished.
    public var bytes: UInt64
    /// Issues so far.
    public var issues: Int
    /// For a whole-snapshot restore, the totals the snapshot's summary announces (nil when a
    /// selection is restored or the summary has none).
    public var expectedFiles: Int?
    public var expectedBytes: UInt64?
    /// The last file started, for display.
    public var currentPath: String?
    /// Time since the start.
    public var elapsedSeconds: Double
    /// Whether this is the final report.
    public var finished: Bool
}
