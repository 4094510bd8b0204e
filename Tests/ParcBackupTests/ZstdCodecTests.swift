import Foundation
@testable import ParcBackup
import Testing

@Suite("Zstandard")
struct ZstdCodecTests {
    @Test("text compresses and decompresses back to the same bytes")
    func roundTrip() throws {
        let text = Data(String(repeating: "Parc sauvegarde les postes du parc. ", count: 2000).utf8)
        let compressed = try ZstdCodec.compress(text)
        #expect(compressed.count < text.count / 10)
        #expect(try ZstdCodec.decompress(compressed, expectedSize: text.count) == text)
    }

    @Test("a frame that does not expand to the recorded size, or garbage, is an error")
    func hostileFrames() throws {
        let compressed = try ZstdCodec.compress(Data(repeating: 1, count: 10_000))
        #expect(throws: CompressionError.self) { try ZstdCodec.decompress(compressed, expectedSize: 100) }
        #expect(throws: CompressionError.self) { try ZstdCodec.decompress(compressed, expectedSize: 1 << 20) }
        #expect(throws: CompressionError.self) {
            try ZstdCodec.decompress(Data(TestBytes.random(500)), expectedSize: 500)
        }
        #expect(throws: CompressionError.self) { try ZstdCodec.decompress(compressed.prefix(8), expectedSize: 10_000) }
    }
}

@Suite("Zstandard frames in a reused buffer")
struct ZstdReusedBufferTests {
    @Test("the frame is the one compress() makes when it is shorter than the limit; nil when it is not")
    func sameFrame() throws {
        let text = Data(String(repeating: "Parc garde les postes du parc à jour. ", count: 3000).utf8)
        let expected = try ZstdCodec.compress(text)
        func frame(_ data: Data, shorterThan limit: Int) -> Data? {
            data.withUnsafeBytes { input in ZstdCodec.withFrame(of: input, shorterThan: limit) { Data($0) } }
        }
        #expect(frame(text, shorterThan: text.count) == expected)
        // A limit the frame reaches: no frame (the blob is then stored uncompressed).
        #expect(frame(text, shorterThan: expected.count) == nil)
        // zstd needs a little room beyond the frame while writing it; with some, the same frame.
        #expect(frame(text, shorterThan: expected.count + 256) == expected)
        let random = Data(TestBytes.random(200_000))
        #expect(frame(random, shorterThan: random.count) == nil)
        // Buffers are reused between calls and threads: the same input gives the same frame again.
        let again = frame(text, shorterThan: text.count)
        #expect(again == expected)
    }
}
