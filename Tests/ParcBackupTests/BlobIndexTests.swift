import Foundation
import ParcBackup
import Testing

@Suite("Blob index")
struct BlobIndexTests {
    static func entry(_ seed: UInt64, offset: UInt64, type: BlobType = .data) -> PackEntry {
        let id = ObjectID.hash(TestBytes.random(32, seed: seed))
        return PackEntry(type: type, compression: .zstd, offset: offset, length: 100, rawLength: 200, id: id)
    }

    @Test("an index survives its serialized form and finds every blob")
    func roundTrip() throws {
        var index = BlobIndex()
        let packA = ObjectID.hash(Data("a".utf8))
        let packB = ObjectID.hash(Data("b".utf8))
        index.add(pack: packA, entries: [Self.entry(1, offset: 0), Self.entry(2, offset: 100, type: .tree)])
        index.add(pack: packB, entries: [Self.entry(3, offset: 0)])
        let json = index.indexFile().encoded()
        let decoded = try IndexFile.decode(json, name: "test")
        let rebuilt = BlobIndex(files: [ObjectID.hash(json): decoded])
        #expect(rebuilt.blobCount == 3)
        #expect(rebuilt.packIDs == [packA, packB])
        let tree = Self.entry(2, offset: 100, type: .tree)
        #expect(rebuilt.location(of: BlobHandle(id: tree.id, type: .tree)) == BlobLocation(pack: packA, entry: tree))
        #expect(!rebuilt.contains(BlobHandle(id: tree.id, type: .data)))
        #expect(rebuilt.indexFile() == index.indexFile())
        #expect(String(decoding: json, as: UTF8.self).contains(#""raw_length":200"#))
    }

    @Test("a blob stored twice is found in the first pack, and superseded index files are ignored")
    func duplicatesAndSupersedes() throws {
        let shared = Self.entry(9, offset: 0)
        let packA = ObjectID.hash(Data("a".utf8))
        let packB = ObjectID.hash(Data("b".utf8))
        let first = IndexFile(packs: [.init(id: packA, blobs: [.init(shared)])])
        let second = IndexFile(packs: [.init(id: packB, blobs: [.init(shared)])])
        let firstID = ObjectID.hash(first.encoded())
        let secondID = ObjectID.hash(second.encoded())
        let both = BlobIndex(files: [firstID: first, secondID: second])
        #expect(both.blobCount == 1)
        #expect(both.packIDs.count == 2)
        let replacing = IndexFile(supersedes: [firstID, secondID], packs: [.init(id: packB, blobs: [.init(shared)])])
        let compacted = BlobIndex(files: [
            firstID: first, secondID: second, ObjectID.hash(replacing.encoded()): replacing,
        ])
        #expect(compacted.packIDs == [packB])
    }

    /// An index document of one pack with one blob whose length fields are `fields`.
    static func document(blob fields: String) -> String {
        let pack = String(repeating: "ab", count: 32)
        let blob = String(repeating: "cd", count: 32)
        return #"{"version":1,"supersedes":[],"packs":[{"id":"\#(pack)","blobs":[{"id":"\#(blob)","type":"data","#
            + #""offset":0,\#(fields)}]}]}"#
    }

    @Test("malformed index documents are refused with an IndexError")
    func malformed() throws {
        let documents = [
            "not json",
            "{}",
            #"{"version":2,"supersedes":[],"packs":[]}"#,
            #"{"version":1,"supersedes":[],"packs":[{"id":"zz","blobs":[]}]}"#,
            Self.document(blob: #""length":4,"raw_length":1,"compression":"none""#),
            Self.document(blob: #""length":4000000000,"raw_length":4000000000,"compression":"lz4""#),
        ]
        let valid = Self.document(blob: #""length":1028,"raw_length":1000,"compression":"none""#)
        #expect(try IndexFile.decode(Data(valid.utf8), name: "good").packs.count == 1)
        for document in documents {
            #expect(throws: IndexError.self) { try IndexFile.decode(Data(document.utf8), name: "bad") }
        }
    }
}
