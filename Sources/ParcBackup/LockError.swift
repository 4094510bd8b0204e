import Foundation

/// Why a repository lock could not be taken or kept.
public enum LockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another live holder conflicts.
    case locked(by: LockFile)
    /// The repository failed while locking.
    case repository(RepositoryError)

    public var description: String {
        switch self {
        case .locked(let other):
            "the repository is locked \(other.exclusive ? "exclusively " : "")by \(other.operation) "
                + "on \(other.hostname) (pid \(other.pid)) since \(ISO8601DateFormatter().string(from: other.time)); "
                + "retry when it ends, or remove a lock left by a dead process with `parc-agent backup unlock`"
        case .repository(let error): error.description
        }
    }
}
