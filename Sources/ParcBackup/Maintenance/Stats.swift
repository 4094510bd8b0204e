import Foundation

/// Sizes of a repository and of what its snapshots hold.
public struct RepositoryStats: Sendable, Hashable, Codable {
    /// Snapshots counted.
    public var snapshots = 0
    /// Regular files in all those snapshots (a file in two snapshots counts twice), and their
    /// total size: what restoring every snapshot would write.
    public var files = 0
    public var restoreSize: UInt64 = 0
    /// Distinct blobs the snapshots use (data and trees), their plaintext bytes and their stored
    /// (compressed, encrypted) bytes.
    public var uniqueBlobs = 0
    public var uniqueRawBytes: UInt64 = 0
    public var uniqueStoredBytes: UInt64 = 0
    /// Of those, the distinct data blobs (file content) and their plaintext bytes.
    public var uniqueDataBlobs = 0
    public var uniqueDataBytes: UInt64 = 0
    /// Bytes on disk: packs, index files, snapshot files, dictionary files, and their sum.
    public var packBytes: UInt64 = 0
    public var indexBytes: UInt64 = 0
    public var snapshotBytes: UInt64 = 0
    public var dictionaryBytes: UInt64 = 0
    public var storedBytes: UInt64 = 0
    /// Blobs the index lists (distinct), packs the index names, pack files on disk.
    public var indexedBlobs = 0
    public var packs = 0
    public var packsOnDisk = 0

    /// Plaintext bytes per stored byte of the used blobs (encryption overhead included): above 1
    /// when compression saves space.
    public var compressionRatio: Double = 1
    /// Restore size per byte of distinct file content: how many times deduplication (across
    /// files and snapshots) shrinks the data.
    public var deduplicationRatio: Double = 1

    /// Empty statistics.
    public init() {}

    /// Sets the ratios from the counts.
    mutating func computeRatios() {
        compressionRatio = uniqueStoredBytes == 0 ? 1 : Double(uniqueRawBytes) / Double(uniqueStoredBytes)
        deduplicationRatio = uniqueDataBytes == 0 ? 1 : Double(restoreSize) / Double(uniqueDataBytes)
    }

    private enum CodingKeys: String, CodingKey {
        case snapshots, files, packs
        case restoreSize = "restore_size"
        case uniqueBlobs = "unique_blobs"
        case uniqueRawBytes = "unique_raw_bytes"
        case uniqueStoredBytes = "unique_stored_bytes"
        case uniqueDataBlobs = "unique_data_blobs"
        case uniqueDataBytes = "unique_data_bytes"
        case packBytes = "pack_bytes"
        case indexBytes = "index_bytes"
        case snapshotBytes = "snapshot_bytes"
        case dictionaryBytes = "dictionary_bytes"
        case storedBytes = "stored_bytes"
        case indexedBlobs = "indexed_blobs"
        case packsOnDisk = "packs_on_disk"
        case compressionRatio = "compression_ratio"
        case deduplicationRatio = "deduplication_ratio"
    }
}

extension Repository {
    /// Counts the snapshots (all, or those named), the size of their files, the distinct data
    /// they use, and the bytes the repository takes on disk. Read-only; takes no lock (a prune
    /// running meanwhile may make it fail, then run it again).
    ///
    /// Each distinct tree is read once, however many snapshots share it.
    public func stats(snapshots selected: [ObjectID]? = nil) throws(MaintenanceError) -> RepositoryStats {
        let index: MaintenanceIndex
        do {
            index = try MaintenanceIndex.load(self, tolerant: false)
        } catch {
            throw .repository(error)
        }
        var stats = RepositoryStats()
        stats.indexedBlobs = index.locations.count
        stats.packs = index.packs.count
        do {
            for name in try storage.list(.pack) {
                stats.packBytes += UInt64(try storage.size(.pack, name: name))
                stats.packsOnDisk += 1
            }
            for name in try storage.list(.index) { stats.indexBytes += UInt64(try storage.size(.index, name: name)) }
            for name in try storage.list(.snapshot) {
                stats.snapshotBytes += UInt64(try storage.size(.snapshot, name: name))
            }
            for name in try storage.list(.dictionary) {
                stats.dictionaryBytes += UInt64(try storage.size(.dictionary, name: name))
            }
        } catch {
            throw .repository(.storage(error))
        }
        stats.storedBytes = stats.packBytes + stats.indexBytes + stats.snapshotBytes + stats.dictionaryBytes

        let entries: [SnapshotEntry]
        do {
            entries = try snapshots()
        } catch {
            throw .repository(error)
        }
        let chosen = selected.map(Set.init)
        if let chosen {
            let unknown = chosen.subtracting(entries.map(\.id))
            guard unknown.isEmpty else { throw .unknownSnapshots(unknown.sorted()) }
        }
        var used = Set<BlobHandle>()
        var totals: [ObjectID: (files: Int, bytes: UInt64)] = [:]
        func total(_ tree: ObjectID) throws(MaintenanceError) -> (files: Int, bytes: UInt64) {
            if let known = totals[tree] { return known }
            used.insert(BlobHandle(id: tree, type: .tree))
            let loaded: Tree
            do {
                loaded = try index.loadTree(tree, repository: self)
            } catch {
                throw .repository(error)
            }
            var sum: (files: Int, bytes: UInt64) = (0, 0)
            for node in loaded.nodes {
                if node.type == .file {
                    sum.files += 1
                    sum.bytes += node.size
                }
                for blob in node.content ?? [] { used.insert(BlobHandle(id: blob, type: .data)) }
                if let subtree = node.subtree {
                    let child = try total(subtree)
                    sum.files += child.files
                    sum.bytes += child.bytes
                }
            }
            totals[tree] = sum
            return sum
        }
        for entry in entries where chosen?.contains(entry.id) ?? true {
            let root = try total(entry.snapshot.tree)
            stats.snapshots += 1
            stats.files += root.files
            stats.restoreSize += root.bytes
        }
        for handle in used {
            guard let location = index.locations[handle]?.first else { throw .repository(.missingBlob(handle)) }
            stats.uniqueBlobs += 1
            stats.uniqueRawBytes += UInt64(location.entry.rawLength)
            stats.uniqueStoredBytes += UInt64(location.entry.length)
            if handle.type == .data {
                stats.uniqueDataBlobs += 1
                stats.uniqueDataBytes += UInt64(location.entry.rawLength)
            }
        }
        stats.computeRatios()
        return stats
    }
}
