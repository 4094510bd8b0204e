/// Reads one framed response (``IMAPResponseFrame``) into an ``IMAPResponse``, strictly: a response that breaks the
/// grammar of the parts the client relies on is an error that names what was wrong, never a guess.
struct IMAPResponseParser {
    struct ParseError: Error, Equatable, CustomStringConvertible {
        var reason: String
        var response: String

        var description: String {
            "\(reason) in \(MailMessageError.quoted(response))"
        }
    }

    /// How deep parenthesised lists may nest (BODYSTRUCTURE needs a few levels, nothing needs 32).
    static let maximumNesting = 32

    private var pieces: [IMAPResponseFrame.Piece]
    private var index = 0
    private var offset = 0
    private let summary: String

    init(_ frame: IMAPResponseFrame) {
        pieces = frame.pieces
        summary = frame.summary
    }

    static func parse(_ frame: IMAPResponseFrame) throws(ParseError) -> IMAPResponse {
        var parser = IMAPResponseParser(frame)
        return try parser.response()
    }

    private mutating func response() throws(ParseError) -> IMAPResponse {
        if try consume("+") {
            _ = try consume(" ")
            return .continuation(try restOfLine())
        }
        if try consume("*") {
            try expect(" ")
            return try untagged()
        }
        let tag = try atom()
        guard !tag.isEmpty else {
            throw failure("the response starts with neither a tag, '*' nor '+'")
        }
        try expect(" ")
        let status = try statusResponse()
        guard [.ok, .no, .bad].contains(status.condition) else {
            throw failure("a tagged response may only be OK, NO or BAD")
        }
        return .tagged(tag: tag, status)
    }

    private mutating func untagged() throws(ParseError) -> IMAPResponse {
        if let first = try peekByte(), (0x30...0x39).contains(first) {
            let number = try self.number()
            try expect(" ")
            let name = try atom().uppercased()
            switch name {
            case "EXISTS":
                try expectEnd()
                return .exists(number)
            case "EXPUNGE":
                try expectEnd()
                return .expunge(number)
            case "FETCH":
                try expect(" ")
                return .fetch(sequence: number, try fetchAttributes())
            default:
                return .other(name)
            }
        }
        let name = try atom().uppercased()
        switch name {
        case "OK", "NO", "BAD", "PREAUTH", "BYE":
            offset -= name.utf8.count
            return .status(try statusResponse())
        case "CAPABILITY":
            var capabilities: [String] = []
            while try consume(" ") {
                capabilities.append(try atom().uppercased())
            }
            try expectEnd()
            return .capability(capabilities)
        case "SEARCH":
            var numbers: [UInt32] = []
            while try consume(" ") {
                guard let value = UInt32(exactly: try number()), value > 0 else {
                    throw failure("a SEARCH result is not a UID")
                }
                numbers.append(value)
            }
            try expectEnd()
            return .search(numbers)
        case "":
            throw failure("an untagged response has no name")
        default:
            return .other(name)
        }
    }

    private mutating func statusResponse() throws(ParseError) -> IMAPStatusResponse {
        let word = try atom().uppercased()
        guard let condition = IMAPStatusResponse.Condition(rawValue: word) else {
            throw failure("\(MailMessageError.quoted(word)) is not OK, NO, BAD, PREAUTH or BYE")
        }
        var status = IMAPStatusResponse(condition: condition, code: nil, codeArguments: "", text: "")
        // RFC 3501 requires the space, but servers answer a bare "OK" too.
        guard try consume(" ") else {
            try expectEnd()
            return status
        }
        if try consume("[") {
            let code = try atom().uppercased()
            guard !code.isEmpty else {
                throw failure("a response code is empty")
            }
            status.code = code
            var arguments: [UInt8] = []
            if try consume(" ") {
                while let byte = try peekByte(), byte != UInt8(ascii: "]") {
                    arguments.append(byte)
                    offset += 1
                }
            }
            guard try consume("]") else {
                throw failure("a response code has no closing ']'")
            }
            status.codeArguments = String(decoding: arguments, as: UTF8.self)
            _ = try consume(" ")
        }
        status.text = try restOfLine()
        return status
    }

    private mutating func fetchAttributes() throws(ParseError) -> IMAPFetchAttributes {
        try expect("(")
        var attributes = IMAPFetchAttributes()
        var first = true
        while !(try consume(")")) {
            if !first {
                try expect(" ")
            }
            first = false
            let name = try fetchAttributeName()
            try expect(" ")
            switch name {
            case "UID":
                guard let uid = UInt32(exactly: try number()), uid > 0 else {
                    throw failure("a UID is 0 or larger than 2^32")
                }
                attributes.uid = uid
            case "RFC822.SIZE":
                attributes.size = try number()
            case "FLAGS":
                let value = try self.value(depth: 0)
                guard case .list(let items) = value else {
                    throw failure("FLAGS is not a list")
                }
                attributes.flags = items.compactMap { item in
                    if case .atom(let flag) = item { return flag }
                    return nil
                }
            case "BODY[]", "RFC822":
                switch try value(depth: 0) {
                case .string(let bytes):
                    attributes.body = bytes
                case .nil:
                    attributes.body = nil
                default:
                    throw failure("BODY[] is neither a string nor NIL")
                }
            default:
                _ = try value(depth: 0)
            }
        }
        try expectEnd()
        return attributes
    }

    /// A message attribute name such as `UID` or `BODY[HEADER.FIELDS (MESSAGE-ID)]<0>`, upper-cased.
    private mutating func fetchAttributeName() throws(ParseError) -> String {
        var name = Array(try atom().uppercased().utf8)
        guard !name.isEmpty else {
            throw failure("a FETCH attribute has no name")
        }
        if try consume("[") {
            name.append(UInt8(ascii: "["))
            while let byte = try peekByte(), byte != UInt8(ascii: "]") {
                name.append(byte)
                offset += 1
                if name.count > 1000 {
                    throw failure("a FETCH section is too long")
                }
            }
            try expect("]")
            name.append(UInt8(ascii: "]"))
            if try consume("<") {
                let origin = try number()
                try expect(">")
                name += Array("<\(origin)>".utf8)
            }
        }
        return String(decoding: name, as: UTF8.self).uppercased()
    }

    indirect enum Value {
        case atom(String)
        case number(Int)
        case string([UInt8])
        case `nil`
        case list([Value])
    }

    private mutating func value(depth: Int) throws(ParseError) -> Value {
        guard depth < Self.maximumNesting else {
            throw failure("lists are nested more than \(Self.maximumNesting) deep")
        }
        guard let byte = try peekByte() else {
            // The text before a literal ends where the literal's `{n}` was.
            if index + 1 < pieces.count, case .literal(let bytes) = pieces[index + 1] {
                index += 2
                offset = 0
                return .string(bytes)
            }
            throw failure("a value is missing at the end of the response")
        }
        switch byte {
        case UInt8(ascii: "("):
            offset += 1
            var items: [Value] = []
            while !(try consume(")")) {
                if !items.isEmpty {
                    try expect(" ")
                }
                items.append(try value(depth: depth + 1))
            }
            return .list(items)
        case UInt8(ascii: "\""):
            return .string(try quoted())
        case 0x30...0x39:
            return .number(try number())
        default:
            let word = try atom()
            guard !word.isEmpty else {
                throw failure("unexpected \(MailMessageError.quoted(String(decoding: [byte], as: UTF8.self)))")
            }
            return word.uppercased() == "NIL" ? .nil : .atom(word)
        }
    }

    private mutating func quoted() throws(ParseError) -> [UInt8] {
        try expect("\"")
        var bytes: [UInt8] = []
        while true {
            guard let byte = try nextTextByte() else {
                throw failure("a quoted string is not closed")
            }
            switch byte {
            case UInt8(ascii: "\""):
                return bytes
            case UInt8(ascii: "\\"):
                guard let escaped = try nextTextByte(), escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\")
                else {
                    throw failure("a quoted string has an invalid escape")
                }
                bytes.append(escaped)
            default:
                bytes.append(byte)
            }
        }
    }

    // MARK: - Cursor over the text pieces

    private func currentText() throws(ParseError) -> [UInt8]? {
        guard index < pieces.count else {
            return nil
        }
        guard case .text(let bytes) = pieces[index] else {
            throw failure("a literal appears where the grammar does not allow one")
        }
        return bytes
    }

    private mutating func peekByte() throws(ParseError) -> UInt8? {
        guard let text = try currentText() else {
            return nil
        }
        return offset < text.count ? text[offset] : nil
    }

    private mutating func nextTextByte() throws(ParseError) -> UInt8? {
        let byte = try peekByte()
        if byte != nil {
            offset += 1
        }
        return byte
    }

    private mutating func consume(_ character: Unicode.Scalar) throws(ParseError) -> Bool {
        if try peekByte() == UInt8(ascii: character) {
            offset += 1
            return true
        }
        return false
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(ParseError) {
        guard try consume(character) else {
            let found = try peekByte().map { MailMessageError.quoted(String(decoding: [$0], as: UTF8.self)) }
            throw failure("expected '\(character)' but found \(found ?? "the end of the response")")
        }
    }

    private mutating func expectEnd() throws(ParseError) {
        guard try peekByte() == nil, index + 1 >= pieces.count else {
            throw failure("unexpected data after the end of the response")
        }
    }

    /// Bytes that end an atom: RFC 3501 atom-specials without `%`, `*` and `\\`, which flags and capabilities use,
    /// plus the brackets of response codes and sections.
    private static let atomSpecials: Set<UInt8> = Set("(){ \"[]".utf8)

    /// An atom (possibly empty), as RFC 3501 ATOM-CHAR with the exceptions above.
    private mutating func atom() throws(ParseError) -> String {
        var bytes: [UInt8] = []
        while let byte = try peekByte() {
            if byte < 0x21 || byte == 0x7F || Self.atomSpecials.contains(byte) {
                break
            }
            bytes.append(byte)
            offset += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func number() throws(ParseError) -> Int {
        var value = 0
        var digits = 0
        while let byte = try peekByte(), (0x30...0x39).contains(byte) {
            digits += 1
            guard digits <= 12 else {
                throw failure("a number is too large")
            }
            value = value * 10 + Int(byte - 0x30)
            offset += 1
        }
        guard digits > 0 else {
            throw failure("a number is expected")
        }
        return value
    }

    private mutating func restOfLine() throws(ParseError) -> String {
        guard let text = try currentText() else {
            return ""
        }
        let rest = text[min(offset, text.count)...]
        offset = text.count
        try expectEnd()
        return String(decoding: rest, as: UTF8.self)
    }

    private func failure(_ reason: String) -> ParseError {
        ParseError(reason: reason, response: summary)
    }
}
