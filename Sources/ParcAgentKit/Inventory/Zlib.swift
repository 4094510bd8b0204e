import CZlib
import Foundation

/// zlib streams (RFC 1950) through the system's libz: how the agent sends inventories
/// (`Content-Type: application/x-compress-zlib`, as glpi-agent and FusionInventory do). Foundation on Linux has no
/// compression API (decision 0024).
public enum Zlib {
    /// `data` compressed at zlib's default level (6: a 110 KiB inventory becomes about 15 KiB in a couple of
    /// milliseconds).
    public static func compress(_ data: Data) -> Data {
        var capacity = compressBound(uLong(data.count))
        var output = Data(count: Int(capacity))
        let status = output.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) -> Int32 in
            data.withUnsafeBytes { (source: UnsafeRawBufferPointer) -> Int32 in
                compress2(
                    target.baseAddress!.assumingMemoryBound(to: Bytef.self), &capacity,
                    source.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(data.count), Z_DEFAULT_COMPRESSION)
            }
        }
        // compressBound is zlib's own promise of enough room, and the input is in memory: only a broken libz fails.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.count = Int(capacity)
        return output
    }

    /// A zlib stream inflated, at most `limit` bytes; nil when it is not zlib, is damaged, or inflates beyond.
    public static func decompress(_ data: Data, limit: Int) -> Data? {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = [UInt8](data)
        return input.withUnsafeMutableBufferPointer { source -> Data? in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { target -> Int32 in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                guard output.count <= limit else { return nil }
                if status == Z_STREAM_END { return output }
                guard status == Z_OK, produced > 0 || stream.avail_in > 0 else { return nil }
            }
        }
    }
}
