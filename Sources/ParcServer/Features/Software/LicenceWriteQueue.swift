/// Licence changes of this instance take turns on SQLite (decision 0037).
///
/// Correctness does not rest on it: each change's transaction takes SQLite's write lock with its first statement, so
/// two instances sharing a file are serialised by SQLite itself. This queue only keeps the changes of one instance
/// from waiting for that lock all at once, each in SQLite's busy handler on a thread of the shared pool, where they
/// would starve the thread the lock holder needs to finish.
actor LicenceWriteQueue {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every change queued before it has finished.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
