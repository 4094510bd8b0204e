import Foundation

/// The JSON document in `index/<id>` (before encryption): the blobs of some packs.
public struct IndexFile: Sendable, Hashable, Codable {
    /// Format version: 1.
    public var version: Int
    /// Index files this one replaces (written by prune); readers ignore the superseded ones.
    public var supersedes: [ObjectID]
    /// The packs it describes.
    public var packs: [Pack]

    /// One pack and its blobs.
    public struct Pack: Sendable, Hashable, Codable {
        /// The pack's ID.
        public var id: ObjectID
        /// Its blobs, in pack order.
        public var blobs: [Blob]

        /// A pack line.
        public init(id: ObjectID, blobs: [Blob]) {
            self.id = id
            self.blobs = blobs
        }
    }

    /// One blob: the fields of its ``PackEntry``.
    public struct Blob: Sendable, Hashable, Codable {
        public var id: ObjectID
        public var type: BlobType
        public var offset: UInt64
        public var length: UInt32
        public var rawLength: UInt32
        public var compression: CompressionMode

        /// The blob line of `entry`.
        public init(_ entry: PackEntry) {
            self.id = entry.id
            self.type = entry.type
            self.offset = entry.offset
            self.length = entry.length
            self.rawLength = entry.rawLength
            self.compression = entry.compression
        }

        /// The entry this line describes.
        public var entry: PackEntry {
            PackEntry(
                type: type, compression: compression, offset: offset, length: length, rawLength: rawLength, id: id)
        }

        private enum CodingKeys: String, CodingKey {
            case id, type, offset, length, compression
            case rawLength = "raw_length"
        }
    }

    /// An index document.
    public init(version: Int = 1, supersedes: [ObjectID] = [], packs: [Pack]) {
        self.version = version
        self.supersedes = supersedes
        self.packs = packs
    }

    /// The JSON bytes.
    public func encoded() -> Data {
        do {
            return try JSONEncoder.repository.encode(self)
        } catch {
            preconditionFailure("an index always encodes: \(error)")
        }
    }

    /// Decodes and validates an index document; `name` is used in errors.
    public static func decode(_ bytes: Data, name: String) throws(IndexError) -> IndexFile {
        let file: IndexFile
        do {
            file = try JSONDecoder.repository.decode(IndexFile.self, from: bytes)
        } catch {
            throw .malformed(name: name, reason: "not an index document")
        }
        guard file.version == 1 else { throw .unsupportedVersion(name: name, version: file.version) }
        for pack in file.packs {
            for blob in pack.blobs {
                if let problem = blob.entry.boundsProblem() {
                    throw .malformed(name: name, reason: "pack \(pack.id.hex), blob \(blob.id.hex): \(problem)")
                }
            }
        }
        return file
    }
}
