/// Makes text literal in Markdown, so a message body can be stored as a ticket description and rendered without
/// its sender's characters becoming markup.
///
/// What could become active markup is written as a character reference, which every Markdown renderer — CommonMark
/// or not — shows as the character itself: `<` and `>` (raw HTML, autolinks), `[` and `]` (links, images, reference
/// definitions) and `&` (references). Formatting characters are backslash-escaped (`\`, `` ` ``, `*`, `_`, `~`,
/// `|`), as are the characters that would start a block at the beginning of a line (`#`, `-`, `+`, `=`, `1.`).
/// One escaper follows one line at a time; the line-start rules need its state.
struct MarkdownEscaper {
    private var atLineStart = true
    private var inLeadingDigits = false

    /// Starts a new line.
    mutating func startLine() {
        atLineStart = true
        inLeadingDigits = false
    }

    /// Marks the line as started (after a structural prefix the caller wrote, such as a list marker), so the
    /// line-start rules no longer apply.
    mutating func continueLine() {
        atLineStart = false
        inLeadingDigits = false
    }

    /// `text` escaped, continuing the current line.
    mutating func escape(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 16)
        if text.utf8.withContiguousStorageIfAvailable({ append(contentsOf: $0, to: &output) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { append(contentsOf: $0, to: &output) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends UTF-8 text, escaped, to `output`; runs of bytes that need nothing are copied at once.
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if atLineStart || inLeadingDigits || Self.isEscaped[Int(byte)] {
                if runStart < index {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                }
                append(byte, to: &output)
                runStart = index + 1
            }
        }
        if runStart < bytes.count {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }

    /// The bytes escaped wherever they occur.
    private static let isEscaped: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for character in "<>[]&\\`*_~|".utf8 {
            table[Int(character)] = true
        }
        return table
    }()

    /// Appends one byte of UTF-8 text, escaped, to `output`. Everything escaped is ASCII, so the bytes of other
    /// characters pass through untouched.
    mutating func append(_ byte: UInt8, to output: inout [UInt8]) {
        let wasAtLineStart = atLineStart
        if atLineStart && (byte == 0x20 || byte == 0x09) {
            output.append(byte)
            return
        }
        atLineStart = false
        let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        if wasAtLineStart && isDigit {
            inLeadingDigits = true
        } else if inLeadingDigits && !isDigit {
            inLeadingDigits = false
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ")") {
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
                return
            }
        }
        switch byte {
        case UInt8(ascii: "<"): output += Self.lessThan
        case UInt8(ascii: ">"): output += Self.greaterThan
        case UInt8(ascii: "["): output += Self.openBracket
        case UInt8(ascii: "]"): output += Self.closeBracket
        case UInt8(ascii: "&"): output += Self.ampersand
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "~"),
            UInt8(ascii: "|"):
            output.append(UInt8(ascii: "\\"))
            output.append(byte)
        case UInt8(ascii: "#"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "="):
            if wasAtLineStart {
                output.append(UInt8(ascii: "\\"))
            }
            output.append(byte)
        default:
            output.append(byte)
        }
    }

    private static let lessThan = Array("&lt;".utf8)
    private static let greaterThan = Array("&gt;".utf8)
    private static let openBracket = Array("&#91;".utf8)
    private static let closeBracket = Array("&#93;".utf8)
    private static let ampersand = Array("&amp;".utf8)
}
