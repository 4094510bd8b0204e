/// How a blob or repository file was compressed before encryption; recorded per blob.
public enum CompressionMode: UInt8, Sendable, Codable, CaseIterable {
    /// Stored as is (already compressed data that zstd could not shrink, or compression off).
    case none = 0
    /// Zstandard frame (RFC 8878) holding exactly the plaintext.
    case zstd = 1
    /// Zstandard frame compressed with one of the repository's dictionaries, whose zstd ID the
    /// frame's header records (format version 3, §6a; data blobs only).
    case zstdDictionary = 2

    /// The name used in JSON.
    public var name: String {
        switch self {
        case .none: "none"
        case .zstd: "zstd"
        case .zstdDictionary: "zstd-dictionary"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self.allCases.first(where: { $0.name == text }) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown compression \(text.prefix(40))")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
