import NIOCore
import Testing

@testable import ParcMail

/// Framing and parsing of server responses: literals split across reads, strict grammar, limits.
struct IMAPResponseParserTests {
    static let limits = IMAPResponseFramer.Limits(maximumLineLength: 1024, maximumLiteralSize: 4096)

    /// Frames `text` fed in chunks of `chunk` bytes and parses every response.
    static func responses(_ text: String, chunk: Int = .max) throws -> [IMAPResponse] {
        var framer = IMAPResponseFramer(limits: limits)
        var buffer = ByteBuffer()
        var responses: [IMAPResponse] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            buffer.writeBytes(bytes[start..<end])
            start = end
            while let frame = try framer.next(from: &buffer) {
                responses.append(try IMAPResponseParser.parse(frame))
            }
        }
        #expect(!framer.isInsideResponse)
        return responses
    }

    static func framingError(_ text: String) -> IMAPResponseFramer.FramingError? {
        var framer = IMAPResponseFramer(limits: limits)
        var buffer = ByteBuffer(string: text)
        do {
            while try framer.next(from: &buffer) != nil {}
            return nil
        } catch {
            return error
        }
    }

    static func parseError(_ line: String) -> IMAPResponseParser.ParseError? {
        do {
            _ = try IMAPResponseParser.parse(IMAPResponseFrame(pieces: [.text(Array(line.utf8))]))
            return nil
        } catch {
            return error
        }
    }

    @Test("a FETCH with a literal body parses the same whether it arrives whole or byte by byte")
    func fetchWithLiteral() throws {
        let text = "* 3 FETCH (UID 17 RFC822.SIZE 10 FLAGS (\\Seen $Forwarded) BODY[] {10}\r\nHello\r\nAna)\r\n"
            + "P4 OK Fetch completed.\r\n"
        for chunk in [1, 2, 7, .max] {
            let parsed = try Self.responses(text, chunk: chunk)
            #expect(parsed.count == 2)
            guard case .fetch(let sequence, let attributes) = parsed[0] else {
                Issue.record("not a FETCH: \(parsed[0])")
                return
            }
            #expect(sequence == 3)
            #expect(attributes.uid == 17)
            #expect(attributes.size == 10)
            #expect(attributes.flags == ["\\Seen", "$Forwarded"])
            #expect(attributes.body == Array("Hello\r\nAna".utf8))
            #expect(parsed[1] == .tagged(tag: "P4", .init(condition: .ok, code: nil, codeArguments: "",
                                                           text: "Fetch completed.")))
        }
    }

    @Test("nested lists, quoted strings with escapes, NIL and extra literals are skipped in FETCH")
    func fetchWithOtherAttributes() throws {
        let text = "* 1 FETCH (ENVELOPE (\"Mon, 30 Nov 2026\" {7}\r\nSubject NIL ((\"A \\\"B\\\"\" NIL \"a\" \"b.c\")) "
            + "NIL NIL NIL NIL NIL \"<id@x>\") BODY[HEADER.FIELDS (MESSAGE-ID)]<0> {3}\r\nabc UID 9 BODY[] NIL)\r\n"
        let parsed = try Self.responses(text)
        guard case .fetch(_, let attributes) = parsed.first else {
            Issue.record("not a FETCH: \(parsed)")
            return
        }
        #expect(attributes.uid == 9)
        #expect(attributes.body == nil)
    }

    @Test("status responses keep their code and text; SELECT's codes give UIDVALIDITY and UIDNEXT")
    func statusCodes() throws {
        let parsed = try Self.responses(
            "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* OK [UIDNEXT 4392] Predicted next UID\r\n"
                + "* 172 EXISTS\r\n* FLAGS (\\Answered \\Seen)\r\n* BYE\r\n+ \r\n+\r\n"
                + "P2 NO [TRYCREATE] Mailbox doesn't exist\r\n* CAPABILITY IMAP4rev1 MOVE uidplus\r\n"
        )
        guard case .status(let validity) = parsed[0], case .status(let next) = parsed[1] else {
            Issue.record("not status responses: \(parsed)")
            return
        }
        #expect(validity.number(ofCode: "UIDVALIDITY") == 3_857_529_045)
        #expect(next.number(ofCode: "UIDNEXT") == 4392)
        #expect(parsed[2] == .exists(172))
        #expect(parsed[3] == .other("FLAGS"))
        #expect(parsed[4] == .status(.init(condition: .bye, code: nil, codeArguments: "", text: "")))
        #expect(parsed[5] == .continuation(""))
        #expect(parsed[6] == .continuation(""))
        #expect(parsed[7] == .tagged(tag: "P2", .init(condition: .no, code: "TRYCREATE", codeArguments: "",
                                                       text: "Mailbox doesn't exist")))
        #expect(parsed[8] == .capability(["IMAP4REV1", "MOVE", "UIDPLUS"]))
    }

    @Test("text that ends in braces without digits is text, not a literal")
    func bracesInText() throws {
        let parsed = try Self.responses("* OK see {docs}\r\n")
        #expect(parsed == [.status(.init(condition: .ok, code: nil, codeArguments: "", text: "see {docs}"))])
    }

    @Test("framing refuses oversized lines and literals, bad literal lengths, bare LF and NUL")
    func framingLimits() {
        #expect(Self.framingError(String(repeating: "a", count: 2000)) == .lineTooLong(limit: 1024))
        #expect(Self.framingError("* " + String(repeating: "a", count: 2000) + "\r\n") == .lineTooLong(limit: 1024))
        #expect(Self.framingError("* 1 FETCH (BODY[] {5000}\r\n") == .literalTooLarge(size: 5000, limit: 4096))
        #expect(Self.framingError("* 1 FETCH (BODY[] {99999999999}\r\n") == .invalidLiteralLength("99999999999"))
        #expect(Self.framingError("* OK fine\n") == .bareLineFeed)
        #expect(Self.framingError("* OK a\u{0}b\r\n") == .nulByte)
        let manyLiterals = String(repeating: "{1}\r\na ", count: 70) + "\r\n"
        #expect(Self.framingError("* 1 FETCH (" + manyLiterals) == .tooManyLiterals(limit: 64))
    }

    @Test("malformed responses are refused with a reason", arguments: [
        ("", "neither a tag"),
        ("P1", "expected ' '"),
        ("P1 MAYBE", "MAYBE"),
        ("* PREAUTH [", "response code"),
        ("* OK [UIDVALIDITY 3", "closing ']'"),
        ("* 3 EXISTS extra", "after the end"),
        ("* SEARCH 1 x", "number is expected"),
        ("* SEARCH 0", "not a UID"),
        ("* 1 FETCH (UID 0)", "UID is 0"),
        ("* 1 FETCH (UID 1", "expected ' '"),
        ("* 1 FETCH (FLAGS \\Seen)", "FLAGS is not a list"),
        ("* 1 FETCH (BODY[] (a))", "neither a string nor NIL"),
        ("* 1 FETCH (X \"unterminated)", "not closed"),
        ("* 1 FETCH (X \"bad \\escape\")", "invalid escape"),
        ("* 1 FETCH (UID 99999999999999)", "too large"),
        ("* 1 FETCH (X " + String(repeating: "(", count: 40) + ")", "nested"),
        ("* ", "no name"),
    ])
    func malformed(line: String, reason: String) {
        let error = Self.parseError(line)
        #expect(error != nil, "accepted \(line)")
        #expect(error.map { "\($0)".contains(reason) } == true, "\(String(describing: error)) lacks \(reason)")
    }

    @Test("a literal where the grammar has text is refused")
    func literalInText() {
        let frame = IMAPResponseFrame(pieces: [.text(Array("* OK ".utf8)), .literal([1, 2]), .text([])])
        #expect(throws: IMAPResponseParser.ParseError.self) { try IMAPResponseParser.parse(frame) }
    }

    @Test("the command builder quotes plain ASCII and sends anything else as a synchronising literal")
    func commandBuilder() {
        var builder = IMAPCommandBuilder(tag: "P1", "LOGIN ")
        builder.appendString("ana\"x\\")
        builder.append(" ")
        builder.appendString("mot de passe é")
        #expect(builder.segments.count == 2)
        #expect(String(decoding: builder.segments[0], as: UTF8.self) == "P1 LOGIN \"ana\\\"x\\\\\" {15}\r\n")
        #expect(String(decoding: builder.segments[1], as: UTF8.self) == "mot de passe é")
    }
}
