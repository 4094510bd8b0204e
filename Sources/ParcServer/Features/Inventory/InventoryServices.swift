import Foundation
import NIOConcurrencyHelpers
import ParcCore

/// Application-wide state of the inventory import: the software catalogue cache and the lock that makes
/// SQLite imports take turns.
final class InventoryServices: Sendable {
    let catalogue = SoftwareCatalogueCache()
    /// SQLite has one writer at a time; imports queue here instead of failing on a busy database.
    let sqliteWriter = AsyncSerialLock()
    let dictionary = SoftwareDictionaryCache()
}

/// Ids of catalogue rows already in the database. The catalogue only grows (software and versions are
/// never deleted while assets refer to them), so a cached id stays valid; `clear()` after anything that
/// deletes or merges catalogue rows.
final class SoftwareCatalogueCache: Sendable {
    private let software = NIOLockedValueBox<[String: UUID]>([:])
    private let versions = NIOLockedValueBox<[PreparedInventory.VersionKey: UUID]>([:])

    func softwareIDs(_ keys: [String]) -> [String: UUID] {
        software.withLockedValue { cache in
            var found: [String: UUID] = [:]
            for key in keys { if let id = cache[key] { found[key] = id } }
            return found
        }
    }

    func versionIDs(_ keys: [PreparedInventory.VersionKey]) -> [PreparedInventory.VersionKey: UUID] {
        versions.withLockedValue { cache in
            var found: [PreparedInventory.VersionKey: UUID] = [:]
            for key in keys { if let id = cache[key] { found[key] = id } }
            return found
        }
    }

    func remember(software ids: [String: UUID]) { software.withLockedValue { $0.merge(ids) { $1 } } }
    func remember(versions ids: [PreparedInventory.VersionKey: UUID]) { versions.withLockedValue { $0.merge(ids) { $1 } } }

    func clear() {
        software.withLockedValue { $0.removeAll() }
        versions.withLockedValue { $0.removeAll() }
    }
}

/// A FIFO mutual exclusion for async code.
actor AsyncSerialLock {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }

    /// Runs `body` when no other `run` of this lock is running.
    nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}
