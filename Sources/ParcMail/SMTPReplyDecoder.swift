import NIOCore

/// Cuts SMTP replies (RFC 5321 section 4.2) out of received bytes, with hard limits so a hostile or broken server
/// cannot make the client buffer without end.
struct SMTPReplyDecoder {
    /// Why the received bytes are not a valid reply.
    enum DecodingError: Error, Equatable {
        case lineTooLong(limit: Int)
        case tooManyLines(limit: Int)
        case malformedLine(String)
        case inconsistentCodes(first: Int, then: Int)
    }

    /// RFC 5321 allows 512 octets a reply line; real servers stay far below, so four times that is generous.
    var maximumLineLength = 2048
    /// EHLO replies list one extension a line; no real server comes near this.
    var maximumLinesPerReply = 100

    private var code: Int?
    private var lines: [String] = []

    /// Takes complete lines from `buffer` until a reply is complete (and returns it) or the buffer holds no complete
    /// line (and returns nil, leaving the partial line in the buffer).
    mutating func decodeReply(from buffer: inout ByteBuffer) throws(DecodingError) -> SMTPReply? {
        while true {
            let view = buffer.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.readableBytes > maximumLineLength {
                    throw .lineTooLong(limit: maximumLineLength)
                }
                return nil
            }
            let lineLength = newline - view.startIndex
            if lineLength + 1 > maximumLineLength {
                throw .lineTooLong(limit: maximumLineLength)
            }
            var bytes = buffer.readBytes(length: lineLength + 1) ?? []
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") {
                bytes.removeLast()
            }
            if let reply = try take(line: bytes) {
                return reply
            }
        }
    }

    private mutating func take(line bytes: [UInt8]) throws(DecodingError) -> SMTPReply? {
        let digits = bytes.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let lineCode = Int(String(decoding: digits, as: UTF8.self)), (200...599).contains(lineCode)
        else {
            throw .malformedLine(Self.printable(bytes.prefix(80)))
        }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .malformedLine(Self.printable(bytes.prefix(80)))
        }
        if let code, code != lineCode {
            throw .inconsistentCodes(first: code, then: lineCode)
        }
        code = lineCode
        lines.append(Self.printable(bytes.dropFirst(4)))
        if lines.count > maximumLinesPerReply {
            throw .tooManyLines(limit: maximumLinesPerReply)
        }
        guard separator == UInt8(ascii: " ") else {
            return nil
        }
        let reply = SMTPReply(code: lineCode, lines: lines)
        code = nil
        lines = []
        return reply
    }

    /// Decodes server text as UTF-8 with control characters replaced, so it is safe to log and show.
    static func printable(_ bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.value < 0x20 || scalar.value == 0x7F ? "\u{FFFD}" : scalar
                }
            )
        )
    }
}
