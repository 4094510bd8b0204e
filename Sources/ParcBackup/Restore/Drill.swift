import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a ``Drill`` runs.
public struct DrillOptions: Sendable, Hashable {
    /// Which regular files of the snapshot a drill restores and checks.
    public enum Sample: Sendable, Hashable {
        /// Every file (the sandbox then needs room for the whole snapshot).
        case all
        /// This many files, drawn at random (all of them when the snapshot has fewer).
        case count(Int)
        /// This share of the files (0…1), rounded up, drawn at random.
        case fraction(Double)
    }

    /// The files to check.
    public var sample: Sample
    /// Seed of the random draw: the same seed on the same snapshot draws the same files, so a
    /// failed drill can be repeated. Defaults to a random seed (reported in the result).
    public var seed: UInt64
    /// The directory in which the sandbox (a fresh `parc-drill-XXXXXX` directory, removed at
    /// the end) is created. Defaults to the temporary directory.
    public var sandboxParent: String
    /// Files restored at the same time. Defaults to the number of active processors.
    public var threads: Int

    /// Drill options; see each property for the defaults.
    public init(
        sample: Sample = .count(100), seed: UInt64 = UInt64.random(in: .min ... .max),
        sandboxParent: String = NSTemporaryDirectory(), threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.sample = sample
        self.seed = seed
        self.sandboxParent = sandboxParent
        self.threads = threads
    }
}

/// A file a drill found wrong, or an entry it could not check.
public struct DrillFailure: Sendable, Hashable, CustomStringConvertible {
    /// The absolute path in the snapshot, for people (`\xNN` for bytes that are not UTF-8), and raw.
    public let path: String
    public let rawPath: Data
    /// What is wrong.
    public let reason: String

    /// A failure about `rawPath`.
    public init(rawPath: Data, reason: String) {
        self.rawPath = rawPath
        self.path = Node.display(rawPath)
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// What a drill found.
public struct DrillResult: Sendable, Hashable {
    /// Regular files in the snapshot (those under a directory that cannot be read excepted).
    public var filesInSnapshot = 0
    /// Files given a verdict: restored and compared, or failed to restore.
    public var filesChecked = 0
    /// Bytes read back and compared.
    public var bytesChecked: UInt64 = 0
    /// Files restored wrong or not at all, and directories whose files could not be listed.
    public var failures: [DrillFailure] = []
    /// Wall time.
    public var durationSeconds: Double = 0
    /// The seed of the draw (give it again to check the same files).
    public var seed: UInt64 = 0
    /// Set when the sandbox could not be removed entirely: where it is and why.
    public var sandboxProblem: String?

    /// Whether every checked file came back exactly as backed up.
    public var passed: Bool { failures.isEmpty }

    /// An empty result.
    public init() {}
}

/// A restore drill: restores a sample of a snapshot's regular files into a sandbox directory,
/// reads each one back from disk and compares its size and SHA-256 with what the snapshot
/// records, then removes the sandbox. Proves that the backup can actually be restored, end to
/// end, without touching the machine's files.
public struct Drill: Sendable {
    /// The repository, its index, the snapshot to check.
    public let repository: Repository
    public let index: BlobIndex
    public let snapshot: Snapshot
    /// What to check and where.
    public let options: DrillOptions
    let progress: (@Sendable (RestoreProgressReport) -> Void)?

    /// A drill of `snapshot` from `repository` (whose loaded index is `index`); `progress`
    /// receives the restore's progress.
    public init(
        repository: Repository, index: BlobIndex, snapshot: Snapshot, options: DrillOptions,
        progress: (@Sendable (RestoreProgressReport) -> Void)? = nil
    ) {
        self.repository = repository
        self.index = index
        self.snapshot = snapshot
        self.options = options
        self.progress = progress
    }

    private struct Checks {
        var checked: Set<Data> = []
        var bytes: UInt64 = 0
        var failures: [DrillFailure] = []
    }

    /// Runs the drill. Throws only when it cannot run (unreadable root tree, no sandbox); a
    /// damaged backup gives ``DrillResult/failures``.
    public func run() throws(RestoreError) -> DrillResult {
        let start = ContinuousClock.now
        guard options.threads >= 1 else { throw .invalidOptions("threads must be at least 1, not \(options.threads)") }
        switch options.sample {
        case .count(let count) where count < 0: throw .invalidOptions("a drill cannot check \(count) files")
        case .fraction(let share) where !(share >= 0 && share <= 1):
            throw .invalidOptions("the share of files to check must be between 0 and 1, not \(share)")
        default: break
        }
        let trees = RestoreTreeCache(repository: repository, index: index)
        let root: Tree
        do {
            root = try trees.tree(snapshot.tree)
        } catch {
            throw .repository(error)
        }
        var result = DrillResult()
        result.seed = options.seed

        // Draw the sample.
        var sample: [[Data]]?
        var listingFailures: [DrillFailure] = []
        switch options.sample {
        case .all:
            listingFailures = Self.files(in: root, trees: trees) { _, _ in result.filesInSnapshot += 1 }
        case .count(let count):
            (sample, result.filesInSnapshot, listingFailures) = draw(count, root: root, trees: trees)
        case .fraction(let share):
            var total = 0
            _ = Self.files(in: root, trees: trees) { _, _ in total += 1 }
            let count = Int((share * Double(total)).rounded(.up))
            (sample, result.filesInSnapshot, listingFailures) = draw(count, root: root, trees: trees)
        }

        // Restore it into a fresh sandbox, checking each file as soon as it is written.
        let sandbox = try makeSandbox()
        let checks = Mutex(Checks())
        let index = self.index
        let restoreOptions = RestoreOptions(
            target: sandbox, restoreOwnership: false, verify: false, threads: options.threads, overwrite: .never)
        let internals = RestoreInternals(
            selection: sample ?? [[]], contentOnly: true,
            fileRestored: { path, node, directory, name in
                let failure = Self.check(node, directory: directory, name: name, index: index)
                checks.withLock {
                    $0.checked.insert(path)
                    $0.bytes += failure == nil ? node.size : 0
                    if let failure { $0.failures.append(DrillFailure(rawPath: path, reason: failure)) }
                }
            })
        let restored: RestoreResult
        do {
            restored = try Restorer(
                repository: repository, index: index, snapshot: snapshot, options: restoreOptions, progress: progress,
                internals: internals
            ).run()
        } catch {
            result.sandboxProblem = removeSandbox(sandbox)
            throw error
        }
        result.sandboxProblem = removeSandbox(sandbox)

        let found = checks.withLock { $0 }
        var failures = listingFailures + found.failures
        var judged = found.checked
        for issue in restored.issues {
            failures.append(DrillFailure(rawPath: issue.rawPath, reason: issue.message))
            judged.insert(issue.rawPath)
        }
        if let sample {
            for path in sample.map(restorePath) where !judged.contains(path) {
                failures.append(DrillFailure(rawPath: path, reason: "was not restored, and the restore gave no reason"))
            }
            result.filesChecked = sample.count
        } else {
            result.filesChecked = found.checked.count + restored.issues.count
        }
        result.bytesChecked = found.bytes
        result.failures = failures.sorted { $0.rawPath.lexicographicallyPrecedes($1.rawPath) }
        let elapsed = ContinuousClock.now - start
        result.durationSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return result
    }

    /// Draws `count` files uniformly (reservoir sampling, seeded), returned in snapshot order,
    /// with the number of files seen and the directories that could not be listed.
    private func draw(_ count: Int, root: Tree, trees: RestoreTreeCache) -> ([[Data]], Int, [DrillFailure]) {
        var generator = DrillRandom(seed: options.seed)
        var reservoir: [(ordinal: Int, path: [Data])] = []
        reservoir.reserveCapacity(min(count, 1 << 16))
        var seen = 0
        let failures = Self.files(in: root, trees: trees) { path, _ in
            if reservoir.count < count {
                reservoir.append((seen, path))
            } else if count > 0 {
                let slot = Int(generator.next(below: UInt64(seen + 1)))
                if slot < count { reservoir[slot] = (seen, path) }
            }
            seen += 1
        }
        return (reservoir.sorted { $0.ordinal < $1.ordinal }.map(\.path), seen, failures)
    }

    /// Calls `visit` for every regular file of the snapshot, depth first in name order; returns
    /// the directories whose tree could not be read.
    private static func files(
        in root: Tree, trees: RestoreTreeCache, visit: ([Data], Node) -> Void
    ) -> [DrillFailure] {
        var failures: [DrillFailure] = []
        var stack: [(path: [Data], nodes: [Node], next: Int)] = [([], root.nodes, 0)]
        while let top = stack.indices.last {
            guard stack[top].next < stack[top].nodes.count else {
                stack.removeLast()
                continue
            }
            let node = stack[top].nodes[stack[top].next]
            stack[top].next += 1
            let path = stack[top].path + [node.name]
            switch node.type {
            case .file:
                visit(path, node)
            case .dir:
                guard let subtree = node.subtree else { continue }
                do {
                    stack.append((path, try trees.tree(subtree).nodes, 0))
                } catch {
                    failures.append(
                        DrillFailure(rawPath: restorePath(path), reason: "its files cannot be listed: \(error)"))
                }
            default:
                continue
            }
        }
        return failures
    }

    /// Reads the restored file back and compares it with the node (its whole-file SHA-256, or the
    /// IDs of its blobs, format §8); the reason it differs, or nil.
    static func check(_ node: Node, directory: Int32, name: Data, index: BlobIndex) -> String? {
        let descriptor = openat(directory, restoreCString(name), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return "cannot open the restored file: \(RestoreError.text(errno))" }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return "cannot read the restored file: \(RestoreError.text(errno))" }
        guard UInt64(info.st_size) == node.size else {
            return "restored with \(info.st_size) bytes, the snapshot records \(node.size)"
        }
        if let expected = node.contentSHA256 {
            switch hash(descriptor, size: Int64(info.st_size), pieces: [Int(info.st_size)]) {
            case .failure(let failure): return "cannot read the restored file: \(RestoreError.text(failure.code))"
            case .success(let actual):
                return actual == [expected]
                    ? nil
                    : "restored content has SHA-256 \(actual[0].hex), the snapshot records \(expected.hex)"
            }
        }
        guard let content = node.content, content.count > 1 else {
            return "the snapshot records no SHA-256 for it, so it cannot be checked"
        }
        // Format 2: the restored bytes, cut at the blobs' lengths, must hash to the blobs' IDs.
        var lengths: [Int] = []
        lengths.reserveCapacity(content.count)
        for id in content {
            guard let location = index.location(of: BlobHandle(id: id, type: .data)) else {
                return "its data blob \(id.hex) is in no index, so it cannot be checked"
            }
            lengths.append(Int(location.entry.rawLength))
        }
        guard lengths.reduce(0, +) == Int(node.size) else {
            return "its blobs hold \(lengths.reduce(0, +)) bytes but the snapshot records \(node.size)"
        }
        switch hash(descriptor, size: Int64(info.st_size), pieces: lengths) {
        case .failure(let failure): return "cannot read the restored file: \(RestoreError.text(failure.code))"
        case .success(let actual):
            guard let wrong = zip(actual, content).enumerated().first(where: { $0.element.0 != $0.element.1 }) else {
                return nil
            }
            let start = lengths[..<wrong.offset].reduce(0, +)
            return "restored bytes \(start)…\(start + lengths[wrong.offset]) have SHA-256 \(wrong.element.0.hex), "
                + "the snapshot records blob \(wrong.element.1.hex) there"
        }
    }

    /// SHA-256 of each consecutive piece of a file (`pieces`: their lengths, summing to `size`),
    /// hashing its holes without reading them.
    private static func hash(_ descriptor: Int32, size: Int64, pieces: [Int]) -> Result<[ObjectID], DrillErrno> {
        var hasher = DrillPieceHasher(lengths: pieces)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        var holesKnown = true
        while offset < size {
            var dataEnd = size
            if holesKnown {
                let data = Int64(lseek(descriptor, off_t(offset), RestorePOSIX.seekData))
                if data < 0 && errno == ENXIO {
                    hasher.update(nil, count: Int(size - offset))
                    break
                } else if data < 0 {
                    holesKnown = false
                } else {
                    if data > offset { hasher.update(nil, count: Int(data - offset)) }
                    offset = data
                    let hole = Int64(lseek(descriptor, off_t(offset), RestorePOSIX.seekHole))
                    dataEnd = hole < 0 ? size : min(hole, size)
                }
            }
            while offset < dataEnd {
                let wanted = Int(min(Int64(buffer.count), dataEnd - offset))
                let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(offset)) }
                if count < 0 {
                    if errno == EINTR { continue }
                    return .failure(DrillErrno(code: errno))
                }
                if count == 0 { return .failure(DrillErrno(code: EIO)) }
                buffer.withUnsafeBytes {
                    hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count]), count: count)
                }
                offset += Int64(count)
            }
        }
        return .success(hasher.finish())
    }

    private func makeSandbox() throws(RestoreError) -> String {
        let parent = options.sandboxParent.hasSuffix("/") ? String(options.sandboxParent.dropLast()) : options.sandboxParent
        var template = Array((parent + "/parc-drill-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard made else { throw .sandbox(path: options.sandboxParent, operation: "mkdtemp", errno: errno) }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes the sandbox; a description of what is left, or nil.
    private func removeSandbox(_ path: String) -> String? {
        let code = RestorePOSIX.removeTree(AT_FDCWD, Array(path.utf8CString))
        guard code != 0 else { return nil }
        return "the sandbox \(path) could not be removed entirely (\(RestoreError.text(code))); remove it by hand"
    }
}

/// Hashes a stream of bytes as consecutive pieces of given lengths: a file's blobs, or the whole
/// file as one piece.
struct DrillPieceHasher {
    private let lengths: [Int]
    private var hasher = SHA256()
    private var remaining: Int
    private var digests: [ObjectID] = []

    init(lengths: [Int]) {
        self.lengths = lengths
        remaining = lengths.first ?? 0
    }

    /// Hashes the next `count` bytes: those of `bytes`, or zeros when it is nil. Bytes past the
    /// last piece are ignored (the caller checks the total size).
    mutating func update(_ bytes: UnsafeRawBufferPointer?, count: Int) {
        var done = 0
        while done < count && digests.count < lengths.count {
            let take = min(remaining, count - done)
            if let bytes {
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[done..<done + take]))
            } else {
                hasher.updateZeros(take)
            }
            remaining -= take
            done += take
            if remaining == 0 { closePiece() }
        }
    }

    /// The digest of every piece (pieces never reached hash as empty).
    mutating func finish() -> [ObjectID] {
        while digests.count < lengths.count { closePiece() }
        return digests
    }

    private mutating func closePiece() {
        digests.append(ObjectID(digest: hasher.finalize()))
        hasher = SHA256()
        if digests.count < lengths.count { remaining = lengths[digests.count] }
    }
}

/// An errno as an `Error`.
struct DrillErrno: Error {
    let code: Int32
}

/// SplitMix64: a small seeded generator, so a seed always draws the same files.
struct DrillRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0), without modulo bias.
    mutating func next(below bound: UInt64) -> UInt64 {
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let value = next()
            if value < limit { return value % bound }
        }
    }
}
