import Foundation

/// The JSON document in `locks/<id>` (before encryption): one holder of the repository.
public struct LockFile: Sendable, Hashable, Codable {
    /// Format version: 1.
    public var version: Int
    /// When the lock was written or last refreshed.
    public var time: Date
    /// Whether the holder needs the repository alone (prune, forget, key removal).
    public var exclusive: Bool
    /// The holder's host.
    public var hostname: String
    /// The holder's process ID.
    public var pid: Int32
    /// What the holder does (`backup`, `prune`…), for messages.
    public var operation: String

    /// A lock document.
    public init(time: Date, exclusive: Bool, hostname: String, pid: Int32, operation: String) {
        self.version = 1
        self.time = time
        self.exclusive = exclusive
        self.hostname = hostname
        self.pid = pid
        self.operation = operation
    }
}
