import Fluent
import FluentKit

/// The write transactions of this instance take turns on SQLite (decisions 0037 and 0038).
///
/// Correctness does not rest on it: each transaction takes SQLite's write lock with its first write, so two
/// instances sharing a file are serialised by SQLite itself. This queue only keeps the writers of one instance from
/// waiting for that lock all at once, each in SQLite's busy handler on a thread of the shared pool, where they would
/// starve the thread the lock holder needs to finish. Licence changes and every helpdesk write go through it.
typealias SQLiteWriteQueue = ConcurrencyLimiter

/// Lets at most `limit` bodies run at once; the others wait their turn, in order, without a deadline.
///
/// With a limit of 1 it is the SQLite write queue. With a few it keeps a burst of one kind of request (1,000 tickets
/// opened by a script at once) from queueing in the database pool, whose waiters fail after a timeout: they wait here
/// instead, and the pool serves the rest of the traffic as usual (decision 0038).
actor ConcurrencyLimiter {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int = 1) { self.limit = max(1, limit) }

    /// Runs `body` once fewer than `limit` bodies are running and every body queued before it has started.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if running >= limit {
            // The finishing body hands its place over: `running` stays the same.
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer {
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
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
