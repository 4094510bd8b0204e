/// Why a pack or one of its blobs could not be read; every case names the pack, and the blob
/// where one is concerned.
public enum PackError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pack's trailer or header is missing, cut short, or fails authentication.
    case damagedHeader(pack: ObjectID, reason: String)
    /// A blob's bytes are missing (pack truncated) or its recorded place is impossible.
    case blobUnreadable(pack: ObjectID, blob: ObjectID, reason: String)
    /// A blob fails authentication, decompression or its content hash.
    case blobCorrupted(pack: ObjectID, blob: ObjectID, reason: String)
    /// The storage failed for another reason than a short file.
    case storage(pack: ObjectID, StorageError)
    /// A blob handed to the writer is larger than the format allows.
    case blobTooLarge(byteCount: Int)

    public var description: String {
        switch self {
        case .damagedHeader(let pack, let reason): "pack \(pack.hex): header damaged: \(reason)"
        case .blobUnreadable(let pack, let blob, let reason):
            "pack \(pack.hex), blob \(blob.hex): unreadable: \(reason)"
        case .blobCorrupted(let pack, let blob, let reason): "pack \(pack.hex), blob \(blob.hex): corrupted: \(reason)"
        case .storage(let pack, let error): "pack \(pack.hex): \(error)"
        case .blobTooLarge(let count): "a blob of \(count) bytes exceeds the 64 MiB limit"
        }
    }
}
