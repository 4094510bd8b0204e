import Foundation

/// The JSON document in `config` (before encryption): what every writer must agree on.
public struct RepositoryConfig: Sendable, Hashable, Codable {
    /// Repository format version: 1.
    public var version: Int
    /// A random identifier of the repository (32 bytes, hex).
    public var id: ObjectID
    /// Content-defined chunking bounds.
    public var chunker: ChunkerParameters
    /// The secret seed of the gear table (32 bytes, base64).
    public var chunkerSeed: Data
    /// Compression of new blobs and files.
    public var compression: CompressionMode

    /// A new configuration with a random ID and seed.
    public static func generate(chunker: ChunkerParameters, compression: CompressionMode) -> RepositoryConfig {
        var generator = SystemRandomNumberGenerator()
        let id = ObjectID(bytes: (0..<32).map { _ in generator.next() })!
        let seed = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return RepositoryConfig(version: 1, id: id, chunker: chunker, chunkerSeed: seed, compression: compression)
    }

    /// The chunker every writer of this repository uses.
    public func makeChunker() throws(ChunkerError) -> ContentDefinedChunker {
        ContentDefinedChunker(parameters: chunker, gearTable: try GearTable(seed: Array(chunkerSeed)))
    }

    private enum CodingKeys: String, CodingKey {
        case version, id, chunker, compression
        case chunkerSeed = "chunker_seed"
    }
}
