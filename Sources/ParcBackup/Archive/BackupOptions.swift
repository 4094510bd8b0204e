import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one backup run saves and how (see ``Archiver``).
public struct BackupOptions: Sendable {
    /// Absolute paths to back up: files or directories. Overlapping paths (`/home` and
    /// `/home/ana`) are merged. A path that is a symbolic link is saved as the link itself.
    public var paths: [String]
    /// Exclusion globs: without `/` a pattern matches an entry's name anywhere (`*.tmp`,
    /// `node_modules`); with `/` it matches the absolute path (`/home/*/.cache`). `*` and `?`
    /// do not cross `/`, `**` does, `[a-z]` / `[!a-z]` are character classes, `\` escapes.
    /// An excluded directory is not descended into.
    public var excludes: [String]
    /// Do not descend into a directory on another file system (`st_dev`) than the backed-up
    /// path it is under; the mount point itself is saved, empty.
    public var oneFileSystem: Bool
    /// Full, incremental or differential (which files are compared instead of read).
    public var method: BackupMethod
    /// Recorded in the snapshot; incremental and differential runs compare with snapshots of
    /// the same hostname.
    public var hostname: String
    public var username: String
    /// Free labels recorded in the snapshot.
    public var tags: [String]
    /// Files read at once (and blobs sealed at once). Default: the active processor count.
    public var threads: Int

    /// Options for backing up `paths`; everything else has a default.
    public init(
        paths: [String], excludes: [String] = [], oneFileSystem: Bool = false, method: BackupMethod = .incremental,
        hostname: String = ProcessInfo.processInfo.hostName, username: String = BackupOptions.currentUserName(),
        tags: [String] = [], threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.paths = paths
        self.excludes = excludes
        self.oneFileSystem = oneFileSystem
        self.method = method
        self.hostname = hostname
        self.username = username
        self.tags = tags
        self.threads = threads
    }

    /// The name of the effective user running this process (its ID as text if it has none).
    public static func currentUserName() -> String {
        let uid = geteuid()
        return ArchiveOwnerNames().userName(UInt32(uid)) ?? String(uid)
    }
}
