import Foundation

/// Why a maintenance operation (forget, prune, check, stats, ls, diff) could not run or finish.
///
/// Prune and forget refuse rather than guess: every case that stops them happens before any
/// file is deleted, unless the description says otherwise.
public enum MaintenanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The repository failed to read or write a file.
    case repository(RepositoryError)
    /// The repository lock could not be taken.
    case lock(LockError)
    /// The retention policy is not usable.
    case retention(RetentionError)
    /// Snapshot IDs given to `forget` that the repository does not have.
    case unknownSnapshots([ObjectID])
    /// Prune found the repository in a state where deleting data could lose something a snapshot
    /// needs; nothing was deleted.
    case unsafeToPrune(String)
    /// A path that is not in the snapshot (ls).
    case pathNotFound(path: String, snapshot: ObjectID?)

    public var description: String {
        switch self {
        case .repository(let error): error.description
        case .lock(let error): error.description
        case .retention(let error): error.description
        case .unknownSnapshots(let ids):
            "no snapshot \(ids.map(\.hex).joined(separator: ", ")) in this repository; nothing was forgotten. "
                + "List the snapshots and give existing IDs"
        case .unsafeToPrune(let reason):
            "prune stopped before deleting anything: \(reason). Run `parc-agent backup check` to see what is damaged"
        case .pathNotFound(let path, let snapshot):
            "\(path) is not in snapshot \(snapshot?.shortHex ?? "(given)"); list its parent directory to see what "
                + "it holds"
        }
    }
}
