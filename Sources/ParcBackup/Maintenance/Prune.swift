import Foundation

/// Settings of `prune`.
public struct PruneOptions: Sendable, Hashable {
    /// The share of the repository's pack bytes that may stay unused after pruning (0…1): packs
    /// that are only partly used are repacked, most wasteful first, until the unused share is at
    /// most this. 0 repacks every partly used pack; 1 never repacks. Default 0.05 (5 %).
    public var maxUnused: Double
    /// Compute and report, but write and delete nothing (takes a shared lock only).
    public var dryRun: Bool
    /// Size at which a pack written by repacking is closed.
    public var packTargetSize: Int
    /// Temporary files (`.tmp-*`) older than this are deleted (default one day: a write still
    /// in progress is never that old).
    public var temporaryFileAge: TimeInterval
    /// Blobs per new index file; the compacted index is one file unless the repository holds more.
    public var blobsPerIndexFile: Int

    /// Options; the defaults suit every repository.
    public init(
        maxUnused: Double = 0.05, dryRun: Bool = false, packTargetSize: Int = 8 * 1024 * 1024,
        temporaryFileAge: TimeInterval = 86_400, blobsPerIndexFile: Int = 50_000
    ) {
        self.maxUnused = maxUnused
        self.dryRun = dryRun
        self.packTargetSize = packTargetSize
        self.temporaryFileAge = temporaryFileAge
        self.blobsPerIndexFile = blobsPerIndexFile
    }
}

/// What `prune` did (or, in a dry run, would do). Bytes are stored bytes (pack file sizes).
public struct PruneReport: Sendable, Hashable, Codable {
    /// Whether nothing was written or deleted.
    public var dryRun = false
    /// Snapshots whose data was kept.
    public var snapshots = 0
    /// Distinct blobs the snapshots use, and their stored size.
    public var usedBlobs = 0
    public var usedBytes: UInt64 = 0
    /// Packs deleted (no blob of theirs used, repacked, or in no index), the unused blobs they
    /// held (as indexed), and their size.
    public var removedPacks = 0
    public var removedBlobs = 0
    public var removedBytes: UInt64 = 0
    /// Partly used packs rewritten: how many, the used blobs copied out of them and their size.
    public var repackedPacks = 0
    public var repackedBlobs = 0
    public var repackedBytes: UInt64 = 0
    /// Packs written by repacking, and their size.
    public var newPacks = 0
    public var newPackBytes: UInt64 = 0
    /// Packs left in the repository (new ones included), the blobs the index lists in them,
    /// and their size.
    public var keptPacks = 0
    public var keptBlobs = 0
    public var keptBytes: UInt64 = 0
    /// Of the removed packs: those on disk that no index named (left by an interrupted backup).
    public var unindexedPacks = 0
    /// Packs the index named that were not on disk; dropped from the index (they held nothing a
    /// snapshot needs, or prune would have refused).
    public var missingPacks: [ObjectID] = []
    /// Extra copies of blobs (a blob in several packs); the new index names one copy.
    public var duplicateBlobs = 0
    /// Unused bytes left in kept packs, below the `maxUnused` share.
    public var unusedBytesLeft: UInt64 = 0
    /// Index files written and removed.
    public var indexFilesWritten = 0
    public var indexFilesRemoved = 0
    /// Temporary files older than the limit, removed.
    public var temporaryFilesRemoved = 0
    /// Wall time.
    public var durationSeconds: Double = 0

    /// Bytes given back: deleted packs minus the packs repacking wrote.
    public var freedBytes: Int64 = 0

    /// An empty report.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case snapshots
        case dryRun = "dry_run"
        case usedBlobs = "used_blobs"
        case usedBytes = "used_bytes"
        case removedPacks = "removed_packs"
        case removedBlobs = "removed_blobs"
        case removedBytes = "removed_bytes"
        case repackedPacks = "repacked_packs"
        case repackedBlobs = "repacked_blobs"
        case repackedBytes = "repacked_bytes"
        case newPacks = "new_packs"
        case newPackBytes = "new_pack_bytes"
        case keptPacks = "kept_packs"
        case keptBlobs = "kept_blobs"
        case keptBytes = "kept_bytes"
        case unindexedPacks = "unindexed_packs"
        case missingPacks = "missing_packs"
        case duplicateBlobs = "duplicate_blobs"
        case unusedBytesLeft = "unused_bytes_left"
        case indexFilesWritten = "index_files_written"
        case indexFilesRemoved = "index_files_removed"
        case temporaryFilesRemoved = "temporary_files_removed"
        case durationSeconds = "duration_seconds"
        case freedBytes = "freed_bytes"
    }
}

extension Repository {
    /// Deletes the data no snapshot uses (format §10): wholly unused packs are deleted, partly
    /// used ones are repacked when the unused share exceeds ``PruneOptions/maxUnused``, one
    /// compacted index replacing every index file is written, then the old index files, the
    /// unused packs, the packs no index names and old temporary files are deleted — in that
    /// order, so that a crash at any point leaves a valid repository that a later prune finishes.
    ///
    /// Takes an exclusive lock (shared for a dry run). Before deleting anything, it reads every
    /// index file and every snapshot and walks every tree; if any of them cannot be read, or a
    /// blob a snapshot needs is in no readable pack, it stops with
    /// ``MaintenanceError/unsafeToPrune(_:)`` and deletes nothing.
    public func prune(_ options: PruneOptions = PruneOptions(), now: Date = Date()) throws(MaintenanceError)
        -> PruneReport
    {
        let started = Date()
        guard options.maxUnused >= 0, options.maxUnused <= 1, options.packTargetSize > 0,
            options.blobsPerIndexFile > 0
        else {
            throw .unsafeToPrune(
                "max-unused must be between 0 and 1 (0.05 is 5 %), and pack and index sizes positive")
        }
        let lock = try maintenanceLock(exclusive: !options.dryRun, operation: "prune")
        defer { lock?.release() }

        var plan = try planPrune(options)
        var report = plan.report
        report.dryRun = options.dryRun
        if let cleaning = storage as? any TemporaryFileCleaning {
            do {
                let old = try cleaning.temporaryFiles().filter {
                    $0.modified < now.addingTimeInterval(-options.temporaryFileAge)
                }
                plan.temporaries = old
                report.temporaryFilesRemoved = old.count
            } catch {
                throw .repository(.storage(error))
            }
        }
        if !options.dryRun { try execute(&plan, report: &report, options: options, lock: lock) }
        report.freedBytes = Int64(report.removedBytes) - Int64(report.newPackBytes)
        report.durationSeconds = Date().timeIntervalSince(started)
        return report
    }

    /// Reads everything and decides; writes nothing.
    private func planPrune(_ options: PruneOptions) throws(MaintenanceError) -> MaintenancePrunePlan {
        let index: MaintenanceIndex
        do {
            index = try MaintenanceIndex.load(self, tolerant: true)
        } catch {
            throw .repository(error)
        }
        if let damaged = index.damaged.first {
            throw .unsafeToPrune(
                "index file \(damaged.id.hex) cannot be read (\(damaged.error)); the packs it lists would look "
                    + "unused and be deleted")
        }
        var report = PruneReport()

        // Every blob a snapshot needs.
        let names: [String]
        do {
            names = try storage.list(.snapshot)
        } catch {
            throw .repository(.storage(error))
        }
        var used = Set<BlobHandle>()
        var visited = Set<ObjectID>()
        for name in names {
            guard let id = ObjectID(hex: name) else { continue }
            let snapshot: Snapshot
            do {
                snapshot = try loadSnapshot(id)
            } catch {
                throw .unsafeToPrune(
                    "snapshot \(name) cannot be read (\(error)); forget it by ID if it is beyond repair")
            }
            report.snapshots += 1
            var stack = [snapshot.tree]
            while let treeID = stack.popLast() {
                guard visited.insert(treeID).inserted else { continue }
                used.insert(BlobHandle(id: treeID, type: .tree))
                let tree: Tree
                do {
                    tree = try index.loadTree(treeID, repository: self)
                } catch {
                    throw .unsafeToPrune(
                        "snapshot \(id.shortHex): tree \(treeID.hex) cannot be read (\(error)), so the data below "
                            + "it cannot be told apart from unused data")
                }
                for node in tree.nodes {
                    for blob in node.content ?? [] {
                        let handle = BlobHandle(id: blob, type: .data)
                        guard index.locations[handle] != nil else {
                            throw .unsafeToPrune(
                                "snapshot \(id.shortHex): data blob \(blob.hex) of \(node.displayName) is in no index")
                        }
                        used.insert(handle)
                    }
                    if let subtree = node.subtree { stack.append(subtree) }
                }
            }
        }

        // What is on disk.
        var onDisk: [ObjectID: Int64] = [:]
        var unindexed: [ObjectID] = []
        do {
            for name in try storage.list(.pack) {
                guard let id = ObjectID(hex: name) else { continue }
                onDisk[id] = try storage.size(.pack, name: name)
                if index.packs[id] == nil { unindexed.append(id) }
            }
        } catch {
            throw .repository(.storage(error))
        }

        // One copy of every used blob, in a pack that exists.
        var chosen: [BlobHandle: BlobLocation] = [:]
        for handle in used.sorted() {
            let copies = index.locations[handle] ?? []
            guard let copy = copies.first(where: { onDisk[$0.pack] != nil }) else {
                throw .unsafeToPrune(
                    "\(handle.type.name) blob \(handle.id.hex), which snapshots need, is only in missing pack(s) "
                        + copies.map(\.pack.shortHex).joined(separator: ", "))
            }
            chosen[handle] = copy
        }
        report.usedBlobs = chosen.count
        report.usedBytes = chosen.values.reduce(0) { $0 + UInt64($1.entry.length) }
        report.duplicateBlobs = index.locations.values.reduce(0) { $0 + $1.count - 1 }

        // Sort the packs.
        var plan = MaintenancePrunePlan()
        var partly: [MaintenancePackUse] = []
        var usedTotal: Int64 = 0
        var unusedLeft: Int64 = 0
        for pack in index.packOrder {
            let entries = index.packs[pack] ?? []
            guard let size = onDisk[pack] else {
                plan.missing.append(pack)
                continue
            }
            let usedEntries = entries.filter { entry in
                chosen[BlobHandle(id: entry.id, type: entry.type)] == BlobLocation(pack: pack, entry: entry)
            }
            let usedBytes = usedEntries.reduce(Int64(0)) { $0 + Int64($1.length) }
            let use = MaintenancePackUse(
                id: pack, size: size, entries: entries, used: usedEntries,
                unusedBytes: max(0, size - usedBytes - maintenancePackOverhead(entries: entries.count)))
            if usedEntries.isEmpty {
                plan.unused.append(use)
            } else if use.unusedBytes == 0 {
                plan.kept.append(use)
                usedTotal += size
            } else {
                partly.append(use)
                usedTotal += size - use.unusedBytes
                unusedLeft += use.unusedBytes
            }
        }
        // Repack the most wasteful packs first until the unused share is within the limit.
        partly.sort { ($0.unusedBytes, $1.id) > ($1.unusedBytes, $0.id) }
        for use in partly {
            let overLimit =
                options.maxUnused == 0
                ? unusedLeft > 0 : Double(unusedLeft) > options.maxUnused * Double(usedTotal + unusedLeft)
            if overLimit {
                plan.repack.append(use)
                unusedLeft -= use.unusedBytes
            } else {
                plan.kept.append(use)
            }
        }
        plan.kept.sort { $0.id < $1.id }
        plan.repack.sort { $0.id < $1.id }
        plan.unindexed = unindexed.sorted()

        // The index of the kept packs: each used blob at its chosen copy, each unused blob once.
        var listed = Set<BlobHandle>()
        for use in plan.kept {
            plan.listing[use.id] = use.used
            for entry in use.used { listed.insert(BlobHandle(id: entry.id, type: entry.type)) }
        }
        for use in plan.kept {
            for entry in use.entries {
                let handle = BlobHandle(id: entry.id, type: entry.type)
                if !used.contains(handle), listed.insert(handle).inserted {
                    plan.listing[use.id, default: []].append(entry)
                }
            }
            plan.listing[use.id]?.sort { $0.offset < $1.offset }
        }
        // The new listing is a subset of the current one: equal when no entry was left out.
        let currentCount = index.packOrder.reduce(0) { $0 + (index.packs[$1]?.count ?? 0) }
        let plannedCount = plan.listing.values.reduce(0) { $0 + $1.count }
        let repackedBlobs = plan.repack.reduce(0) { $0 + $1.used.count }
        let plannedBlobs = plannedCount + repackedBlobs
        let plannedFiles =
            plannedBlobs == 0 ? 0 : (plannedBlobs + options.blobsPerIndexFile - 1) / options.blobsPerIndexFile
        plan.rewriteIndex =
            !plan.repack.isEmpty || currentCount != plannedCount || index.activeFiles.count > plannedFiles
        plan.oldIndexFiles = plan.rewriteIndex ? index.allFileIDs : index.supersededFiles
        plan.index = index

        report.removedPacks = plan.unused.count + plan.repack.count + plan.unindexed.count
        report.removedBlobs =
            plan.unused.reduce(0) { $0 + $1.entries.count }
            + plan.repack.reduce(0) { $0 + $1.entries.count - $1.used.count }
        report.removedBytes = UInt64(
            (plan.unused + plan.repack).reduce(Int64(0)) { $0 + $1.size }
                + plan.unindexed.reduce(Int64(0)) { $0 + (onDisk[$1] ?? 0) })
        report.unindexedPacks = plan.unindexed.count
        report.missingPacks = plan.missing.sorted()
        report.repackedPacks = plan.repack.count
        report.repackedBlobs = repackedBlobs
        report.repackedBytes = UInt64(plan.repack.reduce(Int64(0)) { $0 + $1.used.reduce(0) { $0 + Int64($1.length) } })
        // The packs repacking will write, closed as the writer closes them.
        var pending: (bytes: Int, entries: Int) = (0, 0)
        for entry in plan.repack.flatMap(\.used) {
            pending.bytes += Int(entry.length)
            pending.entries += 1
            if pending.bytes >= options.packTargetSize {
                report.newPacks += 1
                report.newPackBytes += UInt64(Int64(pending.bytes) + maintenancePackOverhead(entries: pending.entries))
                pending = (0, 0)
            }
        }
        if pending.entries > 0 {
            report.newPacks += 1
            report.newPackBytes += UInt64(Int64(pending.bytes) + maintenancePackOverhead(entries: pending.entries))
        }
        report.keptPacks = plan.kept.count + report.newPacks
        report.keptBlobs = plannedBlobs
        report.keptBytes = UInt64(plan.kept.reduce(Int64(0)) { $0 + $1.size }) + report.newPackBytes
        report.unusedBytesLeft = UInt64(max(0, unusedLeft))
        report.indexFilesWritten = plan.rewriteIndex ? plannedFiles : 0
        report.indexFilesRemoved = plan.oldIndexFiles.count
        plan.report = report
        return plan
    }

    /// Writes the new packs and index, then deletes, in the order of format §10.
    private func execute(
        _ plan: inout MaintenancePrunePlan, report: inout PruneReport, options: PruneOptions,
        lock: MaintenanceLockKeeper?
    ) throws(MaintenanceError) {

        // 1. New packs holding the used blobs of the packs to repack (sealed bytes copied as they
        //    are, after checking them).
        var written: [ObjectID: [PackEntry]] = [:]
        var writer = packWriter()
        let planned = (packs: report.newPacks, bytes: report.newPackBytes)
        report.newPacks = 0
        report.newPackBytes = 0
        func close() throws(MaintenanceError) {
            guard !writer.writtenEntries.isEmpty else { return }
            let saved: (id: ObjectID, entries: [PackEntry])
            do {
                saved = try save(pack: writer)
            } catch {
                throw .repository(error)
            }
            written[saved.id] = saved.entries
            report.newPacks += 1
            report.newPackBytes += UInt64(
                saved.entries.reduce(Int64(0)) { $0 + Int64($1.length) }
                    + maintenancePackOverhead(entries: saved.entries.count))
            writer = packWriter()
        }
        for use in plan.repack {
            for entry in use.used {
                let sealed = try readForRepack(entry, from: use.id, index: plan.index)
                writer.append(
                    SealedBlob(
                        id: entry.id, type: entry.type, compression: entry.compression, rawLength: entry.rawLength,
                        sealed: sealed))
                if writer.byteCount >= options.packTargetSize { try close() }
            }
        }
        try close()
        // Same as planned, unless two repacked blobs made identical packs (then one file).
        report.keptPacks += written.count - planned.packs
        report.keptBytes = report.keptBytes - planned.bytes + report.newPackBytes

        // 2. The index naming every remaining pack; the last file supersedes every old one.
        try lock?.ensureHeld()
        var newFiles: Set<ObjectID> = []
        if plan.rewriteIndex {
            let listing = plan.listing.merging(written) { old, _ in old }
            var chunks: [[IndexFile.Pack]] = []
            var current: [IndexFile.Pack] = []
            var count = 0
            for pack in listing.keys.sorted() {
                let entries = listing[pack] ?? []
                guard !entries.isEmpty else { continue }
                current.append(IndexFile.Pack(id: pack, blobs: entries.map(IndexFile.Blob.init)))
                count += entries.count
                if count >= options.blobsPerIndexFile {
                    chunks.append(current)
                    current = []
                    count = 0
                }
            }
            if !current.isEmpty { chunks.append(current) }
            for (position, packs) in chunks.enumerated() {
                let last = position == chunks.count - 1
                do {
                    newFiles.insert(
                        try save(index: IndexFile(supersedes: last ? plan.oldIndexFiles : [], packs: packs)))
                } catch {
                    throw .repository(error)
                }
            }
            report.indexFilesWritten = chunks.count
        }

        // 3. The old index files, then the packs nothing names any more, then old temporaries.
        try lock?.ensureHeld()
        let oldFiles = plan.oldIndexFiles.filter { !newFiles.contains($0) }
        for id in oldFiles { try removeIfPresent(.index, id.hex) }
        report.indexFilesRemoved = oldFiles.count
        for pack in (plan.unused + plan.repack).map(\.id) + plan.unindexed {
            try removeIfPresent(.pack, pack.hex)
        }
        if let cleaning = storage as? any TemporaryFileCleaning {
            for file in plan.temporaries {
                do {
                    try cleaning.removeTemporaryFile(file)
                } catch .notFound {
                    // Gone meanwhile.
                } catch {
                    throw .repository(.storage(error))
                }
            }
        }
    }

    /// The checked stored bytes of a blob to repack, from its chosen copy or another one.
    private func readForRepack(_ entry: PackEntry, from pack: ObjectID, index: MaintenanceIndex)
        throws(MaintenanceError)
        -> Data
    {
        var firstError: PackError?
        let others = (index.locations[BlobHandle(id: entry.id, type: entry.type)] ?? []).filter {
            $0 != BlobLocation(pack: pack, entry: entry)
        }
        for copy in [BlobLocation(pack: pack, entry: entry)] + others {
            do {
                return try MaintenanceStoredBlob.read(copy.entry, pack: copy.pack, repository: self).sealed
            } catch {
                firstError = firstError ?? error
            }
        }
        throw .unsafeToPrune(
            "\(entry.type.name) blob \(entry.id.hex), which snapshots need, cannot be read while repacking "
                + "(\(firstError?.description ?? "no copy")); packs written so far are in no index and the next prune "
                + "removes them")
    }

    private func removeIfPresent(_ kind: RepositoryFileKind, _ name: String) throws(MaintenanceError) {
        do {
            try storage.remove(kind, name: name)
        } catch .notFound {
            // Already gone (an earlier, interrupted prune): the goal is met.
        } catch {
            throw .repository(.storage(error))
        }
    }
}

/// How a pack is used.
struct MaintenancePackUse {
    let id: ObjectID
    let size: Int64
    let entries: [PackEntry]
    /// The entries that are the chosen copy of a used blob.
    let used: [PackEntry]
    /// Bytes of the pack that hold nothing used (unused or duplicate blobs and their header lines).
    let unusedBytes: Int64
}

/// Everything prune decided before touching the repository.
struct MaintenancePrunePlan {
    var index = MaintenanceIndex()
    var kept: [MaintenancePackUse] = []
    var repack: [MaintenancePackUse] = []
    var unused: [MaintenancePackUse] = []
    var unindexed: [ObjectID] = []
    var missing: [ObjectID] = []
    /// The entries the new index lists for the kept packs.
    var listing: [ObjectID: [PackEntry]] = [:]
    var rewriteIndex = false
    /// Index files to delete: all of them when the index is rewritten, else the superseded ones.
    var oldIndexFiles: [ObjectID] = []
    var temporaries: [TemporaryFile] = []
    var report = PruneReport()
}
