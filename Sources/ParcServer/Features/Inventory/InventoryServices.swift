import Foundation
import NIOConcurrencyHelpers
import ParcCore

/// Application-wide state of the inventory import: the software catalogue cache and the queue that makes
/// SQLite imports take turns and commit in groups.
final class InventoryServices: Sendable {
    let catalogue = SoftwareCatalogueCache()
    /// SQLite has one writer at a time; imports queue here instead of failing on a busy database.
    /// Each group on a connection set for bulk writes: a 64 MB page cache, rarer checkpoints (index pages that
    /// every import touches are copied back once per ~40 MB of WAL instead of 4 MB), statement journals in
    /// memory, and WAL commits without a sync each (a crash can lose the last imports, never corrupt the
    /// database; the agents send again).
    let sqliteWriter = SQLiteGroupCommit<InventoryImporter.Written>(setup: [
        "PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -65536", "PRAGMA wal_autocheckpoint = 10000",
        "PRAGMA temp_store = MEMORY",
    ])
    let dictionary = SoftwareDictionaryCache()
    let softwareDigests = SoftwareDigestHints()
    let intake = InventoryIntakeCache()
}

/// The software digest each machine (by the digest of its match keys) had after its last import committed by
/// this process (decision 0046). When a report brings the same digest, the import skips preparing its ~800
/// programs and looking up their catalogue numbers, which an unchanged machine does not use. A hint only: the
/// import transaction compares with the digest stored on the asset and prepares the programs when they differ,
/// so a stale or missing hint costs time, never correctness. Emptied when it holds 100,000 machines.
final class SoftwareDigestHints: Sendable {
    /// What a machine's last committed import stored, and the XML events its programs came as (decision 0082).
    struct Hint: Sendable {
        /// The asset's stored software digest (programs and dictionary).
        let digest: String
        /// The programs' own part of it.
        let fingerprint: String
        /// SHA-256 of the programs' XML events; nil when they came otherwise (JSON).
        let sent: String?
    }

    private let hints = NIOLockedValueBox<[String: Hint]>([:])
    static let capacity = 100_000

    func hint(for keysDigest: String) -> Hint? {
        hints.withLockedValue { $0[keysDigest] }
    }

    func digest(for keysDigest: String) -> String? {
        hint(for: keysDigest)?.digest
    }

    /// After a committed import: the asset now stores `prepared`'s software digest.
    func remember(_ prepared: PreparedInventory) {
        guard let digest = prepared.softwareDigest, let fingerprint = prepared.softwareFingerprint else { return }
        let hint = Hint(digest: digest, fingerprint: fingerprint, sent: prepared.sentSoftwareDigest)
        hints.withLockedValue { hints in
            if hints.count >= Self.capacity, hints[prepared.keysDigest] == nil { hints.removeAll() }
            hints[prepared.keysDigest] = hint
        }
    }
}

/// Ids of catalogue rows already in the database (programs by UUID, versions by their row number `num`,
/// which `asset_software` links to). The catalogue only grows (software and versions are
/// never deleted while assets refer to them), so a cached id stays valid; `clear()` after anything that
/// deletes or merges catalogue rows. Ids are remembered only once the rows are committed.
final class SoftwareCatalogueCache: Sendable {
    private let software = NIOLockedValueBox<[String: UUID]>([:])
    private let versions = NIOLockedValueBox<[PreparedInventory.VersionKey: Int64]>([:])
    /// Program identity (``PreparedInventory/Program/identity``) to version number: the fast path of a
    /// machine whose programs are all known, one lookup each.
    private let identities = NIOLockedValueBox<[String: Int64]>([:])

    func softwareIDs(_ keys: [String]) -> [String: UUID] {
        software.withLockedValue { cache in
            var found: [String: UUID] = [:]
            for key in keys { if let id = cache[key] { found[key] = id } }
            return found
        }
    }

    func versionNumbers(_ keys: [PreparedInventory.VersionKey]) -> [PreparedInventory.VersionKey: Int64] {
        versions.withLockedValue { cache in
            var found: [PreparedInventory.VersionKey: Int64] = [:]
            for key in keys { if let id = cache[key] { found[key] = id } }
            return found
        }
    }

    /// The version number of every program, or nil when one of them is not cached yet.
    func versionNumbers(identities keys: [String]) -> [String: Int64]? {
        identities.withLockedValue { cache in
            var found: [String: Int64] = [:]
            found.reserveCapacity(keys.count)
            for key in keys {
                guard let id = cache[key] else { return nil }
                found[key] = id
            }
            return found
        }
    }

    /// Remembers what an import found or created, once it is committed.
    func remember(_ resolution: CatalogueResolution) {
        if !resolution.newSoftware.isEmpty { software.withLockedValue { $0.merge(resolution.newSoftware) { $1 } } }
        if !resolution.newVersions.isEmpty { versions.withLockedValue { $0.merge(resolution.newVersions) { $1 } } }
        if !resolution.fromCache { identities.withLockedValue { $0.merge(resolution.ids) { $1 } } }
    }

    func clear() {
        software.withLockedValue { $0.removeAll() }
        versions.withLockedValue { $0.removeAll() }
        identities.withLockedValue { $0.removeAll() }
    }
}

/// The catalogue version numbers of one report's programs, and the rows looked up or created on the way.
struct CatalogueResolution: Sendable {
    /// Program identity to version number (`software_versions.num`).
    let ids: [String: Int64]
    var newSoftware: [String: UUID] = [:]
    var newVersions: [PreparedInventory.VersionKey: Int64] = [:]
    /// Every id came from the cache: nothing to remember.
    var fromCache = false
}
