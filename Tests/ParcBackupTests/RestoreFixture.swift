import Crypto
import Foundation
import ParcBackup
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Builds snapshots directly from nodes and trees (no archiver) in a repository on a temporary
/// directory, and restores them. Small chunks, so a few KiB give several blobs.
final class RestoreFixture {
    /// The temporary directory: `repo/` holds the repository, targets go anywhere below.
    let root: String
    let repository: Repository
    let saver: BlobSaver
    private var inode: UInt64 = 1000

    init() throws {
        root = NSTemporaryDirectory() + "parc-restore-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let storage = LocalRepositoryStorage(root: URL(fileURLWithPath: root + "/repo"))
        try storage.createLayout()
        repository = try Repository.initialize(
            storage: storage, passphrase: "p",
            chunker: try ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384), kdf: .fastForTests)
        saver = BlobSaver(repository: repository, index: BlobIndex())
    }

    deinit {
        // rm copes with names that are not UTF-8 and with modes like 0o000.
        let remover = Process()
        remover.executableURL = URL(fileURLWithPath: "/bin/rm")
        remover.arguments = ["-rf", root]
        try? remover.run()
        remover.waitUntilExit()
    }

    /// A fresh path under the fixture's directory (not created).
    func path(_ name: String) -> String { root + "/" + name }

    private func nextInode() -> UInt64 {
        inode += 1
        return inode
    }

    /// A regular file: content chunked and stored, SHA-256 recorded.
    func file(
        _ name: Data, _ bytes: [UInt8], mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0,
        mtime: Int64 = 1_700_000_000_123_456_789, xattrs: [ExtendedAttribute]? = nil, deviceID: UInt64 = 42,
        inode: UInt64? = nil, links: UInt64 = 1
    ) throws -> Node {
        var content: [ObjectID] = []
        var offset = 0
        for length in try repository.chunker().chunkLengths(of: bytes) {
            content.append(try saver.save(Data(bytes[offset..<offset + length]), type: .data).id)
            offset += length
        }
        return Node(
            name: name, type: .file, mode: 0o100000 | mode, uid: uid, gid: gid, mtime: mtime, ctime: mtime,
            deviceID: deviceID, inode: inode ?? nextInode(), links: links, size: UInt64(bytes.count),
            content: content.isEmpty ? nil : content, xattrs: xattrs, contentSHA256: ObjectID.hash(bytes))
    }

    func file(_ name: String, _ text: String, mode: UInt32 = 0o644, mtime: Int64 = 1_700_000_000_123_456_789) throws
        -> Node
    {
        try file(Data(name.utf8), Array(text.utf8), mode: mode, mtime: mtime)
    }

    /// One piece of a sparse file.
    enum Piece {
        case data([UInt8])
        case zeros(Int)
    }

    /// A sparse file: holes stored as zero blobs (at most 64 MiB each, the same blob reused).
    func sparseFile(_ name: String, _ pieces: [Piece], mode: UInt32 = 0o600) throws -> Node {
        var content: [ObjectID] = []
        var hasher = SHA256()
        var size: UInt64 = 0
        let block = 64 << 20
        for piece in pieces {
            switch piece {
            case .data(let bytes):
                content.append(try saver.save(Data(bytes), type: .data).id)
                hasher.update(data: bytes)
                size += UInt64(bytes.count)
            case .zeros(var count):
                var blobs: [Int: (chunk: Data, id: ObjectID)] = [:]
                while count > 0 {
                    let length = min(count, block)
                    if blobs[length] == nil {
                        let chunk = Data(count: length)
                        blobs[length] = (chunk, ObjectID.hash(chunk))
                    }
                    let (chunk, id) = blobs[length]!
                    content.append(try saver.save(chunk, type: .data, id: id).id)
                    hasher.update(data: chunk)
                    count -= length
                    size += UInt64(length)
                }
            }
        }
        let digest = ObjectID(bytes: Array(hasher.finalize()))!
        return Node(
            name: Data(name.utf8), type: .file, mode: 0o100000 | mode, mtime: 1_700_000_000_000_000_000,
            deviceID: 42, inode: nextInode(), size: size, content: content, sparse: true, contentSHA256: digest)
    }

    /// A directory holding `children`.
    func dir(
        _ name: Data, _ children: [Node], mode: UInt32 = 0o755, uid: UInt32 = 0, gid: UInt32 = 0,
        mtime: Int64 = 1_690_000_000_987_654_321, xattrs: [ExtendedAttribute]? = nil
    ) throws -> Node {
        let tree = try saver.save(Tree(nodes: children).encoded(), type: .tree).id
        return Node(
            name: name, type: .dir, mode: 0o040000 | mode, uid: uid, gid: gid, mtime: mtime, ctime: mtime,
            deviceID: 42, inode: nextInode(), links: 2, subtree: tree, xattrs: xattrs)
    }

    func dir(_ name: String, _ children: [Node], mode: UInt32 = 0o755, mtime: Int64 = 1_690_000_000_987_654_321) throws
        -> Node
    {
        try dir(Data(name.utf8), children, mode: mode, mtime: mtime)
    }

    func symlink(_ name: String, to target: Data, mtime: Int64 = 1_680_000_000_555_000_111) -> Node {
        Node(
            name: Data(name.utf8), type: .symlink, mode: 0o120777, mtime: mtime, ctime: mtime, deviceID: 42,
            inode: nextInode(), size: UInt64(target.count), target: target)
    }

    func special(_ name: String, _ type: NodeType, mode: UInt32, device: UInt64? = nil) -> Node {
        let kind: UInt32 =
            switch type {
            case .fifo: 0o010000
            case .chardev: 0o020000
            case .blockdev: 0o060000
            default: 0o140000
            }
        return Node(
            name: Data(name.utf8), type: type, mode: kind | mode, mtime: 1_670_000_000_000_000_042, deviceID: 42,
            inode: nextInode(), device: device)
    }

    /// Stores the root tree of `nodes` and a snapshot of it; returns the snapshot and the index
    /// as loaded from the repository.
    func snapshot(_ nodes: [Node], paths: [String] = ["/"]) throws -> (Snapshot, BlobIndex) {
        let tree = try saver.save(Tree(nodes: nodes).encoded(), type: .tree).id
        try saver.flush()
        let snapshot = Snapshot(
            time: Date(), hostname: "pc-test", username: "root", paths: paths, method: .full, tree: tree,
            summary: SnapshotSummary(files: 0))
        try repository.save(snapshot: snapshot)
        return (snapshot, try repository.loadIndex())
    }

    /// Ends the current pack (the next blobs go to another one).
    func closePack() throws {
        try saver.flush()
    }

    /// Restores into `target` with the options `configure` sets.
    func restore(
        _ snapshot: Snapshot, _ index: BlobIndex, into target: String,
        _ configure: (inout RestoreOptions) -> Void = { _ in }
    ) throws(RestoreError) -> RestoreResult {
        var options = RestoreOptions(target: target)
        configure(&options)
        return try Restorer(repository: repository, index: index, snapshot: snapshot, options: options).run()
    }

    /// The pack file holding a data blob.
    func packPath(of blob: ObjectID, index: BlobIndex) -> String {
        let pack = index.location(of: BlobHandle(id: blob, type: .data))!.pack.hex
        return root + "/repo/data/\(pack.prefix(2))/\(pack)"
    }

    /// Flips one byte inside a data blob's stored bytes, on disk.
    func corrupt(_ blob: ObjectID, index: BlobIndex) throws {
        let location = index.location(of: BlobHandle(id: blob, type: .data))!
        let handle = try #require(FileHandle(forUpdatingAtPath: packPath(of: blob, index: index)))
        defer { try? handle.close() }
        let offset = location.entry.offset + UInt64(location.entry.length / 2)
        try handle.seek(toOffset: offset)
        let byte = try #require(try handle.read(upToCount: 1)).first!
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data([byte ^ 0x5A]))
    }
}

// MARK: Raw-path inspection of restored entries

/// `base` (text) followed by raw components.
func restoreFixturePath(_ base: String, _ components: [Data]) -> Data {
    var path = Data(base.utf8)
    for component in components {
        path.append(UInt8(ascii: "/"))
        path.append(component)
    }
    return path
}

func restoreFixturePath(_ base: String, _ relative: String) -> Data {
    Data((base + "/" + relative).utf8)
}

private func restoreFixtureCString(_ bytes: Data) -> [CChar] {
    bytes.map { CChar(bitPattern: $0) } + [0]
}

/// `lstat` of a raw path; nil when absent.
func restoreFixtureStat(_ path: Data) -> stat? {
    var info = stat()
    return lstat(restoreFixtureCString(path), &info) == 0 ? info : nil
}

/// The whole content of a regular file at a raw path; nil when it cannot be read.
func restoreFixtureRead(_ path: Data) -> [UInt8]? {
    let descriptor = open(restoreFixtureCString(path), O_RDONLY | O_NOFOLLOW)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count <= 0 { break }
        out += buffer[0..<count]
    }
    return out
}

/// `count` bytes at `offset` of a file.
func restoreFixtureRead(_ path: Data, offset: Int64, count: Int) -> [UInt8]? {
    let descriptor = open(restoreFixtureCString(path), O_RDONLY | O_NOFOLLOW)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: count)
    let read = pread(descriptor, &buffer, count, off_t(offset))
    return read == count ? buffer : nil
}

/// A symbolic link's target bytes.
func restoreFixtureReadLink(_ path: Data) -> Data? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink(restoreFixtureCString(path), &buffer, buffer.count)
    guard count >= 0 else { return nil }
    return Data(buffer[0..<count].map { UInt8(bitPattern: $0) })
}

/// An extended attribute of a raw path (link not followed); nil and errno when absent.
func restoreFixtureXattr(_ path: Data, _ name: String) -> (value: Data?, errno: Int32) {
    typealias Get = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Int) -> Int
    guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, "lgetxattr") else { return (nil, ENOTSUP) }
    let get = unsafeBitCast(symbol, to: Get.self)
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { get(restoreFixtureCString(path), name, $0.baseAddress, $0.count) }
    guard count >= 0 else { return (nil, errno) }
    return (Data(buffer[0..<count]), 0)
}

/// Modification time of a stat, in nanoseconds.
func restoreFixtureMtime(_ info: stat) -> Int64 {
    Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
}

/// Names in a directory (raw), `.` and `..` left out.
func restoreFixtureList(_ path: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? []
}
