import Foundation

/// Adds blobs to a repository from several threads at once: deduplicates against the index and
/// against blobs saved during the run, seals (compresses and encrypts) outside any lock, places
/// each blob in a pack of about 8 MiB under the lock (data and trees in separate packs) and writes
/// and hashes it outside the lock (``PackStreamWriter``), finishes each full pack on a finisher
/// queue, then writes an index file every 50 000 blobs and at ``flush()`` (format §10: packs, then
/// the index naming them; the snapshot comes last).
public final class BlobSaver: @unchecked Sendable {
    /// What ``save(_:type:)`` did.
    public struct Result: Sendable, Hashable {
        /// The blob's ID.
        public let id: ObjectID
        /// Whether this call added it (false: the repository or this run had it already).
        public let isNew: Bool
        /// Bytes written for it to the pack (0 when not new).
        public let storedLength: Int
    }

    /// Totals of the blobs this saver added.
    public struct Totals: Sendable, Hashable {
        public var blobs = 0
        public var rawBytes: UInt64 = 0
        public var storedBytes: UInt64 = 0
        public var packs = 0
        public var indexFiles = 0
    }

    private let repository: Repository
    /// The repository's compressor, made once (it holds the dictionary's tables).
    private let compressor: BlobCompressor
    private let packTargetSize: Int
    private let blobsPerIndexFile: Int
    private let lock = NSLock()
    /// Full packs are finished (trailer, `fsync`, link, index) on these queues, taken in turn, so
    /// the threads that read and seal never wait for the disk, and two packs' `fsync`s overlap
    /// (one slow flush does not hold up every pack behind it).
    private let finishers = (0..<2).map { DispatchQueue(label: "parc.backup.pack-finisher-\($0)") }
    private var packsHandedOver = 0
    private let finishing = DispatchGroup()
    private var known: BlobIndex
    private var pending: Set<BlobHandle> = []
    /// The packs in progress. Trees go to packs of their own, so they load fast and damage to file
    /// content never takes a directory listing with it. Data blobs go to one pack per saving
    /// thread (a lane): two threads writing into one file take turns on its inode lock, and the
    /// waiting one spins, burning CPU for as long as the other's copy into the page cache lasts.
    /// Each streams its pack to a temporary file, so packs never sit in memory.
    private var writers: [PackSlot: PackStreamWriter] = [:]
    /// The lane of each thread that saved a data blob.
    private var lanes: [ObjectIdentifier: Int] = [:]
    private var unindexed = BlobIndex()
    private var unindexedCount = 0
    private var totals = Totals()
    private var failure: RepositoryError?

    /// A saver adding to `repository`, whose current index is `index`.
    public init(
        repository: Repository, index: BlobIndex, packTargetSize: Int = 8 * 1024 * 1024,
        blobsPerIndexFile: Int = 50_000
    ) {
        self.repository = repository
        self.compressor = repository.blobCompressor
        self.known = index
        self.packTargetSize = packTargetSize
        self.blobsPerIndexFile = blobsPerIndexFile
    }

    /// The index as it stands: the repository's, plus every blob this saver wrote to a pack.
    public var index: BlobIndex {
        lock.withLock { known }
    }

    /// What this saver added so far.
    public var added: Totals {
        lock.withLock { totals }
    }

    /// Whether the repository (or this run) holds the blob already.
    public func has(_ handle: BlobHandle) -> Bool {
        lock.withLock { known.contains(handle) || pending.contains(handle) }
    }

    /// Stores `plaintext` as a blob unless the repository has it; `id` is its SHA-256 if known.
    @discardableResult
    public func save(_ plaintext: Data, type: BlobType, id: ObjectID? = nil) throws(RepositoryError) -> Result {
        let id = id ?? ObjectID.hash(plaintext)
        let key = repository.key
        return try save(id: id, type: type) { () throws(PackError) -> SealedBlob in
            try PackWriter.seal(plaintext, type: type, id: id, key: key, compressor: compressor)
        }
    }

    /// Stores the bytes of `plaintext`, whose SHA-256 is `id`, unless the repository has them;
    /// reads them only during the call (no copy is kept).
    @discardableResult
    func save(bytes plaintext: UnsafeRawBufferPointer, type: BlobType, id: ObjectID) throws(RepositoryError) -> Result {
        let key = repository.key
        return try save(id: id, type: type) { () throws(PackError) -> SealedBlob in
            try PackWriter.seal(bytes: plaintext, type: type, id: id, key: key, compressor: compressor)
        }
    }

    private func save(
        id: ObjectID, type: BlobType, seal: () throws(PackError) -> SealedBlob
    ) throws(RepositoryError) -> Result {
        let handle = BlobHandle(id: id, type: type)
        let isNew: Bool = lock.withLock {
            if known.contains(handle) || pending.contains(handle) { return false }
            pending.insert(handle)
            return true
        }
        guard isNew else { return Result(id: id, isNew: false, storedLength: 0) }
        let sealed: SealedBlob
        do {
            sealed = try seal()
        } catch {
            _ = lock.withLock { pending.remove(handle) }
            throw .pack(error)
        }
        lock.lock()
        if let failure {
            lock.unlock()
            throw failure
        }
        let writer: PackStreamWriter
        let slot = PackSlot(type: type, lane: type == .data ? lane() : 0)
        do throws(StorageError) {
            if let current = writers[slot] {
                writer = current
            } else {
                writer = try PackStreamWriter(storage: repository.storage, key: repository.key)
                writers[slot] = writer
            }
        } catch {
            let failed = RepositoryError.storage(error)
            failure = failure ?? failed
            lock.unlock()
            throw failed
        }
        // Only its place in the pack is decided under the lock; the copy into the pack's file
        // and the pack's hash happen outside it.
        let offset = writer.reserve(sealed)
        totals.blobs += 1
        totals.rawBytes += UInt64(sealed.rawLength)
        totals.storedBytes += UInt64(sealed.sealed.count)
        var full: (pack: PackStreamWriter, finisher: DispatchQueue)?
        if writer.byteCount >= packTargetSize {
            full = (writer, finishers[packsHandedOver % finishers.count])
            writers[slot] = nil
            packsHandedOver += 1
        }
        lock.unlock()
        do {
            try writer.write(sealed, at: offset)
        } catch {
            let failed = RepositoryError.storage(error)
            lock.withLock { failure = failure ?? failed }
            // The pack is finished anyway (below, or by whoever fills it): its finisher sees the
            // failure and drops it.
            if let full { hand(full.pack, to: full.finisher) }
            throw failed
        }
        if let full { hand(full.pack, to: full.finisher) }
        return Result(id: id, isNew: true, storedLength: sealed.sealed.count)
    }

    /// The calling thread's lane (under the lock): threads get lanes 0, 1, 2… in the order they
    /// first save a data blob.
    private func lane() -> Int {
        let thread = ObjectIdentifier(Thread.current)
        if let lane = lanes[thread] { return lane }
        let lane = lanes.count
        lanes[thread] = lane
        return lane
    }

    /// Finishes a full pack on `queue`.
    private func hand(_ full: PackStreamWriter, to queue: DispatchQueue) {
        finishing.enter()
        queue.async { [self] in
            defer { finishing.leave() }
            // A failure is recorded in `failure`: the next save or flush reports it.
            try? finish(full)
        }
    }

    /// Writes the partly filled pack and an index file for every blob not yet indexed. Call once
    /// the run has saved everything, before writing the snapshot.
    public func flush() throws(RepositoryError) {
        lock.lock()
        if let failure {
            lock.unlock()
            // The packs already handed over are finished (stored or dropped) before the failure is reported, so
            // that the repository is settled when this returns.
            finishing.wait()
            throw failure
        }
        let last = writers.sorted { $0.key < $1.key }.map(\.value).filter { !$0.entries.isEmpty }
        writers = [:]
        lock.unlock()
        finishing.wait()
        if let failure = lock.withLock({ self.failure }) { throw failure }
        // The last packs are flushed to disk side by side.
        for (number, pack) in last.enumerated() { hand(pack, to: finishers[number % finishers.count]) }
        finishing.wait()
        if let failure = lock.withLock({ self.failure }) { throw failure }
        try writeIndex(force: true)
    }

    /// Drops the packs in progress (their temporary files) after a failure or a stop, when
    /// ``flush()`` will not be called.
    public func abandon() {
        finishing.wait()
        let open = lock.withLock {
            defer { writers = [:] }
            return Array(writers.values)
        }
        for writer in open { writer.abandon() }
    }

    private func finish(_ pack: PackStreamWriter) throws(RepositoryError) {
        let saved: (id: ObjectID, entries: [PackEntry])
        do {
            saved = try pack.finish()
        } catch {
            pack.abandon()
            let failed = RepositoryError.storage(error)
            lock.withLock { failure = failure ?? failed }
            throw failed
        }
        lock.withLock {
            known.add(pack: saved.id, entries: saved.entries)
            unindexed.add(pack: saved.id, entries: saved.entries)
            unindexedCount += saved.entries.count
            for entry in saved.entries { pending.remove(BlobHandle(id: entry.id, type: entry.type)) }
            totals.packs += 1
        }
        try writeIndex(force: false)
    }

    private func writeIndex(force: Bool) throws(RepositoryError) {
        let batch: BlobIndex? = lock.withLock {
            guard unindexedCount > 0, force || unindexedCount >= blobsPerIndexFile else { return nil }
            defer {
                unindexed = BlobIndex()
                unindexedCount = 0
            }
            return unindexed
        }
        guard let batch else { return }
        do {
            try repository.save(index: batch.indexFile())
        } catch {
            lock.withLock { failure = failure ?? error }
            throw error
        }
        lock.withLock { totals.indexFiles += 1 }
    }
}

/// Which pack in progress a blob goes to: its type, and for data blobs the saving thread's lane.
private struct PackSlot: Hashable, Comparable {
    let type: BlobType
    let lane: Int

    static func < (lhs: PackSlot, rhs: PackSlot) -> Bool {
        (lhs.type.rawValue, lhs.lane) < (rhs.type.rawValue, rhs.lane)
    }
}
