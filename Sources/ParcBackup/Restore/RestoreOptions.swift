import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a restore does when the target already has an entry where the snapshot puts one.
///
/// Directories are always merged into: an existing directory receives the snapshot's entries and,
/// at the end, the snapshot's metadata. A directory is never removed by a restore.
public enum RestoreOverwrite: String, Sendable, Hashable, CaseIterable {
    /// Leave every existing file, link, fifo or device alone and report it as an issue ("exists
    /// already"), so a restore never destroys data it was not asked to. The default.
    case never
    /// Replace existing files, links, fifos and devices (and a non-directory where the snapshot
    /// has a directory) with the snapshot's entry. An existing directory where the snapshot has
    /// something else stays, with an issue.
    case always
}

/// How ``Restorer`` restores a snapshot.
public struct RestoreOptions: Sendable, Hashable {
    /// The directory to restore into; every backed-up absolute path is recreated under it
    /// (`/etc/hosts` → `TARGET/etc/hosts`). Created (mode 0700) when missing; refused when it is
    /// something else than a directory.
    public var target: String
    /// Absolute paths inside the snapshot to restore: each a directory (with everything below
    /// it) or one entry. Empty: the whole snapshot. The directories above a selected path are
    /// recreated with their snapshot metadata. A component that is not UTF-8 may be written as
    /// it is displayed, with `\xNN` for each invalid byte.
    public var include: [String]
    /// Lists what would be restored (``RestoreResult/planned``) and checks that every blob is in
    /// the index, without creating or writing anything.
    public var dryRun: Bool
    /// Sets owner and group from the snapshot's numeric IDs. Defaults to whether the process
    /// runs as root (other users cannot give files away).
    public var restoreOwnership: Bool
    /// Checks each file's SHA-256 against the one recorded in the snapshot while writing it.
    public var verify: Bool
    /// Files restored at the same time. Defaults to the number of active processors.
    public var threads: Int
    /// What to do with entries that exist in the target already.
    public var overwrite: RestoreOverwrite

    /// Options for restoring into `target`; see each property for the defaults.
    public init(
        target: String, include: [String] = [], dryRun: Bool = false, restoreOwnership: Bool = geteuid() == 0,
        verify: Bool = true, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        overwrite: RestoreOverwrite = .never
    ) {
        self.target = target
        self.include = include
        self.dryRun = dryRun
        self.restoreOwnership = restoreOwnership
        self.verify = verify
        self.threads = threads
        self.overwrite = overwrite
    }
}
