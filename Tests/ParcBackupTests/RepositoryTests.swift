import Foundation
import ParcBackup
import Testing

@Suite("Repository")
struct RepositoryTests {
    static let chunker = try! ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384)

    @Test("two passphrases open the same repository with the same config")
    func twoKeysOpenTheSameRepository() throws {
        let storage = InMemoryRepositoryStorage()
        let created = try Repository.initialize(
            storage: storage, passphrase: "first", chunker: Self.chunker, kdf: .fastForTests)
        try created.keyFiles(kdf: .fastForTests).add(master: created.key, passphrase: "second")
        let viaFirst = try Repository.open(storage: storage, passphrase: "first")
        let viaSecond = try Repository.open(storage: storage, passphrase: "second")
        #expect(viaFirst.config == created.config)
        #expect(viaSecond.config == created.config)
        #expect(viaFirst.keyID != viaSecond.keyID)
        #expect(viaSecond.config.chunker == Self.chunker)
        #expect(throws: RepositoryError.key(.wrongPassphrase)) {
            try Repository.open(storage: storage, passphrase: "third")
        }
        #expect(throws: RepositoryError.alreadyInitialized) {
            try Repository.initialize(storage: storage, passphrase: "again", kdf: .fastForTests)
        }
        #expect(throws: RepositoryError.notARepository) {
            try Repository.open(storage: InMemoryRepositoryStorage(), passphrase: "first")
        }
    }

    @Test("chunks saved in a pack and indexed are found and read back after reopening")
    func packAndIndexThroughTheRepository() throws {
        let storage = InMemoryRepositoryStorage()
        let repository = try Repository.initialize(
            storage: storage, passphrase: "p", chunker: Self.chunker, kdf: .fastForTests)
        let data = TestBytes.random(100_000, seed: 11)
        let chunker = try repository.chunker()
        var stream = ChunkStream(source: MemoryByteSource(data), chunker: chunker)
        var writer = repository.packWriter()
        var index = BlobIndex()
        var ids: [ObjectID] = []
        while let chunk = try stream.next() {
            let id = chunk.id
            ids.append(id)
            if !index.contains(BlobHandle(id: id, type: .data)) { try writer.add(chunk.data, type: .data, id: id) }
        }
        let saved = try repository.save(pack: writer)
        index.add(pack: saved.id, entries: saved.entries)
        try repository.save(index: index.indexFile())

        let reopened = try Repository.open(storage: storage, passphrase: "p")
        let loaded = try reopened.loadIndex()
        var restored = Data()
        for id in ids {
            let location = try #require(loaded.location(of: BlobHandle(id: id, type: .data)))
            restored.append(try reopened.packReader(location.pack).readBlob(location.entry))
        }
        #expect(restored == Data(data))
    }

    @Test("a stored file whose bytes do not match its name is reported as damaged")
    func damagedFile() throws {
        let storage = InMemoryRepositoryStorage()
        let repository = try Repository.initialize(storage: storage, passphrase: "p", kdf: .fastForTests)
        let id = try repository.saveFile(Data(String(repeating: "snapshot ", count: 100).utf8), kind: .snapshot)
        #expect(try repository.loadFile(id, kind: .snapshot) == Data(String(repeating: "snapshot ", count: 100).utf8))
        var bytes = try storage.read(.snapshot, name: id.hex)
        bytes[bytes.count / 2] ^= 4
        try storage.overwrite(.snapshot, name: id.hex, data: bytes)
        #expect(throws: RepositoryError.self) { try repository.loadFile(id, kind: .snapshot) }
        // The kind is authenticated: a snapshot's bytes do not open as an index.
        let other = try repository.saveFile(Data("x".utf8), kind: .snapshot)
        try storage.write(.index, name: other.hex, data: try storage.read(.snapshot, name: other.hex))
        #expect(throws: RepositoryError.self) { try repository.loadFile(other, kind: .index) }
    }
}
