/// What a blob holds: file content or a directory listing (tree).
public enum BlobType: UInt8, Sendable, Codable, CaseIterable {
    /// A chunk of a file's content.
    case data = 0
    /// A serialized directory (tree) node.
    case tree = 1

    /// The name used in index JSON.
    public var name: String {
        switch self {
        case .data: "data"
        case .tree: "tree"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self.allCases.first(where: { $0.name == text }) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown blob type \(text.prefix(40))")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
