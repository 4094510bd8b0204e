/// Reads one header block (RFC 5322 section 2.2, the message's or a MIME part's) from raw bytes.
///
/// Tolerates LF as well as CRLF line endings, whitespace before the colon (obsolete syntax), raw 8-bit bytes in
/// values and an indented line before the first field. A line that is neither a field nor a continuation ends the
/// header (the message lacks its blank line; the line starts the body), as Python's email package does. Every field
/// is checked against the count and length limits before its value is copied, so a 10 MB line or 100,000 fields cost
/// one pass and a clear error.
struct InboundHeaderBlockParser {
    struct Block {
        var fields: [InboundHeaderField]
        /// Index of the first body byte (the end of the data when there is no body).
        var bodyStart: Int
    }

    let limits: InboundMailLimits

    func parse(
        _ bytes: [UInt8],
        in range: Range<Int>,
        part: String,
        notes: inout [InboundParseNote]
    ) throws(InboundMailError) -> Block {
        var fields: [InboundHeaderField] = []
        // The field being read: where its name starts, where its name ends (the colon), and its value bytes.
        var current: (nameStart: Int, nameEnd: Int, value: [UInt8], length: Int)?
        var index = range.lowerBound
        let end = range.upperBound

        func finish() {
            guard let field = current else {
                return
            }
            let name = String(decoding: bytes[field.nameStart..<field.nameEnd], as: UTF8.self)
            fields.append(InboundHeaderField(name: name, value: Self.value(from: field.value)))
            current = nil
        }

        while index < end {
            let lineStart = index
            let first = bytes[lineStart]
            if first == 0x0A || (first == 0x0D && lineStart + 1 < end && bytes[lineStart + 1] == 0x0A) {
                finish()
                return Block(fields: fields, bodyStart: lineStart + (first == 0x0A ? 1 : 2))
            }
            if first == 0x20 || first == 0x09 {
                guard current != nil else {
                    // Ignored, so its length does not matter.
                    notes.append(.continuationWithoutField(part: part))
                    index = Self.lineEnd(bytes, from: lineStart, end: end, limit: nil).next
                    continue
                }
                let line = Self.lineEnd(
                    bytes, from: lineStart, end: end, limit: limits.maximumHeaderFieldLength - current!.length)
                guard let contentEnd = line.contentEnd else {
                    throw .headerFieldTooLong(
                        part: part, name: Self.namePrefix(bytes, from: current!.nameStart),
                        limit: limits.maximumHeaderFieldLength)
                }
                current!.length += contentEnd - lineStart
                current!.value += bytes[lineStart..<contentEnd]
                index = line.next
                continue
            }
            // Whether the line is a field is decided from its first bytes, so a huge line that is not one (a
            // part without header whose body starts at once) is never measured against the field limit.
            guard let colon = Self.fieldNameEnd(bytes, from: lineStart, to: min(end, lineStart + Self.longestName))
            else {
                finish()
                notes.append(.headerLineWithoutColon(part: part))
                return Block(fields: fields, bodyStart: lineStart)
            }
            finish()
            if fields.count >= limits.maximumHeaderFields {
                throw .tooManyHeaderFields(part: part, limit: limits.maximumHeaderFields)
            }
            let line = Self.lineEnd(bytes, from: lineStart, end: end, limit: limits.maximumHeaderFieldLength)
            guard let contentEnd = line.contentEnd else {
                throw .headerFieldTooLong(
                    part: part, name: Self.namePrefix(bytes, from: lineStart), limit: limits.maximumHeaderFieldLength)
            }
            var nameEnd = colon
            while nameEnd > lineStart && (bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09) {
                nameEnd -= 1
            }
            current = (lineStart, nameEnd, Array(bytes[(colon + 1)..<contentEnd]), contentEnd - lineStart)
            index = line.next
        }
        finish()
        return Block(fields: fields, bodyStart: end)
    }

    /// The longest field name looked for (RFC 5322 lines are at most 998 octets).
    private static let longestName = 998

    /// Where the line starting at `start` ends: its content end (before CR LF or LF) and the next line's start.
    /// With a `limit`, a line whose content is longer gives a nil content end, found as soon as the limit is
    /// passed rather than after scanning all of it.
    private static func lineEnd(
        _ bytes: [UInt8], from start: Int, end: Int, limit: Int?
    ) -> (contentEnd: Int?, next: Int) {
        var cursor = start
        let stop = limit.map { min(end, start + max(0, $0) + 2) } ?? end
        while cursor < stop && bytes[cursor] != 0x0A {
            cursor += 1
        }
        if cursor < end && bytes[cursor] != 0x0A {
            return (nil, cursor)
        }
        var contentEnd = cursor
        if contentEnd > start && bytes[contentEnd - 1] == 0x0D {
            contentEnd -= 1
        }
        if let limit, contentEnd - start > limit {
            return (nil, cursor)
        }
        return (contentEnd, cursor < end ? cursor + 1 : end)
    }

    /// The index of the colon ending a field name on this line, or nil when the line is not a field: a name is one
    /// or more printable ASCII characters other than the colon, optionally followed by spaces (obsolete syntax).
    private static func fieldNameEnd(_ bytes: [UInt8], from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") {
                return index > start ? index : nil
            }
            if byte == 0x20 || byte == 0x09 {
                // Only whitespace may follow until the colon.
                var after = index
                while after < end && (bytes[after] == 0x20 || bytes[after] == 0x09) {
                    after += 1
                }
                return after < end && bytes[after] == UInt8(ascii: ":") && index > start ? after : nil
            }
            if byte < 33 || byte > 126 {
                return nil
            }
            index += 1
        }
        return nil
    }

    /// At most 60 bytes of the name starting at `start`, for an error message.
    private static func namePrefix(_ bytes: [UInt8], from start: Int) -> String {
        var end = start
        while end < bytes.count && end - start < 60 && bytes[end] != UInt8(ascii: ":") && bytes[end] > 32
            && bytes[end] < 127
        {
            end += 1
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The unfolded value as text: trimmed, UTF-8 or else Windows-1252, control characters other than tab turned
    /// into spaces.
    private static func value(from raw: [UInt8]) -> String {
        var start = 0
        var end = raw.count
        while start < end && (raw[start] == 0x20 || raw[start] == 0x09) {
            start += 1
        }
        while end > start && (raw[end - 1] == 0x20 || raw[end - 1] == 0x09) {
            end -= 1
        }
        let text = MailCharset.utf8OrWindows1252(raw[start..<end])
        guard text.unicodeScalars.contains(where: { InboundText.isControl($0) && $0 != "\t" }) else {
            return text
        }
        return String(
            String.UnicodeScalarView(text.unicodeScalars.map { InboundText.isControl($0) && $0 != "\t" ? " " : $0 }))
    }
}
