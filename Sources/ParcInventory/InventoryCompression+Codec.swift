import CZlib
import Foundation

extension InventoryCompression {
    /// Inflates `data`, stopping as soon as the output would pass `limit` bytes: a decompression bomb (a few
    /// kilobytes that inflate to gigabytes) costs at most `limit` bytes of memory and ends in
    /// ``InventoryFormatError/tooLarge(bytes:limit:)``. `.none` returns the data as is (after the same size check).
    public func decompress(_ data: Data, limit: Int) throws(InventoryFormatError) -> Data {
        switch self {
        case .none:
            guard data.count <= limit else { throw .tooLarge(bytes: data.count, limit: limit) }
            return data
        case .zlib: return try Self.inflate(data, windowBits: MAX_WBITS, limit: limit, name: "zlib")
        case .gzip: return try Self.inflate(data, windowBits: MAX_WBITS + 16, limit: limit, name: "gzip")
        case .deflate: return try Self.inflate(data, windowBits: -MAX_WBITS, limit: limit, name: "deflate")
        }
    }

    /// Compresses `data` this way (`.deflate` and `.none` as their names say), at zlib's default level.
    public func compress(_ data: Data) -> Data {
        switch self {
        case .none: return data
        case .zlib: return Self.deflate(data, windowBits: MAX_WBITS)
        case .gzip: return Self.deflate(data, windowBits: MAX_WBITS + 16)
        case .deflate: return Self.deflate(data, windowBits: -MAX_WBITS)
        }
    }

    private static func inflate(_ data: Data, windowBits: Int32, limit: Int, name: String)
        throws(InventoryFormatError) -> Data
    {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corruptCompression(compression: name, detail: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 64 << 10
        var buffer = [UInt8](repeating: 0, count: chunk)
        var input = [UInt8](data)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            repeat {
                buffer.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_out = outputBuffer.baseAddress
                    stream.avail_out = uInt(chunk)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(outputBuffer.baseAddress!, count: chunk - Int(stream.avail_out))
                }
            } while status == Z_OK && output.count <= limit && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        if output.count > limit { throw .tooLarge(bytes: output.count, limit: limit) }
        switch status {
        case Z_STREAM_END: return output
        case Z_OK, Z_BUF_ERROR: throw .corruptCompression(compression: name, detail: "the stream ends too early")
        default:
            let reason = stream.msg.map { String(cString: $0) } ?? "code \(status)"
            throw .corruptCompression(compression: name, detail: reason)
        }
    }

    private static func deflate(_ data: Data, windowBits: Int32) -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { preconditionFailure("zlib deflateInit2 failed: out of memory") }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let written: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                let status = CZlib.deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflateBound is an upper bound; Z_FINISH must end the stream")
                return outputBuffer.count - Int(stream.avail_out)
            }
        }
        return Data(output[..<written])
    }
}
