import CZstd
import Foundation

/// Zstandard compression through Debian's libzstd.
public enum ZstdCodec {
    /// Level 3: zstd's default, several hundred MB/s per core while compressing text well. Repository
    /// files (index, snapshots), and blobs of format versions 1 and 2.
    public static let defaultLevel: Int32 = 3
    /// Level 2: blobs from format version 3, where small files have a dictionary (decision 0086):
    /// a third less CPU than level 3 on text chunks for 1.5 % more bytes.
    public static let blobLevel: Int32 = 2

    /// Compresses `input` into one zstd frame that records its content size.
    public static func compress(_ input: Data, level: Int32 = defaultLevel) throws(CompressionError) -> Data {
        let result = input.withUnsafeBytes { bytes in compressFrame(bytes, level: level) }
        guard let output = result.output else { throw .zstd(result.failure ?? "compression failed") }
        return output
    }

    /// Compresses `input` into one zstd frame that records its content size.
    ///
    /// The compression context (a few MiB of tables for a 1 MiB chunk) comes from a small pool and
    /// goes back to it: creating one per call cost as much in page faults as compressing a small file.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = defaultLevel) throws(CompressionError)
        -> Data
    {
        let result = compressFrame(input, level: level)
        guard let output = result.output else { throw .zstd(result.failure ?? "compression failed") }
        return output
    }

    /// Compresses `input` into one frame in a reused buffer and passes the frame to `body`, when the
    /// frame is shorter than `limit` bytes; nil, without calling `body`, when it would not be (or
    /// zstd fails). Any frame passed decompresses to `input`; it is the one ``compress(_:level:)``
    /// makes unless it comes within a few bytes of `limit` (zstd needs a little room beyond the frame
    /// while writing, and near the end of the room may store a last block raw).
    ///
    /// For blobs, which are stored compressed only when that makes them smaller: no allocation
    /// and no page faults per blob, and an incompressible blob stops the moment its frame reaches
    /// the blob's own size, without writing its whole bound.
    static func withFrame<Result>(
        of input: UnsafeRawBufferPointer, shorterThan limit: Int, level: Int32 = defaultLevel,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result? {
        withCompressedFrame(of: input, shorterThan: limit, body) { context, output, capacity in
            ZSTD_compressCCtx(context, output, capacity, input.baseAddress, input.count, level)
        }
    }

    /// ``withFrame(of:shorterThan:level:_:)`` with the compressing call given (with or without a
    /// dictionary): `compress(context, output, capacity)` returns zstd's result.
    static func withCompressedFrame<Result>(
        of input: UnsafeRawBufferPointer, shorterThan limit: Int, _ body: (UnsafeRawBufferPointer) -> Result,
        compress: (OpaquePointer, UnsafeMutableRawPointer, Int) -> Int
    ) -> Result? {
        let capacity = min(limit - 1, ZSTD_compressBound(input.count))
        guard capacity > 0, let buffer = ZstdContextPool.shared.takeBuffer(capacity: capacity) else { return nil }
        defer { ZstdContextPool.shared.give(buffer: buffer) }
        guard let context = ZstdContextPool.shared.takeCompressor() else { return nil }
        let written = compress(context, buffer.pointer, capacity)
        ZstdContextPool.shared.give(compressor: context)
        guard ZSTD_isError(written) == 0, written < limit else { return nil }
        return body(UnsafeRawBufferPointer(start: buffer.pointer, count: written))
    }

    /// The frame, or why there is none.
    private static func compressFrame(
        _ input: UnsafeRawBufferPointer, level: Int32
    ) -> (output: Data?, failure: String?) {
        let bound = ZSTD_compressBound(input.count)
        // Uninitialised (Data(count:) would zero, and so touch, every page of the bound), then
        // shrunk to what was written: memory follows the compressed size, not the bound.
        guard let buffer = malloc(max(bound, 1)) else { return (nil, "out of memory") }
        guard let context = ZstdContextPool.shared.takeCompressor() else {
            free(buffer)
            return (nil, "out of memory")
        }
        let written = ZSTD_compressCCtx(context, buffer, bound, input.baseAddress, input.count, level)
        ZstdContextPool.shared.give(compressor: context)
        if ZSTD_isError(written) != 0 {
            free(buffer)
            return (nil, String(cString: ZSTD_getErrorName(written)))
        }
        return (Self.wrap(buffer, count: written), nil)
    }

    /// Decompresses one zstd frame that must expand to exactly `expectedSize` bytes.
    ///
    /// The output is allocated from `expectedSize` (which the caller bounds), never from the
    /// frame's own header, so a hostile frame cannot ask for a huge allocation.
    public static func decompress(_ input: Data, expectedSize: Int) throws(CompressionError) -> Data {
        try decompress(input, expectedSize: expectedSize) { context, output, input in
            ZSTD_decompressDCtx(context, output, expectedSize, input.baseAddress, input.count)
        }
    }

    /// ``decompress(_:expectedSize:)`` with the decompressing call given (with or without a
    /// dictionary): `call(context, output of expectedSize bytes, input)` returns zstd's result.
    static func decompress(
        _ input: Data, expectedSize: Int,
        call: (OpaquePointer, UnsafeMutableRawPointer, UnsafeRawBufferPointer) -> Int
    ) throws(CompressionError) -> Data {
        guard expectedSize >= 0 else { throw .sizeMismatch(expected: expectedSize, actual: 0) }
        let declared = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != UInt64(expectedSize) {
            if declared == ZSTD_CONTENTSIZE_ERROR { throw .zstd("not a zstd frame") }
            throw .sizeMismatch(expected: expectedSize, actual: Int(clamping: declared))
        }
        guard let buffer = malloc(max(expectedSize, 1)) else { throw .zstd("out of memory") }
        guard let context = ZstdContextPool.shared.takeDecompressor() else {
            free(buffer)
            throw .zstd("out of memory")
        }
        let written = input.withUnsafeBytes { call(context, buffer, $0) }
        ZstdContextPool.shared.give(decompressor: context)
        if ZSTD_isError(written) != 0 {
            free(buffer)
            throw .zstd(String(cString: ZSTD_getErrorName(written)))
        }
        guard written == expectedSize else {
            free(buffer)
            throw .sizeMismatch(expected: expectedSize, actual: written)
        }
        return Self.wrap(buffer, count: written)
    }

    /// A `Data` owning a malloc'ed buffer, shrunk to `count` bytes.
    private static func wrap(_ buffer: UnsafeMutableRawPointer, count: Int) -> Data {
        guard count > 0 else {
            free(buffer)
            return Data()
        }
        let shrunk = realloc(buffer, count) ?? buffer
        return Data(bytesNoCopy: shrunk, count: count, deallocator: .free)
    }
}

/// Compression and decompression contexts kept for reuse, a few of each (one per thread that
/// uses them at the same time, up to `limit`; more are created and freed as needed). A context
/// keeps no data between frames: `ZSTD_compressCCtx` and `ZSTD_decompressDCtx` start each frame
/// afresh, so reuse changes no output byte.
final class ZstdContextPool: @unchecked Sendable {
    static let shared = ZstdContextPool(limit: 8)

    private let lock = NSLock()
    private let limit: Int
    private var compressors: [OpaquePointer] = []
    private var decompressors: [OpaquePointer] = []
    private var buffers: [Buffer] = []

    /// Output room for ``ZstdCodec/withFrame(of:shorterThan:level:_:)``: only the pages a frame
    /// was written to are resident, so a kept buffer costs what the largest frame written into it did.
    struct Buffer {
        let pointer: UnsafeMutableRawPointer
        let capacity: Int
    }

    /// Buffers larger than this are freed when given back, not kept.
    static let largestKeptBuffer = 16 << 20

    init(limit: Int) {
        self.limit = limit
    }

    func takeCompressor() -> OpaquePointer? {
        lock.withLock { compressors.popLast() } ?? ZSTD_createCCtx()
    }

    func give(compressor: OpaquePointer) {
        let kept = lock.withLock {
            guard compressors.count < limit else { return false }
            compressors.append(compressor)
            return true
        }
        if !kept { ZSTD_freeCCtx(compressor) }
    }

    /// A buffer of at least `capacity` bytes, uninitialised.
    func takeBuffer(capacity: Int) -> Buffer? {
        let kept = lock.withLock { () -> Buffer? in
            guard let index = buffers.lastIndex(where: { $0.capacity >= capacity }) else { return nil }
            return buffers.remove(at: index)
        }
        if let kept { return kept }
        // Room for the largest blob: one allocation per thread, not one per blob. Pages are
        // touched only as frames are written.
        let size = max(capacity, 8 << 20)
        guard let pointer = malloc(size) else { return nil }
        return Buffer(pointer: pointer, capacity: size)
    }

    func give(buffer: Buffer) {
        let kept = lock.withLock {
            guard buffers.count < limit, buffer.capacity <= Self.largestKeptBuffer else { return false }
            buffers.append(buffer)
            return true
        }
        if !kept { free(buffer.pointer) }
    }

    func takeDecompressor() -> OpaquePointer? {
        lock.withLock { decompressors.popLast() } ?? ZSTD_createDCtx()
    }

    func give(decompressor: OpaquePointer) {
        let kept = lock.withLock {
            guard decompressors.count < limit else { return false }
            decompressors.append(decompressor)
            return true
        }
        if !kept { ZSTD_freeDCtx(decompressor) }
    }
}
