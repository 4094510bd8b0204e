import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Backs up paths of the file system into a repository as one snapshot (format §8, §10).
///
/// One thread walks the paths depth first (raw byte names, `lstat`, never following links);
/// `threads` workers read regular files in large pieces, cut them with the repository's
/// chunker, hash them and save new blobs through a ``BlobSaver``; a directory's tree is saved
/// as soon as its last entry is known. The root tree mirrors `/`: the directories above a
/// backed-up path are saved with their own metadata and only the entries leading to it.
///
/// - Files that did not change since the base snapshot (incremental: the latest snapshot of
///   the host over the same paths; differential: the latest full one) are not read: same
///   type, size, mtime, ctime, inode and device, and every content blob still indexed.
/// - A file is checked with `fstat` before and after it is read; if it changed it is read
///   once more; if it changes again, it is not stored torn: the snapshot keeps the base
///   snapshot's node for that path when there is one (the last consistent version, whose blobs
///   are all in the repository), and otherwise leaves the file out. Either way a
///   ``BackupIssue`` reports it.
/// - Holes (`SEEK_DATA`/`SEEK_HOLE`) of at least one maximum chunk are not read: they become
///   zero chunks of the maximum size, one deduplicated blob, and the node is marked sparse.
/// - Write order: packs, then index files (``BlobSaver/flush()``), then the snapshot. A shared
///   lock is held during the run and refreshed every 5 minutes. A stopped or failed run writes
///   no snapshot; blobs it stored are indexed, so the next run reuses them.
public struct Archiver: Sendable {
    /// The repository written to.
    public let repository: Repository
    /// What to back up and how.
    public let options: BackupOptions
    private let progress: (@Sendable (BackupProgressReport) -> Void)?
    private let shouldStop: (@Sendable () -> Bool)?
    /// Test hooks.
    var hooks = ArchiverHooks.none
    /// How often progress is reported.
    var progressInterval: TimeInterval = 0.5
    /// Lock refresh period and staleness.
    var lockPolicy = LockPolicy.standard
    /// Size at which the blob saver closes a pack.
    var packTargetSize = 8 * 1024 * 1024

    /// An archiver for one run.
    ///
    /// - Parameters:
    ///   - progress: called on the thread that calls ``run()`` about twice a second, and once at the end.
    ///   - shouldStop: polled often (from several threads); once it returns true the run stops
    ///     cleanly with ``BackupError/cancelled`` and writes no snapshot.
    public init(
        repository: Repository, options: BackupOptions, progress: (@Sendable (BackupProgressReport) -> Void)? = nil,
        shouldStop: (@Sendable () -> Bool)? = nil
    ) {
        self.repository = repository
        self.options = options
        self.progress = progress
        self.shouldStop = shouldStop
    }

    /// Runs the backup and writes the snapshot.
    public func run() throws(BackupError) -> BackupResult {
        let started = Date()
        let plan = try validatedPlan()
        var lock: RepositoryLock
        do {
            lock = try RepositoryLock.acquire(repository, exclusive: false, operation: "backup", policy: lockPolicy)
        } catch {
            throw .wrapping(error, lost: false)
        }
        defer { try? lock.release() }

        let index: BlobIndex
        let chunker: ContentDefinedChunker
        do {
            index = try repository.loadIndex()
            chunker = try repository.chunker()
        } catch {
            throw .wrapping(error)
        }
        let (base, method) = try chooseBase(index: index)
        try prepareDictionary()
        let saver = BlobSaver(repository: repository, index: index, packTargetSize: packTargetSize)
        let run = ArchiveRun(
            repository: repository, saver: saver, baseIndex: index, chunker: chunker, options: options,
            hooks: hooks, shouldStop: shouldStop)

        let group = DispatchGroup()
        start(in: group, stackSize: 16 << 20) {
            ArchiveWalker(run: run).walk(plan, baseRoot: base?.snapshot.tree)
            run.walkFinished()
            run.queue.finishWalk()
        }
        for _ in 0..<max(options.threads, 1) {
            start(in: group) { Self.work(run) }
        }
        monitor(run, group: group, lock: &lock, started: started)

        if let failure = run.fatalError {
            // Index what was stored, so the next run does not upload it again.
            try? saver.flush()
            throw failure
        }
        do {
            try saver.flush()
        } catch {
            throw .wrapping(error)
        }
        guard let tree = run.assembler.rootTree else {
            preconditionFailure("every directory completes once the walk and the workers are done")
        }
        let issues = run.recordedIssues
        let counters = run.counters
        let totals = run.assembler.totals
        let added = saver.added
        let summary = SnapshotSummary(
            files: totals.files, directories: totals.directories, bytes: totals.bytes, filesRead: counters.filesRead,
            bytesRead: counters.bytesRead, newBytes: added.rawBytes, storedBytes: added.storedBytes,
            errors: issues.count, durationSeconds: Date().timeIntervalSince(started))
        let snapshot = Snapshot(
            time: started, hostname: options.hostname, username: options.username, paths: options.paths,
            method: method, base: base?.id, full: base.map(ArchiveBaseSelection.chainHead(of:)), tree: tree,
            excludes: options.excludes, tags: options.tags, summary: summary)
        let id: ObjectID
        do {
            id = try repository.save(snapshot: snapshot)
        } catch {
            throw .wrapping(error)
        }
        report(run, started: started)
        return BackupResult(
            snapshotID: id, snapshot: snapshot, issues: issues, fellBackToFull: options.method != .full && base == nil)
    }

    // MARK: - Steps

    /// Checks the paths (absolute, existing) and merges them into the plan from `/`.
    private func validatedPlan() throws(BackupError) -> ArchivePlanNode {
        guard !options.paths.isEmpty else { throw .noPaths }
        var paths: [[[UInt8]]] = []
        for path in options.paths {
            let components = try ArchivePathPlan.components(path)
            do {
                _ = try ArchiveFileSystem.linkStatus(ArchivePathPlan.path(components))
            } catch {
                if error.code == ENOENT || error.code == ENOTDIR { throw .pathNotFound(path) }
                throw .pathInaccessible(path, reason: error.message)
            }
            paths.append(components)
        }
        return ArchivePathPlan.tree(paths)
    }

    /// Makes sure the repository has the dictionary its writers use (format §6a; version 3 with
    /// zstd only): the first run that finds none trains one from a sample of the files it backs up
    /// (about 20 ms for 1 MiB) and stores it before any blob that uses it. Too few small files: no
    /// dictionary, and the next run tries again.
    private func prepareDictionary() throws(BackupError) {
        guard repository.config.usesDictionaries, repository.config.compression == .zstd,
            repository.dictionaries.isEmpty
        else { return }
        let sampler = DictionarySampler(excludes: ExcludeRules(options.excludes), oneFileSystem: options.oneFileSystem)
        var paths: [[UInt8]] = []
        for path in options.paths { paths.append(ArchivePathPlan.path(try ArchivePathPlan.components(path))) }
        let samples = sampler.sample(paths: paths)
        guard
            let dictionary = CompressionDictionary.train(
                samples: samples, zstdID: repository.dictionaries.unusedZstdID())
        else { return }
        do {
            try repository.store(dictionary: dictionary)
        } catch {
            throw .wrapping(error)
        }
    }

    /// The snapshot to compare with and the method to record: `full` when none fits.
    private func chooseBase(index: BlobIndex) throws(BackupError) -> (SnapshotEntry?, BackupMethod) {
        guard options.method != .full else { return (nil, .full) }
        let entries: [SnapshotEntry]
        do {
            entries = try repository.snapshots()
        } catch {
            throw .wrapping(error)
        }
        var components: [[[UInt8]]] = []
        for path in options.paths { components.append(try ArchivePathPlan.components(path)) }
        guard
            let base = ArchiveBaseSelection.base(
                for: options.method, hostname: options.hostname, paths: components, in: entries),
            // A base whose root tree is gone or damaged cannot be compared with.
            (try? repository.loadTree(base.snapshot.tree, index: index)) != nil
        else { return (nil, .full) }
        return (base, options.method)
    }

    /// Starts a thread running `body`; the walker recurses once per directory level, so it
    /// gets a larger stack.
    private func start(in group: DispatchGroup, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }

    /// A worker: takes files and queued chunks until the work is done or the run stops.
    private static func work(_ run: ArchiveRun) {
        let reader = ArchiveFileReader(run: run)
        while let task = run.queue.next() {
            switch task {
            case .save(let data, let id):
                do {
                    try run.saver.save(data, type: .data, id: id)
                } catch {
                    run.fail(.wrapping(error))
                }
                run.queue.saveFinished(byteCount: data.count)
            case .file(let job):
                var node: Node?
                if !run.pollStop() {
                    node = reader.archive(job)
                }
                if run.assembler.finish(node, in: job.directory) {
                    do {
                        try run.assembler.save(job.directory)
                    } catch {
                        run.fail(.wrapping(error))
                    }
                }
                run.fileDone(size: job.size)
                run.queue.finished()
            case .job(let job):
                job()
                run.queue.finished()
            }
        }
    }

    /// Waits for the walker and workers; meanwhile polls `shouldStop`, reports progress and
    /// refreshes the lock.
    private func monitor(_ run: ArchiveRun, group: DispatchGroup, lock: inout RepositoryLock, started: Date) {
        var lastReport = Date()
        var lastRefresh = Date()
        var lastAttempt = lastRefresh
        var refreshFailing = false
        // After a failed refresh, retry every 30 s (or every period if shorter) until the lock
        // is about to turn stale for others.
        let retryAfter = min(30, lockPolicy.refreshEvery)
        while group.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            run.pollStop()
            let now = Date()
            if now.timeIntervalSince(lastReport) >= progressInterval {
                report(run, started: started)
                lastReport = now
            }
            let due = refreshFailing ? retryAfter : lockPolicy.refreshEvery
            guard now.timeIntervalSince(lastAttempt) >= due, !run.isStopping else { continue }
            lastAttempt = now
            do {
                try lock.refresh(now: now)
                lastRefresh = now
                refreshFailing = false
            } catch {
                refreshFailing = true
                if now.timeIntervalSince(lastRefresh) > lockPolicy.staleAfter - 2 * retryAfter {
                    run.fail(.wrapping(error, lost: true))
                }
            }
        }
    }

    private func report(_ run: ArchiveRun, started: Date) {
        guard let progress else { return }
        let counters = run.counters
        progress(
            BackupProgressReport(
                filesDone: counters.filesDone, bytesDone: counters.bytesDone,
                filesTotal: counters.walkFinished ? counters.filesFound : nil,
                bytesTotal: counters.walkFinished ? counters.bytesFound : nil,
                currentPath: Node.display(Data(counters.currentPath)), elapsed: Date().timeIntervalSince(started)))
    }
}
