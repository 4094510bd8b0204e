import Foundation

/// A regular file the walker found and a worker reads.
struct ArchiveFileJob: Sendable {
    /// Absolute path, raw bytes.
    var path: [UInt8]
    /// The name in its directory.
    var name: Data
    /// Its size when listed (for progress).
    var size: UInt64
    /// The directory whose tree the file's node joins.
    var directory: ArchiveDirectory
    /// The node at the same path in the base snapshot, if any (kept when the file changes
    /// while read, see ``Archiver``).
    var base: Node?
}
