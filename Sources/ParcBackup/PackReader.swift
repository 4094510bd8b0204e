import Foundation

/// Reads one pack file from repository storage: its header, and its blobs one by one.
///
/// Every length read from the pack is checked against the pack's size and the format's limits
/// before anything is allocated, so a hostile or damaged pack gives a ``PackError``, never a crash
/// or a huge allocation.
public struct PackReader: Sendable {
    /// The pack's ID (its file name).
    public let packID: ObjectID
    private let storage: any RepositoryStorage
    private let key: RepositoryKey
    private let dictionaries: CompressionDictionaries

    /// A reader of pack `packID` in `storage`, decrypting with `key` and decompressing with the
    /// repository's `dictionaries`.
    public init(
        packID: ObjectID, storage: any RepositoryStorage, key: RepositoryKey,
        dictionaries: CompressionDictionaries = .none
    ) {
        self.packID = packID
        self.storage = storage
        self.key = key
        self.dictionaries = dictionaries
    }

    /// The blobs listed in the pack's header, in pack order.
    public func entries() throws(PackError) -> [PackEntry] {
        let size = try storageCall { () throws(StorageError) in try storage.size(.pack, name: packID.hex) }
        guard size >= Int64(PackFormat.trailerSize) else {
            throw .damagedHeader(
                pack: packID, reason: "the pack has \(size) bytes, fewer than its 12-byte trailer (truncated)")
        }
        let trailer = Array(
            try storageCall { () throws(StorageError) in
                try storage.read(
                    .pack, name: packID.hex, offset: size - Int64(PackFormat.trailerSize),
                    length: PackFormat.trailerSize)
            })
        guard Array(trailer[4...]) == PackFormat.magic else {
            throw .damagedHeader(pack: packID, reason: "no PARCPAK1 trailer at the end (truncated or not a pack)")
        }
        let headerLength = Int64(PackEntry.read(trailer[...], at: 0, count: 4))
        let headerStart = size - Int64(PackFormat.trailerSize) - headerLength
        let minimum = Int64(RepositoryKey.overhead + PackFormat.headerPrefixSize)
        let maximum = Int64(
            RepositoryKey.overhead + PackFormat.headerPrefixSize + PackFormat.maxEntries * PackEntry.encodedSize)
        guard headerLength >= minimum, headerLength <= maximum, headerStart >= 0 else {
            throw .damagedHeader(
                pack: packID, reason: "header length \(headerLength) is impossible in a pack of \(size) bytes")
        }
        let sealed = try storageCall { () throws(StorageError) in
            try storage.read(.pack, name: packID.hex, offset: headerStart, length: Int(headerLength))
        }
        let header: [UInt8]
        do {
            header = Array(try key.open(sealed, context: PackFormat.headerContext))
        } catch {
            throw .damagedHeader(
                pack: packID, reason: "the header fails authentication (altered bytes, or wrong repository)")
        }
        return try parse(header: header, headerStart: UInt64(headerStart))
    }

    /// Reads, decrypts, decompresses and verifies one blob; `entry` comes from the header or the index.
    public func readBlob(_ entry: PackEntry) throws(PackError) -> Data {
        if let problem = entry.boundsProblem() { throw .blobUnreadable(pack: packID, blob: entry.id, reason: problem) }
        guard entry.offset <= UInt64(Int64.max) else {
            throw .blobUnreadable(pack: packID, blob: entry.id, reason: "offset \(entry.offset) is impossible")
        }
        let sealed: Data
        do {
            sealed = try storage.read(.pack, name: packID.hex, offset: Int64(entry.offset), length: Int(entry.length))
        } catch let .outOfRange(_, offset, length, fileSize) {
            throw .blobUnreadable(
                pack: packID, blob: entry.id,
                reason:
                    "needs bytes \(offset)..<\(offset + Int64(length)) but the pack has \(fileSize) bytes (truncated)")
        } catch .notFound {
            throw .blobUnreadable(pack: packID, blob: entry.id, reason: "the pack file is missing")
        } catch {
            throw .storage(pack: packID, error)
        }
        return try openBlob(entry, sealed: sealed)
    }

    /// Decrypts, decompresses and verifies one blob whose stored bytes (`entry.length` of them, from
    /// `entry.offset`) were already read from the pack, for readers that fetch several adjacent
    /// blobs with one read.
    public func openBlob<Sealed: DataProtocol>(_ entry: PackEntry, sealed: Sealed) throws(PackError) -> Data {
        try Self.openBlob(entry, sealed: sealed, pack: packID, key: key, dictionaries: dictionaries)
    }

    /// ``openBlob(_:sealed:)`` without a reader: for code that holds a pack's bytes already
    /// (`check --read-data` reads whole packs).
    public static func openBlob<Sealed: DataProtocol>(
        _ entry: PackEntry, sealed: Sealed, pack packID: ObjectID, key: RepositoryKey,
        dictionaries: CompressionDictionaries
    ) throws(PackError) -> Data {
        if let problem = entry.boundsProblem() { throw .blobUnreadable(pack: packID, blob: entry.id, reason: problem) }
        guard sealed.count == Int(entry.length) else {
            throw .blobUnreadable(
                pack: packID, blob: entry.id,
                reason: "\(sealed.count) stored bytes given, the entry records \(entry.length)")
        }
        let stored: Data
        do {
            stored = try key.open(sealed, context: PackFormat.blobContext(type: entry.type, id: entry.id))
        } catch {
            throw .blobCorrupted(
                pack: packID, blob: entry.id, reason: "fails authentication (altered or misplaced bytes)")
        }
        let plaintext: Data
        switch entry.compression {
        case .none:
            plaintext = stored
        case .zstd:
            do {
                plaintext = try ZstdCodec.decompress(stored, expectedSize: Int(entry.rawLength))
            } catch {
                throw .blobCorrupted(pack: packID, blob: entry.id, reason: "does not decompress: \(error)")
            }
        case .zstdDictionary:
            return try openWithDictionary(entry, stored: stored, pack: packID, dictionaries: dictionaries)
        }
        guard plaintext.count == Int(entry.rawLength) else {
            throw .blobCorrupted(
                pack: packID, blob: entry.id,
                reason: "holds \(plaintext.count) bytes, the index says \(entry.rawLength)")
        }
        guard ObjectID.hash(plaintext) == entry.id else {
            throw .blobCorrupted(pack: packID, blob: entry.id, reason: "content does not match its SHA-256")
        }
        return plaintext
    }

    /// A blob compressed with a dictionary: the one whose zstd ID the frame records (each, should two
    /// share it: the blob's SHA-256 tells which one is right).
    private static func openWithDictionary(
        _ entry: PackEntry, stored: Data, pack packID: ObjectID, dictionaries: CompressionDictionaries
    ) throws(PackError) -> Data {
        guard let zstdID = CompressionDictionary.zstdID(ofFrame: stored) else {
            throw .blobCorrupted(
                pack: packID, blob: entry.id, reason: "is marked compressed with a dictionary but its frame names none")
        }
        let candidates = dictionaries.matching(zstdID: zstdID)
        guard !candidates.isEmpty else {
            let damaged = dictionaries.problems.isEmpty ? "" : " (\(dictionaries.problems.count) dictionary file(s) unreadable)"
            throw .blobUnreadable(
                pack: packID, blob: entry.id,
                reason: "needs dictionary \(zstdID), which the repository does not have\(damaged)")
        }
        var failure = "does not decompress"
        for dictionary in candidates {
            do {
                let plaintext = try dictionary.decompress(stored, expectedSize: Int(entry.rawLength))
                if ObjectID.hash(plaintext) == entry.id { return plaintext }
                failure = "content does not match its SHA-256"
            } catch {
                failure = "does not decompress: \(error)"
            }
        }
        throw .blobCorrupted(pack: packID, blob: entry.id, reason: failure)
    }

    /// Reads every blob of the pack and returns every problem found (empty when the pack is sound).
    public func verify() -> [PackError] {
        let entries: [PackEntry]
        do {
            entries = try self.entries()
        } catch {
            return [error]
        }
        var problems: [PackError] = []
        for entry in entries {
            do {
                _ = try readBlob(entry)
            } catch {
                problems.append(error)
            }
        }
        return problems
    }

    private func parse(header: [UInt8], headerStart: UInt64) throws(PackError) -> [PackEntry] {
        guard header.count >= PackFormat.headerPrefixSize else {
            throw .damagedHeader(pack: packID, reason: "header of \(header.count) bytes")
        }
        guard header[0] == PackFormat.headerVersion else {
            throw .damagedHeader(pack: packID, reason: "header version \(header[0]) is not 1")
        }
        let count = Int(PackEntry.read(header[...], at: 1, count: 4))
        guard count <= PackFormat.maxEntries,
            header.count == PackFormat.headerPrefixSize + count * PackEntry.encodedSize
        else {
            throw .damagedHeader(pack: packID, reason: "header announces \(count) entries in \(header.count) bytes")
        }
        var entries: [PackEntry] = []
        entries.reserveCapacity(count)
        var end: UInt64 = 0
        for index in 0..<count {
            let start = PackFormat.headerPrefixSize + index * PackEntry.encodedSize
            let entry: PackEntry
            switch PackEntry.decode(header[start..<start + PackEntry.encodedSize]) {
            case .success(let decoded): entry = decoded
            case .failure(let problem): throw .damagedHeader(pack: packID, reason: "entry \(index): \(problem.reason)")
            }
            if let problem = entry.boundsProblem() {
                throw .blobUnreadable(pack: packID, blob: entry.id, reason: problem)
            }
            let (blobEnd, overflow) = entry.offset.addingReportingOverflow(UInt64(entry.length))
            guard entry.offset >= end, !overflow, blobEnd <= headerStart else {
                throw .blobUnreadable(
                    pack: packID, blob: entry.id,
                    reason: "recorded at \(entry.offset)+\(entry.length), overlapping or past the header")
            }
            end = blobEnd
            entries.append(entry)
        }
        return entries
    }

    private func storageCall<T>(_ body: () throws(StorageError) -> T) throws(PackError) -> T {
        do {
            return try body()
        } catch let .outOfRange(_, _, _, fileSize) {
            throw .damagedHeader(
                pack: packID, reason: "the pack has \(fileSize) bytes, shorter than its header says (truncated)")
        } catch .notFound {
            throw .damagedHeader(pack: packID, reason: "the pack file is missing")
        } catch {
            throw .storage(pack: packID, error)
        }
    }
}
