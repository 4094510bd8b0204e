import CZstd
import Foundation

/// Zstandard compression through Debian's libzstd.
public enum ZstdCodec {
    /// Level 3: zstd's default, several hundred MB/s per core while compressing text well.
    public static let defaultLevel: Int32 = 3

    /// Compresses `input` into one zstd frame that records its content size.
    public static func compress(_ input: Data, level: Int32 = defaultLevel) throws(CompressionError) -> Data {
        let bound = ZSTD_compressBound(input.count)
        // Uninitialised (Data(count:) would zero, and so touch, every page of the bound), then
        // shrunk to what was written: memory follows the compressed size, not the bound.
        guard let buffer = malloc(max(bound, 1)) else { throw .zstd("out of memory") }
        let written = input.withUnsafeBytes { inp in
            ZSTD_compress(buffer, bound, inp.baseAddress, inp.count, level)
        }
        if ZSTD_isError(written) != 0 {
            free(buffer)
            throw .zstd(String(cString: ZSTD_getErrorName(written)))
        }
        return Self.wrap(buffer, count: written)
    }

    /// Decompresses one zstd frame that must expand to exactly `expectedSize` bytes.
    ///
    /// The output is allocated from `expectedSize` (which the caller bounds), never from the
    /// frame's own header, so a hostile frame cannot ask for a huge allocation.
    public static func decompress(_ input: Data, expectedSize: Int) throws(CompressionError) -> Data {
        guard expectedSize >= 0 else { throw .sizeMismatch(expected: expectedSize, actual: 0) }
        let declared = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != UInt64(expectedSize) {
            if declared == ZSTD_CONTENTSIZE_ERROR { throw .zstd("not a zstd frame") }
            throw .sizeMismatch(expected: expectedSize, actual: Int(clamping: declared))
        }
        guard let buffer = malloc(max(expectedSize, 1)) else { throw .zstd("out of memory") }
        let written = input.withUnsafeBytes { inp in
            ZSTD_decompress(buffer, expectedSize, inp.baseAddress, inp.count)
        }
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
