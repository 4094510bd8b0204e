import Foundation
import ParcBackup
import Testing

@Suite("Content-defined chunker")
struct ContentDefinedChunkerTests {
    static let seed = [UInt8](repeating: 7, count: 32)
    static let small = try! ChunkerParameters(minSize: 1024, averageSize: 4096, maxSize: 16384)

    static func chunker(_ parameters: ChunkerParameters = small, seed: [UInt8] = seed) throws -> ContentDefinedChunker {
        ContentDefinedChunker(parameters: parameters, gearTable: try GearTable(seed: seed))
    }

    static func chunks(_ bytes: [UInt8], chunker: ContentDefinedChunker, pieceSize: Int = .max) throws -> [Chunk] {
        var stream = ChunkStream(source: MemoryByteSource(bytes, pieceSize: pieceSize), chunker: chunker)
        var result: [Chunk] = []
        while let chunk = try stream.next() { result.append(chunk) }
        return result
    }

    @Test("the same bytes are cut at the same places, whatever the read sizes")
    func deterministic() throws {
        // setup
        let data = TestBytes.random(300_000)
        let chunker = try Self.chunker()
        // MUT
        let whole = try Self.chunks(data, chunker: chunker)
        let pieces = try Self.chunks(data, chunker: chunker, pieceSize: 777)
        let again = try Self.chunks(data, chunker: try Self.chunker())
        // validate
        #expect(whole.map(\.id) == pieces.map(\.id))
        #expect(whole.map(\.id) == again.map(\.id))
        #expect(whole.map(\.data.count) == chunker.chunkLengths(of: data))
        #expect(Data(whole.flatMap { Array($0.data) }) == Data(data))
        #expect(whole.count > 30)
    }

    @Test("a cut decided from part of the input is the cut the whole input gives; undecided until the boundary shows")
    func decidedCutPoints() throws {
        let chunker = try Self.chunker()
        // Random bytes, then zeros (no boundary before the maximum size), then random again.
        let data = TestBytes.random(200_000, seed: 5) + [UInt8](repeating: 0, count: 40_000) + TestBytes.random(50_000, seed: 6)
        data.withUnsafeBufferPointer { all in
            var start = 0
            var decided = 0
            while start < all.count {
                let rest = UnsafeBufferPointer(rebasing: all[start...])
                let expected = chunker.cutPoint(in: rest, isEndOfInput: rest.count < Self.small.maxSize)
                // Every prefix length either gives the same cut or none, and gives one once the
                // prefix holds the boundary.
                for shown in stride(from: 1, through: min(rest.count, Self.small.maxSize), by: 97) {
                    let prefix = UnsafeBufferPointer(rebasing: rest[..<shown])
                    let atEnd = start + shown == all.count
                    let answer = chunker.decidedCutPoint(in: prefix, isEndOfInput: atEnd)
                    if let answer {
                        #expect(answer == expected, "chunk at \(start), \(shown) bytes shown")
                        decided += 1
                    } else {
                        #expect(shown < expected || shown <= Self.small.minSize, "chunk at \(start), \(shown) bytes shown")
                    }
                    if shown >= expected && shown > Self.small.minSize && !atEnd {
                        #expect(answer == expected)
                    }
                }
                start += expected
            }
            #expect(decided > 100)
        }
        #expect(chunker.decidedCutPoint(in: UnsafeBufferPointer(start: nil, count: 0), isEndOfInput: false) == nil)
    }

    @Test("every chunk but the last lies within the minimum and maximum sizes, and offsets are contiguous")
    func sizeBounds() throws {
        let data = TestBytes.random(500_000, seed: 2) + [UInt8](repeating: 0, count: 100_000)
        let chunks = try Self.chunks(data, chunker: try Self.chunker())
        var expectedOffset: Int64 = 0
        for (index, chunk) in chunks.enumerated() {
            #expect(chunk.offset == expectedOffset)
            expectedOffset += Int64(chunk.data.count)
            #expect(chunk.data.count <= 16384)
            if index < chunks.count - 1 { #expect(chunk.data.count >= 1024) }
        }
        #expect(expectedOffset == Int64(data.count))
        // Zeros never match the mask, so a run of them is cut at exactly the maximum size.
        #expect(chunks.contains { $0.data.count == 16384 })
        let average = data.count / chunks.count
        #expect(average > 2048 && average < 12288)
    }

    @Test("after an insertion in the middle, most chunks keep their hash")
    func insertionResistance() throws {
        let original = TestBytes.random(400_000, seed: 3)
        var edited = original
        edited.insert(contentsOf: Array("an inserted sentence of a few bytes".utf8), at: 200_000)
        let chunker = try Self.chunker()
        let before = Set(try Self.chunks(original, chunker: chunker).map(\.id))
        let after = try Self.chunks(edited, chunker: chunker).map(\.id)
        let kept = after.filter { before.contains($0) }.count
        // Only the chunks around the edit change.
        #expect(after.count - kept <= 3)
        #expect(Double(kept) / Double(before.count) > 0.9)
    }

    @Test("an empty input has no chunk, a tiny one is a single chunk")
    func emptyAndTiny() throws {
        let chunker = try Self.chunker()
        #expect(try Self.chunks([], chunker: chunker).isEmpty)
        let one = try Self.chunks([42], chunker: chunker)
        #expect(one.count == 1 && one[0].data == Data([42]))
        let belowMinimum = TestBytes.random(1000)
        #expect(try Self.chunks(belowMinimum, chunker: chunker).map(\.data) == [Data(belowMinimum)])
    }

    @Test("another repository seed cuts the same data elsewhere")
    func seedChangesBoundaries() throws {
        let data = TestBytes.random(200_000, seed: 4)
        let first = try Self.chunker().chunkLengths(of: data)
        let second = try Self.chunker(seed: [UInt8](repeating: 9, count: 32)).chunkLengths(of: data)
        #expect(first != second)
    }

    @Test("a file is chunked through a FileHandle like the same bytes in memory")
    func fileHandleSource() throws {
        let data = TestBytes.random(100_000, seed: 5)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chunker-\(UUID().uuidString)")
        try Data(data).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let chunker = try Self.chunker()
        var stream = ChunkStream(source: FileHandleByteSource(handle: handle), chunker: chunker)
        var ids: [ObjectID] = []
        while let chunk = try stream.next() { ids.append(chunk.id) }
        #expect(ids == (try Self.chunks(data, chunker: chunker)).map(\.id))
    }

    @Test("chunker sizes out of order, too small or not a power of two are refused")
    func invalidParameters() {
        #expect(throws: ChunkerError.self) { try ChunkerParameters(minSize: 4096, averageSize: 1024, maxSize: 8192) }
        #expect(throws: ChunkerError.self) { try ChunkerParameters(minSize: 10, averageSize: 1024, maxSize: 8192) }
        #expect(throws: ChunkerError.self) { try ChunkerParameters(minSize: 512, averageSize: 1000, maxSize: 8192) }
        #expect(throws: ChunkerError.self) { try ChunkerParameters(minSize: 512, averageSize: 1024, maxSize: 1 << 30) }
        #expect(throws: ChunkerError.invalidSeed(byteCount: 3)) { try GearTable(seed: [1, 2, 3]) }
        #expect(ChunkerParameters.standard.averageSize == 1 << 20)
    }

    @Test("with the standard sizes, chunks average about 1 MiB and never exceed 8 MiB")
    func standardSizes() throws {
        let data = TestBytes.random(24 << 20, seed: 6)
        let lengths = try Self.chunker(.standard).chunkLengths(of: data)
        #expect(lengths.allSatisfy { $0 <= 8 << 20 })
        #expect(lengths.dropLast().allSatisfy { $0 >= 512 << 10 })
        let average = data.count / lengths.count
        #expect(average > 768 << 10 && average < 2 << 20)
    }
}
