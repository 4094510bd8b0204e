import Foundation

/// Builds one pack file in memory: encrypted blobs one after another, then the encrypted header
/// listing them, then the trailer.
public struct PackWriter: Sendable {
    private let key: RepositoryKey
    private let compressor: BlobCompressor
    private var body = Data()
    private var entries: [PackEntry] = []

    /// A writer sealing with `key` and compressing blobs with `compressor` when that makes them smaller.
    public init(key: RepositoryKey, compressor: BlobCompressor = .zstd()) {
        self.key = key
        self.compressor = compressor
    }

    /// Bytes of blobs written so far (to decide when to finish the pack).
    public var byteCount: Int { body.count }

    /// The entries written so far.
    public var writtenEntries: [PackEntry] { entries }

    /// Compresses (if it helps), encrypts and appends one blob.
    ///
    /// - Parameters:
    ///   - id: the SHA-256 of `plaintext` when the caller has it already (it looked the blob up
    ///     in the index); computed otherwise.
    /// - Returns: the blob's entry.
    @discardableResult
    public mutating func add(_ plaintext: Data, type: BlobType, id: ObjectID? = nil) throws(PackError) -> PackEntry {
        append(try Self.seal(plaintext, type: type, id: id ?? ObjectID.hash(plaintext), key: key, compressor: compressor))
    }

    /// Compresses (if it helps) and encrypts one blob without appending it, so that several
    /// threads can seal while one appends.
    public static func seal(
        _ plaintext: Data, type: BlobType, id: ObjectID, key: RepositoryKey, compressor: BlobCompressor
    ) throws(PackError) -> SealedBlob {
        guard plaintext.count <= Int(PackEntry.maxRawLength) else { throw .blobTooLarge(byteCount: plaintext.count) }
        return plaintext.withUnsafeBytes { bytes in
            sealChecked(bytes, type: type, id: id, key: key, compressor: compressor)
        }
    }

    /// ``seal(_:type:id:key:compressor:)`` straight from the caller's buffer (a reader's chunk
    /// sealed on the thread that cut it needs no copy first).
    static func seal(
        bytes plaintext: UnsafeRawBufferPointer, type: BlobType, id: ObjectID, key: RepositoryKey,
        compressor: BlobCompressor
    ) throws(PackError) -> SealedBlob {
        guard plaintext.count <= Int(PackEntry.maxRawLength) else { throw .blobTooLarge(byteCount: plaintext.count) }
        return sealChecked(plaintext, type: type, id: id, key: key, compressor: compressor)
    }

    /// Seals a blob whose size was checked.
    private static func sealChecked(
        _ plaintext: UnsafeRawBufferPointer, type: BlobType, id: ObjectID, key: RepositoryKey,
        compressor: BlobCompressor
    ) -> SealedBlob {
        let context = PackFormat.blobContext(type: type, id: id)
        var sealed: Data?
        var mode = CompressionMode.none
        // Compressed only when that makes it smaller; the frame is sealed straight from zstd's buffer.
        if compressor.mode != .none, plaintext.count > 64 {
            if let dictionary = compressor.dictionary(for: type, count: plaintext.count) {
                sealed = dictionary.withFrame(of: plaintext, shorterThan: plaintext.count) {
                    key.seal($0, context: context)
                }
                mode = .zstdDictionary
            } else {
                sealed = ZstdCodec.withFrame(of: plaintext, shorterThan: plaintext.count, level: compressor.level) {
                    key.seal($0, context: context)
                }
                mode = .zstd
            }
            if sealed == nil { mode = .none }
        }
        return SealedBlob(
            id: id, type: type, compression: mode, rawLength: UInt32(plaintext.count),
            sealed: sealed ?? key.seal(plaintext, context: context))
    }

    /// Appends a blob sealed by ``seal(_:type:id:key:compressor:)`` with this writer's key.
    @discardableResult
    public mutating func append(_ blob: SealedBlob) -> PackEntry {
        let entry = PackEntry(
            type: blob.type, compression: blob.compression, offset: UInt64(body.count),
            length: UInt32(blob.sealed.count), rawLength: blob.rawLength, id: blob.id)
        body.append(blob.sealed)
        entries.append(entry)
        return entry
    }

    /// Reserves room for `bytes` of blobs, so that filling a pack of known target size does not
    /// grow (and copy) its buffer step by step.
    public mutating func reserveCapacity(_ bytes: Int) {
        body.reserveCapacity(bytes)
    }

    /// The finished pack: its bytes, its ID (the file name: SHA-256 of all its bytes) and its entries. The header and trailer are appended to the writer's own
    /// buffer (no copy of the blobs); the writer is spent afterwards.
    public consuming func finish() -> (bytes: Data, id: ObjectID, entries: [PackEntry]) {
        var bytes = body
        body = Data()  // the only reference left to the buffer is `bytes`: appending does not copy it
        let trailer = Self.trailer(entries: entries, key: key)
        bytes.append(trailer)
        return (bytes, ObjectID.hash(bytes), entries)
    }

    /// What follows the blobs of a pack: the sealed header listing `entries`, its length, the magic.
    static func trailer(entries: [PackEntry], key: RepositoryKey) -> Data {
        var header = [UInt8]()
        header.reserveCapacity(PackFormat.headerPrefixSize + entries.count * PackEntry.encodedSize)
        header.append(PackFormat.headerVersion)
        let count = UInt32(entries.count)
        for shift in 0..<4 { header.append(UInt8(truncatingIfNeeded: count >> UInt32(8 * shift))) }
        for entry in entries { entry.encode(into: &header) }
        var trailer = key.seal(header, context: PackFormat.headerContext)
        let headerLength = UInt32(trailer.count)
        for shift in 0..<4 { trailer.append(UInt8(truncatingIfNeeded: headerLength >> UInt32(8 * shift))) }
        trailer.append(contentsOf: PackFormat.magic)
        return trailer
    }
}

/// A blob compressed and encrypted, ready to be appended to a pack.
public struct SealedBlob: Sendable {
    public let id: ObjectID
    public let type: BlobType
    public let compression: CompressionMode
    public let rawLength: UInt32
    /// nonce ‖ ciphertext ‖ tag.
    public let sealed: Data
}
