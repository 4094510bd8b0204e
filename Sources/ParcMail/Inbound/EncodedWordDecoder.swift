/// Decodes RFC 2047 encoded-words (`=?charset?B|Q?text?=`) in header text such as a Subject or a display name.
///
/// Whitespace between two adjacent encoded-words is dropped (RFC 2047 section 6.2), and adjacent words in the same
/// charset are decoded together, so a multi-byte character split across two words by a careless sender still reads
/// correctly. Leniencies the major clients share: words embedded in other text (`Re:=?utf-8?q?…?=`), lowercase
/// `b`/`q`, a language suffix on the charset (RFC 2231, `utf-8*fr`), malformed base64. A word in an unknown charset
/// is decoded with non-ASCII characters replaced by U+FFFD. Runs in one pass over the text.
public enum EncodedWordDecoder {
    /// `text` with its encoded-words decoded, made one clean line: control characters (CR and LF included, which a
    /// hostile `=0D=0A` could otherwise smuggle into a ticket title or a reply header) become spaces, runs of spaces
    /// collapse to one, and the ends are trimmed.
    public static func decode(_ text: String) -> String {
        InboundText.singleLine(decodePreservingSpaces(text))
    }

    private static let longestCharset = 64

    /// The decoded text with its whitespace as it was.
    static func decodePreservingSpaces(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count > 1, bytes.contains(UInt8(ascii: "?")) else {
            return text
        }
        var output = ""
        var literalStart = 0
        var pendingCharset: String?
        var pendingBytes: [UInt8] = []
        // Where the last payload scan stopped, so overlapping candidates never rescan the same bytes.
        var scanCache: (stop: Int, foundEnd: Bool)?

        func flushPending() {
            if let charset = pendingCharset {
                output += MailCharset.decode(pendingBytes, charset: charset).text
            }
            pendingCharset = nil
            pendingBytes = []
        }

        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?") else {
                index += 1
                continue
            }
            // charset
            var cursor = index + 2
            while cursor < bytes.count, cursor - index - 2 <= longestCharset, isCharsetByte(bytes[cursor]) {
                cursor += 1
            }
            guard cursor > index + 2, cursor + 2 < bytes.count, bytes[cursor] == UInt8(ascii: "?"),
                bytes[cursor + 2] == UInt8(ascii: "?")
            else {
                index += 1
                continue
            }
            let charset = String(decoding: bytes[(index + 2)..<cursor], as: UTF8.self)
            let encoding = bytes[cursor + 1] | 0x20
            guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else {
                index += 1
                continue
            }
            let payloadStart = cursor + 3
            let stop: Int
            let foundEnd: Bool
            if let cache = scanCache, payloadStart <= cache.stop {
                (stop, foundEnd) = cache
            } else {
                var scan = payloadStart
                while scan < bytes.count && !isSpace(bytes[scan])
                    && !(bytes[scan] == UInt8(ascii: "?") && scan + 1 < bytes.count
                        && bytes[scan + 1] == UInt8(ascii: "="))
                {
                    scan += 1
                }
                stop = scan
                foundEnd = scan < bytes.count && bytes[scan] == UInt8(ascii: "?")
                scanCache = (stop, foundEnd)
            }
            guard foundEnd, stop >= payloadStart else {
                index += 1
                continue
            }
            let payload = bytes[payloadStart..<stop]
            let decoded =
                encoding == UInt8(ascii: "b")
                ? TransferDecoding.base64(payload).bytes : TransferDecoding.qEncoding(payload)

            let between = bytes[literalStart..<index]
            let isAdjacent = pendingCharset != nil && between.allSatisfy(isSpace)
            if !isAdjacent {
                flushPending()
                output += String(decoding: between, as: UTF8.self)
            }
            if let current = pendingCharset, current.asciiLowercased != charset.asciiLowercased {
                flushPending()
            }
            pendingCharset = charset
            pendingBytes += decoded
            index = stop + 2
            literalStart = index
        }
        flushPending()
        output += String(decoding: bytes[literalStart...], as: UTF8.self)
        return output
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func isCharsetByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "?") && byte != UInt8(ascii: "=")
    }
}
