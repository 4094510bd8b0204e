import Foundation
import ParcBackup
import Testing

@Suite("Local repository storage")
struct LocalRepositoryStorageTests {
    static func temporaryRoot() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("parc-backup-\(UUID().uuidString)")
    }

    @Test("files are written whole, never overwritten, and leave no temporary file behind")
    func writeReadList() throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let storage = LocalRepositoryStorage(root: root)
        try storage.createLayout()
        let pack = ObjectID.hash(Data("p".utf8)).hex
        try storage.write(.pack, name: pack, data: Data("pack bytes".utf8))
        try storage.write(.index, name: "ab12", data: Data("index".utf8))
        #expect(throws: StorageError.alreadyExists(path: "index/ab12")) {
            try storage.write(.index, name: "ab12", data: Data("other".utf8))
        }
        #expect(try storage.read(.index, name: "ab12") == Data("index".utf8))
        #expect(try storage.read(.pack, name: pack, offset: 5, length: 5) == Data("bytes".utf8))
        #expect(try storage.list(.pack) == [pack])
        #expect(
            FileManager.default.fileExists(atPath: root.appendingPathComponent("data/\(pack.prefix(2))/\(pack)").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("index").path)
        #expect(leftovers == ["ab12"])
        #expect(throws: StorageError.self) { try storage.read(.pack, name: pack, offset: 5, length: 1 << 40) }
        #expect(throws: StorageError.notFound(path: "index/cd34")) { try storage.read(.index, name: "cd34") }
        #expect(throws: StorageError.invalidName("../config")) { try storage.read(.index, name: "../config") }
        try storage.remove(.index, name: "ab12")
        #expect(try storage.list(.index).isEmpty)
    }

    @Test("a repository on disk opens again with its passphrase")
    func repositoryOnDisk() throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let storage = LocalRepositoryStorage(root: root)
        try storage.createLayout()
        let created = try Repository.initialize(storage: storage, passphrase: "disk", kdf: .fastForTests)
        let opened = try Repository.open(storage: LocalRepositoryStorage(root: root), passphrase: "disk")
        #expect(opened.config == created.config)
    }

    @Test("a temporary file left by a crash is not listed, and missing directories are recreated on write")
    func crashLeftovers() throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let storage = LocalRepositoryStorage(root: root)
        try storage.createLayout()
        let leftover = root.appendingPathComponent("snapshots/.tmp-interrupted")
        try Data("half a snapshot".utf8).write(to: leftover)
        #expect(try storage.list(.snapshot).isEmpty)
        try FileManager.default.removeItem(at: root.appendingPathComponent("index"))
        try storage.write(.index, name: "ef56", data: Data("index".utf8))
        #expect(try storage.list(.index) == ["ef56"])
        let fresh = LocalRepositoryStorage(root: root.appendingPathComponent("not-created-yet"))
        try fresh.write(.key, name: "ab", data: Data("key".utf8))
        #expect(try fresh.read(.key, name: "ab") == Data("key".utf8))
    }

    @Test("a streamed pack is named at the end, and an abandoned one leaves nothing")
    func streamedPacks() throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let storage = LocalRepositoryStorage(root: root)
        try storage.createLayout()
        let data = root.appendingPathComponent("data").path
        let stream = try storage.stream(.pack)
        try stream.append(Data("first half, ".utf8))
        try stream.append(Data("second half".utf8))
        // While written, only a temporary file exists, which readers ignore.
        #expect(try storage.list(.pack).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).contains { $0.hasPrefix(".tmp-") })
        let name = ObjectID.hash(Data("first half, second half".utf8)).hex
        try stream.commit(name: name)
        #expect(try storage.read(.pack, name: name) == Data("first half, second half".utf8))
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: data).contains { $0.hasPrefix(".tmp-") }))
        // The same name again: refused, nothing replaced, nothing left behind.
        let again = try storage.stream(.pack)
        try again.append(Data("other".utf8))
        #expect(throws: StorageError.alreadyExists(path: "data/\(name.prefix(2))/\(name)")) { try again.commit(name: name) }
        let dropped = try storage.stream(.pack)
        try dropped.append(Data("dropped".utf8))
        dropped.abandon()
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: data).contains { $0.hasPrefix(".tmp-") }))
        #expect(try storage.read(.pack, name: name) == Data("first half, second half".utf8))
    }

    @Test("pieces written at their offsets from several threads, in any order, make the file, on disk and buffered")
    func positionedWrites() throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let local = LocalRepositoryStorage(root: root)
        try local.createLayout()
        let storages: [any RepositoryStorage] = [local, InMemoryRepositoryStorage()]
        // 64 pieces of different lengths, placed one after the other, written in any order.
        let pieces = (0..<64).map { Data(TestBytes.random(100 + $0 * 37, seed: UInt64($0))) }
        let offsets = pieces.indices.map { index in Int64(pieces[..<index].reduce(0) { $0 + $1.count }) }
        let whole = pieces.reduce(Data(), +)
        for storage in storages {
            let stream = try storage.stream(.pack)
            nonisolated(unsafe) let shared = stream
            DispatchQueue.concurrentPerform(iterations: pieces.count) { index in
                let reversed = pieces.count - 1 - index
                try! shared.write(pieces[reversed], at: offsets[reversed])
            }
            let name = ObjectID.hash(whole).hex
            try stream.commit(name: name)
            #expect(try storage.read(.pack, name: name) == whole)
        }
    }
}
