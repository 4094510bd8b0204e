import Crypto
import Foundation

/// Writes one pack straight to repository storage as blobs arrive, instead of holding it in
/// memory. ``BlobSaver`` places each blob under its lock (``reserve(_:)``: an offset and an entry,
/// no I/O, no hashing), then calls ``write(_:at:)`` outside the lock: the blob is copied into the
/// pack's temporary file at its offset, so that threads saving blobs at the same time write side
/// by side, then added to the pack's SHA-256 in pack order (each blob waits for the blobs placed
/// before it to be hashed; its bytes are still in the core's cache). ``finish()`` waits for every
/// placed blob, appends the header and trailer, and names the file by the hash.
///
/// Thread safety: ``reserve(_:)``, ``entries`` and ``byteCount`` under the saver's lock;
/// ``write(_:at:)`` from any thread; ``finish()`` and ``abandon()`` once no more blobs are placed
/// (the saver hands a full writer to a finisher queue), hence the unchecked Sendable.
final class PackStreamWriter: @unchecked Sendable {
    private let stream: any RepositoryFileStream
    private let key: RepositoryKey
    private(set) var entries: [PackEntry] = []
    /// Bytes of blobs placed so far.
    private(set) var byteCount = 0
    /// Guards what follows; broadcast whenever `hashed` moves.
    private let progress = NSCondition()
    /// Bytes placed so far, as seen under `progress` (``finish()`` waits until all are hashed).
    private var placed = 0
    /// The pack's bytes before this offset are in `hasher`.
    private var hashed = 0
    private var hasher = SHA256()
    private var writeFailure: StorageError?

    init(storage: any RepositoryStorage, key: RepositoryKey) throws(StorageError) {
        self.stream = try storage.stream(.pack)
        self.key = key
    }

    /// Places a blob sealed with this writer's key after the blobs placed before it and returns
    /// its offset. The caller must then call ``write(_:at:)`` with that offset, whatever happens:
    /// the blobs placed after it, and ``finish()``, wait for it.
    func reserve(_ blob: SealedBlob) -> Int {
        let offset = byteCount
        entries.append(
            PackEntry(
                type: blob.type, compression: blob.compression, offset: UInt64(offset),
                length: UInt32(blob.sealed.count), rawLength: blob.rawLength, id: blob.id))
        byteCount += blob.sealed.count
        progress.withLock { placed = byteCount }
        return offset
    }

    /// Writes a blob placed by ``reserve(_:)`` at its offset, then hashes it in pack order.
    func write(_ blob: SealedBlob, at offset: Int) throws(StorageError) {
        var failed: StorageError?
        do {
            try stream.write(blob.sealed, at: Int64(offset))
        } catch {
            failed = error
        }
        progress.lock()
        while hashed != offset { progress.wait() }
        // Only the thread whose blob comes next touches the hasher; the others wait above.
        progress.unlock()
        hasher.update(data: blob.sealed)
        progress.lock()
        hashed = offset + blob.sealed.count
        if let failed, writeFailure == nil { writeFailure = failed }
        progress.broadcast()
        progress.unlock()
        if let failed { throw failed }
    }

    /// Waits until every placed blob is written and hashed; the first write failure, if any.
    private func waitForWrites() -> StorageError? {
        progress.lock()
        defer { progress.unlock() }
        while hashed != placed { progress.wait() }
        return writeFailure
    }

    /// Writes the header and trailer and stores the pack under its ID (durably: see
    /// ``RepositoryFileStream/commit(name:)``); returns the ID and the entries for the index.
    func finish() throws(StorageError) -> (id: ObjectID, entries: [PackEntry]) {
        if let failure = waitForWrites() { throw failure }
        let trailer = PackWriter.trailer(entries: entries, key: key)
        try stream.write(trailer, at: Int64(byteCount))
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

    /// Drops the temporary file (after a failure), once the writes under way have ended.
    func abandon() {
        _ = waitForWrites()
        stream.abandon()
    }
}
