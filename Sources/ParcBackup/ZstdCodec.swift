import CZstd
import Foundation

/// Zstandard compression through Debian's libzstd.
public enum ZstdCodec {
    /// Level 3: zstd's default, several hundred MB/s per core while compressing text well.
    public static let defaultLevel: Int32 = 3

    /// Compresses `input` into one zstd frame that records its content size.
    public static func compress(_ input: Data, level: Int32 = defaultLevel) throws(CompressionError) -> Data {
        let bound = ZSTD_compressBound(input.count)
        var output = Data(count: bound)
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { inp in
                ZSTD_compress(out.baseAddress, bound, inp.baseAddress, inp.count, level)
            }
        }
        if ZSTD_isError(written) != 0 { throw .zstd(String(cString: ZSTD_getErrorName(written))) }
        output.count = written
        return output
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
        var output = Data(count: max(expectedSize, 1))
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { inp in
                ZSTD_decompress(out.baseAddress, expectedSize, inp.baseAddress, inp.count)
            }
        }
        if ZSTD_isError(written) != 0 { throw .zstd(String(cString: ZSTD_getErrorName(written))) }
        guard written == expectedSize else { throw .sizeMismatch(expected: expectedSize, actual: written) }
        output.count = written
        return output
    }
}
