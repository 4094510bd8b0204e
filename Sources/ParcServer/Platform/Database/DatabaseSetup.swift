import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOCore
import SQLKit
import Vapor

/// Connects the application to SQLite or PostgreSQL and explains, in plain words, why it cannot.
enum DatabaseSetup {
    /// The database a configuration asks for: PostgreSQL when a URL is given, else SQLite in the data directory.
    static func choice(for configuration: ParcConfiguration) throws -> DatabaseChoice {
        if let url = configuration.databaseURL, !url.isEmpty {
            return .postgres(url: url, searchPath: nil)
        }
        try prepareDataDirectory(configuration.dataDirectory)
        return .sqliteFile(configuration.sqliteFile)
    }

    /// Creates the data directory if needed and checks that it is writable.
    static func prepareDataDirectory(_ directory: URL) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ParcStartupError("Cannot create the data directory \(directory.path): \(error.localizedDescription). "
                + "Choose another one with --data-dir or PARC_DATA_DIR, or fix its permissions.")
        }
        let probe = directory.appendingPathComponent(".parc-write-test-\(UUID().uuidString)")
        guard manager.createFile(atPath: probe.path, contents: Data("ok".utf8)) else {
            throw ParcStartupError("The data directory \(directory.path) is not writable by this user. "
                + "Choose another one with --data-dir or PARC_DATA_DIR, or fix its permissions.")
        }
        try? manager.removeItem(at: probe)
    }

    /// `connections`: PostgreSQL connections in all, shared out between the event loops (each has its own pool).
    static func use(_ choice: DatabaseChoice, connections: Int = ParcConfiguration.defaultDatabaseConnections,
                    on app: Application) throws {
        switch choice {
        case let .sqliteFile(url):
            app.databases.use(.sqlite(.file(url.path), sqlLogLevel: .debug), as: .sqlite)
        case .sqliteMemory:
            app.databases.use(.sqlite(.memory, sqlLogLevel: .debug), as: .sqlite)
        case let .postgres(url, searchPath):
            var configuration = try postgresConfiguration(url)
            if let searchPath { configuration.searchPath = [searchPath] }
            // A burst of requests (1,000 tickets opened at once, a fleet's agents after an outage) waits its turn
            // for a connection rather than failing after a few seconds (decision 0038).
            let loops = max(1, System.coreCount)
            let perLoop = max(1, (connections + loops - 1) / loops)
            app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: perLoop,
                                        connectionPoolTimeout: .seconds(60), sqlLogLevel: .debug), as: .psql)
        }
    }

    static func postgresConfiguration(_ url: String) throws -> SQLPostgresConfiguration {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
              ["postgres", "postgresql"].contains(scheme), parsed.host != nil || url.contains("unix")
        else {
            throw ParcStartupError("The database URL is not a PostgreSQL URL. "
                + "Write it as postgres://USER:PASSWORD@HOST:5432/DATABASE (or leave it out to use SQLite).")
        }
        do {
            var configuration = try SQLPostgresConfiguration(url: url)
            if parsed.query?.contains("sslmode") != true {
                configuration.coreConfiguration.tls = .disable
            }
            return configuration
        } catch {
            throw ParcStartupError("The database URL could not be read (\(error)). "
                + "Write it as postgres://USER:PASSWORD@HOST:5432/DATABASE.")
        }
    }

    /// Runs pending migrations. On PostgreSQL an advisory lock makes instances that start together
    /// take turns, so exactly one of them migrates and the others find the work done.
    static func migrate(_ app: Application) async throws {
        guard app.db.isPostgres, let sql = app.db as? any SQLDatabase else {
            try await app.autoMigrate()
            return
        }
        // Session-level lock: held on one pooled connection, so take and release it on the same one.
        try await sql.withSession { session in
            _ = try await session.raw("SELECT pg_advisory_lock(\(bind: Self.migrationLockKey))").all()
            do {
                try await app.autoMigrate()
            } catch {
                _ = try? await session.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLockKey))").all()
                throw error
            }
            _ = try await session.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLockKey))").all()
        }
    }

    /// Arbitrary constant naming Parc's migration lock ("parc" in ASCII).
    static let migrationLockKey: Int64 = 0x7061_7263

    /// Fails with a clear message when the database does not answer; enables WAL on SQLite.
    static func checkReachable(_ app: Application, _ choice: DatabaseChoice) async throws {
        guard let sql = app.db as? any SQLDatabase else { return }
        do {
            switch choice {
            case .sqliteFile, .sqliteMemory:
                // WAL lets readers proceed while a writer commits; it persists in the file.
                _ = try await sql.raw("PRAGMA journal_mode=WAL").all()
                _ = try await sql.raw("SELECT 1").all()
            case .postgres:
                _ = try await sql.raw("SELECT 1").all()
            }
        } catch {
            switch choice {
            case let .postgres(url, _):
                throw ParcStartupError("Cannot reach the PostgreSQL database at \(redacted(url)): \(describe(error)). "
                    + "Check that the server runs, that the host, port, user, password and database are right, "
                    + "and that it accepts connections from this machine.")
            case let .sqliteFile(file):
                throw ParcStartupError("Cannot open the SQLite database \(file.path): \(describe(error)). "
                    + "Check the data directory's permissions and free space.")
            case .sqliteMemory:
                throw ParcStartupError("Cannot open the in-memory database: \(describe(error)).")
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        let text = String(reflecting: error)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    /// The URL without its password, for messages and logs.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unreadable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unreadable URL)"
    }
}
