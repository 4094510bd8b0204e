import Foundation

/// The JSON document in `config` (before encryption): what every writer must agree on.
public struct RepositoryConfig: Sendable, Hashable, Codable {
    /// Repository format version: 3 for new repositories; 1 and 2 are still read and written
    /// (version 2 stopped recording a whole-file SHA-256 for file nodes of several blobs, see
    /// ``recordsWholeFileHash``; version 3 compresses small data blobs with a dictionary, see
    /// ``usesDictionaries``).
    public var version: Int
    /// A random identifier of the repository (32 bytes, hex).
    public var id: ObjectID
    /// Content-defined chunking bounds.
    public var chunker: ChunkerParameters
    /// The secret seed of the gear table (32 bytes, base64).
    public var chunkerSeed: Data
    /// Compression of new blobs and files.
    public var compression: CompressionMode

    /// The format versions this build reads and writes.
    public static let supportedVersions = 1...3
    /// The version of new repositories.
    public static let currentVersion = 3

    /// Whether the files backed up record the SHA-256 of their whole content even when they have
    /// several blobs (version 1). From version 2 such a file is checked by its blobs' IDs alone:
    /// a second pass over every byte bought no guarantee those IDs do not give (format §8).
    public var recordsWholeFileHash: Bool { version < 2 }

    /// Whether writers compress small data blobs with a dictionary trained from the first backup's
    /// small files, and blobs at ``ZstdCodec/blobLevel`` (version 3, format §6a). Agents that read
    /// only versions 1 and 2 refuse the repository rather than fail on its blobs.
    public var usesDictionaries: Bool { version >= 3 }

    /// A new configuration with a random ID and seed.
    public static func generate(
        chunker: ChunkerParameters, compression: CompressionMode, version: Int = currentVersion
    ) -> RepositoryConfig {
        var generator = SystemRandomNumberGenerator()
        let id = ObjectID(bytes: (0..<32).map { _ in generator.next() })!
        let seed = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return RepositoryConfig(version: version, id: id, chunker: chunker, chunkerSeed: seed, compression: compression)
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
