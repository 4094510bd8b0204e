import Fluent
import FluentKit

/// The write transactions of this instance take turns on SQLite (decisions 0037 and 0038).
///
/// Correctness does not rest on it: each transaction takes SQLite's write lock with its first write, so two
/// instances sharing a file are serialised by SQLite itself. This queue only keeps the writers of one instance from
/// waiting for that lock all at once, each in SQLite's busy handler on a thread of the shared pool, where they would
/// starve the thread the lock holder needs to finish. Licence changes and every helpdesk write go through it.
actor SQLiteWriteQueue {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every write queued before it has finished.
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

extension ParcServices {
    /// One transaction on `database`: in the write queue on SQLite, at once on PostgreSQL. Inside a transaction
    /// already (the mail intake records a message and its ticket together), `body` runs in it: waiting in the queue
    /// there could wait for a writer that waits for the lock this transaction holds.
    func writeTransaction<T: Sendable>(on database: any Database, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        if database.inTransaction { return try await body(database) }
        let transaction: @Sendable () async throws -> T = { try await database.transaction(body) }
        if database.isPostgres { return try await transaction() }
        return try await sqliteWrites.run(transaction)
    }
}
