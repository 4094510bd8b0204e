import Foundation
import ParcBackup
import Testing

/// 2025-11-29T13:10:00Z in nanoseconds: the mtime of fixture nodes unless given.
let maintDefaultMtime: Int64 = 1_764_421_800_000_000_000

/// A file-system entry described in a test, turned into nodes, trees and blobs by ``MaintFixture``.
struct MaintNode {
    enum Kind {
        case file(Data)
        case dir([MaintNode])
        case symlink(Data)
    }

    var name: Data
    var kind: Kind
    var mode: UInt32
    var mtime: Int64 = maintDefaultMtime
    var user: String? = "root"
    var group: String? = "root"

    static func file(_ name: String, _ content: Data, mode: UInt32 = 0o100644, mtime: Int64 = maintDefaultMtime)
        -> MaintNode
    {
        MaintNode(name: Data(name.utf8), kind: .file(content), mode: mode, mtime: mtime)
    }

    static func file(_ name: String, text: String, mode: UInt32 = 0o100644, mtime: Int64 = maintDefaultMtime)
        -> MaintNode
    {
        file(name, Data(text.utf8), mode: mode, mtime: mtime)
    }

    static func file(raw name: Data, _ content: Data) -> MaintNode {
        MaintNode(name: name, kind: .file(content), mode: 0o100644)
    }

    static func dir(_ name: String, mode: UInt32 = 0o40755, _ children: [MaintNode]) -> MaintNode {
        MaintNode(name: Data(name.utf8), kind: .dir(children), mode: mode)
    }

    static func symlink(_ name: String, to target: String) -> MaintNode {
        MaintNode(name: Data(name.utf8), kind: .symlink(Data(target.utf8)), mode: 0o120777)
    }
}

/// Incompressible deterministic bytes.
func maintRandom(_ count: Int, seed: UInt64) -> Data {
    Data(TestBytes.random(count, seed: seed))
}

/// A repository on a temporary directory (or in memory) and a way to add snapshots to it
/// without the archiver: content is cut in fixed-size chunks, data and trees go to separate packs.
final class MaintFixture: @unchecked Sendable {
    let repository: Repository
    let root: URL?
    let passphrase = "maintenance"
    private var clock = Date(timeIntervalSince1970: 1_795_000_000)

    init(local: Bool = true) throws {
        if local {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("parc-maint-\(UUID().uuidString)")
            let storage = LocalRepositoryStorage(root: root)
            try storage.createLayout()
            self.root = root
            repository = try Repository.initialize(
                storage: storage, passphrase: passphrase,
                chunker: try ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384), kdf: .fastForTests)
        } else {
            root = nil
            repository = try Repository.initialize(
                storage: InMemoryRepositoryStorage(), passphrase: passphrase,
                chunker: try ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384), kdf: .fastForTests)
        }
    }

    deinit {
        if let root { try? FileManager.default.removeItem(at: root) }
    }

    /// The repository opened again over other storage (a wrapper of this one's).
    func reopen(over storage: any RepositoryStorage) throws -> Repository {
        try Repository.open(storage: storage, passphrase: passphrase)
    }

    /// Stores the described tree and a snapshot of it. Data blobs are saved in the order the
    /// files are described (depth first), each file in `chunkSize` pieces.
    @discardableResult
    func snapshot(
        _ nodes: [MaintNode], time: Date? = nil, hostname: String = "pc-1", paths: [String] = ["/"],
        tags: [String] = [], packSize: Int = 1 << 20, chunkSize: Int = 4096
    ) throws -> SnapshotEntry {
        let index = try repository.loadIndex()
        let data = BlobSaver(repository: repository, index: index, packTargetSize: packSize)
        let trees = BlobSaver(repository: repository, index: index, packTargetSize: packSize)
        let root = try build(nodes, data: data, trees: trees, chunkSize: chunkSize)
        try data.flush()
        try trees.flush()
        let when = time ?? clock
        clock = when.addingTimeInterval(3600)
        let snapshot = Snapshot(
            time: when, hostname: hostname, username: "root", paths: paths, method: .full, tree: root, tags: tags)
        let id = try repository.save(snapshot: snapshot)
        return SnapshotEntry(id: id, snapshot: try repository.loadSnapshot(id))
    }

    private func build(_ nodes: [MaintNode], data: BlobSaver, trees: BlobSaver, chunkSize: Int) throws -> ObjectID {
        var built: [Node] = []
        for item in nodes {
            switch item.kind {
            case .file(let content):
                var blobs: [ObjectID] = []
                var offset = 0
                while offset < content.count {
                    let end = min(offset + chunkSize, content.count)
                    blobs.append(try data.save(content.subdata(in: offset..<end), type: .data).id)
                    offset = end
                }
                built.append(
                    Node(
                        name: item.name, type: .file, mode: item.mode, user: item.user, group: item.group,
                        mtime: item.mtime, ctime: item.mtime, size: UInt64(content.count),
                        content: blobs.isEmpty ? nil : blobs, contentSHA256: ObjectID.hash(content)))
            case .dir(let children):
                let subtree = try build(children, data: data, trees: trees, chunkSize: chunkSize)
                built.append(
                    Node(
                        name: item.name, type: .dir, mode: item.mode, user: item.user, group: item.group,
                        mtime: item.mtime, ctime: item.mtime, subtree: subtree))
            case .symlink(let target):
                built.append(
                    Node(
                        name: item.name, type: .symlink, mode: item.mode, user: item.user, group: item.group,
                        mtime: item.mtime, ctime: item.mtime, size: UInt64(target.count), target: target))
            }
        }
        return try trees.save(Tree(nodes: built).encoded(), type: .tree).id
    }

    /// Every file of a snapshot with its content, read through the repository's index.
    func contents(of snapshot: Snapshot, repository: Repository? = nil) throws -> [String: Data] {
        let repository = repository ?? self.repository
        let index = try repository.loadIndex()
        var files: [String: Data] = [:]
        func walk(_ tree: ObjectID, _ path: String) throws {
            for node in try repository.loadTree(tree, index: index).nodes {
                let child = path + "/" + node.displayName
                if node.type == .file {
                    var content = Data()
                    for blob in node.content ?? [] {
                        content.append(try repository.loadBlob(BlobHandle(id: blob, type: .data), index: index))
                    }
                    files[child] = content
                }
                if let subtree = node.subtree { try walk(subtree, child) }
            }
        }
        try walk(snapshot.tree, "")
        return files
    }

    /// Every blob a snapshot uses (trees and data).
    func usedBlobs(of snapshots: [Snapshot]) throws -> Set<BlobHandle> {
        let index = try repository.loadIndex()
        var used = Set<BlobHandle>()
        func walk(_ tree: ObjectID) throws {
            guard used.insert(BlobHandle(id: tree, type: .tree)).inserted else { return }
            for node in try repository.loadTree(tree, index: index).nodes {
                for blob in node.content ?? [] { used.insert(BlobHandle(id: blob, type: .data)) }
                if let subtree = node.subtree { try walk(subtree) }
            }
        }
        for snapshot in snapshots { try walk(snapshot.tree) }
        return used
    }

    /// Every blob the index lists.
    func indexedBlobs(_ repository: Repository? = nil) throws -> Set<BlobHandle> {
        let index = try (repository ?? self.repository).loadIndex().indexFile()
        return Set(index.packs.flatMap { $0.blobs.map { BlobHandle(id: $0.id, type: $0.type) } })
    }

    /// The names of the files of every kind, to compare repository states.
    func listing() throws -> [String] {
        var names: [String] = []
        for kind in [RepositoryFileKind.pack, .index, .snapshot, .lock] {
            names += try repository.storage.list(kind).map { "\(kind.rawValue)/\($0)" }
        }
        return names
    }

    /// Where a file of the local repository is.
    func url(_ kind: RepositoryFileKind, _ id: ObjectID) -> URL {
        let hex = id.hex
        let relative = kind == .pack ? "data/\(hex.prefix(2))/\(hex)" : "\(kind.directory)/\(hex)"
        return root!.appendingPathComponent(relative)
    }

    /// Flips one byte of a local repository file.
    func flipByte(_ kind: RepositoryFileKind, _ id: ObjectID, at offset: Int) throws {
        var bytes = try Data(contentsOf: url(kind, id))
        bytes[offset] ^= 0xFF
        try bytes.write(to: url(kind, id))
    }

    /// Cuts a local pack file to `length` bytes.
    func truncate(pack: ObjectID, to length: Int) throws {
        let bytes = try Data(contentsOf: url(.pack, pack))
        try bytes.prefix(length).write(to: url(.pack, pack))
    }

    /// Where the index places a blob.
    func location(_ id: ObjectID, _ type: BlobType = .data) throws -> BlobLocation {
        try #require(try repository.loadIndex().location(of: BlobHandle(id: id, type: type)))
    }

    /// The data blob IDs of a content cut like the fixture does.
    static func blobIDs(_ content: Data, chunkSize: Int = 4096) -> [ObjectID] {
        stride(from: 0, to: content.count, by: chunkSize).map {
            ObjectID.hash(content.subdata(in: $0..<min($0 + chunkSize, content.count)))
        }
    }
}

/// Storage over another that fails on demand: to simulate a crash between two steps (the first
/// write or removal of a kind fails, as if the process died there) or read-only media.
final class MaintFaultyStorage: RepositoryStorage, @unchecked Sendable {
    let base: any RepositoryStorage
    private let lock = NSLock()
    private var failWrites: RepositoryFileKind?
    private var failRemoves: RepositoryFileKind?
    private var readOnly = false

    init(_ base: any RepositoryStorage) {
        self.base = base
    }

    func failFirstWrite(of kind: RepositoryFileKind) { lock.withLock { failWrites = kind } }
    func failFirstRemoval(of kind: RepositoryFileKind) { lock.withLock { failRemoves = kind } }
    func makeReadOnly() { lock.withLock { readOnly = true } }

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
        let fail: Bool = lock.withLock {
            if readOnly { return true }
            if failWrites == kind {
                failWrites = nil
                return true
            }
            return false
        }
        if fail { throw .io(path: "\(kind.directory)/\(name)", operation: "write", errno: 30) }
        try base.write(kind, name: name, data: data)
    }

    func list(_ kind: RepositoryFileKind) throws(StorageError) -> [String] {
        try base.list(kind)
    }

    func remove(_ kind: RepositoryFileKind, name: String) throws(StorageError) {
        let fail: Bool = lock.withLock {
            if readOnly { return true }
            if failRemoves == kind {
                failRemoves = nil
                return true
            }
            return false
        }
        if fail { throw .io(path: "\(kind.directory)/\(name)", operation: "unlink", errno: 5) }
        try base.remove(kind, name: name)
    }
}
