import Foundation

/// Holds a repository lock for the length of a maintenance operation, refreshing it in the
/// background (format §9: holders rewrite their lock every 5 minutes; one older than 30 minutes
/// is stale and others may ignore it). A check with read-data or a prune of a large repository
/// runs for hours; without refreshing, a backup could start beside a prune that deletes the
/// packs it is writing.
final class MaintenanceLockKeeper: @unchecked Sendable {
    private let mutex = NSLock()
    private var held: RepositoryLock
    private var failure: LockError?
    private var stopped = false
    private let timer: any DispatchSourceTimer

    /// Starts refreshing `lock` every `interval` seconds.
    init(_ lock: RepositoryLock, every interval: TimeInterval) {
        held = lock
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.refresh() }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    private func refresh() {
        mutex.lock()
        defer { mutex.unlock() }
        guard !stopped, failure == nil else { return }
        var renewed = held
        do {
            try renewed.refresh()
            held = renewed
        } catch {
            failure = error
        }
    }

    /// Throws if a refresh failed: the lock may have gone stale, so another process may be using
    /// the repository. Prune calls it before deleting anything.
    func ensureHeld() throws(MaintenanceError) {
        mutex.lock()
        let failure = self.failure
        mutex.unlock()
        if let failure { throw .lock(failure) }
    }

    /// Stops refreshing and removes the lock file.
    func release() {
        timer.cancel()
        mutex.lock()
        defer { mutex.unlock() }
        guard !stopped else { return }
        stopped = true
        try? held.release()
    }
}

extension Repository {
    /// Takes the lock of a maintenance operation and keeps it fresh, or takes none when `skip`
    /// (read-only media).
    func maintenanceLock(exclusive: Bool, operation: String, skip: Bool = false) throws(MaintenanceError)
        -> MaintenanceLockKeeper?
    {
        if skip { return nil }
        do {
            let lock = try RepositoryLock.acquire(self, exclusive: exclusive, operation: operation)
            return MaintenanceLockKeeper(lock, every: LockPolicy.standard.refreshEvery)
        } catch {
            throw .lock(error)
        }
    }
}
