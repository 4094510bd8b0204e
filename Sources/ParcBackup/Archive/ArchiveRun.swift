import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state one backup run shares between the walker, the workers and the thread that
/// reports progress: counters, issues, the first fatal error, the stop flag.
final class ArchiveRun: @unchecked Sendable {
    let repository: Repository
    let saver: BlobSaver
    /// The index as loaded at the start, for reading the base snapshot's trees.
    let baseIndex: BlobIndex
    let chunker: ContentDefinedChunker
    let excludes: ExcludeRules
    let oneFileSystem: Bool
    let owners = ArchiveOwnerNames()
    let hooks: ArchiverHooks
    let queue: ArchiveWorkQueue
    let assembler: ArchiveTreeAssembler
    /// The base snapshot's trees, decoded ahead by the workers.
    private(set) var baseTrees: ArchiveBaseTrees!
    /// Zero bytes to hash holes with; never written.
    let zeros: UnsafeMutableRawBufferPointer
    private let shouldStop: (@Sendable () -> Bool)?

    private let lock = NSLock()
    private var failure: BackupError?
    private var stopping = false
    private var issues: [BackupIssue] = []
    private var zeroBlobs: [Int: ObjectID] = [:]
    private var progress = Progress()

    /// Counters behind the progress reports and the summary.
    struct Progress {
        var filesDone = 0
        var bytesDone: UInt64 = 0
        var filesFound = 0
        var bytesFound: UInt64 = 0
        var walkFinished = false
        var filesRead = 0
        var bytesRead: UInt64 = 0
        var currentPath: [UInt8] = []
    }

    init(
        repository: Repository, saver: BlobSaver, baseIndex: BlobIndex, chunker: ContentDefinedChunker,
        options: BackupOptions, hooks: ArchiverHooks, shouldStop: (@Sendable () -> Bool)?
    ) {
        self.repository = repository
        self.saver = saver
        self.baseIndex = baseIndex
        self.chunker = chunker
        self.excludes = ExcludeRules(options.excludes)
        self.oneFileSystem = options.oneFileSystem
        self.hooks = hooks
        self.shouldStop = shouldStop
        let threads = max(options.threads, 1)
        // Three quarters of a max chunk per thread keeps both cores busy on a big file (measured:
        // half as much slowed the 1 GiB benchmark by a third) for 15 MB less peak memory than one.
        self.queue = ArchiveWorkQueue(
            fileCapacity: 256 * threads, saveByteLimit: max(threads, 2) * chunker.parameters.maxSize * 3 / 4)
        self.assembler = ArchiveTreeAssembler(saver: saver)
        self.zeros = .allocate(byteCount: 1 << 20, alignment: 64)
        self.zeros.initializeMemory(as: UInt8.self, repeating: 0)
        self.baseTrees = ArchiveBaseTrees(load: { [unowned self] in self.baseEntries($0) })
    }

    deinit {
        zeros.deallocate()
    }

    // MARK: - Stopping

    /// Whether the run is ending early (stop requested or a fatal error); cheap, for hot loops.
    var isStopping: Bool {
        lock.withLock { stopping }
    }

    /// Asks the caller's `shouldStop`; stops the run if it says so. Returns whether the run is stopping.
    @discardableResult
    func pollStop() -> Bool {
        if let shouldStop, shouldStop() { fail(.cancelled) }
        return isStopping
    }

    /// Ends the run with `error` (the first error wins) and stops every thread.
    func fail(_ error: BackupError) {
        lock.withLock {
            if failure == nil { failure = error }
            stopping = true
        }
        queue.stop()
    }

    /// The error that ended the run, if any.
    var fatalError: BackupError? {
        lock.withLock { failure }
    }

    // MARK: - Issues and counters

    /// Records an entry that could not be saved as found.
    func report(_ kind: BackupIssue.Kind, path: [UInt8], message: String) {
        let issue = BackupIssue(kind: kind, path: Node.display(Data(path)), message: message)
        lock.withLock { issues.append(issue) }
    }

    var recordedIssues: [BackupIssue] {
        lock.withLock { issues }
    }

    /// The walker found a regular file of `size` bytes.
    func fileFound(size: UInt64) {
        lock.withLock {
            progress.filesFound += 1
            progress.bytesFound += size
        }
    }

    /// A file is done (read, unchanged, or given up).
    func fileDone(size: UInt64) {
        lock.withLock {
            progress.filesDone += 1
            progress.bytesDone += size
        }
    }

    /// Content bytes read from a file; `firstRead` counts the file in `filesRead`.
    func contentRead(bytes: UInt64, firstRead: Bool) {
        lock.withLock {
            progress.bytesRead += bytes
            if firstRead { progress.filesRead += 1 }
        }
    }

    func walkFinished() {
        lock.withLock { progress.walkFinished = true }
    }

    func setCurrentPath(_ path: [UInt8]) {
        lock.withLock { progress.currentPath = path }
    }

    var counters: Progress {
        lock.withLock { progress }
    }

    // MARK: - File system access (with the test hooks)

    func openFile(_ path: [UInt8]) throws(ArchiveSystemError) -> Int32 {
        if let code = hooks.openFailure?(path) { throw ArchiveSystemError(operation: "open", code: code) }
        return try ArchiveFileSystem.openFile(path)
    }

    func listDirectory(_ path: [UInt8]) throws(ArchiveSystemError) -> [[UInt8]] {
        if let code = hooks.openFailure?(path) { throw ArchiveSystemError(operation: "open the directory", code: code) }
        return try ArchiveFileSystem.listDirectory(path)
    }

    // MARK: - Repository helpers

    /// The entries of a base snapshot's tree by name; empty when there is none or it cannot be
    /// read (the files are then read again, which is always correct).
    func baseEntries(_ tree: ObjectID) -> [Data: Node] {
        guard let loaded = try? repository.loadTree(tree, index: baseIndex) else { return [:] }
        var entries: [Data: Node] = [:]
        entries.reserveCapacity(loaded.nodes.count)
        for node in loaded.nodes { entries[node.name] = node }
        return entries
    }

    /// Whether every content blob of `node` is in the repository (or saved in this run).
    func hasContent(of node: Node) -> Bool {
        (node.content ?? []).allSatisfy { saver.has(BlobHandle(id: $0, type: .data)) }
    }

    /// The ID of the blob of `length` zero bytes (a hole), stored if the repository lacks it.
    func zeroBlob(length: Int) throws(RepositoryError) -> ObjectID {
        if let known = lock.withLock({ zeroBlobs[length] }) { return known }
        let data = Data(count: length)
        let id = try saver.save(data, type: .data).id
        lock.withLock { zeroBlobs[length] = id }
        return id
    }
}
