import Crypto
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file and its hard links: same device and inode.
struct RestoreInodeKey: Hashable, Sendable {
    let deviceID: UInt64
    let inode: UInt64

    /// The key of a file with several links, nil for any other node.
    init?(_ node: Node) {
        guard node.type == .file, node.links > 1 else { return nil }
        deviceID = node.deviceID
        inode = node.inode
    }
}

/// One regular file for a worker.
struct RestoreFileJob: Sendable {
    let directory: RestoreDirectory
    let path: [Data]
    let node: Node
    let key: RestoreInodeKey?
    /// The file, created empty by the walker: files are created by one thread, so the workers
    /// never contend for a directory's lock (two creators in one directory spun in the kernel).
    let descriptor: Int32
}

/// A directory whose metadata is set once everything below it is in place.
struct RestorePendingDirectory {
    let path: [Data]
    let node: Node
}

/// A file restored by linking it to an earlier one.
struct RestorePendingLink {
    let path: [Data]
    let primary: [Data]
    let node: Node
    let key: RestoreInodeKey
}

/// One run of a ``Restorer``: the walk over the trees (one thread, creating directories, links
/// and special files), workers writing regular files, then hard links, then directory metadata
/// from the deepest up.
final class RestoreRun: Sendable {
    let repository: Repository
    let index: BlobIndex
    let snapshot: Snapshot
    let options: RestoreOptions
    let internals: RestoreInternals
    let progress: (@Sendable (RestoreProgressReport) -> Void)?
    let trees: RestoreTreeCache
    /// Decoded blobs up to 1 MiB, 8 MiB in all: files sharing content read it once (32 MiB kept
    /// 25 MB more resident in the 1 GiB benchmark for no measurable speed).
    let blobs = RestoreBoundedCache<Data>(limit: 8 << 20, largest: 1 << 20)
    let zeros = RestoreZeroBlobs()
    let start = ContinuousClock.now
    let isRoot = geteuid() == 0

    /// Adjacent blobs of a file in one pack are read with one request of up to this many bytes,
    /// skipping gaps of up to `largestGap` bytes.
    static let largestRegion: UInt64 = 8 << 20
    static let largestGap: UInt64 = 1 << 20

    struct State {
        var result = RestoreResult()
        var filesFinished = 0
        var bytesFinished: UInt64 = 0
        var restoredPrimaries: Set<RestoreInodeKey> = []
        var stop: RestoreError?
        var lastReport: ContinuousClock.Instant
        var currentPath: Data?
    }

    let state: Mutex<State>

    init(_ restorer: Restorer) {
        repository = restorer.repository
        index = restorer.index
        snapshot = restorer.snapshot
        options = restorer.options
        internals = restorer.internals
        progress = restorer.progress
        trees = RestoreTreeCache(repository: restorer.repository, index: restorer.index)
        state = Mutex(State(lastReport: start))
    }

    // MARK: The run

    func run() throws(RestoreError) -> RestoreResult {
        guard options.threads >= 1 else { throw .invalidOptions("threads must be at least 1, not \(options.threads)") }
        guard !options.target.isEmpty else { throw .invalidOptions("give a target directory") }
        let root: Tree
        do {
            root = try trees.tree(snapshot.tree)
        } catch {
            throw .repository(error)
        }
        var paths: [[Data]]
        if let selection = internals.selection {
            paths = selection
        } else if options.include.isEmpty {
            paths = [[]]
        } else {
            paths = []
            for include in options.include {
                paths.append(
                    try RestoreSelection.resolve(include, root: root, trees: trees, snapshotPaths: snapshot.paths))
            }
        }
        let selection = RestoreSelection(paths: paths)

        if options.dryRun {
            try checkTargetForDryRun()
            _ = walk(root: root, rootDirectory: nil, selection: selection, queue: nil)
        } else {
            let target = try openTarget()
            let rootDirectory = RestoreDirectory(descriptor: target)
            let queue = RestoreWorkQueue<RestoreFileJob>(capacity: options.threads * 8)
            let group = DispatchGroup()
            for _ in 0..<options.threads {
                group.enter()
                let thread = Thread { [self] in
                    while let job = queue.pop() {
                        if !isStopped {
                            restoreFile(job)
                        } else {
                            close(job.descriptor)
                            unlinkat(job.directory.descriptor, restoreCString(job.node.name), 0)
                        }
                    }
                    group.leave()
                }
                thread.name = "parc-restore"
                thread.start()
            }
            let pending = walk(root: root, rootDirectory: rootDirectory, selection: selection, queue: queue)
            queue.close()
            group.wait()
            if let stop = state.withLock({ $0.stop }) { throw stop }
            makeLinks(pending.links, root: target)
            setDirectoryMetadata(pending.directories, root: target)
            if let stop = state.withLock({ $0.stop }) { throw stop }
            withExtendedLifetime(rootDirectory) {}
        }
        var result = state.withLock { $0.result }
        result.durationSeconds = seconds(since: start)
        // Workers finish in any order; sort for a stable report.
        result.issues.sort { $0.rawPath.lexicographicallyPrecedes($1.rawPath) }
        result.notes.sort { $0.rawPath.lexicographicallyPrecedes($1.rawPath) }
        report(final: true)
        return result
    }

    private func seconds(since instant: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - instant
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private func checkTargetForDryRun() throws(RestoreError) {
        var info = stat()
        if stat(options.target, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
            throw .targetNotADirectory(path: options.target)
        }
    }

    /// Opens the target, creating it (and its missing parents, mode 0700) when absent.
    private func openTarget() throws(RestoreError) -> Int32 {
        let path = options.target
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw .targetNotADirectory(path: path) }
        } else if errno == ENOENT {
            var prefix = path.hasPrefix("/") ? "/" : ""
            for part in path.split(separator: "/") {
                prefix += part
                if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                    throw .target(path: prefix, operation: "mkdir", errno: errno)
                }
                prefix += "/"
            }
        } else {
            throw .target(path: path, operation: "stat", errno: errno)
        }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOTDIR { throw .targetNotADirectory(path: path) }
            throw .target(path: path, operation: "open", errno: errno)
        }
        return descriptor
    }

    // MARK: Shared state

    var isStopped: Bool { state.withLock { $0.stop != nil } }

    func issue(_ path: [Data], _ message: String) {
        let issue = RestoreIssue(rawPath: restorePath(path), message: message)
        state.withLock { $0.result.issues.append(issue) }
    }

    func note(_ path: [Data], _ message: String) {
        let note = RestoreIssue(rawPath: restorePath(path), message: message)
        state.withLock { $0.result.notes.append(note) }
    }

    /// Errors after which every further write would fail too: the restore stops.
    private func isFatal(_ code: Int32) -> Bool {
        code == ENOSPC || code == EDQUOT || code == EROFS
    }

    private func stop(_ path: [Data], operation: String, errno code: Int32) {
        let error = RestoreError.stopped(
            path: Node.display(restorePath(path)), operation: operation, errno: code)
        state.withLock { if $0.stop == nil { $0.stop = error } }
    }

    private func report(final: Bool) {
        guard let progress else { return }
        let now = ContinuousClock.now
        let snapshotState: State? = state.withLock { state in
            guard final || now - state.lastReport >= .milliseconds(200) else { return nil }
            state.lastReport = now
            return state
        }
        guard let snapshotState else { return }
        let whole = internals.selection == nil && options.include.isEmpty && snapshot.summary.files > 0
        progress(
            RestoreProgressReport(
                files: snapshotState.filesFinished, directories: snapshotState.result.directories,
                bytes: snapshotState.bytesFinished, issues: snapshotState.result.issues.count,
                expectedFiles: whole ? snapshot.summary.files : nil, expectedBytes: whole ? snapshot.summary.bytes : nil,
                currentPath: snapshotState.currentPath.map(Node.display), elapsedSeconds: seconds(since: start),
                finished: final))
    }

    // MARK: The walk

    private struct Frame {
        let directory: RestoreDirectory?
        let path: [Data]
        let nodes: [Node]
        var next = 0
        let selection: RestoreSelection
    }

    /// Walks the selected trees depth first in name order. Creates directories, symbolic links
    /// and special files, hands regular files to the workers (`queue`; nil for a dry run, which
    /// only plans), and returns what must wait for the workers.
    private func walk(
        root: Tree, rootDirectory: RestoreDirectory?, selection: RestoreSelection,
        queue: RestoreWorkQueue<RestoreFileJob>?
    ) -> (directories: [RestorePendingDirectory], links: [RestorePendingLink]) {
        let dryRun = queue == nil
        var stack = [Frame(directory: rootDirectory, path: [], nodes: root.nodes, selection: selection)]
        var primaries: [RestoreInodeKey: [Data]] = [:]
        var directories: [RestorePendingDirectory] = []
        var links: [RestorePendingLink] = []
        while let top = stack.indices.last, !isStopped {
            guard stack[top].next < stack[top].nodes.count else {
                stack.removeLast()
                continue
            }
            let node = stack[top].nodes[stack[top].next]
            stack[top].next += 1
            guard let selected = stack[top].selection.child(node.name) else { continue }
            let path = stack[top].path + [node.name]
            let parent = stack[top].directory
            switch node.type {
            case .dir:
                var directory: RestoreDirectory?
                if dryRun {
                    plan(path, node, hardLinkTo: nil)
                } else {
                    guard let parent, let made = makeDirectory(in: parent, path: path) else { continue }
                    directory = made
                    if !internals.contentOnly { directories.append(RestorePendingDirectory(path: path, node: node)) }
                }
                state.withLock { $0.result.directories += 1 }
                guard let subtree = node.subtree else { continue }
                let tree: Tree
                do {
                    tree = try trees.tree(subtree)
                } catch {
                    issue(path, "its contents are not restored: \(error); check the repository")
                    continue
                }
                stack.append(Frame(directory: directory, path: path, nodes: tree.nodes, selection: selected))
            case .file:
                let key = RestoreInodeKey(node)
                if let key, let primary = primaries[key] {
                    if dryRun {
                        plan(path, node, hardLinkTo: primary)
                        state.withLock {
                            $0.result.files += 1
                            $0.result.hardLinks += 1
                        }
                    } else {
                        links.append(RestorePendingLink(path: path, primary: primary, node: node, key: key))
                    }
                    continue
                }
                if let key { primaries[key] = path }
                if dryRun {
                    plan(path, node, hardLinkTo: nil)
                    if let problem = contentProblem(node) {
                        issue(path, "would not be restored: \(problem)")
                    } else {
                        state.withLock {
                            $0.result.files += 1
                            $0.result.bytes += node.size
                        }
                    }
                } else if let parent, let queue {
                    let name = restoreCString(node.name)
                    guard
                        let descriptor = create(parent.descriptor, name, path: path, {
                            openat(parent.descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                        })
                    else {
                        state.withLock {
                            $0.filesFinished += 1
                            $0.bytesFinished += node.size
                        }
                        continue
                    }
                    queue.push(RestoreFileJob(directory: parent, path: path, node: node, key: key, descriptor: descriptor))
                }
            case .symlink, .fifo, .chardev, .blockdev:
                guard !internals.contentOnly else { continue }
                if dryRun {
                    plan(path, node, hardLinkTo: nil)
                    if (node.type == .chardev || node.type == .blockdev) && !isRoot {
                        issue(path, "would be skipped: creating a device file needs root")
                    } else {
                        state.withLock {
                            if node.type == .symlink { $0.result.symlinks += 1 } else { $0.result.specialFiles += 1 }
                        }
                    }
                } else if let parent {
                    restoreSpecial(node, in: parent, path: path)
                }
            case .socket:
                guard !internals.contentOnly else { continue }
                note(path, "not restored: a socket is recreated by the program that listens on it")
            }
        }
        return (directories, links)
    }

    private func plan(_ path: [Data], _ node: Node, hardLinkTo: [Data]?) {
        let size: UInt64 = node.type == .file || node.type == .symlink ? node.size : 0
        let entry = RestorePlanEntry(
            rawPath: restorePath(path), type: node.type, size: size,
            hardLinkTo: hardLinkTo.map { Node.display(restorePath($0)) })
        state.withLock { $0.result.planned.append(entry) }
    }

    /// Why a file's content cannot be restored, judged from the index alone; nil when it can.
    private func contentProblem(_ node: Node) -> String? {
        var total: UInt64 = 0
        for id in node.content ?? [] {
            guard let location = index.location(of: BlobHandle(id: id, type: .data)) else {
                return "its data blob \(id.hex) is missing from the repository (in no index); check the repository"
            }
            total += UInt64(location.entry.rawLength)
        }
        guard total == node.size else {
            return "its blobs hold \(total) bytes but the snapshot records \(node.size) (the snapshot is inconsistent)"
        }
        return nil
    }

    // MARK: Creating entries

    /// Runs `make` (a creating call returning -1 and errno on failure); when the name exists,
    /// applies the overwrite policy. Returns `make`'s result, or nil after recording an issue.
    private func create(_ directory: Int32, _ name: [CChar], path: [Data], _ make: () -> Int32) -> Int32? {
        var result = make()
        if result >= 0 { return result }
        var code = errno
        if code == EEXIST {
            switch options.overwrite {
            case .never:
                issue(path, "not restored: something exists there already (restore with overwrite to replace it)")
                return nil
            case .always:
                if RestorePOSIX.entryType(directory, name) == S_IFDIR {
                    issue(path, "not restored: a directory is in the way (a restore never removes a directory)")
                    return nil
                }
                if unlinkat(directory, name, 0) != 0 && errno != ENOENT {
                    issue(path, "not restored: cannot remove what exists there: \(RestoreError.text(errno))")
                    return nil
                }
                result = make()
                if result >= 0 { return result }
                code = errno
            }
        }
        if isFatal(code) {
            stop(path, operation: "create", errno: code)
        } else {
            issue(path, "not restored: cannot create it: \(RestoreError.text(code))")
        }
        return nil
    }

    private func makeDirectory(in parent: RestoreDirectory, path: [Data]) -> RestoreDirectory? {
        let name = restoreCString(path[path.count - 1])
        let created = mkdirat(parent.descriptor, name, 0o700) == 0
        if !created && errno != EEXIST {
            let code = errno
            if isFatal(code) {
                stop(path, operation: "mkdir", errno: code)
            } else {
                issue(path, "not restored, nor anything below it: cannot create the directory: \(RestoreError.text(code))")
            }
            return nil
        }
        var descriptor = openat(parent.descriptor, name, RestorePOSIX.directoryFlags)
        if descriptor < 0 && (errno == ENOTDIR || errno == ELOOP) {
            // Something else than a directory (a symbolic link, perhaps to outside the target) has the name.
            guard options.overwrite == .always else {
                issue(
                    path,
                    "not restored, nor anything below it: something that is not a directory exists there (restore with overwrite to replace it)"
                )
                return nil
            }
            if unlinkat(parent.descriptor, name, 0) == 0, mkdirat(parent.descriptor, name, 0o700) == 0 {
                descriptor = openat(parent.descriptor, name, RestorePOSIX.directoryFlags)
            }
        }
        if descriptor < 0 {
            issue(path, "not restored, nor anything below it: cannot open the directory: \(RestoreError.text(errno))")
            return nil
        }
        return RestoreDirectory(descriptor: descriptor)
    }

    private func restoreSpecial(_ node: Node, in parent: RestoreDirectory, path: [Data]) {
        let directory = parent.descriptor
        let name = restoreCString(node.name)
        let permissions = mode_t(node.mode & 0o7777)
        switch node.type {
        case .symlink:
            let target = node.target ?? Data()
            guard !target.isEmpty, !target.contains(0) else {
                issue(path, "not restored: its link target is empty or contains a NUL byte (damaged snapshot)")
                return
            }
            let cTarget = restoreCString(target)
            guard create(directory, name, path: path, { symlinkat(cTarget, directory, name) }) != nil else { return }
        case .fifo:
            guard create(directory, name, path: path, { mkfifoat(directory, name, permissions) }) != nil else { return }
        case .chardev, .blockdev:
            guard isRoot else {
                issue(path, "skipped: creating a device file needs root")
                return
            }
            let kind = node.type == .chardev ? S_IFCHR : S_IFBLK
            let device = dev_t(node.device ?? 0)
            guard create(directory, name, path: path, { mknodat(directory, name, kind | permissions, device) }) != nil
            else { return }
        default:
            return
        }
        state.withLock {
            if node.type == .symlink { $0.result.symlinks += 1 } else { $0.result.specialFiles += 1 }
        }
        setMetadata(node, directory: directory, name: name, path: path)
    }

    // MARK: Metadata

    private func describeAttributeFailure(_ attribute: ExtendedAttribute, _ code: Int32) -> String {
        let name = Node.display(attribute.name)
        var text = "extended attribute \(name) not set: \(RestoreError.text(code))"
        let privileged = attribute.name.starts(with: Data("security.".utf8)) || attribute.name.starts(with: Data("trusted.".utf8))
        if (code == EPERM || code == EACCES) && privileged && !isRoot {
            text += " (security. and trusted. attributes need root)"
        } else if code == ENOTSUP {
            text += " (the target file system does not support it)"
        }
        return text
    }

    private func reportMetadata(_ problems: [String], path: [Data]) {
        guard !problems.isEmpty else { return }
        issue(path, "restored, but " + problems.joined(separator: "; "))
    }

    /// Owner, extended attributes, permissions, then times of an open file or directory (chown
    /// clears setuid and file capabilities, so it comes first; times come last).
    private func setMetadata(_ node: Node, descriptor: Int32, path: [Data]) {
        var problems: [String] = []
        if options.restoreOwnership, fchown(descriptor, uid_t(node.uid), gid_t(node.gid)) != 0 {
            problems.append("owner \(node.uid):\(node.gid) not set: \(RestoreError.text(errno))")
        }
        for attribute in node.xattrs ?? [] {
            let name = restoreCString(attribute.name)
            let result = RestoreExtendedAttributes.set(descriptor: descriptor, name: name, value: attribute.value)
            if result != 0 { problems.append(describeAttributeFailure(attribute, errno)) }
        }
        if fchmod(descriptor, mode_t(node.mode & 0o7777)) != 0 {
            problems.append("permissions not set: \(RestoreError.text(errno))")
        }
        let times = RestorePOSIX.times(mtime: node.mtime)
        if futimens(descriptor, times) != 0 {
            problems.append("modification time not set: \(RestoreError.text(errno))")
        }
        reportMetadata(problems, path: path)
    }

    /// The same for an entry that is not opened (symbolic links, fifos, devices), by name,
    /// never following a link.
    private func setMetadata(_ node: Node, directory: Int32, name: [CChar], path: [Data]) {
        var problems: [String] = []
        if options.restoreOwnership, fchownat(directory, name, uid_t(node.uid), gid_t(node.gid), AT_SYMLINK_NOFOLLOW) != 0 {
            problems.append("owner \(node.uid):\(node.gid) not set: \(RestoreError.text(errno))")
        }
        if let attributes = node.xattrs, !attributes.isEmpty {
            // No *at call sets an attribute without following a link; the directory's /proc entry
            // reaches it by name.
            var entry = Data("/proc/self/fd/\(directory)/".utf8)
            entry.append(node.name)
            let cEntry = restoreCString(entry)
            for attribute in attributes {
                let attributeName = restoreCString(attribute.name)
                let result = RestoreExtendedAttributes.set(path: cEntry, name: attributeName, value: attribute.value)
                if result != 0 { problems.append(describeAttributeFailure(attribute, errno)) }
            }
        }
        if node.type != .symlink, fchmodat(directory, name, mode_t(node.mode & 0o7777), 0) != 0 {
            problems.append("permissions not set: \(RestoreError.text(errno))")
        }
        let times = RestorePOSIX.times(mtime: node.mtime)
        if utimensat(directory, name, times, AT_SYMLINK_NOFOLLOW) != 0 {
            problems.append("modification time not set: \(RestoreError.text(errno))")
        }
        reportMetadata(problems, path: path)
    }

    // MARK: Regular files

    private func restoreFile(_ job: RestoreFileJob) {
        let node = job.node
        let directory = job.directory.descriptor
        let name = restoreCString(node.name)
        state.withLock { $0.currentPath = restorePath(job.path) }
        defer {
            state.withLock {
                $0.filesFinished += 1
                $0.bytesFinished += node.size
            }
            report(final: false)
        }
        let descriptor = job.descriptor
        var outcome = writeContent(node, to: descriptor)
        if case .written = outcome, !internals.contentOnly {
            setMetadata(node, descriptor: descriptor, path: job.path)
        }
        if close(descriptor) != 0, case .written = outcome {
            outcome = errnoOutcome(errno, operation: "close")
        }
        switch outcome {
        case .written:
            state.withLock {
                $0.result.files += 1
                $0.result.bytes += node.size
                if let key = job.key { $0.restoredPrimaries.insert(key) }
            }
            internals.fileRestored?(restorePath(job.path), node, directory, node.name)
        case .failed(let message):
            unlinkat(directory, name, 0)
            issue(job.path, "not restored (left out): \(message)")
        case .stopped(let operation, let code):
            unlinkat(directory, name, 0)
            stop(job.path, operation: operation, errno: code)
        }
    }

    enum ContentOutcome {
        case written
        case failed(String)
        case stopped(operation: String, errno: Int32)
    }

    private func errnoOutcome(_ code: Int32, operation: String) -> ContentOutcome {
        isFatal(code) ? .stopped(operation: operation, errno: code) : .failed("\(operation) failed: \(RestoreError.text(code))")
    }

    /// Writes the file's blobs in order: zero blobs of sparse files become holes, adjacent blobs
    /// of one pack are read together, the content is hashed on the way when verifying.
    private func writeContent(_ node: Node, to descriptor: Int32) -> ContentOutcome {
        let content = node.content ?? []
        var locations: [BlobLocation] = []
        locations.reserveCapacity(content.count)
        var total: UInt64 = 0
        for id in content {
            guard let location = index.location(of: BlobHandle(id: id, type: .data)) else {
                return .failed(
                    "its data blob \(id.hex) is missing from the repository (in no index); check the repository")
            }
            locations.append(location)
            total += UInt64(location.entry.rawLength)
        }
        guard total == node.size else {
            return .failed("its blobs hold \(total) bytes but the snapshot records \(node.size) (the snapshot is inconsistent)")
        }
        let sparse = node.sparse == true
        // A file of one blob whose hash is that blob's ID needs no second pass: reading the blob
        // checks that its plaintext hashes to its ID, and its length is checked above.
        let checkedByBlob = content.count == 1 && node.contentSHA256 == content[0]
        var hasher: SHA256? = options.verify && node.contentSHA256 != nil && !checkedByBlob ? SHA256() : nil
        var offset: Int64 = 0
        var endsInHole = false
        var previous: (id: ObjectID, data: Data)?
        var next = 0
        while next < content.count {
            let first = locations[next]
            if sparse && zeros.isZero(content[next], rawLength: first.entry.rawLength) {
                hasher?.updateZeros(Int(first.entry.rawLength))
                offset += Int64(first.entry.rawLength)
                endsInHole = true
                next += 1
                continue
            }
            var pieces: [Data]
            var end = next + 1
            if let previous, previous.id == content[next] {
                pieces = [previous.data]
            } else if let cached = blobs.value(content[next]) {
                pieces = [cached]
            } else {
                var regionEnd = first.entry.offset + UInt64(first.entry.length)
                while end < content.count {
                    let candidate = locations[end]
                    let candidateEnd = candidate.entry.offset + UInt64(candidate.entry.length)
                    guard candidate.pack == first.pack, candidate.entry.offset >= regionEnd,
                        candidate.entry.offset - regionEnd <= Self.largestGap,
                        candidateEnd - first.entry.offset <= Self.largestRegion,
                        !(sparse && zeros.isZero(content[end], rawLength: candidate.entry.rawLength))
                    else { break }
                    regionEnd = candidateEnd
                    end += 1
                }
                switch readRegion(pack: first.pack, entries: locations[next..<end].map(\.entry)) {
                case .success(let read): pieces = read
                case .failure(let error):
                    return .failed("\(error); check the repository (the other files are not affected)")
                }
                for (piece, id) in zip(pieces, content[next..<end]) { blobs.insert(piece, id: id, cost: piece.count) }
            }
            for piece in pieces {
                let code = piece.withUnsafeBytes { RestorePOSIX.writeAll(descriptor, $0, at: offset) }
                if code != 0 { return errnoOutcome(code, operation: "write") }
                hasher?.update(data: piece)
                offset += Int64(piece.count)
            }
            previous = (content[end - 1], pieces[pieces.count - 1])
            endsInHole = false
            next = end
        }
        if endsInHole, ftruncate(descriptor, off_t(offset)) != 0 {
            return errnoOutcome(errno, operation: "truncate")
        }
        if let hasher, let expected = node.contentSHA256 {
            let actual = ObjectID(digest: hasher.finalize())
            guard actual == expected else {
                return .failed(
                    "its content (SHA-256 \(actual.hex)) does not match the SHA-256 recorded in the snapshot (\(expected.hex)); the snapshot is inconsistent"
                )
            }
        }
        return .written
    }

    /// The plaintexts of adjacent blobs of one pack, read with one request; on a failure each is
    /// read alone, so the error names the blob that is damaged or missing.
    private func readRegion(pack: ObjectID, entries: [PackEntry]) -> Result<[Data], PackError> {
        let reader = repository.packReader(pack)
        if entries.count > 1, let first = entries.first, let last = entries.last {
            let length = last.offset + UInt64(last.length) - first.offset
            if let region = try? repository.storage.read(
                .pack, name: pack.hex, offset: Int64(first.offset), length: Int(length))
            {
                var pieces: [Data] = []
                var sound = true
                for entry in entries {
                    let start = region.startIndex + Int(entry.offset - first.offset)
                    guard let piece = try? reader.openBlob(entry, sealed: region[start..<start + Int(entry.length)]) else {
                        sound = false
                        break
                    }
                    pieces.append(piece)
                }
                if sound { return .success(pieces) }
            }
        }
        var pieces: [Data] = []
        for entry in entries {
            do {
                pieces.append(try reader.readBlob(entry))
            } catch {
                return .failure(error)
            }
        }
        return .success(pieces)
    }

    // MARK: After the workers

    private func makeLinks(_ links: [RestorePendingLink], root: Int32) {
        let primaryCursor = RestoreDirectoryCursor(root: root)
        let linkCursor = RestoreDirectoryCursor(root: root)
        for link in links where !isStopped {
            let restored = state.withLock { $0.restoredPrimaries.contains(link.key) }
            guard restored else {
                issue(
                    link.path,
                    "not restored: it is a hard link of \(Node.display(restorePath(link.primary))), which was not restored")
                continue
            }
            let source: Int32
            let directory: Int32
            switch (primaryCursor.open(link.primary.dropLast()), linkCursor.open(link.path.dropLast())) {
            case (.success(let a), .success(let b)):
                source = a
                directory = b
            case (.failure(let failure), _), (_, .failure(let failure)):
                issue(link.path, "not restored: cannot open a directory to link it: \(RestoreError.text(failure.errno))")
                continue
            }
            let sourceName = restoreCString(link.primary[link.primary.count - 1])
            let name = restoreCString(link.node.name)
            guard create(directory, name, path: link.path, { linkat(source, sourceName, directory, name, 0) }) != nil
            else { continue }
            state.withLock {
                $0.result.files += 1
                $0.result.hardLinks += 1
                $0.filesFinished += 1
            }
            internals.fileRestored?(restorePath(link.path), link.node, directory, link.node.name)
        }
    }

    /// Directory metadata, deepest first (reverse creation order), so that nothing changes a
    /// directory after its modification time is set.
    private func setDirectoryMetadata(_ directories: [RestorePendingDirectory], root: Int32) {
        let cursor = RestoreDirectoryCursor(root: root)
        for directory in directories.reversed() where !isStopped {
            switch cursor.open(directory.path[...]) {
            case .success(let descriptor):
                setMetadata(directory.node, descriptor: descriptor, path: directory.path)
            case .failure(let failure):
                issue(directory.path, "metadata not set: cannot open the directory: \(RestoreError.text(failure.errno))")
            }
        }
    }
}
