import Foundation

extension JSONEncoder {
    /// The encoder of every repository JSON document: sorted keys, ISO 8601 dates, base64 data.
    static var repository: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.dataEncodingStrategy = .base64
        return encoder
    }
}

extension JSONDecoder {
    /// The decoder matching ``JSONEncoder/repository``.
    static var repository: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.dataDecodingStrategy = .base64
        return decoder
    }
}
