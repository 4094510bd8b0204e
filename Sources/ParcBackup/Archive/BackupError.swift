import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a backup run wrote no snapshot. In every case the repository stays valid: blobs already
/// written are indexed (or, after a crash, left for `prune`), and the next run reuses them.
public enum BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No path was given.
    case noPaths
    /// A path does not start with `/`.
    case pathNotAbsolute(String)
    /// A path does not exist.
    case pathNotFound(String)
    /// A path exists but cannot be examined (`lstat` failed for another reason than absence).
    case pathInaccessible(String, reason: String)
    /// Another process holds the repository in a way that excludes a backup (an exclusive lock
    /// for prune or forget), or the lock could not be written.
    case locked(LockError)
    /// The lock could not be refreshed for so long that it would turn stale: the run stopped,
    /// since a prune could otherwise remove data it is writing.
    case lockLost(LockError)
    /// The file system of the repository ran out of space (or quota).
    case repositoryDiskFull(path: String)
    /// Reading or writing the repository failed.
    case repository(RepositoryError)
    /// The run was asked to stop (the caller's `shouldStop` returned true).
    case cancelled

    public var description: String {
        switch self {
        case .noPaths:
            "no path to back up: give at least one absolute path"
        case .pathNotAbsolute(let path):
            "\(path) is not an absolute path: give paths that start with /"
        case .pathNotFound(let path):
            "\(path) does not exist: check the path, or remove it from what is backed up"
        case .pathInaccessible(let path, let reason):
            "\(path) cannot be examined (\(reason)): run the backup as a user allowed to read it"
        case .locked(let error):
            "cannot lock the repository for the backup: \(error.description)"
        case .lockLost(let error):
            "the repository lock could not be refreshed (\(error.description)); the backup stopped so that a "
                + "prune cannot remove data it is writing — no snapshot was written and the repository is intact; "
                + "run it again"
        case .repositoryDiskFull(let path):
            "the repository's disk is full (writing \(path)); free space and run again — the repository is intact"
        case .repository(let error):
            "the repository failed: \(error.description); no snapshot was written and the repository is intact — "
                + "fix the cause and run again"
        case .cancelled:
            "the backup was stopped before it finished: no snapshot was written and the repository is intact; "
                + "run it again to finish (data already stored is reused)"
        }
    }

    /// Wraps a repository failure, recognising a full disk.
    static func wrapping(_ error: RepositoryError) -> BackupError {
        if case .storage(.io(let path, _, let code)) = error, code == ENOSPC || code == EDQUOT {
            return .repositoryDiskFull(path: path)
        }
        return .repository(error)
    }

    /// Wraps a lock failure, recognising a full disk.
    static func wrapping(_ error: LockError, lost: Bool) -> BackupError {
        if case .repository(let inner) = error, case .repositoryDiskFull = wrapping(inner) { return wrapping(inner) }
        return lost ? .lockLost(error) : .locked(error)
    }
}
