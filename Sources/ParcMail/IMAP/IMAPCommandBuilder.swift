import NIOCore

/// Builds a command's bytes, cutting them after each synchronising literal, where the client must wait for the
/// server's `+` before sending the literal (RFC 3501 section 7.5).
struct IMAPCommandBuilder {
    private(set) var segments: [[UInt8]] = [[]]

    init(tag: String, _ words: String) {
        append(tag + " " + words)
    }

    mutating func append(_ text: String) {
        segments[segments.count - 1].append(contentsOf: text.utf8)
    }

    /// Appends a string argument: quoted when it is printable ASCII, a literal otherwise (UTF-8 passwords).
    mutating func appendString(_ value: String) {
        let bytes = Array(value.utf8)
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            var quoted: [UInt8] = [UInt8(ascii: "\"")]
            for byte in bytes {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    quoted.append(UInt8(ascii: "\\"))
                }
                quoted.append(byte)
            }
            quoted.append(UInt8(ascii: "\""))
            segments[segments.count - 1].append(contentsOf: quoted)
        } else {
            appendLiteral(bytes)
        }
    }

    /// Appends a synchronising literal: `{n}` ends this segment, the bytes start the next.
    mutating func appendLiteral(_ bytes: [UInt8]) {
        append("{\(bytes.count)}\r\n")
        segments.append(bytes)
    }

    /// Starts a new segment that is sent only after the server's continuation request (a SASL response).
    mutating func appendAfterContinuation(_ text: String) {
        append("\r\n")
        segments.append(Array(text.utf8))
    }

    func buffers(allocator: ByteBufferAllocator) -> [ByteBuffer] {
        segments.enumerated().map { index, bytes in
            var buffer = allocator.buffer(capacity: bytes.count + 2)
            buffer.writeBytes(bytes)
            if index == segments.count - 1 {
                buffer.writeString("\r\n")
            }
            return buffer
        }
    }
}
