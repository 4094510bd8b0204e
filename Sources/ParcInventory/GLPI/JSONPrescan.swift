/// One pass over a JSON body's bytes, before any value is built: it checks the grammar (RFC 8259: structure,
/// literals, numbers, string escapes, UTF-8) and enforces ``InventoryLimits`` (depth, entries per array or object,
/// values in total), and names the path where the body goes wrong. Foundation's decoder, which runs next, reports
/// grammar errors without any position; after this pass it only meets type errors, which it reports with their path.
struct JSONPrescan {
    private struct Frame {
        var isArray: Bool
        /// Entries so far (array elements, object members).
        var count = 0
        /// Byte range of the current member's key, for paths.
        var keyStart = 0
        var keyEnd = 0
    }

    /// What may come next.
    private enum Expect {
        case value, valueOrClose, key, keyOrClose, colon, commaOrClose, end
    }

    let limits: InventoryLimits

    /// Checks `bytes`, which hold no more than ``InventoryLimits/maxInputBytes``.
    func check(_ bytes: UnsafeRawBufferPointer) throws(InventoryFormatError) {
        var frames: [Frame] = []
        frames.reserveCapacity(16)
        var nodes = 0
        var index = 0
        let count = bytes.count
        var expect = Expect.value

        func path(_ frames: [Frame], includeLast: Bool = true) -> String {
            var text = ""
            for (position, frame) in frames.enumerated() {
                if position == frames.count - 1 && !includeLast { break }
                if frame.isArray {
                    if frame.count == 0 { break }
                    text += "[\(frame.count - 1)]"
                } else if frame.keyEnd > frame.keyStart || frame.count > 0 {
                    let key = String(
                        decoding: UnsafeRawBufferPointer(rebasing: bytes[frame.keyStart..<frame.keyEnd]), as: UTF8.self)
                    text += text.isEmpty ? key : "." + key
                } else {
                    break
                }
            }
            return text.isEmpty ? "the document" : text
        }

        func malformed(_ detail: String) -> InventoryFormatError {
            .malformedJSON(path: path(frames), detail: detail + " (byte \(index + 1))")
        }

        /// A value starts: count it, and in an array count the element.
        func startValue() throws(InventoryFormatError) {
            nodes += 1
            if nodes > limits.maxNodes { throw .tooManyNodes(limit: limits.maxNodes) }
            guard let top = frames.indices.last, frames[top].isArray else { return }
            frames[top].count += 1
            if frames[top].count > limits.maxEntriesPerSection {
                throw .tooManyEntries(path: path(frames, includeLast: false), limit: limits.maxEntriesPerSection)
            }
        }

        /// A value ended: what may follow.
        func afterValue() {
            expect = frames.isEmpty ? .end : .commaOrClose
        }

        /// Scans the string whose opening quote is at `index`; returns the index of the closing quote.
        func scanString() throws(InventoryFormatError) -> Int {
            var cursor = index + 1
            while cursor < count {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: "\"") { return cursor }
                if byte == UInt8(ascii: "\\") {
                    guard cursor + 1 < count else { break }
                    switch bytes[cursor + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        cursor += 2
                    case UInt8(ascii: "u"):
                        guard cursor + 5 < count else { cursor = count; continue }
                        for offset in 2...5 where !InventoryValues.isHexDigit(bytes[cursor + offset]) {
                            index = cursor
                            throw malformed("a \\u escape needs four hexadecimal digits")
                        }
                        cursor += 6
                    default:
                        index = cursor
                        throw malformed("an unknown escape in a string")
                    }
                } else if byte < 0x20 {
                    index = cursor
                    throw malformed("a control character inside a string (escape it)")
                } else if byte < 0x80 {
                    cursor += 1
                } else {
                    // UTF-8: a lead byte and its continuation bytes, no overlong or surrogate forms.
                    let length: Int
                    var lower: UInt8 = 0x80
                    var upper: UInt8 = 0xBF
                    switch byte {
                    case 0xC2...0xDF: length = 2
                    case 0xE0: (length, lower) = (3, 0xA0)
                    case 0xE1...0xEC, 0xEE...0xEF: length = 3
                    case 0xED: (length, upper) = (3, 0x9F)
                    case 0xF0: (length, lower) = (4, 0x90)
                    case 0xF1...0xF3: length = 4
                    case 0xF4: (length, upper) = (4, 0x8F)
                    default:
                        index = cursor
                        throw malformed("bytes that are not UTF-8")
                    }
                    guard cursor + length <= count else { cursor = count; continue }
                    for offset in 1..<length {
                        let next = bytes[cursor + offset]
                        let (low, high) = offset == 1 ? (lower, upper) : (0x80, 0xBF)
                        guard next >= low && next <= high else {
                            index = cursor
                            throw malformed("bytes that are not UTF-8")
                        }
                    }
                    cursor += length
                }
            }
            throw .truncatedJSON(path: path(frames))
        }

        /// Scans the number starting at `index`; returns the index after it.
        func scanNumber() throws(InventoryFormatError) -> Int {
            var cursor = index
            func digits() -> Int {
                let start = cursor
                while cursor < count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
                    cursor += 1
                }
                return cursor - start
            }
            if bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
            guard cursor < count else { throw .truncatedJSON(path: path(frames)) }
            if bytes[cursor] == UInt8(ascii: "0") {
                cursor += 1
            } else {
                guard digits() > 0 else { throw malformed("a number without digits") }
            }
            if cursor < count, bytes[cursor] == UInt8(ascii: ".") {
                cursor += 1
                guard digits() > 0 else { throw malformed("a number without digits after its decimal point") }
            }
            if cursor < count, bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E") {
                cursor += 1
                if cursor < count, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") {
                    cursor += 1
                }
                guard digits() > 0 else { throw malformed("a number without digits in its exponent") }
            }
            if cursor < count, !Self.isDelimiter(bytes[cursor]) {
                index = cursor
                throw malformed("an unexpected character after a number")
            }
            return cursor
        }

        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
            {
                index += 1
                continue
            }
            switch expect {
            case .end:
                throw .malformedJSON(path: "the document", detail: "more content after the end of the document")
            case .colon:
                guard byte == UInt8(ascii: ":") else { throw malformed("a : expected after a key") }
                expect = .value
                index += 1
                continue
            case .commaOrClose:
                let top = frames.count - 1
                if byte == UInt8(ascii: ",") {
                    expect = frames[top].isArray ? .value : .key
                    index += 1
                    continue
                }
                guard byte == UInt8(ascii: frames[top].isArray ? "]" : "}") else {
                    throw malformed(frames[top].isArray ? "a , or ] expected" : "a , or } expected")
                }
                frames.removeLast()
                afterValue()
                index += 1
                continue
            case .key, .keyOrClose:
                if byte == UInt8(ascii: "}"), expect == .keyOrClose {
                    frames.removeLast()
                    afterValue()
                    index += 1
                    continue
                }
                guard byte == UInt8(ascii: "\"") else { throw malformed("a key in double quotes expected") }
                let end = try scanString()
                let top = frames.count - 1
                frames[top].count += 1
                frames[top].keyStart = index + 1
                frames[top].keyEnd = end
                if frames[top].count > limits.maxEntriesPerSection {
                    throw .tooManyEntries(path: path(frames, includeLast: false), limit: limits.maxEntriesPerSection)
                }
                expect = .colon
                index = end + 1
                continue
            case .valueOrClose:
                if byte == UInt8(ascii: "]") {
                    frames.removeLast()
                    afterValue()
                    index += 1
                    continue
                }
            case .value:
                break
            }
            // A value.
            try startValue()
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if frames.count >= limits.maxDepth { throw .tooDeep(path: path(frames), limit: limits.maxDepth) }
                let isArray = byte == UInt8(ascii: "[")
                frames.append(Frame(isArray: isArray))
                expect = isArray ? .valueOrClose : .keyOrClose
                index += 1
            case UInt8(ascii: "\""):
                index = try scanString() + 1
                afterValue()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                index = try scanNumber()
                afterValue()
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let literal = byte == UInt8(ascii: "t") ? Self.trueBytes : byte == UInt8(ascii: "f") ? Self.falseBytes : Self.nullBytes
                let end = index + literal.count
                guard end <= count else {
                    if bytes[index..<count].elementsEqual(literal.prefix(count - index)) {
                        throw .truncatedJSON(path: path(frames))
                    }
                    throw malformed("an unknown word (JSON has true, false and null)")
                }
                guard bytes[index..<end].elementsEqual(literal), end == count || Self.isDelimiter(bytes[end]) else {
                    throw malformed("an unknown word (JSON has true, false and null)")
                }
                index = end
                afterValue()
            default:
                throw malformed("a value expected")
            }
        }
        if expect != .end { throw .truncatedJSON(path: path(frames)) }
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let nullBytes = Array("null".utf8)

    static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: " ")
            || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}
