import Foundation

/// Restores a snapshot, or part of it, into a directory.
///
/// Every backed-up absolute path is recreated under ``RestoreOptions/target``: regular files
/// (holes of sparse files recreated as holes), directories, symbolic links, hard links (linked
/// again within the restored set), fifos and, as root, device files; sockets are left out with a
/// note. Permissions (setuid, setgid and sticky included), ownership, extended attributes and
/// modification times (nanoseconds) follow; directories get theirs after their contents.
///
/// Names are handled as raw bytes through `openat`-style calls relative to directories opened
/// without following symbolic links, so names that are not UTF-8 survive and nothing is written
/// outside the target, whatever the snapshot or the target already holds.
///
/// A file that cannot be restored exactly (a blob damaged or missing, content not matching its
/// SHA-256) is removed and reported as a ``RestoreIssue`` naming the file and the blob; every
/// other file is still restored. ``run()`` throws only when nothing sensible can be done (the
/// target unusable, the root tree unreadable, an `include` path not in the snapshot, the disk full).
public struct Restorer: Sendable {
    /// The repository, its index, the snapshot to restore.
    public let repository: Repository
    public let index: BlobIndex
    public let snapshot: Snapshot
    /// How to restore.
    public let options: RestoreOptions
    let progress: (@Sendable (RestoreProgressReport) -> Void)?
    let internals: RestoreInternals

    /// A restore of `snapshot` from `repository` (whose loaded index is `index`); `progress` is
    /// called from worker threads a few times a second while it runs, and once at the end.
    public init(
        repository: Repository, index: BlobIndex, snapshot: Snapshot, options: RestoreOptions,
        progress: (@Sendable (RestoreProgressReport) -> Void)? = nil
    ) {
        self.init(
            repository: repository, index: index, snapshot: snapshot, options: options, progress: progress,
            internals: RestoreInternals())
    }

    init(
        repository: Repository, index: BlobIndex, snapshot: Snapshot, options: RestoreOptions,
        progress: (@Sendable (RestoreProgressReport) -> Void)?, internals: RestoreInternals
    ) {
        self.repository = repository
        self.index = index
        self.snapshot = snapshot
        self.options = options
        self.progress = progress
        self.internals = internals
    }

    /// Restores (or, for a dry run, plans) the selection; per-entry problems are in
    /// ``RestoreResult/issues``.
    public func run() throws(RestoreError) -> RestoreResult {
        try RestoreRun(self).run()
    }
}

/// What drills change in a restore.
struct RestoreInternals: Sendable {
    /// Raw snapshot paths to restore instead of ``RestoreOptions/include``.
    var selection: [[Data]]?
    /// Regular files and directories only, with no metadata (a drill's sandbox).
    var contentOnly = false
    /// Called from a worker thread after each regular file (or hard link) is in place, with the
    /// file's snapshot path, node, and its directory descriptor and name in the target.
    var fileRestored: (@Sendable (_ path: Data, _ node: Node, _ directory: Int32, _ name: Data) -> Void)?
}
