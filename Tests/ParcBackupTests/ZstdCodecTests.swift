import Foundation
import ParcBackup
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
