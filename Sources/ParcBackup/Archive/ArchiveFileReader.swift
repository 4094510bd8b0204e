import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One worker's reader: opens a regular file, reads it in large pieces into a buffer it reuses,
/// cuts it into chunks, hashes them (and, in a format 1 repository, the whole content), and saves
/// the blobs the repository lacks. Holes are not read: they become zero chunks. Not shared
/// between threads.
final class ArchiveFileReader {
    /// What was read of one file.
    struct Content {
        var blobs: [ObjectID]
        /// Nil for a file of several blobs in a repository of format 2 and later.
        var sha256: ObjectID?
        var sparse: Bool
        var bytesRead: UInt64
    }

    /// Why reading stopped.
    enum Failure: Error {
        /// The file is not the size it was when opened (it shrank, or the kind changed).
        case changed
        case system(ArchiveSystemError)
        case stopped
        case repository(RepositoryError)
    }

    /// A part of a file: data to read, or a hole to record as zeros.
    struct Extent: Equatable {
        var start: UInt64
        var end: UInt64
        var isHole: Bool
    }

    private let run: ArchiveRun
    private let chunker: ContentDefinedChunker
    private let minSize: Int
    private let maxSize: Int
    private let buffer: UnsafeMutableRawBufferPointer

    init(run: ArchiveRun) {
        self.run = run
        self.chunker = run.chunker
        self.minSize = run.chunker.parameters.minSize
        self.maxSize = run.chunker.parameters.maxSize
        // One and a half max chunks: each refill moves at most one unfinished chunk back (cheap next
        // to hashing), and two workers keep 8 MiB less resident than with two max chunks each.
        self.buffer = .allocate(byteCount: max(maxSize + maxSize / 2, 1 << 20), alignment: 64)
    }

    deinit {
        buffer.deallocate()
    }

    // MARK: - One file

    /// Reads `job`'s file and returns its node, or nil to leave it out of the snapshot (it
    /// vanished, could not be read, or changed twice while read with no earlier version to keep).
    func archive(_ job: ArchiveFileJob) -> Node? {
        run.setCurrentPath(job.path)
        var readBefore = false
        for attempt in 1...2 {
            if run.isStopping { return nil }
            let descriptor: Int32
            do {
                descriptor = try run.openFile(job.path)
            } catch {
                // Deleted since it was listed: nothing to save, nothing lost.
                if error.code == ENOENT { return nil }
                run.report(.unreadable, path: job.path, message: error.message)
                return nil
            }
            defer { close(descriptor) }
            let before: ArchiveFileStatus
            do {
                before = try ArchiveFileSystem.status(descriptor: descriptor)
            } catch {
                run.report(.unreadable, path: job.path, message: error.message)
                return nil
            }
            // Replaced by another kind of entry since it was listed: look again.
            guard before.nodeType == .file else { continue }
            let content: Content
            do {
                content = try read(descriptor: descriptor, status: before)
            } catch {
                switch error {
                case .changed:
                    continue
                case .system(let error):
                    run.report(.unreadable, path: job.path, message: error.message)
                    return nil
                case .stopped:
                    return nil
                case .repository(let error):
                    run.fail(.wrapping(error))
                    return nil
                }
            }
            run.contentRead(bytes: content.bytesRead, firstRead: !readBefore)
            readBefore = true
            run.hooks.afterFileRead?(job.path, attempt)
            guard let after = try? ArchiveFileSystem.status(descriptor: descriptor), before.isSameVersion(as: after)
            else { continue }
            var xattrs: [ExtendedAttribute]?
            do {
                xattrs = try ArchiveFileSystem.extendedAttributes(descriptor: descriptor)
            } catch {
                run.report(.attributesUnreadable, path: job.path, message: error.message)
            }
            var node = before.node(name: job.name, type: .file, owners: run.owners, xattrs: xattrs)
            node.content = content.blobs.isEmpty ? nil : content.blobs
            node.contentSHA256 = content.sha256
            node.sparse = content.sparse ? true : nil
            return node
        }
        // Changed during both reads: never store a torn mix of two versions.
        if let base = job.base, base.type == .file, base.hasContentCheck, run.hasContent(of: base) {
            run.report(
                .changedWhileRead, path: job.path,
                message: "changed while being read, twice; this snapshot keeps the version of the previous "
                    + "snapshot, and the next run reads it again")
            return base
        }
        run.report(
            .changedWhileRead, path: job.path,
            message: "changed while being read, twice; it is left out of this snapshot, and the next run reads it "
                + "again")
        return nil
    }

    // MARK: - Content

    /// Reads the content of the open file described by `status`.
    func read(descriptor: Int32, status: ArchiveFileStatus) throws(Failure) -> Content {
        let size = status.size
        if size <= UInt64(minSize) { return try readSmall(descriptor: descriptor, size: Int(size)) }
        var ranges = [Extent(start: 0, end: size, isHole: false)]
        var sparse = false
        // A file with fewer allocated bytes than its size may have holes: ask where its data is.
        if status.allocatedBytes < size {
            let found = Self.ranges(descriptor: descriptor, size: size, minimumHole: UInt64(maxSize))
            ranges = found.ranges
            sparse = found.hadHoles
        }
        // Format 1 records the whole file's SHA-256; later formats check files by their blobs.
        let hashWhole = run.repository.config.recordsWholeFileHash
        var hasher = SHA256()
        var blobs: [ObjectID] = []
        blobs.reserveCapacity(Int(min(size / UInt64(chunker.parameters.averageSize), 1 << 20)) + 1)
        var bytesRead: UInt64 = 0
        let wholeFile = ranges.count == 1 && !ranges[0].isHole
        for range in ranges {
            if range.isHole {
                try appendHole(length: range.end - range.start, blobs: &blobs, hasher: &hasher, hashWhole: hashWhole)
            } else {
                bytesRead += try chunk(
                    descriptor: descriptor, range: range, blobs: &blobs, hasher: &hasher, hashWhole: hashWhole,
                    wholeFile: wholeFile)
            }
        }
        // A file of one blob has that blob's ID as its hash: not hashed twice (chunk() skips it).
        let sha256: ObjectID? = blobs.count == 1 ? blobs[0] : hashWhole ? ObjectID(digest: hasher.finalize()) : nil
        return Content(blobs: blobs, sha256: sha256, sparse: sparse, bytesRead: bytesRead)
    }

    /// A file of at most the minimum chunk size is one chunk: read straight into the blob's
    /// buffer, whose hash is also the content hash.
    private func readSmall(descriptor: Int32, size: Int) throws(Failure) -> Content {
        // Uninitialised: the read fills it (Data(count:) would zero it first).
        var data = size == 0 ? Data() : Data(bytesNoCopy: malloc(size)!, count: size, deallocator: .free)
        var done = 0
        var failure: Int32 = 0
        var shortRead = false
        data.withUnsafeMutableBytes { bytes in
            while done < size {
                let count = pread(descriptor, bytes.baseAddress! + done, size - done, off_t(done))
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if count == 0 {
                    shortRead = true
                    return
                }
                done += count
            }
        }
        if failure != 0 { throw .system(ArchiveSystemError(operation: "read", code: failure)) }
        if shortRead { throw .changed }
        let id = ObjectID(digest: SHA256.hash(data: data))
        if size > 0, !run.saver.has(BlobHandle(id: id, type: .data)) {
            do {
                try run.saver.save(data, type: .data, id: id)
            } catch {
                throw .repository(error)
            }
        }
        return Content(blobs: size > 0 ? [id] : [], sha256: id, sparse: false, bytesRead: UInt64(size))
    }

    /// Reads `range` in large pieces and cuts it into chunks; returns the bytes read. With
    /// `hashWhole`, `hasher` gets the bytes too, unless the range is the `wholeFile` and makes one
    /// chunk (whose ID is then the file's hash).
    private func chunk(
        descriptor: Int32, range: Extent, blobs: inout [ObjectID], hasher: inout SHA256, hashWhole: Bool,
        wholeFile: Bool
    ) throws(Failure) -> UInt64 {
        let base = buffer.baseAddress!
        let capacity = buffer.count
        var filled = 0
        var position = range.start
        while true {
            if run.isStopping { throw .stopped }
            while filled < capacity && position < range.end {
                let wanted = Int(min(UInt64(capacity - filled), range.end - position))
                let count = pread(descriptor, base + filled, wanted, off_t(position))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw .system(.current("read"))
                }
                // The file is shorter than it was when opened.
                if count == 0 { throw .changed }
                filled += count
                position += UInt64(count)
            }
            let atEnd = position == range.end
            var offset = 0
            // Every chunk whose end the buffer shows is cut; only the last, unfinished one moves
            // to the front before the next read.
            while offset < filled {
                let rest = UnsafeBufferPointer(start: base.advanced(by: offset).assumingMemoryBound(to: UInt8.self),
                                               count: filled - offset)
                guard let length = chunker.decidedCutPoint(in: rest, isEndOfInput: atEnd) else { break }
                let piece = UnsafeRawBufferPointer(start: base + offset, count: length)
                if hashWhole && !(wholeFile && blobs.isEmpty && atEnd && offset == 0 && length == filled) {
                    hasher.update(data: piece)
                }
                let id = ObjectID(digest: SHA256.hash(data: piece))
                try store(piece, id: id)
                blobs.append(id)
                offset += length
            }
            if atEnd { return range.end - range.start }
            if offset > 0 {
                memmove(base, base + offset, filled - offset)
                filled -= offset
            }
        }
    }

    /// Saves a chunk the repository lacks: hands it to an idle worker when the queue has room
    /// (so one big file keeps two cores busy), else seals it here.
    private func store(_ piece: UnsafeRawBufferPointer, id: ObjectID) throws(Failure) {
        if run.saver.has(BlobHandle(id: id, type: .data)) { return }
        if run.queue.reserveSave(byteCount: piece.count) {
            // Copied: the buffer is refilled before the other worker gets to it.
            run.queue.pushReservedSave(Data(bytes: piece.baseAddress!, count: piece.count), id: id)
            return
        }
        // Sealed from the read buffer itself: no copy.
        do {
            try run.saver.save(bytes: piece, type: .data, id: id)
        } catch {
            throw .repository(error)
        }
    }

    /// Records a hole as zero chunks of the maximum size (one blob, deduplicated) and a
    /// shorter last one, and (`hashWhole`) hashes its zeros into the content hash without reading it.
    private func appendHole(
        length: UInt64, blobs: inout [ObjectID], hasher: inout SHA256, hashWhole: Bool
    ) throws(Failure) {
        var remaining = length
        while remaining > 0 {
            if run.isStopping { throw .stopped }
            let piece = Int(min(remaining, UInt64(maxSize)))
            do {
                blobs.append(try run.zeroBlob(length: piece))
            } catch {
                throw .repository(error)
            }
            var hashed = hashWhole ? 0 : piece
            while hashed < piece {
                let count = min(piece - hashed, run.zeros.count)
                hasher.update(data: UnsafeRawBufferPointer(rebasing: run.zeros[0..<count]))
                hashed += count
            }
            remaining -= UInt64(piece)
        }
    }

    // MARK: - Holes

    #if canImport(Darwin)
        private static let seekData = SEEK_DATA
        private static let seekHole = SEEK_HOLE
    #else
        // <unistd.h> defines them only for _GNU_SOURCE, which Swift's Glibc module does not set.
        private static let seekData: Int32 = 3
        private static let seekHole: Int32 = 4
    #endif

    /// The data and hole ranges of an open file of `size` bytes (`SEEK_DATA`/`SEEK_HOLE`).
    /// Holes shorter than `minimumHole` are read as data (zeros) so that chunks keep their
    /// usual sizes. A file system without hole support gives one data range.
    static func ranges(descriptor: Int32, size: UInt64, minimumHole: UInt64) -> (ranges: [Extent], hadHoles: Bool) {
        var ranges: [Extent] = []
        var hadHoles = false
        func add(_ start: UInt64, _ end: UInt64, hole: Bool) {
            guard end > start else { return }
            if hole { hadHoles = true }
            let isHole = hole && end - start >= minimumHole
            if let last = ranges.last, !last.isHole, !isHole {
                ranges[ranges.count - 1].end = end
            } else {
                ranges.append(Extent(start: start, end: end, isHole: isHole))
            }
        }
        var position: UInt64 = 0
        while position < size {
            let data = lseek(descriptor, off_t(position), seekData)
            if data < 0 {
                // ENXIO: no data after `position`, the rest is a hole; anything else: no support.
                add(position, size, hole: errno == ENXIO)
                break
            }
            let dataStart = min(UInt64(data), size)
            add(position, dataStart, hole: true)
            if dataStart >= size { break }
            let hole = lseek(descriptor, off_t(dataStart), seekHole)
            var dataEnd = hole < 0 ? size : min(UInt64(hole), size)
            if dataEnd <= dataStart { dataEnd = size }
            add(dataStart, dataEnd, hole: false)
            position = dataEnd
        }
        return (ranges, hadHoles)
    }
}
