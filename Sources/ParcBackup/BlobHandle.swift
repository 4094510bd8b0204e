/// A blob's identity in the index: its content address and its type.
public struct BlobHandle: Hashable, Sendable, Comparable {
    /// SHA-256 of the plaintext.
    public let id: ObjectID
    /// Data or tree.
    public let type: BlobType

    /// A handle.
    public init(id: ObjectID, type: BlobType) {
        self.id = id
        self.type = type
    }

    public static func < (lhs: BlobHandle, rhs: BlobHandle) -> Bool {
        (lhs.type.rawValue, lhs.id) < (rhs.type.rawValue, rhs.id)
    }
}
