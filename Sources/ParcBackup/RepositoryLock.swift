import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A lock held on a repository: acquired by writing a lock file, refreshed, released by removing it.
public struct RepositoryLock: Sendable {
    /// The lock file's ID while held.
    public private(set) var lockID: ObjectID
    /// The lock document.
    public private(set) var lock: LockFile
    private let repository: Repository
    private let policy: LockPolicy

    /// Takes a shared or exclusive lock, or throws ``LockError/locked(by:)`` naming the holder
    /// that conflicts. Stale locks of others are ignored.
    public static func acquire(
        _ repository: Repository,
        exclusive: Bool,
        operation: String,
        policy: LockPolicy = .standard,
        hostname: String = ProcessInfo.processInfo.hostName,
        pid: Int32 = ProcessInfo.processInfo.processIdentifier,
        now: Date = Date(),
        isProcessRunning: (Int32) -> Bool = RepositoryLock.isProcessRunning
    ) throws(LockError) -> RepositoryLock {
        let mine = LockFile(time: now, exclusive: exclusive, hostname: hostname, pid: pid, operation: operation)
        let myID = try save(mine, in: repository)
        let names: [String]
        do {
            names = try repository.storage.list(.lock)
        } catch {
            throw .repository(.storage(error))
        }
        for name in names where name != myID.hex {
            guard let id = ObjectID(hex: name) else { continue }
            // A lock removed meanwhile, or unreadable, protects nothing.
            guard let data = try? repository.loadFile(id, kind: .lock),
                let other = try? JSONDecoder.repository.decode(LockFile.self, from: data)
            else { continue }
            if policy.isStale(other, now: now, hostname: hostname, isProcessRunning: isProcessRunning) { continue }
            if policy.conflicts(mine, other) {
                try? repository.storage.remove(.lock, name: myID.hex)
                throw .locked(by: other)
            }
        }
        return RepositoryLock(lockID: myID, lock: mine, repository: repository, policy: policy)
    }

    /// Rewrites the lock with a new time (write the new one, then remove the old one).
    public mutating func refresh(now: Date = Date()) throws(LockError) {
        var renewed = lock
        renewed.time = now
        let newID = try Self.save(renewed, in: repository)
        do {
            try repository.storage.remove(.lock, name: lockID.hex)
        } catch {
            throw .repository(.storage(error))
        }
        lock = renewed
        lockID = newID
    }

    /// Removes the lock file.
    public func release() throws(LockError) {
        do {
            try repository.storage.remove(.lock, name: lockID.hex)
        } catch .notFound {
            // Already removed (by `unlock` of a stale lock): nothing left to release.
        } catch {
            throw .repository(.storage(error))
        }
    }

    /// Whether a process with this ID runs on this host (`kill(pid, 0)`).
    public static func isProcessRunning(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    private static func save(_ lock: LockFile, in repository: Repository) throws(LockError) -> ObjectID {
        let json: Data
        do {
            json = try JSONEncoder.repository.encode(lock)
        } catch {
            preconditionFailure("a lock always encodes: \(error)")
        }
        do {
            return try repository.saveFile(json, kind: .lock)
        } catch {
            throw .repository(error)
        }
    }
}
