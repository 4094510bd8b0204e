import Foundation
import ParcBackup
import Synchronization
import Testing

@Suite("Snapshots, trees and the blob saver")
struct ModelTests {
    static func repository() throws -> Repository {
        try Repository.initialize(
            storage: InMemoryRepositoryStorage(), passphrase: "p",
            chunker: try ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384), kdf: .fastForTests)
    }

    @Test("a tree sorts its nodes by name bytes and survives a round trip, non-UTF-8 names included")
    func treeRoundTrip() throws {
        let latin1 = Data([0x63, 0x61, 0x66, 0xE9])  // "café" in Latin-1: not UTF-8
        let tree = Tree(nodes: [
            Node(name: Data("zeta".utf8), type: .file, mode: 0o100644, size: 3, content: [ObjectID.hash(Data("abc".utf8))]),
            Node(name: latin1, type: .symlink, mode: 0o120777, target: Data([0xFF, 0x2F])),
            Node(name: Data("alpha".utf8), type: .dir, mode: 0o40755, subtree: ObjectID.hash(Data())),
        ])
        #expect(tree.nodes.map(\.name) == [Data("alpha".utf8), latin1, Data("zeta".utf8)])
        let bytes = tree.encoded()
        let id = ObjectID.hash(bytes)
        let decoded = try Tree.decode(bytes, id: id)
        #expect(decoded == tree)
        #expect(decoded.nodes[1].displayName == "caf\\xe9")
        // Canonical: encoding again gives the same bytes, hence the same blob.
        #expect(decoded.encoded() == bytes)
    }

    @Test("hostile trees are refused with the reason")
    func hostileTrees() throws {
        let id = ObjectID.hash(Data())
        func refuses(_ json: String, _ fragment: String) {
            do {
                _ = try Tree.decode(Data(json.utf8), id: id)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.description.contains(fragment), "\(error.description)")
            }
        }
        refuses("{", "does not decode")
        refuses(#"{"version":2,"nodes":[]}"#, "unknown version")
        let dotdot = Data("..".utf8).base64EncodedString()
        refuses(#"{"version":1,"nodes":[{"name":"\#(dotdot)","type":"file","mode":0,"uid":0,"gid":0,"mtime":0,"ctime":0,"device_id":0,"inode":0,"links":1,"size":0}]}"#, "is . or ..")
        let slash = Data("a/b".utf8).base64EncodedString()
        refuses(#"{"version":1,"nodes":[{"name":"\#(slash)","type":"file","mode":0,"uid":0,"gid":0,"mtime":0,"ctime":0,"device_id":0,"inode":0,"links":1,"size":0}]}"#, "contains / or NUL")
        let a = Data("a".utf8).base64EncodedString()
        refuses(#"{"version":1,"nodes":[{"name":"\#(a)","type":"dir","mode":0,"uid":0,"gid":0,"mtime":0,"ctime":0,"device_id":0,"inode":0,"links":1,"size":0}]}"#, "has no subtree")
        let file = #"{"name":"\#(a)","type":"file","mode":0,"uid":0,"gid":0,"mtime":0,"ctime":0,"device_id":0,"inode":0,"links":1,"size":0}"#
        refuses(#"{"version":1,"nodes":[\#(file),\#(file)]}"#, "not sorted or a name repeats")
    }

    @Test("the saver deduplicates across threads, fills packs, indexes them, and a reopened repository reads every blob")
    func saverFromManyThreads() throws {
        let repository = try Self.repository()
        let saver = BlobSaver(repository: repository, index: BlobIndex(), packTargetSize: 64 * 1024, blobsPerIndexFile: 7)
        // 200 distinct blobs, each saved by 4 threads.
        let blobs = (0..<200).map { Data(TestBytes.random(1000 + $0 * 13, seed: UInt64($0))) }
        let newCounts = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 800) { iteration in
            let result = try! saver.save(blobs[iteration % 200], type: .data)
            if result.isNew { newCounts.withLock { $0 += 1 } }
        }
        try saver.flush()
        #expect(newCounts.withLock { $0 } == 200)
        #expect(saver.added.blobs == 200)
        #expect(saver.added.packs > 1)
        #expect(saver.added.indexFiles > 1)
        let reopened = try Repository.open(storage: repository.storage, passphrase: "p")
        let index = try reopened.loadIndex()
        #expect(index.blobCount == 200)
        for blob in blobs {
            #expect(try reopened.loadBlob(BlobHandle(id: ObjectID.hash(blob), type: .data), index: index) == blob)
        }
        // A second saver over the loaded index adds nothing.
        let again = BlobSaver(repository: reopened, index: index)
        for blob in blobs { #expect(try again.save(blob, type: .data).isNew == false) }
        try again.flush()
        #expect(again.added.blobs == 0)
        #expect(try reopened.storage.list(.index).count == saver.added.indexFiles)
    }

    @Test("blobs saved from many threads at once into packs on disk: each pack is named by the SHA-256 of its bytes")
    func saverPacksOnDisk() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parc-saver-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let storage = LocalRepositoryStorage(root: root)
        let repository = try Repository.initialize(
            storage: storage, passphrase: "p",
            chunker: try ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384), kdf: .fastForTests)
        // Small packs, so that many fill while several threads write into the same one.
        let saver = BlobSaver(repository: repository, index: BlobIndex(), packTargetSize: 48 * 1024)
        let blobs = (0..<300).map { Data(TestBytes.random(200 + $0 * 61, seed: UInt64(1000 + $0))) }
        DispatchQueue.concurrentPerform(iterations: blobs.count * 2) { iteration in
            _ = try! saver.save(blobs[iteration % blobs.count], type: iteration % 7 == 0 ? .tree : .data)
        }
        try saver.flush()
        #expect(saver.added.packs > 10)
        for name in try storage.list(.pack) {
            #expect(ObjectID.hash(try storage.read(.pack, name: name)).hex == name)
        }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent("data").path)
        #expect(!leftovers.contains { $0.contains(".tmp-") })
        let index = try repository.loadIndex()
        for (number, blob) in blobs.enumerated() {
            let handles = [BlobHandle(id: ObjectID.hash(blob), type: .data), BlobHandle(id: ObjectID.hash(blob), type: .tree)]
            let stored = handles.filter { index.contains($0) }
            #expect(!stored.isEmpty, "blob \(number) not indexed")
            for handle in stored { #expect(try repository.loadBlob(handle, index: index) == blob) }
        }
        #expect(try repository.check(CheckOptions(readData: true)).isHealthy)
    }

    @Test("a failed write into a pack fails the save and the flush; that pack is dropped, never stored with a gap")
    func saverWriteFailure() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parc-saver-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let storage = FailingWriteStorage(base: LocalRepositoryStorage(root: root), blobSize: 3000, failAfter: 5)
        let repository = try Repository.initialize(
            storage: storage, passphrase: "p",
            chunker: try ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384), kdf: .fastForTests)
        // Three 3000-byte blobs fill a pack: the first pack is whole, the second fills with the
        // blob whose write fails, and goes to a finisher that must drop it.
        let saver = BlobSaver(repository: repository, index: BlobIndex(), packTargetSize: 9000)
        var failures = 0
        for number in 0..<10 {
            do {
                _ = try saver.save(Data(TestBytes.random(3000, seed: UInt64(number))), type: .data)
            } catch {
                #expect(error.description.contains("No space left"), "\(error.description)")
                failures += 1
            }
        }
        #expect(failures == 5)
        #expect(throws: RepositoryError.self) { try saver.flush() }
        let packs = try storage.list(.pack)
        #expect(packs.count == 1)
        for name in packs { #expect(ObjectID.hash(try storage.read(.pack, name: name)).hex == name) }
        #expect(try storage.list(.index).isEmpty)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent("data").path)
        #expect(!leftovers.contains { $0.contains(".tmp-") })
    }

    @Test("snapshots are listed oldest first and found by prefix or latest")
    func snapshotsListAndLookup() throws {
        let repository = try Self.repository()
        let saver = BlobSaver(repository: repository, index: BlobIndex())
        let tree = try saver.save(Tree(nodes: []).encoded(), type: .tree).id
        try saver.flush()
        let times = [3, 1, 2].map { Date(timeIntervalSince1970: 1_764_000_000 + Double($0) + 0.25) }
        var ids: [ObjectID] = []
        for (offset, time) in times.enumerated() {
            ids.append(
                try repository.save(
                    snapshot: Snapshot(
                        time: time, hostname: "pc-\(offset)", username: "root", paths: ["/etc"],
                        method: offset == 0 ? .full : .incremental, base: offset == 0 ? nil : ids.first,
                        full: offset == 0 ? nil : ids.first, tree: tree)))
        }
        let entries = try repository.snapshots()
        #expect(entries.map(\.snapshot.hostname) == ["pc-1", "pc-2", "pc-0"])
        #expect(entries.first?.snapshot.time == times[1])  // milliseconds survive
        #expect(try repository.findSnapshot("latest", in: entries).id == ids[0])
        #expect(try repository.findSnapshot(String(ids[2].hex.prefix(12)), in: entries).id == ids[2])
        #expect(throws: SnapshotLookupError.invalid("xyz")) { try repository.findSnapshot("xyz", in: entries) }
        #expect(throws: SnapshotLookupError.noSnapshots) { try repository.findSnapshot("latest", in: []) }
        let index = try repository.loadIndex()
        #expect(try repository.loadTree(tree, index: index).nodes.isEmpty)
        #expect(throws: RepositoryError.missingBlob(BlobHandle(id: ids[0], type: .tree))) {
            try repository.loadTree(ids[0], index: index)
        }
    }
}

/// Local storage whose pack streams refuse positioned writes of blobs of at least `blobSize` bytes
/// ("no space left") after `failAfter` of them (packs' trailers, shorter, are written).
private struct FailingWriteStorage: RepositoryStorage {
    let base: LocalRepositoryStorage
    let blobSize: Int
    let failAfter: Int
    let writes = ArchiveFixtureBox(0)

    func read(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Data { try base.read(kind, name: name) }
    func read(_ kind: RepositoryFileKind, name: String, offset: Int64, length: Int) throws(StorageError) -> Data {
        try base.read(kind, name: name, offset: offset, length: length)
    }
    func size(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Int64 { try base.size(kind, name: name) }
    func write(_ kind: RepositoryFileKind, name: String, data: Data) throws(StorageError) {
        try base.write(kind, name: name, data: data)
    }
    func list(_ kind: RepositoryFileKind) throws(StorageError) -> [String] { try base.list(kind) }
    func remove(_ kind: RepositoryFileKind, name: String) throws(StorageError) { try base.remove(kind, name: name) }
    func stream(_ kind: RepositoryFileKind) throws(StorageError) -> any RepositoryFileStream {
        FailingWriteStream(base: try base.stream(kind), storage: self)
    }

    /// Whether this write is past the limit.
    func fails() -> Bool {
        writes.withLock { count in
            count += 1
            return count > failAfter
        }
    }
}

private final class FailingWriteStream: RepositoryFileStream {
    let base: any RepositoryFileStream
    let storage: FailingWriteStorage

    init(base: any RepositoryFileStream, storage: FailingWriteStorage) {
        self.base = base
        self.storage = storage
    }

    func append(_ data: Data) throws(StorageError) { try base.append(data) }
    func write(_ data: Data, at offset: Int64) throws(StorageError) {
        if data.count >= storage.blobSize && storage.fails() { throw .io(path: "data/tmp", operation: "write", errno: ENOSPC) }
        try base.write(data, at: offset)
    }
    func commit(name: String) throws(StorageError) { try base.commit(name: name) }
    func abandon() { base.abandon() }
}
