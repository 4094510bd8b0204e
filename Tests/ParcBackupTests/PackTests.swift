import Foundation
import ParcBackup
import Testing

@Suite("Pack files")
struct PackTests {
    let key = RepositoryKey.generate()
    let storage = InMemoryRepositoryStorage()

    /// A pack of three blobs: compressible text, random bytes, and a tree.
    func writePack() throws -> (id: ObjectID, entries: [PackEntry], blobs: [Data], bytes: Data) {
        let blobs = [
            Data(String(repeating: "compressible text ", count: 500).utf8),
            Data(TestBytes.random(3000)),
            Data(#"{"nodes":[]}"#.utf8),
        ]
        var writer = PackWriter(key: key)
        try writer.add(blobs[0], type: .data)
        try writer.add(blobs[1], type: .data)
        try writer.add(blobs[2], type: .tree)
        let pack = writer.finish()
        try storage.write(.pack, name: pack.id.hex, data: pack.bytes)
        return (pack.id, pack.entries, blobs, pack.bytes)
    }

    @Test("blobs written to a pack read back from its header, compressed only when that helps")
    func roundTrip() throws {
        let pack = try writePack()
        let reader = PackReader(packID: pack.id, storage: storage, key: key)
        let entries = try reader.entries()
        #expect(entries == pack.entries)
        #expect(entries.map(\.compression) == [.zstd, .none, .none])
        #expect(entries.map(\.type) == [.data, .data, .tree])
        #expect(entries[0].length < 200)
        for (entry, blob) in zip(entries, pack.blobs) {
            #expect(entry.id == ObjectID.hash(blob))
            #expect(try reader.readBlob(entry) == blob)
        }
        #expect(reader.verify().isEmpty)
        #expect(ObjectID.hash(pack.bytes) == pack.id)
    }

    @Test("a flipped byte inside a blob is reported with the pack and that blob")
    func flippedByteInBlob() throws {
        let pack = try writePack()
        var damaged = pack.bytes
        damaged[Int(pack.entries[1].offset) + 40] ^= 0x80
        try storage.overwrite(.pack, name: pack.id.hex, data: damaged)
        let reader = PackReader(packID: pack.id, storage: storage, key: key)
        let problems = reader.verify()
        #expect(
            problems == [
                .blobCorrupted(
                    pack: pack.id, blob: pack.entries[1].id, reason: "fails authentication (altered or misplaced bytes)"
                )
            ])
        #expect(problems[0].description.contains(pack.entries[1].id.hex))
        #expect(problems[0].description.contains(pack.id.hex))
        #expect(try reader.readBlob(pack.entries[0]) == pack.blobs[0])
    }

    @Test("a flipped byte in the header is reported as a damaged header of that pack")
    func flippedByteInHeader() throws {
        let pack = try writePack()
        var damaged = pack.bytes
        damaged[damaged.count - 20] ^= 0x01
        try storage.overwrite(.pack, name: pack.id.hex, data: damaged)
        let reader = PackReader(packID: pack.id, storage: storage, key: key)
        #expect {
            try reader.entries()
        } throws: { error in
            guard case .damagedHeader(let packID, _) = error as? PackError else { return false }
            return packID == pack.id
        }
    }

    @Test("a truncated pack loses its header, and blobs read through the index are named as cut off")
    func truncated() throws {
        let pack = try writePack()
        let cut = Int(pack.entries[2].offset) + 5
        try storage.overwrite(.pack, name: pack.id.hex, data: pack.bytes.prefix(cut))
        let reader = PackReader(packID: pack.id, storage: storage, key: key)
        #expect(throws: PackError.self) { try reader.entries() }
        // The blobs before the cut still read; the one cut off names itself.
        #expect(try reader.readBlob(pack.entries[0]) == pack.blobs[0])
        #expect {
            try reader.readBlob(pack.entries[2])
        } throws: { error in
            guard case .blobUnreadable(let packID, let blob, let reason) = error as? PackError else { return false }
            return packID == pack.id && blob == pack.entries[2].id && reason.contains("truncated")
        }
        for length in [0, 3, 11, 12, 40] {
            try storage.overwrite(.pack, name: pack.id.hex, data: pack.bytes.prefix(length))
            #expect(throws: PackError.self) { try reader.entries() }
        }
    }

    @Test("absurd lengths in a pack trailer or an index entry give errors, not crashes or huge allocations")
    func absurdLengths() throws {
        let pack = try writePack()
        let reader = PackReader(packID: pack.id, storage: storage, key: key)
        var hostile = pack.bytes
        for (index, byte) in [UInt8](repeating: 0xff, count: 4).enumerated() {
            hostile[hostile.count - 12 + index] = byte
        }
        try storage.overwrite(.pack, name: pack.id.hex, data: hostile)
        #expect(throws: PackError.self) { try reader.entries() }
        try storage.overwrite(.pack, name: pack.id.hex, data: Data(TestBytes.random(5000)) + Data("PARCPAK1".utf8))
        #expect(throws: PackError.self) { try reader.entries() }
        try storage.overwrite(.pack, name: pack.id.hex, data: pack.bytes)
        let id = pack.entries[1].id
        let absurd = [
            PackEntry(type: .data, compression: .zstd, offset: .max - 10, length: 100, rawLength: 50, id: id),
            PackEntry(type: .data, compression: .zstd, offset: 0, length: .max, rawLength: .max, id: id),
            PackEntry(type: .data, compression: .zstd, offset: 0, length: 1 << 30, rawLength: 1 << 20, id: id),
            PackEntry(type: .data, compression: .none, offset: 0, length: 5, rawLength: 5, id: id),
            PackEntry(
                type: .data, compression: .zstd, offset: 0, length: pack.entries[0].length, rawLength: 60_000_000,
                id: id),
        ]
        for entry in absurd {
            #expect {
                try reader.readBlob(entry)
            } throws: { error in
                guard let error = error as? PackError else { return false }
                return error.description.contains(id.hex)
            }
        }
    }

    @Test("a blob moved to another address fails authentication")
    func misplacedBlob() throws {
        let pack = try writePack()
        let reader = PackReader(packID: pack.id, storage: storage, key: key)
        let entry = pack.entries[1]
        let other = PackEntry(
            type: .tree, compression: entry.compression, offset: entry.offset, length: entry.length,
            rawLength: entry.rawLength, id: entry.id)
        #expect(throws: PackError.self) { try reader.readBlob(other) }
    }
}
