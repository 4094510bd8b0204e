import FluentKit
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Group commit for SQLite's single writer (decision 0030).
///
/// Work submitted here takes its turn on one connection. While a group runs, new work queues; the next
/// group takes everything queued (up to ``maxGroup``) into one `BEGIN IMMEDIATE … COMMIT`, each piece of
/// work inside its own savepoint. So each piece stays atomic and isolated — a piece that throws is rolled
/// back to its savepoint, alone, and its caller gets the error — while the commit, the WAL frames of pages
/// that several pieces touched, and the checkpoints are paid once per group instead of once per piece.
/// Every caller is answered only after the group's COMMIT succeeded; when it fails, every caller of the
/// group gets the error and nothing of the group is stored.
final class SQLiteGroupCommit<Output: Sendable>: Sendable {
    typealias Work = @Sendable (any Database) async throws -> Output

    /// Upper bound of pieces per group: bounds how long other writers wait for the write lock.
    let maxGroup: Int
    /// Statements run on the connection before each group (session settings).
    let setup: [String]

    private struct Job {
        let db: any Database
        let work: Work
        let continuation: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var pending: [Job] = []
        var running = false
    }

    private let state = NIOLockedValueBox(State())
    /// Groups run on a thread of their own: between its statements a group waits for no request work (parsing
    /// inventories keeps the shared pool's threads busy), and the operating system shares the cores fairly.
    /// One for the process (groups of every instance take turns on it; the thread is never stopped).
    private static var executor: DedicatedThreadExecutor { DedicatedThreadExecutor.sqliteWriter }

    init(maxGroup: Int = 32, setup: [String] = []) {
        self.maxGroup = maxGroup
        self.setup = setup
    }

    /// Runs `work` in a savepoint of the next group, and returns its result once that group is committed.
    func run(on db: any Database, _ work: @escaping Work) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLockedValue { state -> Bool in
                state.pending.append(Job(db: db, work: work, continuation: continuation))
                if state.running { return false }
                state.running = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let group = state.withLockedValue { state -> [Job] in
                let count = min(state.pending.count, maxGroup)
                if count == 0 { state.running = false }
                let group = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return group
            }
            if group.isEmpty { return }
            await commit(group)
        }
    }

    /// The group on one connection of the first piece's database (they all share one SQLite pool).
    private func commit(_ group: [Job]) async {
        let outcomes: [Result<Output, any Error>]
        do {
            outcomes = try await group[0].db.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    try await withTaskExecutorPreference(Self.executor) {
                        try await self.runGroup(group, on: connection)
                    }
                }
            }.get()
        } catch {
            for job in group { job.continuation.resume(throwing: error) }
            return
        }
        for (job, outcome) in zip(group, outcomes) { job.continuation.resume(with: outcome) }
    }

    private func runGroup(_ group: [Job], on connection: any Database) async throws -> [Result<Output, any Error>] {
        guard let sql = connection as? any SQLDatabase else {
            throw GroupCommitError.notSQL
        }
        for statement in setup { try await sql.raw(SQLQueryString(statement)).run() }
        try await sql.raw("BEGIN IMMEDIATE").run()
        do {
            var outcomes: [Result<Output, any Error>] = []
            outcomes.reserveCapacity(group.count)
            for job in group {
                try await sql.raw("SAVEPOINT parc_group_piece").run()
                do {
                    let output = try await job.work(connection)
                    try await sql.raw("RELEASE parc_group_piece").run()
                    outcomes.append(.success(output))
                } catch {
                    try await sql.raw("ROLLBACK TO parc_group_piece").run()
                    try await sql.raw("RELEASE parc_group_piece").run()
                    outcomes.append(.failure(error))
                }
            }
            try await sql.raw("COMMIT").run()
            return outcomes
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }
}

enum GroupCommitError: Error, CustomStringConvertible {
    case notSQL

    var description: String { "Group commit needs an SQL database connection." }
}

/// A task executor with one thread of its own, for work that must not queue behind the shared pool.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    static let sqliteWriter = DedicatedThreadExecutor(name: "parc-sqlite-writer")

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(name: String) {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let ready = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in ready { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
