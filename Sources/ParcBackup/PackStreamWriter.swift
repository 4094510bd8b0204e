import Crypto
import Foundation

/// Writes one pack straight to repository storage as blobs arrive, instead of holding it in
/// memory: the blobs go to a temporary file while their SHA-256 runs, and ``finish()`` appends the
/// header and trailer, then names the file by that hash. Not thread-safe: ``BlobSaver`` calls it
/// under its lock, and hands a full writer, which no other thread then touches, to its finisher
/// queue for ``finish()`` (hence the unchecked Sendable).
final class PackStreamWriter: @unchecked Sendable {
    private let stream: any RepositoryFileStream
    private let key: RepositoryKey
    private var hasher = SHA256()
    private(set) var entries: [PackEntry] = []
    /// Bytes of blobs written so far.
    private(set) var byteCount = 0

    init(storage: any RepositoryStorage, key: RepositoryKey) throws(StorageError) {
        self.stream = try storage.stream(.pack)
        self.key = key
    }

    /// Appends a blob sealed with this writer's key.
    func append(_ blob: SealedBlob) throws(StorageError) {
        try stream.append(blob.sealed)
        hasher.update(data: blob.sealed)
        entries.append(
            PackEntry(
                type: blob.type, compression: blob.compression, offset: UInt64(byteCount),
                length: UInt32(blob.sealed.count), rawLength: blob.rawLength, id: blob.id))
        byteCount += blob.sealed.count
    }

    /// Writes the header and trailer and stores the pack under its ID (durably: see
    /// ``RepositoryFileStream/commit(name:)``); returns the ID and the entries for the index.
    func finish() throws(StorageError) -> (id: ObjectID, entries: [PackEntry]) {
        let trailer = PackWriter.trailer(entries: entries, key: key)
        try stream.append(trailer)
        hasher.update(data: trailer)
        let id = ObjectID(digest: hasher.finalize())
        do {
            try stream.commit(name: id.hex)
        } catch .alreadyExists {
            // The same bytes are stored already (content-addressed): nothing to add.
            stream.abandon()
        }
        return (id, entries)
    }

    /// Drops the temporary file (after a failure).
    func abandon() {
        stream.abandon()
    }
}
