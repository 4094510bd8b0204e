import Foundation

/// One content-defined piece of an input.
public struct Chunk: Sendable, Hashable {
    /// Where the chunk starts in the input.
    public let offset: Int64
    /// The chunk's bytes.
    public let data: Data

    /// The SHA-256 content address of `data`.
    public var id: ObjectID { ObjectID.hash(data) }
}
