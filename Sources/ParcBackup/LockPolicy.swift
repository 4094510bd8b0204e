import Foundation

/// The rules of repository locks, as pure functions: when a lock is stale and when two conflict.
public struct LockPolicy: Sendable {
    /// A lock older than this is stale (its holder died without removing it).
    public var staleAfter: TimeInterval
    /// Holders rewrite their lock this often.
    public var refreshEvery: TimeInterval

    /// 30 minutes stale, 5 minutes refresh.
    public static let standard = LockPolicy(staleAfter: 30 * 60, refreshEvery: 5 * 60)

    /// A policy.
    public init(staleAfter: TimeInterval, refreshEvery: TimeInterval) {
        self.staleAfter = staleAfter
        self.refreshEvery = refreshEvery
    }

    /// Whether `lock` no longer protects anything: too old, or written on this host by a process
    /// that has ended.
    public func isStale(
        _ lock: LockFile, now: Date, hostname: String, isProcessRunning: (Int32) -> Bool
    ) -> Bool {
        if now.timeIntervalSince(lock.time) > staleAfter { return true }
        return lock.hostname == hostname && !isProcessRunning(lock.pid)
    }

    /// Whether two live locks cannot be held together: either is exclusive.
    public func conflicts(_ mine: LockFile, _ other: LockFile) -> Bool {
        mine.exclusive || other.exclusive
    }
}
