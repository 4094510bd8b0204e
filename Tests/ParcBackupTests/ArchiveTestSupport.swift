import Crypto
import Foundation
@testable import ParcBackup
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A temporary directory with a repository (`repo/`) and a directory to back up (`data/`),
/// removed when released.
final class ArchiveWorkspace: @unchecked Sendable {
    let root: String
    let data: String
    let repository: Repository

    static let smallChunks = try! ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384)

    init(
        chunker: ChunkerParameters = ArchiveWorkspace.smallChunks, formatVersion: Int = RepositoryConfig.currentVersion
    ) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("parc-archive-\(UUID().uuidString)").path
        data = root + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let storage = LocalRepositoryStorage(root: URL(fileURLWithPath: root + "/repo"))
        try storage.createLayout()
        repository = try Repository.initialize(
            storage: storage, passphrase: "archive", chunker: chunker, kdf: .fastForTests, formatVersion: formatVersion)
    }

    deinit {
        // Undo chmod 000 so that removal succeeds when not running as root.
        if let walker = FileManager.default.enumerator(atPath: root) {
            for case let relative as String in walker { chmod(root + "/" + relative, 0o755) }
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `data/` + `relative`.
    func path(_ relative: String) -> String { data + "/" + relative }

    /// Writes a file under `data/`, creating its directories.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let full = path(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// Appends to a file under `data/`.
    func append(_ relative: String, _ bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(relative)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    /// An archiver over `paths` (default: `data/`).
    func archiver(
        paths: [String]? = nil, method: BackupMethod = .full, excludes: [String] = [], threads: Int = 2,
        oneFileSystem: Bool = false, shouldStop: (@Sendable () -> Bool)? = nil
    ) -> Archiver {
        Archiver(
            repository: repository,
            options: BackupOptions(
                paths: paths ?? [data], excludes: excludes, oneFileSystem: oneFileSystem, method: method,
                hostname: "archive-test", username: "tester", threads: threads),
            shouldStop: shouldStop)
    }

    /// Runs a backup.
    func backup(
        paths: [String]? = nil, method: BackupMethod = .full, excludes: [String] = [], threads: Int = 2
    ) throws -> BackupResult {
        try archiver(paths: paths, method: method, excludes: excludes, threads: threads).run()
    }

    /// The node at an absolute path in a snapshot.
    func node(_ absolutePath: String, in result: BackupResult) throws -> Node? {
        try ArchiveSnapshotReader(repository: repository).node(absolutePath.utf8, tree: result.snapshot.tree)
    }

    /// The entries of the directory at an absolute path in a snapshot (`/` for the root).
    func entries(_ absolutePath: String, in result: BackupResult) throws -> [Node] {
        let reader = try ArchiveSnapshotReader(repository: repository)
        if absolutePath == "/" { return try reader.tree(result.snapshot.tree).nodes }
        guard let node = try reader.node(absolutePath.utf8, tree: result.snapshot.tree), let subtree = node.subtree
        else { return [] }
        return try reader.tree(subtree).nodes
    }

    /// Checks every file of the snapshot against the disk: its blobs, concatenated, are the
    /// file's bytes and hash to its `contentSHA256` (which only format 1 records for a file of
    /// several blobs). Returns how many files were checked.
    @discardableResult
    func verifyContents(of result: BackupResult, skipping: Set<String> = []) throws -> Int {
        try ArchiveSnapshotReader(repository: repository).verify(
            tree: result.snapshot.tree, path: [UInt8(ascii: "/")], skipping: skipping)
    }

    /// Names of the snapshots in the repository.
    func snapshotCount() throws -> Int {
        try repository.snapshots().count
    }
}

/// Reads trees and blobs of a snapshot back.
struct ArchiveSnapshotReader {
    let repository: Repository
    let index: BlobIndex

    init(repository: Repository) throws {
        self.repository = repository
        self.index = try repository.loadIndex()
    }

    func tree(_ id: ObjectID) throws -> Tree {
        try repository.loadTree(id, index: index)
    }

    /// The node at a raw absolute path.
    func node<Path: Sequence>(_ absolutePath: Path, tree root: ObjectID) throws -> Node?
    where Path.Element == UInt8 {
        let components = Array(absolutePath).split(separator: UInt8(ascii: "/")).map { Data($0) }
        var current = try tree(root)
        for (position, component) in components.enumerated() {
            guard let node = current.node(named: component) else { return nil }
            if position == components.count - 1 { return node }
            guard let subtree = node.subtree else { return nil }
            current = try tree(subtree)
        }
        return nil
    }

    /// The content of a file node, from its blobs.
    func content(of node: Node) throws -> Data {
        var bytes = Data()
        for id in node.content ?? [] { bytes.append(try repository.loadBlob(BlobHandle(id: id, type: .data), index: index)) }
        return bytes
    }

    func verify(tree id: ObjectID, path: [UInt8], skipping: Set<String>) throws -> Int {
        var checked = 0
        for node in try tree(id).nodes {
            let childPath = ArchivePathPlan.child(path, Array(node.name))
            if skipping.contains(Node.display(Data(childPath))) { continue }
            switch node.type {
            case .file:
                let stored = try content(of: node)
                let disk = try archiveFixtureRead(rawPath: childPath)
                #expect(stored == disk, "content of \(Node.display(Data(childPath)))")
                if let recorded = node.contentSHA256 {
                    #expect(ObjectID.hash(stored) == recorded, "hash of \(Node.display(Data(childPath)))")
                } else {
                    // Each blob was checked against its ID as it was loaded.
                    #expect(
                        repository.config.version >= 2 && (node.content?.count ?? 0) > 1,
                        "no hash recorded for \(Node.display(Data(childPath)))")
                }
                #expect(UInt64(stored.count) == node.size)
                checked += 1
            case .dir:
                if let subtree = node.subtree { checked += try verify(tree: subtree, path: childPath, skipping: skipping) }
            default: break
            }
        }
        return checked
    }
}

/// A system call in a test failed.
struct ArchiveFixtureError: Error, CustomStringConvertible {
    var description: String
}

/// Reads a file by raw path.
func archiveFixtureRead(rawPath: [UInt8]) throws -> Data {
    let descriptor = ArchiveFileSystem.withCPath(rawPath) { open($0, O_RDONLY) }
    guard descriptor >= 0 else { throw ArchiveFixtureError(description: "open: errno \(errno)") }
    defer { close(descriptor) }
    var out = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        guard count >= 0 else { throw ArchiveFixtureError(description: "read: errno \(errno)") }
        if count == 0 { return out }
        out.append(contentsOf: buffer[0..<count])
    }
}

/// Creates a file by raw path (names that are not UTF-8).
func archiveFixtureCreate(rawPath: [UInt8], bytes: [UInt8]) throws {
    let descriptor = ArchiveFileSystem.withCPath(rawPath) { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
    guard descriptor >= 0 else { throw ArchiveFixtureError(description: "create: errno \(errno)") }
    defer { close(descriptor) }
    guard bytes.isEmpty || write(descriptor, bytes, bytes.count) == bytes.count else {
        throw ArchiveFixtureError(description: "write: errno \(errno)")
    }
}

/// Pseudo-random bytes, different per seed.
func archiveFixtureBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    TestBytes.random(count, seed: seed &+ 0xA5C4_1000)
}

/// A value shared with the archiver's hooks and callbacks (which escape, so no `Mutex`).
final class ArchiveFixtureBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// Local storage whose pack writes fail with "no space left" after a number of packs.
struct ArchiveFailingStorage: RepositoryStorage {
    let base: LocalRepositoryStorage
    let packsBeforeFailure: Int
    let packsWritten = ArchiveFixtureBox(0)

    func read(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Data {
        try base.read(kind, name: name)
    }

    func read(_ kind: RepositoryFileKind, name: String, offset: Int64, length: Int) throws(StorageError) -> Data {
        try base.read(kind, name: name, offset: offset, length: length)
    }

    func size(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Int64 {
        try base.size(kind, name: name)
    }

    func write(_ kind: RepositoryFileKind, name: String, data: Data) throws(StorageError) {
        if kind == .pack {
            let count = packsWritten.withLock { count in
                count += 1
                return count
            }
            if count > packsBeforeFailure {
                throw .io(path: base.root.path + "/data/" + name, operation: "write", errno: ENOSPC)
            }
        }
        try base.write(kind, name: name, data: data)
    }

    func list(_ kind: RepositoryFileKind) throws(StorageError) -> [String] {
        try base.list(kind)
    }

    func remove(_ kind: RepositoryFileKind, name: String) throws(StorageError) {
        try base.remove(kind, name: name)
    }
}
