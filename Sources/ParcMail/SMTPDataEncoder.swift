import NIOCore

/// Prepares message bytes for the SMTP DATA phase (RFC 5321 section 4.5.2).
enum SMTPDataEncoder {
    /// Returns `message` with CRLF line endings, a '.' doubled at the start of every line (dot-stuffing, so a line
    /// holding a single '.' cannot end the data early) and the terminating `CRLF.CRLF`.
    static func encode(_ message: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let dot = UInt8(ascii: ".")
        var buffer = allocator.buffer(capacity: message.count + message.count / 64 + 8)
        var atLineStart = true
        var index = message.startIndex
        while index < message.endIndex {
            let byte = message[index]
            if byte == cr || byte == lf {
                // CRLF, bare CR and bare LF all become CRLF: a bare one would be read differently by each server.
                buffer.writeBytes([cr, lf])
                if byte == cr, index + 1 < message.endIndex, message[index + 1] == lf {
                    index += 1
                }
                atLineStart = true
            } else {
                if atLineStart && byte == dot {
                    buffer.writeInteger(dot)
                }
                buffer.writeInteger(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart {
            buffer.writeBytes([cr, lf])
        }
        buffer.writeBytes([dot, cr, lf])
        return buffer
    }
}
