import Foundation

/// One blob's line in a pack header (and in the index): where it is and how to decode it.
///
/// Binary form, 52 bytes, little-endian: type u8 ‖ compression u8 ‖ reserved u16 (0) ‖
/// offset u64 ‖ length u32 (stored, encrypted bytes) ‖ raw length u32 (plaintext bytes) ‖ id (32).
public struct PackEntry: Sendable, Hashable {
    /// Data or tree.
    public let type: BlobType
    /// How the plaintext was compressed before encryption.
    public let compression: CompressionMode
    /// Where the encrypted blob starts in the pack.
    public let offset: UInt64
    /// The encrypted blob's length (nonce, ciphertext and tag).
    public let length: UInt32
    /// The plaintext's length, after decompression.
    public let rawLength: UInt32
    /// SHA-256 of the plaintext.
    public let id: ObjectID

    /// Size of the binary form.
    public static let encodedSize = 52

    /// The largest plaintext blob the format allows (64 MiB).
    public static let maxRawLength: UInt32 = 64 * 1024 * 1024

    /// An entry.
    public init(
        type: BlobType, compression: CompressionMode, offset: UInt64, length: UInt32, rawLength: UInt32, id: ObjectID
    ) {
        self.type = type
        self.compression = compression
        self.offset = offset
        self.length = length
        self.rawLength = rawLength
        self.id = id
    }

    /// Appends the binary form to `output`.
    func encode(into output: inout [UInt8]) {
        output.append(type.rawValue)
        output.append(compression.rawValue)
        output.append(contentsOf: [0, 0])
        Self.append(offset, bytes: 8, to: &output)
        Self.append(UInt64(length), bytes: 4, to: &output)
        Self.append(UInt64(rawLength), bytes: 4, to: &output)
        output.append(contentsOf: id.bytes)
    }

    /// Decodes one entry; nil with a reason if a field is not valid.
    static func decode(_ bytes: ArraySlice<UInt8>) -> Result<PackEntry, PackEntryProblem> {
        guard bytes.count == encodedSize else { return .failure(.init("entry of \(bytes.count) bytes")) }
        let base = bytes.startIndex
        guard let type = BlobType(rawValue: bytes[base]) else {
            return .failure(.init("unknown blob type \(bytes[base])"))
        }
        guard let compression = CompressionMode(rawValue: bytes[base + 1]) else {
            return .failure(.init("unknown compression \(bytes[base + 1])"))
        }
        guard bytes[base + 2] == 0, bytes[base + 3] == 0 else { return .failure(.init("reserved bytes not zero")) }
        let offset = read(bytes, at: base + 4, count: 8)
        let length = UInt32(read(bytes, at: base + 12, count: 4))
        let rawLength = UInt32(read(bytes, at: base + 16, count: 4))
        guard let id = ObjectID(bytes: Array(bytes[(base + 20)..<(base + 52)])) else {
            return .failure(.init("bad id"))
        }
        return .success(
            PackEntry(
                type: type, compression: compression, offset: offset, length: length, rawLength: rawLength, id: id))
    }

    /// The reason a stored entry is not acceptable, or nil: lengths within the format's bounds.
    func boundsProblem() -> String? {
        if Int(length) < RepositoryKey.overhead { return "stored length \(length) is shorter than nonce and tag" }
        if rawLength > Self.maxRawLength { return "plaintext length \(rawLength) exceeds the 64 MiB limit" }
        if compression == .none && Int(length) != Int(rawLength) + RepositoryKey.overhead {
            return "uncompressed blob of \(rawLength) bytes stored in \(length) bytes"
        }
        return nil
    }

    private static func append(_ value: UInt64, bytes: Int, to output: inout [UInt8]) {
        for shift in 0..<bytes { output.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * shift))) }
    }

    static func read(_ bytes: ArraySlice<UInt8>, at start: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(bytes[start + index]) }
        return value
    }
}

/// Why a pack entry did not decode.
struct PackEntryProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
