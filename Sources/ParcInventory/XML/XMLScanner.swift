import Foundation

/// What ``XMLScanner`` reports as it reads: elements opening and closing, and their text with references already
/// replaced and line ends normalised. Throwing stops the scan with that error.
protocol XMLScanHandler {
    /// An element starts; `name` points into the input and lives only for the call.
    mutating func startElement(_ name: UnsafeRawBufferPointer) throws(InventoryFormatError)
    /// The element that started last ends (the scanner has checked that the end tag matches).
    mutating func endElement() throws(InventoryFormatError)
    /// A piece of the current element's text (character data or CDATA), UTF-8; lives only for the call.
    mutating func characters(_ text: UnsafeRawBufferPointer) throws(InventoryFormatError)
    /// Where the scan is, for error messages: `REQUEST/CONTENT/SOFTWARES[41]/NAME`.
    func currentPath() -> String
}

/// A byte-level reader for the XML that inventory agents send, in one pass over UTF-8 bytes, without building
/// anything itself (decision 0045).
///
/// It reads elements, attributes (checked, then dropped: the formats never use them), text, CDATA sections, comments,
/// processing instructions, the XML declaration, the five predefined entities and numeric character references. It
/// refuses everything else with ``InventoryFormatError/malformedXML(line:column:path:detail:)`` naming the place and
/// the reason: a document type declaration (``InventoryFormatError/documentTypeDeclaration``; so no entity can be
/// declared, expanded or fetched), any other entity, bytes that are not UTF-8, characters XML 1.0 forbids (NUL and
/// other control characters), mismatched or missing end tags, text outside the root element, `]]>` in text, `--` in a
/// comment, duplicate attributes, and a body that ends before its root element is closed. Line ends are normalised
/// (CR LF and CR become LF) as XML requires.
///
/// It is iterative (no recursion), so nesting costs one entry of an array per level; the handler enforces the depth
/// limit. Element names follow XML's ASCII rules; any non-ASCII character is accepted in a name.
struct XMLScanner<Handler: XMLScanHandler> {
    private(set) var handler: Handler
    private let bytes: UnsafePointer<UInt8>
    /// Where scanning stops: the first byte that is not an XML character in UTF-8, or the end of the input.
    private let end: Int
    private let count: Int
    /// Why the input stops being readable at `end`, when `end < count`.
    private let problem: String?
    private var index = 0
    /// Offset and length of the names of the open elements, to match end tags.
    private var open: [(start: Int, length: Int)] = []
    /// Attribute names of the tag being read, to refuse duplicates.
    private var attributes: [(start: Int, length: Int)] = []

    /// Most attributes on one element; agents send none.
    static var maxAttributes: Int { 256 }

    init(_ input: UnsafeRawBufferPointer, handler: Handler) {
        self.handler = handler
        let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // An empty buffer may have no base address; a one-byte constant stands in (count stays 0).
        self.bytes = base ?? XMLScanner.emptyInput
        self.count = input.count
        if let base, let found = XMLCharacters.firstProblem(base, count: input.count) {
            self.end = found.offset
            self.problem = found.detail
        } else {
            self.end = input.count
            self.problem = nil
        }
    }

    private static var emptyInput: UnsafePointer<UInt8> { UnsafePointer(bitPattern: 1)! }

    // MARK: Document

    /// Reads the whole document: an optional byte order mark and XML declaration, comments and processing
    /// instructions, one root element, then only comments, processing instructions and white space.
    mutating func scan() throws(InventoryFormatError) {
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        if matches("<?xml") {
            guard index + 5 < end else { throw truncated("the document ends inside the XML declaration: it was cut short") }
            if XMLCharacters.isSpace(bytes[index + 5]) { try declaration() }
        }
        try misc(beforeRoot: true)
        guard index < end else {
            throw truncated("the document has no root element: it was cut short, or is empty")
        }
        try element()
        try misc(beforeRoot: false)
        if index < end {
            throw malformed("extra content after the root element", at: index)
        }
        if end < count { throw truncated("") }
    }

    /// Comments, processing instructions and white space, up to an element's `<` or the end.
    private mutating func misc(beforeRoot: Bool) throws(InventoryFormatError) {
        while true {
            skipSpaces()
            guard index < end else { return }
            guard bytes[index] == UInt8(ascii: "<") else {
                throw malformed(
                    beforeRoot
                        ? "the document is empty or does not start with an element"
                        : "extra content after the root element", at: index)
            }
            guard index + 1 < end else { throw truncated("the document ends inside a tag: it was cut short") }
            switch bytes[index + 1] {
            case UInt8(ascii: "?"): try processingInstruction()
            case UInt8(ascii: "!"):
                if matches("<!--") {
                    try comment()
                } else {
                    throw declarationMarkup()
                }
            default:
                if beforeRoot { return }
                throw malformed("extra content after the root element", at: index)
            }
        }
    }

    /// The root element and everything in it; `index` is on the root's `<`.
    private mutating func element() throws(InventoryFormatError) {
        try startTag()
        while !open.isEmpty {
            let textStart = index
            let next = find(UInt8(ascii: "<"), from: index)
            if next > textStart { try text(from: textStart, to: next) }
            index = next
            guard index + 1 < end else {
                throw truncated("the document ends inside an element: it was cut short")
            }
            switch bytes[index + 1] {
            case UInt8(ascii: "/"): try endTag()
            case UInt8(ascii: "!"):
                if matches("<!--") {
                    try comment()
                } else if matches("<![CDATA[") {
                    try cdata()
                } else {
                    throw declarationMarkup()
                }
            case UInt8(ascii: "?"): try processingInstruction()
            default: try startTag()
            }
        }
    }

    // MARK: Tags

    /// `<NAME attr="value" …>` or `<NAME … />`; `index` is on the `<`.
    private mutating func startTag() throws(InventoryFormatError) {
        index += 1
        let name = try self.name(what: "a malformed tag name")
        attributes.removeAll(keepingCapacity: true)
        while true {
            let spaced = skipSpaces()
            guard index < end else { throw truncated("a tag is not closed (> expected); was the body cut short?") }
            switch bytes[index] {
            case UInt8(ascii: ">"):
                index += 1
                open.append(name)
                try handler.startElement(buffer(name))
                return
            case UInt8(ascii: "/"):
                guard index + 1 < end else {
                    throw truncated("a tag is not closed (> expected); was the body cut short?")
                }
                guard bytes[index + 1] == UInt8(ascii: ">") else {
                    throw malformed("a tag is not closed (> expected after /)", at: index + 1)
                }
                index += 2
                try handler.startElement(buffer(name))
                try handler.endElement()
                return
            default:
                guard spaced else { throw malformed("a malformed tag name or attribute (white space expected)", at: index) }
                try attribute()
            }
        }
    }

    /// `name = "value"` in a start tag: checked and dropped.
    private mutating func attribute() throws(InventoryFormatError) {
        let name = try self.name(what: "a malformed attribute name")
        guard attributes.count < Self.maxAttributes else {
            throw malformed("more than \(Self.maxAttributes) attributes on one element", at: name.start)
        }
        for other in attributes where other.length == name.length {
            if memcmp(bytes + other.start, bytes + name.start, name.length) == 0 {
                throw malformed("the attribute \(string(name)) appears twice in one tag", at: name.start)
            }
        }
        attributes.append(name)
        skipSpaces()
        guard index < end else { throw truncated("a tag is not closed (> expected); was the body cut short?") }
        guard bytes[index] == UInt8(ascii: "=") else {
            throw malformed("a malformed attribute (= expected after \(string(name)))", at: index)
        }
        index += 1
        skipSpaces()
        guard index < end else { throw truncated("a tag is not closed (> expected); was the body cut short?") }
        let quote = bytes[index]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw malformed("a malformed attribute (its value must be quoted)", at: index)
        }
        let valueStart = index + 1
        let valueEnd = find(quote, from: valueStart)
        guard valueEnd < end else { throw truncated("an attribute value is not closed; was the body cut short?") }
        var cursor = valueStart
        while cursor < valueEnd {
            switch bytes[cursor] {
            case UInt8(ascii: "<"):
                throw malformed("a malformed attribute (< is not allowed in a value)", at: cursor)
            case UInt8(ascii: "&"):
                cursor = try reference(at: cursor, limit: valueEnd, emit: false)
            default:
                cursor += 1
            }
        }
        index = valueEnd + 1
    }

    /// `</NAME >`; `index` is on the `<`.
    private mutating func endTag() throws(InventoryFormatError) {
        index += 2
        let name = try self.name(what: "a malformed end tag name")
        skipSpaces()
        guard index < end else { throw truncated("a tag is not closed (> expected); was the body cut short?") }
        guard bytes[index] == UInt8(ascii: ">") else {
            throw malformed("a tag is not closed (> expected)", at: index)
        }
        let expected = open[open.count - 1]
        guard expected.length == name.length, memcmp(bytes + expected.start, bytes + name.start, name.length) == 0
        else {
            throw malformed(
                "an end tag does not match its start tag (</\(string(name))> closes <\(string(expected))>)",
                at: name.start)
        }
        index += 1
        open.removeLast()
        try handler.endElement()
    }

    /// An XML name at `index`: a letter, `_`, `:` or any non-ASCII character, then those, digits, `-` and `.`.
    private mutating func name(what: String) throws(InventoryFormatError) -> (start: Int, length: Int) {
        let start = index
        guard index < end else { throw truncated("a tag is not closed (> expected); was the body cut short?") }
        guard XMLCharacters.isNameStart(bytes[index]) else { throw malformed(what, at: index) }
        index += 1
        while index < end, XMLCharacters.isNameByte(bytes[index]) { index += 1 }
        return (start, index - start)
    }

    // MARK: Text

    /// Character data between two tags: references replaced, CR LF and CR turned into LF, `]]>` refused.
    private mutating func text(from start: Int, to stop: Int) throws(InventoryFormatError) {
        var segment = start
        var cursor = start
        while cursor < stop {
            switch bytes[cursor] {
            case UInt8(ascii: "&"):
                if cursor > segment { try handler.characters(buffer(segment, cursor)) }
                cursor = try reference(at: cursor, limit: stop, emit: true)
                segment = cursor
            case UInt8(ascii: "\r"):
                if cursor > segment { try handler.characters(buffer(segment, cursor)) }
                try emitNewline()
                cursor += 1
                if cursor < stop, bytes[cursor] == UInt8(ascii: "\n") { cursor += 1 }
                segment = cursor
            case UInt8(ascii: "]"):
                if cursor + 2 < stop, bytes[cursor + 1] == UInt8(ascii: "]"), bytes[cursor + 2] == UInt8(ascii: ">") {
                    throw malformed("]]> is not allowed in text (it only ends a CDATA section)", at: cursor)
                }
                cursor += 1
            default:
                cursor += 1
            }
        }
        if stop > segment { try handler.characters(buffer(segment, stop)) }
    }

    /// `&name;`, `&#123;` or `&#x7B;` at `start`; returns the offset after the `;`. Only the five predefined
    /// entities exist: there is no document type to declare others.
    private mutating func reference(at start: Int, limit: Int, emit: Bool) throws(InventoryFormatError) -> Int {
        var cursor = start + 1
        if cursor < limit, bytes[cursor] == UInt8(ascii: "#") {
            cursor += 1
            var hexadecimal = false
            if cursor < limit, bytes[cursor] == UInt8(ascii: "x") {
                hexadecimal = true
                cursor += 1
            }
            var value: UInt32 = 0
            let digitsStart = cursor
            while cursor < limit, let digit = XMLCharacters.digit(bytes[cursor], hexadecimal: hexadecimal) {
                value = value * (hexadecimal ? 16 : 10) + UInt32(digit)
                if value > 0x10FFFF { throw malformed("a character reference beyond U+10FFFF", at: start) }
                cursor += 1
            }
            guard cursor < limit, cursor > digitsStart, bytes[cursor] == UInt8(ascii: ";") else {
                throw cutOrMalformed("a malformed character reference (&#…; or &#x…;)", at: start, limit: limit)
            }
            guard XMLCharacters.isCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw malformed(
                    "a character reference to U+\(String(value, radix: 16, uppercase: true)), which XML does not allow",
                    at: start)
            }
            if emit {
                var utf8: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
                let length = withUnsafeMutableBytes(of: &utf8) { raw in
                    var written = 0
                    UTF8.encode(scalar) { unit in
                        raw[written] = unit
                        written += 1
                    }
                    return written
                }
                try withUnsafeBytes(of: utf8) { (raw) throws(InventoryFormatError) in
                    try handler.characters(UnsafeRawBufferPointer(rebasing: raw[0..<length]))
                }
            }
            return cursor + 1
        }
        let nameStart = cursor
        while cursor < limit, cursor - nameStart <= 32, XMLCharacters.isNameByte(bytes[cursor]) { cursor += 1 }
        guard cursor < limit, cursor > nameStart, XMLCharacters.isNameStart(bytes[nameStart]), bytes[cursor] == UInt8(ascii: ";")
        else {
            throw cutOrMalformed("an unescaped & or a malformed entity reference", at: start, limit: limit)
        }
        let replacement: UInt8
        switch (cursor - nameStart, bytes[nameStart]) {
        case (3, UInt8(ascii: "a")) where matches("amp", at: nameStart): replacement = UInt8(ascii: "&")
        case (2, UInt8(ascii: "l")) where matches("lt", at: nameStart): replacement = UInt8(ascii: "<")
        case (2, UInt8(ascii: "g")) where matches("gt", at: nameStart): replacement = UInt8(ascii: ">")
        case (4, UInt8(ascii: "q")) where matches("quot", at: nameStart): replacement = UInt8(ascii: "\"")
        case (4, UInt8(ascii: "a")) where matches("apos", at: nameStart): replacement = UInt8(ascii: "'")
        default:
            throw malformed(
                "the entity &\(string((nameStart, cursor - nameStart))); is not declared (only &amp; &lt; &gt; "
                    + "&quot; &apos; and character references exist)", at: start)
        }
        if emit {
            try withUnsafeBytes(of: replacement) { (raw) throws(InventoryFormatError) in
                try handler.characters(raw)
            }
        }
        return cursor + 1
    }

    private mutating func emitNewline() throws(InventoryFormatError) {
        try withUnsafeBytes(of: UInt8(ascii: "\n")) { (raw) throws(InventoryFormatError) in
            try handler.characters(raw)
        }
    }

    /// `<![CDATA[…]]>`: its text as it is, line ends normalised.
    private mutating func cdata() throws(InventoryFormatError) {
        let start = index + 9
        guard let close = findSequence("]]>", from: start) else {
            throw truncated("the document ends inside a CDATA section: it was cut short")
        }
        var segment = start
        var cursor = start
        while true {
            let carriageReturn = find(UInt8(ascii: "\r"), from: cursor, to: close)
            guard carriageReturn < close else { break }
            if carriageReturn > segment { try handler.characters(buffer(segment, carriageReturn)) }
            try emitNewline()
            cursor = carriageReturn + 1
            if cursor < close, bytes[cursor] == UInt8(ascii: "\n") { cursor += 1 }
            segment = cursor
        }
        if close > segment { try handler.characters(buffer(segment, close)) }
        index = close + 3
    }

    // MARK: Comments, processing instructions, declarations

    /// `<!-- … -->`; `--` may not appear inside.
    private mutating func comment() throws(InventoryFormatError) {
        var cursor = index + 4
        while true {
            let dash = find(UInt8(ascii: "-"), from: cursor)
            guard dash + 1 < end else { throw truncated("the document ends inside a comment: it was cut short") }
            if bytes[dash + 1] == UInt8(ascii: "-") {
                guard dash + 2 < end else { throw truncated("the document ends inside a comment: it was cut short") }
                guard bytes[dash + 2] == UInt8(ascii: ">") else {
                    throw malformed("-- is not allowed inside a comment", at: dash)
                }
                index = dash + 3
                return
            }
            cursor = dash + 1
        }
    }

    /// `<?target …?>`, other than the XML declaration (which may only open the document).
    private mutating func processingInstruction() throws(InventoryFormatError) {
        index += 2
        let target = try name(what: "a malformed processing instruction")
        if target.length == 3, string(target).lowercased() == "xml" {
            throw malformed("an XML declaration that is not at the very start", at: target.start - 2)
        }
        guard index < end else { throw truncated("the document ends inside a processing instruction: it was cut short") }
        if !matches("?>"), !XMLCharacters.isSpace(bytes[index]) {
            throw malformed("a malformed processing instruction", at: index)
        }
        guard let close = findSequence("?>", from: index) else {
            throw truncated("the document ends inside a processing instruction: it was cut short")
        }
        index = close + 2
    }

    /// `<?xml version="1.0" encoding="…" standalone="…"?>` at the start. The encoding was applied before the scan
    /// (``XMLEncoding``); here the declaration's form is checked.
    private mutating func declaration() throws(InventoryFormatError) {
        let start = index
        index += 5
        var seen: [String] = []
        while true {
            let spaced = skipSpaces()
            let cut = "the document ends inside the XML declaration: it was cut short"
            guard index < end else { throw truncated(cut) }
            if bytes[index] == UInt8(ascii: "?") {
                guard index + 1 < end else { throw truncated(cut) }
                guard bytes[index + 1] == UInt8(ascii: ">") else {
                    throw malformed("a malformed XML declaration (?> expected)", at: index)
                }
                index += 2
                break
            }
            guard spaced else { throw malformed("a malformed XML declaration", at: index) }
            let name = try self.name(what: "a malformed XML declaration")
            skipSpaces()
            guard index < end else { throw truncated(cut) }
            guard bytes[index] == UInt8(ascii: "=") else {
                throw malformed("a malformed XML declaration (= expected)", at: index)
            }
            index += 1
            skipSpaces()
            guard index < end else { throw truncated(cut) }
            guard bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw malformed("a malformed XML declaration (quoted value expected)", at: index)
            }
            let valueEnd = find(bytes[index], from: index + 1)
            guard valueEnd < end else { throw truncated("the document ends inside the XML declaration: it was cut short") }
            let value = string((index + 1, valueEnd - index - 1))
            let key = string(name)
            let expected = ["version", "encoding", "standalone"]
            guard let position = expected.firstIndex(of: key), !seen.contains(key),
                seen.allSatisfy({ expected.firstIndex(of: $0)! < position })
            else {
                throw malformed("a malformed XML declaration (\(key) is unexpected there)", at: name.start)
            }
            switch key {
            case "version"
            where !value.hasPrefix("1.") || value.count < 3 || !value.utf8.dropFirst(2).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }):
                throw malformed("an XML version other than 1.x (\(value))", at: index + 1)
            case "standalone" where value != "yes" && value != "no":
                throw malformed("a malformed XML declaration (standalone is yes or no)", at: index + 1)
            default: break
            }
            seen.append(key)
            index = valueEnd + 1
        }
        guard seen.first == "version" else {
            throw malformed("a malformed XML declaration (version is missing)", at: start)
        }
    }

    /// `<!` that opens neither a comment nor a CDATA section: a declaration, which inventories never carry.
    private func declarationMarkup() -> InventoryFormatError {
        let word = string((index + 2, min(8, end - index - 2))).uppercased()
        for keyword in ["DOCTYPE", "ENTITY", "ELEMENT", "ATTLIST", "NOTATION"] where word.hasPrefix(keyword) {
            return .documentTypeDeclaration
        }
        // What is left is the start of a comment or CDATA section: the body was cut there.
        let rest = UnsafeRawBufferPointer(start: bytes + index, count: end - index)
        if rest.count < 9, "<![CDATA[".utf8.starts(with: rest) || "<!--".utf8.starts(with: rest) {
            return truncated("the document ends inside a tag: it was cut short")
        }
        return malformed("markup that is neither a comment nor CDATA (<!…)", at: index)
    }

    // MARK: Errors

    /// An error at `offset`, with its line and column (counted from 1, in bytes) and the handler's path.
    private func malformed(_ detail: String, at offset: Int) -> InventoryFormatError {
        let location = XMLCharacters.location(of: offset, in: bytes)
        return .malformedXML(line: location.line, column: location.column, path: handler.currentPath(), detail: detail)
    }

    /// The input ended (or stopped being readable) before the construct was complete: the unreadable byte when
    /// there is one, else `detail` at the end.
    private func truncated(_ detail: String) -> InventoryFormatError {
        malformed(problem ?? detail, at: end)
    }

    /// A reference that ran into the end of its text: cut short when the text ran to the end of the input.
    private func cutOrMalformed(_ detail: String, at offset: Int, limit: Int) -> InventoryFormatError {
        limit >= end ? truncated("the document ends inside a reference: it was cut short") : malformed(detail, at: offset)
    }

    // MARK: Bytes

    private func buffer(_ name: (start: Int, length: Int)) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes + name.start, count: name.length)
    }

    private func buffer(_ start: Int, _ stop: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes + start, count: stop - start)
    }

    private func string(_ range: (start: Int, length: Int)) -> String {
        String(decoding: buffer(range), as: UTF8.self)
    }

    /// The first `byte` at or after `start`, before `stop`; `stop` (default: the end) when there is none.
    private func find(_ byte: UInt8, from start: Int, to stop: Int? = nil) -> Int {
        let stop = stop ?? end
        guard start < stop, let found = memchr(bytes + start, Int32(byte), stop - start) else { return stop }
        return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - bytes
    }

    /// The offset of `sequence` (ASCII) at or after `start`; nil when the input ends first.
    private func findSequence(_ sequence: StaticString, from start: Int) -> Int? {
        let first = sequence.utf8Start.pointee
        var cursor = start
        while true {
            let found = find(first, from: cursor)
            guard found + sequence.utf8CodeUnitCount <= end else { return nil }
            if memcmp(bytes + found, sequence.utf8Start, sequence.utf8CodeUnitCount) == 0 { return found }
            cursor = found + 1
        }
    }

    private func matches(_ sequence: StaticString, at offset: Int? = nil) -> Bool {
        let offset = offset ?? index
        return offset + sequence.utf8CodeUnitCount <= end
            && memcmp(bytes + offset, sequence.utf8Start, sequence.utf8CodeUnitCount) == 0
    }

    /// Skips white space; true when there was some.
    @discardableResult
    private mutating func skipSpaces() -> Bool {
        let start = index
        while index < end, XMLCharacters.isSpace(bytes[index]) { index += 1 }
        return index > start
    }
}

/// The check every byte of a body goes through before the scan: UTF-8 that decodes, and only characters XML 1.0
/// allows (no NUL or other control character but tab, line feed and carriage return; no U+FFFE or U+FFFF).
enum XMLCharacters {
    /// The first offending byte and why it offends; nil when every byte is fine.
    static func firstProblem(_ bytes: UnsafePointer<UInt8>, count: Int) -> (offset: Int, detail: String)? {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let spaces: UInt64 = 0x2020_2020_2020_2020
        var index = 0
        while index < count {
            // Eight ASCII bytes at a time, none below 0x20 (the common case).
            if index + 8 <= count {
                let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
                if word & highBits == 0, (word &- spaces) & ~word & highBits == 0 {
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            if byte < 0x80 {
                if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                    return (
                        index,
                        byte == 0
                            ? "a NUL byte, which XML does not allow"
                            : "the control character U+00\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16, uppercase: true)), which XML does not allow"
                    )
                }
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xED:
                length = 3
                high = 0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF4:
                length = 4
                high = 0x8F
            case 0xF1...0xF3: length = 4
            default: return (index, notUTF8)
            }
            guard index + length <= count, bytes[index + 1] >= low, bytes[index + 1] <= high else {
                return (index, notUTF8)
            }
            for continuation in 2..<length where bytes[index + continuation] & 0xC0 != 0x80 {
                return (index, notUTF8)
            }
            if byte == 0xEF, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
                return (index, "the character U+FFFE or U+FFFF, which XML does not allow")
            }
            index += length
        }
        return nil
    }

    static let notUTF8 =
        "bytes that are not UTF-8 (an agent that sends another encoding must name it in the XML declaration)"

    static func location(of offset: Int, in bytes: UnsafePointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var cursor = 0
        while cursor < offset, let found = memchr(bytes + cursor, Int32(UInt8(ascii: "\n")), offset - cursor) {
            let newline = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - bytes
            line += 1
            lineStart = newline + 1
            cursor = newline + 1
        }
        return (line, offset - lineStart + 1)
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    @inline(__always)
    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    @inline(__always)
    static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".")
    }

    static func digit(_ byte: UInt8, hexadecimal: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hexadecimal: byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hexadecimal: byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// XML 1.0's Char production.
    static func isCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}

extension Data {
    /// `body` over the bytes, keeping its typed error (`withUnsafeBytes` only rethrows untyped ones).
    func withScannableBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(InventoryFormatError) -> Result
    ) throws(InventoryFormatError) -> Result {
        let outcome: Swift.Result<Result, InventoryFormatError> = withUnsafeBytes { raw in
            Swift.Result { () throws(InventoryFormatError) in try body(raw) }
        }
        return try outcome.get()
    }
}
