import Foundation
import ParcCore
import ParcInventory
import Vapor

/// Reading an agent's body: the compression its Content-Type (or Content-Encoding, or its first bytes)
/// says, inflated with the size ceiling, then the format. Every failure is a ``ParcError`` with the
/// inventory error's stable code and a message saying what to send instead.
enum InventoryIntake {
    static let limits = InventoryLimits.default

    /// The body, decompressed, and how it was compressed (so the reply can be compressed the same way).
    static func body(_ request: Request) throws -> (data: Data, compression: InventoryCompression) {
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw error(.empty)
        }
        let raw = Data(buffer.readableBytesView)
        let compression: InventoryCompression
        switch request.headers.first(name: .contentEncoding)?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "gzip", "x-gzip": compression = .gzip
        case "deflate": compression = InventoryCompression.of(contentType: "application/x-compress", firstBytes: raw.prefix(4)) ?? .deflate
        default:
            guard let found = InventoryCompression.of(contentType: request.headers.first(name: .contentType),
                                                      firstBytes: raw.prefix(64)) else {
                throw ParcError(.unsupportedMediaType, code: "inventory_unknown_format",
                                "The body is neither JSON nor XML, nor zlib or gzip data. Send the inventory as "
                                    + "application/json or application/xml, or compressed with "
                                    + "application/x-compress-zlib or application/x-compress-gzip.")
            }
            compression = found
        }
        do {
            return (try compression.decompress(raw, limit: limits.maxInputBytes), compression)
        } catch let failure {
            throw error(failure)
        }
    }

    /// A format error as the API reports it: 413 for sizes, 400 otherwise.
    static func error(_ failure: InventoryFormatError) -> ParcError {
        switch failure {
        case .tooLarge, .tooManyNodes, .tooManyEntries, .stringTooLong:
            ParcError(.payloadTooLarge, code: failure.code, failure.message)
        default:
            ParcError(.badRequest, code: failure.code, failure.message)
        }
    }

    /// A GLPI-native JSON inventory.
    static func readJSON(_ data: Data) throws -> InventoryReport {
        do {
            return try GLPIInventoryJSON.read(data, limits: limits)
        } catch let failure {
            throw error(failure)
        }
    }
}
