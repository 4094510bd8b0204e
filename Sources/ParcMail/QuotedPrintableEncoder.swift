/// Quoted-printable content transfer encoding (RFC 2045 section 6.7) for text bodies.
enum QuotedPrintableEncoder {
    /// RFC 2045: encoded lines are at most 76 characters, the soft line break's '=' included.
    static let maximumLineLength = 76

    /// Encodes the lines of a text (without their line breaks) and returns CRLF-separated output with a final CRLF.
    static func encode(lines: [[UInt8]]) -> String {
        var output = ""
        for line in lines {
            var current = ""
            for (index, byte) in line.enumerated() {
                let isLast = index == line.count - 1
                let piece: String
                switch byte {
                case 0x21...0x3C, 0x3E...0x7E:
                    piece = String(Unicode.Scalar(byte))
                // Trailing whitespace is encoded because transports may strip it.
                case 0x20 where !isLast, 0x09 where !isLast:
                    piece = String(Unicode.Scalar(byte))
                default:
                    piece = "=" + EncodedWordEncoder.hex(byte)
                }
                // Leave room for the '=' of a soft break, unless this is the line's last piece.
                let limit = isLast ? maximumLineLength : maximumLineLength - 1
                if current.utf8.count + piece.utf8.count > limit {
                    output += current + "=\r\n"
                    current = ""
                }
                current += piece
            }
            output += current + "\r\n"
        }
        return output
    }
}
