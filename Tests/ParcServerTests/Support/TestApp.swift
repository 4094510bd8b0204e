import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// The databases every database test runs on: SQLite always, PostgreSQL when
/// `PARC_TEST_DATABASE_URL` is set (scripts/test starts a throwaway server and sets it).
enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var all: [TestDatabase] {
        ProcessInfo.processInfo.environment["PARC_TEST_DATABASE_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] }
            ?? [.sqlite]
    }

    var testDescription: String { rawValue }
}

/// A fixed, steppable clock for tests.
final class TestClock: Sendable {
    private let current = NIOLockedValueBoxWrapper(Date(timeIntervalSince1970: 1_796_000_000))
    var now: Date { current.value }
    func advance(_ seconds: TimeInterval) { current.mutate { $0 += seconds } }
    var parcClock: ParcClock { ParcClock { [self] in self.now } }
}

/// Runs `body` with a migrated application on the given database, then tears everything down.
func withApp(_ database: TestDatabase, clock: TestClock = TestClock(),
             configuration: ParcConfiguration = ParcConfiguration(runsWorkers: false),
             _ body: (Application, TestClock) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let choice: DatabaseChoice
    switch database {
    case .sqlite:
        choice = .sqliteMemory
    case .postgres:
        let url = ProcessInfo.processInfo.environment["PARC_TEST_DATABASE_URL"]!
        choice = .postgres(url: url, searchPath: String(schema))
    }
    do {
        try await configure(app, configuration, database: choice,
                            options: ConfigureOptions(clock: clock.parcClock, passwordHashCost: 4, migrate: false))
        if database == .postgres {
            _ = try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA IF NOT EXISTS \(unsafeRaw: String(schema))").all()
        }
        try await app.autoMigrate()
        try await body(app, clock)
        if database == .postgres {
            _ = try await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(unsafeRaw: String(schema)) CASCADE").all()
        }
    } catch {
        if database == .postgres {
            _ = try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA IF EXISTS \(unsafeRaw: String(schema)) CASCADE").all()
        }
        try await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

/// Runs `body` with two applications — two instances — sharing one database, as several
/// `parc serve` behind a load balancer do.
func withTwoApps(_ database: TestDatabase, clock: TestClock = TestClock(),
                 _ body: (Application, Application, TestClock) async throws -> Void) async throws {
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("parc-two-\(UUID().uuidString).sqlite")
    let choice: DatabaseChoice = database == .sqlite ? .sqliteFile(file)
        : .postgres(url: ProcessInfo.processInfo.environment["PARC_TEST_DATABASE_URL"]!, searchPath: String(schema))
    let first = try await Application.make(.testing)
    let second = try await Application.make(.testing)
    defer { try? FileManager.default.removeItem(at: file) }
    do {
        for (index, app) in [first, second].enumerated() {
            try await configure(app, ParcConfiguration(instanceName: "instance-\(index + 1)", runsWorkers: false),
                                database: choice,
                                options: ConfigureOptions(clock: clock.parcClock, passwordHashCost: 4, migrate: false))
        }
        if database == .postgres {
            _ = try await (first.db as! any SQLDatabase).raw("CREATE SCHEMA IF NOT EXISTS \(unsafeRaw: String(schema))").all()
        }
        try await first.autoMigrate()
        try await second.autoMigrate()
        try await body(first, second, clock)
        if database == .postgres {
            _ = try await (first.db as! any SQLDatabase).raw("DROP SCHEMA \(unsafeRaw: String(schema)) CASCADE").all()
        }
    } catch {
        try await first.asyncShutdown()
        try await second.asyncShutdown()
        throw error
    }
    try await first.asyncShutdown()
    try await second.asyncShutdown()
}

/// A small thread-safe box (Date is not atomic).
final class NIOLockedValueBoxWrapper<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate(_ change: (inout Value) -> Void) { lock.lock(); change(&stored); lock.unlock() }
}
