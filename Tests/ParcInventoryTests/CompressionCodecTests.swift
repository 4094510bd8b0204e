import Foundation
import ParcCore
import Testing

@testable import ParcInventory

@Suite("Compression: inflate with a ceiling, deflate")
struct CompressionCodecTests {
    static let inventory: Data = {
        (try? Fixture.data("agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml")) ?? Data()
    }()

    /// Bytes compressed by Python's zlib module: another implementation than the one under test.
    static func python(_ mode: String, _ data: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        let script = switch mode {
        case "zlib": "import sys,zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))"
        case "gzip": "import sys,gzip; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read()))"
        case "deflate":
            "import sys,zlib; c=zlib.compressobj(6,zlib.DEFLATED,-15); d=sys.stdin.buffer.read(); "
                + "sys.stdout.buffer.write(c.compress(d)+c.flush())"
        case "inflate-raw": "import sys,zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read(), -15))"
        default: "import sys,zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read(), 47))"
        }
        process.arguments = ["-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread { input.fileHandleForWriting.write(data); try? input.fileHandleForWriting.close() }
        writer.start()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return result
    }

    @Test("Python's zlib, gzip and raw deflate inflate to the original", arguments: [
        InventoryCompression.zlib, .gzip, .deflate,
    ])
    func inflatesForeignBytes(_ compression: InventoryCompression) throws {
        #expect(Self.inventory.count == 227_596)
        let compressed = try Self.python(compression.rawValue, Self.inventory)
        #expect(compressed.count < Self.inventory.count / 5)
        #expect(try compression.decompress(compressed, limit: 1 << 20) == Self.inventory)
    }

    @Test("What we compress, Python inflates", arguments: [InventoryCompression.zlib, .gzip, .deflate])
    func deflatesForPython(_ compression: InventoryCompression) throws {
        let compressed = compression.compress(Self.inventory)
        let sniffed = InventoryCompression.of(contentType: nil, firstBytes: compressed.prefix(8))
        #expect(sniffed == (compression == .deflate ? nil : compression))
        #expect(try Self.python(compression == .deflate ? "inflate-raw" : "inflate-any", compressed) == Self.inventory)
        #expect(try compression.decompress(compressed, limit: 1 << 20) == Self.inventory)
    }

    @Test("A bomb stops at the ceiling")
    func bomb() throws {
        // 64 MiB of zeros compress to ~64 KiB; the ceiling is 1 MiB.
        let bomb = InventoryCompression.zlib.compress(Data(count: 64 << 20))
        #expect(bomb.count < 100_000)
        #expect(throws: InventoryFormatError.tooLarge(bytes: (1 << 20) + (64 << 10), limit: 1 << 20)) {
            try InventoryCompression.zlib.decompress(bomb, limit: 1 << 20)
        }
        let plain = Data(count: 2 << 20)
        #expect(throws: InventoryFormatError.tooLarge(bytes: 2 << 20, limit: 1 << 20)) {
            try InventoryCompression.none.decompress(plain, limit: 1 << 20)
        }
    }

    @Test("Truncated, garbage and empty bodies are refused with a reason")
    func corrupt() throws {
        let compressed = InventoryCompression.zlib.compress(Self.inventory)
        for body in [compressed.prefix(compressed.count / 2), Data([0x78, 0x9C, 1, 2, 3, 4, 5]), Data(),
                     Data("not compressed at all".utf8)] {
            do {
                _ = try InventoryCompression.zlib.decompress(Data(body), limit: 1 << 20)
                Issue.record("accepted \(body.count) bytes of bad zlib")
            } catch {
                #expect(error.code == "inventory_corrupt_compression")
                #expect(error.message.contains("zlib"))
            }
        }
        let gzip = InventoryCompression.gzip.compress(Self.inventory)
        var flipped = gzip
        flipped[flipped.count - 6] ^= 0xFF  // the CRC-32 trailer
        #expect(throws: InventoryFormatError.self) { try InventoryCompression.gzip.decompress(flipped, limit: 1 << 20) }
    }
}
