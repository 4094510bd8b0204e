import Foundation

extension Repository {
    /// Checks the repository: config and key files, every index file, every pack the index names
    /// (present, header matching the index), every snapshot and every tree of it, and that every
    /// blob a tree names is indexed; with ``CheckOptions/readData``, also reads and verifies every
    /// blob of every pack, several packs at a time.
    ///
    /// Each error names the snapshots, files and directories it damages (full paths inside the
    /// snapshot), computed from the snapshots' trees; ``CheckReport/snapshots`` says, for each
    /// snapshot, which files are damaged and how many are intact. Problems are reported, not
    /// thrown; the call throws only when the check cannot run (lock, unlistable storage).
    ///
    /// Takes a shared lock unless ``CheckOptions/noLock``.
    public func check(_ options: CheckOptions = CheckOptions()) throws(MaintenanceError) -> CheckReport {
        let started = Date()
        let lock = try maintenanceLock(exclusive: false, operation: "check", skip: options.noLock)
        defer { lock?.release() }
        var run = CheckRun(repository: self, options: options)
        try run.checkConfigAndKeys()
        run.checkDictionaries()
        try run.checkIndex()
        try run.checkSnapshots()
        try run.checkPacks()
        run.walkSnapshots()
        var report = run.finish()
        report.readData = options.readData
        report.durationSeconds = Date().timeIntervalSince(started)
        return report
    }
}

/// An issue whose affected snapshots are filled in once the trees are walked.
private struct PendingIssue: Sendable {
    var issue: CheckIssue
    var isWarning = false
    /// The blobs whose loss this issue explains (their files are named in it).
    var concerns: [BlobHandle] = []
}

/// What checking one pack found.
private struct PackResult: Sendable {
    var issues: [PendingIssue] = []
    /// Copies found bad (gone, truncated, altered, or not where the index says).
    var bad: [BlobLocation] = []
    var read = false
    var blobsRead = 0
    var bytesRead: UInt64 = 0
}

/// What a tree holds, for naming damage: regular files counted, and the damaged entries below it
/// (paths relative to the tree, raw bytes).
private struct TreeSummary {
    var files = 0
    var damagedFiles: [(path: Data, blob: BlobHandle)] = []
    var lostDirectories: [(path: Data, blob: BlobHandle)] = []
}

/// The state of one run of `check`.
private struct CheckRun {
    let repository: Repository
    let options: CheckOptions
    var issues: [PendingIssue] = []
    var counts = CheckCounts()
    var index = MaintenanceIndex()
    var snapshots: [(id: ObjectID, snapshot: Snapshot?)] = []
    var onDisk: [ObjectID: Int64] = [:]
    var bad = Set<BlobLocation>()
    var lost = Set<BlobHandle>()
    /// Blobs whose failure was met while walking trees, already reported.
    var reportedInWalk = Set<BlobHandle>()
    var summaries: [ObjectID: TreeSummary] = [:]
    var lostTrees = Set<ObjectID>()
    var health: [SnapshotHealth] = []
    /// For each lost blob: per snapshot (position in `snapshots`), the damaged file and lost
    /// directory paths it explains.
    var affected: [BlobHandle: [Int: (files: Set<Data>, directories: Set<Data>)]] = [:]

    init(repository: Repository, options: CheckOptions) {
        self.repository = repository
        self.options = options
    }

    private mutating func error(_ issue: CheckIssue, concerns: [BlobHandle] = []) {
        issues.append(PendingIssue(issue: issue, concerns: concerns))
    }

    private mutating func warning(_ issue: CheckIssue) {
        issues.append(PendingIssue(issue: issue, isWarning: true))
    }

    private func list(_ kind: RepositoryFileKind) throws(MaintenanceError) -> [String] {
        do {
            return try repository.storage.list(kind)
        } catch {
            throw .repository(.storage(error))
        }
    }

    mutating func checkConfigAndKeys() throws(MaintenanceError) {
        do {
            let sealed = try repository.storage.read(.config, name: "config")
            let json = try Repository.unseal(sealed, key: repository.key, kind: .config, name: "config")
            let config = try JSONDecoder.repository.decode(RepositoryConfig.self, from: json)
            if config != repository.config {
                throw RepositoryError.damagedFile(kind: .config, name: "config", reason: "changed since it was opened")
            }
        } catch {
            self.error(
                CheckIssue(
                    kind: .configDamaged,
                    message: "config cannot be read (\(error)); the repository cannot be opened without it — restore "
                        + "it from a copy of the repository",
                    file: "config"))
        }
        for name in try list(.key) {
            counts.keyFiles += 1
            do {
                let bytes = try repository.storage.read(.key, name: name)
                guard ObjectID.hash(bytes).hex == name else {
                    throw KeyError.malformedKeyFile(name: name, reason: "its bytes do not match its name (SHA-256)")
                }
                _ = try KeyFile.decode(bytes, name: name)
            } catch {
                self.error(
                    CheckIssue(
                        kind: .keyFileDamaged,
                        message:
                            "key file \(name) is damaged (\(error)); its passphrase no longer opens the repository. "
                            + "Add a new passphrase with another key, then remove this one",
                        file: "keys/\(name)"))
            }
        }
    }

    /// Dictionary files the repository could not load when it was opened (format §6a).
    mutating func checkDictionaries() {
        for (name, reason) in repository.dictionaries.problems {
            error(
                CheckIssue(
                    kind: .dictionaryFileDamaged,
                    message: "dictionary file \(name) is damaged (\(reason)); the small files compressed with it "
                        + "cannot be read: `check --read-data` names them. Restore the file from a copy of the "
                        + "repository",
                    file: "dictionaries/\(name)"))
        }
    }

    mutating func checkIndex() throws(MaintenanceError) {
        do {
            index = try MaintenanceIndex.load(repository, tolerant: true)
        } catch {
            throw .repository(error)
        }
        counts.indexFiles = index.files.count + index.damaged.count
        for (id, problem) in index.damaged {
            error(
                CheckIssue(
                    kind: .indexFileDamaged,
                    message: "index file \(id.hex) is damaged (\(problem)); the blobs it listed are reported below as "
                        + "missing. Do not prune until the index is rebuilt (the packs it names would look unused)",
                    file: "index/\(id.hex)"))
        }
        for id in index.supersededFiles {
            warning(
                CheckIssue(
                    kind: .supersededIndexFile,
                    message: "index file \(id.hex) is superseded by a newer one (left by an interrupted prune); the "
                        + "next prune removes it",
                    file: "index/\(id.hex)"))
        }
        counts.packs = index.packs.count
        counts.blobs = index.locations.count
        if repository.dictionaries.isEmpty {
            let needing = index.locations.values.filter { $0.contains { $0.entry.compression == .zstdDictionary } }.count
            if needing > 0 {
                error(
                    CheckIssue(
                        kind: .dictionaryMissing,
                        message: "\(needing) blob(s) are compressed with a dictionary and the repository has no "
                            + "readable dictionary (dictionaries/ emptied or lost); the small files they hold cannot "
                            + "be read: `check --read-data` names them. Restore dictionaries/ from a copy of the "
                            + "repository",
                        file: "dictionaries/"))
            }
        }
    }

    mutating func checkSnapshots() throws(MaintenanceError) {
        var readable: [(id: ObjectID, snapshot: Snapshot?)] = []
        var unreadable: [(id: ObjectID, snapshot: Snapshot?)] = []
        for name in try list(.snapshot) {
            guard let id = ObjectID(hex: name) else { continue }
            do {
                readable.append((id, try repository.loadSnapshot(id)))
            } catch {
                unreadable.append((id, nil))
                self.error(
                    CheckIssue(
                        kind: .snapshotFileDamaged,
                        message: "snapshot file \(id.hex) is damaged (\(error)); this snapshot cannot be restored. "
                            + "Forget it by ID",
                        file: "snapshots/\(id.hex)",
                        affected: [
                            AffectedSnapshot(snapshot: id, hostname: nil, time: nil, files: [], directories: ["/"])
                        ]
                    ))
            }
        }
        readable.sort { ($0.snapshot?.time ?? .distantPast, $0.id) < ($1.snapshot?.time ?? .distantPast, $1.id) }
        snapshots = readable + unreadable
        counts.snapshots = snapshots.count
    }

    mutating func checkPacks() throws(MaintenanceError) {
        do {
            for name in try repository.storage.list(.pack) {
                guard let id = ObjectID(hex: name) else { continue }
                onDisk[id] = try repository.storage.size(.pack, name: name)
            }
        } catch {
            throw .repository(.storage(error))
        }
        counts.packsOnDisk = onDisk.count
        for pack in onDisk.keys.sorted() where index.packs[pack] == nil {
            warning(
                CheckIssue(
                    kind: .unindexedPack,
                    message: "pack \(pack.hex) is in no index (left by an interrupted backup, or its index file is "
                        + "damaged); the next prune deletes it",
                    file: maintenanceFilePath(.pack, pack), pack: pack))
        }

        let packs = index.packOrder
        let results = MaintenanceLockedBox([PackResult?](repeating: nil, count: packs.count))
        let next = MaintenanceLockedBox(0)
        let (repository, options, index, onDisk) = (self.repository, self.options, self.index, self.onDisk)
        let workers = min(options.concurrency, max(packs.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let position = next.update { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard position < packs.count else { return }
                let pack = packs[position]
                let result = checkPack(
                    pack, entries: index.packs[pack] ?? [], size: onDisk[pack], repository: repository,
                    readData: options.readData)
                results.update { $0[position] = result }
            }
        }
        for result in results.current {
            guard let result else { continue }
            issues += result.issues
            bad.formUnion(result.bad)
            if result.read { counts.packsRead += 1 }
            counts.blobsRead += result.blobsRead
            counts.bytesRead += result.bytesRead
        }
        for (handle, copies) in index.locations where copies.allSatisfy({ bad.contains($0) }) {
            lost.insert(handle)
        }
    }

    /// Walks every snapshot's tree (each distinct tree once), naming what every lost blob damages.
    mutating func walkSnapshots() {
        for (position, entry) in snapshots.enumerated() {
            guard let snapshot = entry.snapshot else {
                health.append(
                    SnapshotHealth(
                        snapshot: entry.id, hostname: nil, time: nil, readable: false, files: 0, damagedFiles: [],
                        lostDirectories: ["/"]))
                continue
            }
            var damagedFiles = Set<Data>()
            var lostDirectories = Set<Data>()
            var files = 0
            if let root = summarize(snapshot.tree) {
                files = root.files
                for (path, blob) in root.damagedFiles {
                    let full = maintenanceJoinPath(maintenanceRootPath, path)
                    damagedFiles.insert(full)
                    affected[blob, default: [:]][position, default: ([], [])].files.insert(full)
                }
                for (path, blob) in root.lostDirectories {
                    let full = maintenanceJoinPath(maintenanceRootPath, path)
                    lostDirectories.insert(full)
                    affected[blob, default: [:]][position, default: ([], [])].directories.insert(full)
                }
            } else {
                lostDirectories.insert(maintenanceRootPath)
                affected[BlobHandle(id: snapshot.tree, type: .tree), default: [:]][position, default: ([], [])]
                    .directories.insert(maintenanceRootPath)
            }
            counts.files += files
            health.append(
                SnapshotHealth(
                    snapshot: entry.id, hostname: snapshot.hostname, time: snapshot.time, readable: true, files: files,
                    damagedFiles: displaySorted(damagedFiles), lostDirectories: displaySorted(lostDirectories)))
        }
    }

    /// The summary of a tree, or nil when the tree itself cannot be read.
    private mutating func summarize(_ id: ObjectID) -> TreeSummary? {
        if let known = summaries[id] { return known }
        if lostTrees.contains(id) { return nil }
        let handle = BlobHandle(id: id, type: .tree)
        guard let tree = loadTree(handle) else {
            lostTrees.insert(id)
            return nil
        }
        counts.trees += 1
        var summary = TreeSummary()
        for node in tree.nodes {
            if node.type == .file {
                summary.files += 1
                for blob in node.content ?? [] {
                    let data = BlobHandle(id: blob, type: .data)
                    if isLost(data) { summary.damagedFiles.append((node.name, data)) }
                }
            }
            guard let subtree = node.subtree else { continue }
            guard let child = summarize(subtree) else {
                summary.lostDirectories.append((node.name, BlobHandle(id: subtree, type: .tree)))
                continue
            }
            summary.files += child.files
            for (path, blob) in child.damagedFiles {
                summary.damagedFiles.append((maintenanceJoinPath(node.name, path), blob))
            }
            for (path, blob) in child.lostDirectories {
                summary.lostDirectories.append((maintenanceJoinPath(node.name, path), blob))
            }
        }
        summaries[id] = summary
        return summary
    }

    /// Whether a blob is lost; a blob in no index is reported here, once.
    private mutating func isLost(_ handle: BlobHandle) -> Bool {
        if lost.contains(handle) { return true }
        guard index.locations[handle] == nil else { return false }
        lost.insert(handle)
        if reportedInWalk.insert(handle).inserted {
            error(
                CheckIssue(
                    kind: .blobMissing,
                    message:
                        "\(handle.type.name) blob \(handle.id.hex) is in no index: the repository does not have it",
                    blob: handle.id, blobType: handle.type),
                concerns: [handle])
        }
        return true
    }

    /// Loads a tree from a copy not known bad; reports a failure met here.
    private mutating func loadTree(_ handle: BlobHandle) -> Tree? {
        if isLost(handle) { return nil }
        do {
            return try index.loadTree(handle.id, repository: repository, avoiding: bad)
        } catch {
            lost.insert(handle)
            guard reportedInWalk.insert(handle).inserted else { return nil }
            switch error {
            case .tree(let problem):
                let copy = index.locations[handle]?.first { !bad.contains($0) }
                self.error(
                    CheckIssue(
                        kind: .treeMalformed, message: "\(problem); the directory it lists cannot be restored",
                        file: copy.map { maintenanceFilePath(.pack, $0.pack) }, pack: copy?.pack, blob: handle.id,
                        blobType: .tree),
                    concerns: [handle])
            case .pack(let problem):
                var issue = packIssue(problem, blob: handle)
                issue.blobType = .tree
                self.error(issue, concerns: [handle])
            default:
                self.error(
                    CheckIssue(
                        kind: .blobUnreadable, message: "tree blob \(handle.id.hex) cannot be read: \(error)",
                        blob: handle.id, blobType: .tree),
                    concerns: [handle])
            }
            return nil
        }
    }

    /// The report, with every error's affected snapshots filled in.
    func finish() -> CheckReport {
        var report = CheckReport()
        report.counts = counts
        report.snapshots = health
        for pending in issues {
            var issue = pending.issue
            if !pending.concerns.isEmpty {
                var perSnapshot: [Int: (files: Set<Data>, directories: Set<Data>)] = [:]
                for handle in Set(pending.concerns) where lost.contains(handle) {
                    for (position, paths) in affected[handle] ?? [:] {
                        perSnapshot[position, default: ([], [])].files.formUnion(paths.files)
                        perSnapshot[position, default: ([], [])].directories.formUnion(paths.directories)
                    }
                }
                issue.affected = perSnapshot.keys.sorted().map { position in
                    let entry = snapshots[position]
                    return AffectedSnapshot(
                        snapshot: entry.id, hostname: entry.snapshot?.hostname, time: entry.snapshot?.time,
                        files: displaySorted(perSnapshot[position]?.files ?? []),
                        directories: displaySorted(perSnapshot[position]?.directories ?? []))
                }
            }
            if pending.isWarning {
                report.warnings.append(issue)
            } else {
                report.errors.append(issue)
            }
        }
        return report
    }
}

/// Checks one pack the index names: present, header matching the index, and with `readData`
/// every blob read and verified. Runs on a worker thread.
private func checkPack(
    _ pack: ObjectID, entries: [PackEntry], size: Int64?, repository: Repository, readData: Bool
) -> PackResult {
    var result = PackResult()
    let handles = entries.map { BlobHandle(id: $0.id, type: $0.type) }
    let file = maintenanceFilePath(.pack, pack)
    guard let size else {
        result.issues.append(
            PendingIssue(
                issue: CheckIssue(
                    kind: .packMissing,
                    message: "pack \(pack.hex) is missing (\(entries.count) blobs); restore it from a copy of the "
                        + "repository, or forget the snapshots named here",
                    file: file, pack: pack),
                concerns: handles))
        result.bad = entries.map { BlobLocation(pack: pack, entry: $0) }
        return result
    }

    // Structure: the header lists every indexed blob where the index says it is.
    var header: [PackEntry]?
    do {
        header = try repository.packReader(pack).entries()
    } catch {
        let truncated = entries.filter { entry in
            let (end, overflow) = entry.offset.addingReportingOverflow(UInt64(entry.length))
            return overflow || end > UInt64(size)
        }
        var message = "pack \(pack.hex): \(headerReason(error))"
        if !truncated.isEmpty {
            message +=
                "; \(truncated.count) of its \(entries.count) blobs are past the end of the file"
                + (entries.count > truncated.count ? ", the others are still located by the index" : "")
        } else if !readData {
            message += "; run check --read-data to find which of its blobs still read"
        }
        result.issues.append(
            PendingIssue(issue: CheckIssue(kind: .packHeaderDamaged, message: message, file: file, pack: pack)))
        if !readData {
            for entry in truncated {
                result.bad.append(BlobLocation(pack: pack, entry: entry))
                result.issues.append(
                    PendingIssue(
                        issue: CheckIssue(
                            kind: .blobUnreadable,
                            message: "pack \(pack.hex), \(entry.type.name) blob \(entry.id.hex): needs bytes "
                                + "\(entry.offset)..<\(entry.offset &+ UInt64(entry.length)) but the pack has \(size) "
                                + "bytes (truncated)",
                            file: file, pack: pack, blob: entry.id, blobType: entry.type),
                        concerns: [BlobHandle(id: entry.id, type: entry.type)]))
            }
        }
    }
    if let header {
        let listed = Set(header)
        let mismatched = entries.filter { !listed.contains($0) }
        if !mismatched.isEmpty {
            result.issues.append(
                PendingIssue(
                    issue: CheckIssue(
                        kind: .packIndexMismatch,
                        message: "pack \(pack.hex): its header does not list \(mismatched.count) of the "
                            + "\(entries.count) blobs the index places in it ("
                            + mismatched.prefix(5).map(\.id.shortHex).joined(separator: ", ")
                            + (mismatched.count > 5 ? "…" : "") + "); rebuild the index",
                        file: file, pack: pack),
                    concerns: readData ? [] : mismatched.map { BlobHandle(id: $0.id, type: $0.type) }))
            if !readData { result.bad += mismatched.map { BlobLocation(pack: pack, entry: $0) } }
        }
    }
    guard readData else { return result }

    // Content: every blob the index or the header lists, read and verified.
    let indexed = Set(entries)
    let toRead = (entries + (header ?? []).filter { !indexed.contains($0) }).sorted { $0.offset < $1.offset }
    result.read = true
    var whole: Data?
    if size <= 64 * 1024 * 1024 {
        do {
            whole = try repository.storage.read(.pack, name: pack.hex)
            result.bytesRead += UInt64(whole?.count ?? 0)
        } catch {
            // Fall back to reading blob by blob, which names each failure.
        }
    }
    var failed = false
    for entry in toRead {
        do {
            if let whole {
                let sealed = try MaintenanceStoredBlob.slice(whole, entry: entry, pack: pack)
                _ = try PackReader.openBlob(
                    entry, sealed: sealed, pack: pack, key: repository.key, dictionaries: repository.dictionaries)
            } else {
                let read = try MaintenanceStoredBlob.read(entry, pack: pack, repository: repository)
                result.bytesRead += UInt64(read.sealed.count)
            }
            result.blobsRead += 1
        } catch {
            failed = true
            let handle = BlobHandle(id: entry.id, type: entry.type)
            var issue = packIssue(error, blob: handle)
            issue.blobType = entry.type
            if !indexed.contains(entry) { issue.message += " (a blob the index does not list: nothing uses it)" }
            result.issues.append(PendingIssue(issue: issue, concerns: indexed.contains(entry) ? [handle] : []))
            if indexed.contains(entry) { result.bad.append(BlobLocation(pack: pack, entry: entry)) }
        }
    }
    if let whole, !failed, header != nil, ObjectID.hash(whole) != pack {
        result.issues.append(
            PendingIssue(
                issue: CheckIssue(
                    kind: .packContentMismatch,
                    message: "pack \(pack.hex): its bytes do not match its name (SHA-256), although every blob reads; "
                        + "the disk altered it, watch the storage",
                    file: file, pack: pack)))
    }
    return result
}

/// An issue for a pack error about one blob.
private func packIssue(_ error: PackError, blob: BlobHandle) -> CheckIssue {
    switch error {
    case .blobCorrupted(let pack, _, _):
        CheckIssue(
            kind: .blobCorrupted, message: error.description, file: maintenanceFilePath(.pack, pack), pack: pack,
            blob: blob.id, blobType: blob.type)
    case .blobUnreadable(let pack, _, _), .damagedHeader(let pack, _), .storage(let pack, _):
        CheckIssue(
            kind: .blobUnreadable, message: error.description, file: maintenanceFilePath(.pack, pack), pack: pack,
            blob: blob.id, blobType: blob.type)
    case .blobTooLarge:
        CheckIssue(kind: .blobUnreadable, message: error.description, blob: blob.id, blobType: blob.type)
    }
}

/// The reason of a header failure, without repeating the pack ID.
private func headerReason(_ error: PackError) -> String {
    switch error {
    case .damagedHeader(_, let reason): "header damaged: \(reason)"
    default: error.description
    }
}

/// `data/3f/3f…`, `index/…`: a file's path relative to the repository root.
func maintenanceFilePath(_ kind: RepositoryFileKind, _ id: ObjectID) -> String {
    kind == .pack ? "data/\(id.hex.prefix(2))/\(id.hex)" : "\(kind.directory)/\(id.hex)"
}

/// Raw paths sorted by their bytes, then displayed.
private func displaySorted(_ paths: Set<Data>) -> [String] {
    paths.sorted { $0.lexicographicallyPrecedes($1) }.map(Node.display)
}

extension Repository {
    /// The files of a snapshot that restore intact according to a check: every regular file
    /// except those ``SnapshotHealth/damagedFiles`` names and those under its lost directories
    /// (which cannot be listed). For `check` output that lists what is safe, not only what is lost.
    public func intactFiles(of snapshot: Snapshot, health: SnapshotHealth, index: BlobIndex) -> [ListedNode] {
        guard health.readable, health.lostDirectories != ["/"] else { return [] }
        let damaged = Set(health.damagedFiles)
        var files: [ListedNode] = []
        func walk(_ tree: ObjectID, _ path: Data) {
            // A tree that does not load is one of the lost directories: nothing below it is listed.
            guard let loaded = try? loadTree(tree, index: index) else { return }
            for node in loaded.nodes {
                let child = maintenanceJoinPath(path, node.name)
                if node.type == .file, !damaged.contains(Node.display(child)) {
                    files.append(ListedNode(path: child, node: node))
                }
                if let subtree = node.subtree { walk(subtree, child) }
            }
        }
        walk(snapshot.tree, maintenanceRootPath)
        return files
    }
}
