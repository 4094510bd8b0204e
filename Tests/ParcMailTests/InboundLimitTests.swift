import Foundation
import Testing

@testable import ParcMail

/// Every limit refuses with an error naming it, and hostile input costs one pass, never a crash.
struct InboundLimitTests {
    private let header = Array("From: a@example.org\nSubject: x\n".utf8)

    private func parse(_ bytes: [UInt8], limits: InboundMailLimits = .default) throws(InboundMailError)
        -> InboundMessage
    {
        try InboundMessageParser(limits: limits).parse(bytes)
    }

    private func expectRefusal(
        _ bytes: [UInt8],
        limits: InboundMailLimits = .default,
        _ expected: InboundMailError,
        naming limit: InboundMailLimit?
    ) {
        do {
            _ = try parse(bytes, limits: limits)
            Issue.record("expected \(expected)")
        } catch {
            #expect(error == expected)
            #expect(error.violatedLimit == limit)
            if let limit {
                #expect(error.description.contains(limit.description), "\(error.description)")
            }
        }
    }

    // MARK: - Limits

    @Test("the defaults are the documented ones")
    func defaults() {
        let limits = InboundMailLimits.default
        #expect(limits.maximumMessageSize == 25 * 1024 * 1024)
        #expect(limits.maximumHeaderFields == 1_000)
        #expect(limits.maximumHeaderFieldLength == 64 * 1024)
        #expect(limits.maximumParts == 500)
        #expect(limits.maximumNestingDepth == 20)
        #expect(limits.maximumAttachmentSize == 20 * 1024 * 1024)
        #expect(limits.oversizedAttachments == .refuseMessage)
        #expect(
            InboundMailLimits(maximumNestingDepth: 1_000_000).maximumNestingDepth
                == InboundMailLimits.nestingDepthCeiling)
    }

    @Test("empty input and input that is not a message are refused as such")
    func notMessages() {
        expectRefusal([], .empty, naming: nil)
        expectRefusal(Array("just some text\nwith lines\n".utf8), .noHeaderFields, naming: nil)
        expectRefusal(Array("\n\nbody only".utf8), .noHeaderFields, naming: nil)
        expectRefusal([0x00, 0xFF, 0xFE, 0x0A], .noHeaderFields, naming: nil)
        #expect(InboundMailError.empty.description.contains("empty"))
        #expect(InboundMailError.noHeaderFields.description.contains("not a mail message"))
    }

    @Test("a message over the size limit is refused before it is read, and the error says by how much")
    func messageSize() {
        let bytes = header + [0x0A] + [UInt8](repeating: 0x61, count: 2_000)
        let limits = InboundMailLimits(maximumMessageSize: 1_024)
        expectRefusal(bytes, limits: limits, .messageTooLarge(size: bytes.count, limit: 1_024), naming: .messageSize)
        let error = InboundMailError.messageTooLarge(size: 30 * 1024 * 1024, limit: 25 * 1024 * 1024)
        #expect(
            error.description
                == "the message is 30 MiB, over the maximum message size of 25 MiB; send large files another way or raise the limit"
        )
        #expect(InboundMailError.bytes(1536) == "1.5 KiB")
        #expect(InboundMailError.bytes(100) == "100 bytes")
    }

    @Test("100,000 header fields are refused at the 1,001st")
    func headerCount() {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1_300_000)
        for index in 0..<100_000 {
            bytes += Array("X-F\(index): v\n".utf8)
        }
        bytes += Array("\nbody".utf8)
        expectRefusal(bytes, .tooManyHeaderFields(part: "", limit: 1_000), naming: .headerFields)
        expectRefusal(
            header + Array("Content-Type: multipart/mixed; boundary=b\n\n--b\nA: 1\nB: 2\nC: 3\n\nx\n--b--\n".utf8),
            limits: InboundMailLimits(maximumHeaderFields: 2), .tooManyHeaderFields(part: "", limit: 2),
            naming: .headerFields)
        expectRefusal(
            Array(
                "From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\nA: 1\nB: 2\nC: 3\n\nx\n--b--\n"
                    .utf8),
            limits: InboundMailLimits(maximumHeaderFields: 2), .tooManyHeaderFields(part: "1", limit: 2),
            naming: .headerFields)
    }

    @Test("a 10 MB header line, or a field folded past the limit, is refused naming the field")
    func headerLength() throws {
        let long = Array("Subject: ".utf8) + [UInt8](repeating: 0x41, count: 10 * 1024 * 1024) + Array("\n\nbody".utf8)
        expectRefusal(
            long, .headerFieldTooLong(part: "", name: "Subject", limit: 64 * 1024), naming: .headerFieldLength)
        var folded = Array("From: a@example.org\nReferences: <a@b>\n".utf8)
        for _ in 0..<3_000 {
            folded += Array(" <0123456789abcdef0123456789@example.org>\n".utf8)
        }
        folded += [0x0A]
        expectRefusal(
            folded, .headerFieldTooLong(part: "", name: "References", limit: 64 * 1024), naming: .headerFieldLength)
        // A huge line that is not a field is not measured as one: at the top it is not a message at all, in a
        // part it is the start of a body that has no header.
        expectRefusal([UInt8](repeating: 0x42, count: 200_000), .noHeaderFields, naming: nil)
        let headerless =
            header + Array("Content-Type: multipart/mixed; boundary=b\n\n--b\n".utf8)
            + [UInt8](repeating: 0x42, count: 1_000_000) + Array("\n--b--\n".utf8)
        #expect(try parse(headerless).body.text.utf8.count == 1_000_000)
    }

    @Test("a multipart with more parts than allowed is refused")
    func partCount() {
        var bytes = header + Array("Content-Type: multipart/mixed; boundary=b\n\n".utf8)
        for _ in 0..<600 {
            bytes += Array("--b\n\nx\n".utf8)
        }
        bytes += Array("--b--\n".utf8)
        expectRefusal(bytes, .tooManyParts(limit: 500), naming: .parts)
        #expect(throws: Never.self) { try parse(bytes, limits: InboundMailLimits(maximumParts: 601)) }
    }

    @Test("10,000 nested multiparts are refused at the nesting limit without exhausting the stack")
    func nesting() {
        var bytes = header + Array("Content-Type: multipart/mixed; boundary=b0\n\n".utf8)
        for level in 1...10_000 {
            bytes += Array("--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n".utf8)
        }
        bytes += Array("--b10000\n\ndeep\n".utf8)
        expectRefusal(
            bytes, .nestingTooDeep(part: String(repeating: "1.", count: 19) + "1", limit: 20), naming: .nestingDepth)
        // The same boundary at every level.
        var same = header + Array("Content-Type: multipart/mixed; boundary=b\n\n".utf8)
        for _ in 0..<10_000 {
            same += Array("--b\nContent-Type: multipart/mixed; boundary=b\n\n".utf8)
        }
        do {
            _ = try parse(same)
        } catch {
            #expect(error.violatedLimit != nil)
        }
    }

    @Test("an oversized attachment refuses the message by default, or is left out and listed when asked")
    func attachmentSize() throws {
        let payload = Data([UInt8](repeating: 0x5A, count: 3_000)).base64EncodedString(options: .lineLength76Characters)
        let bytes =
            header
            + Array(
                "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nSee attached.\n--b\nContent-Type: application/zip; name=logs.zip\nContent-Transfer-Encoding: base64\n\n\(payload)\n--b--\n"
                    .utf8)
        let small = InboundMailLimits(maximumAttachmentSize: 2_048)
        let expected = InboundMailError.attachmentTooLarge(filename: "logs.zip", size: 3_000, limit: 2_048)
        expectRefusal(bytes, limits: small, expected, naming: .attachmentSize)
        #expect(
            expected.description
                == "the attachment \"logs.zip\" is 2.9 KiB, over the maximum attachment size of 2 KiB; share it another way"
        )

        var omit = small
        omit.oversizedAttachments = .omitAttachment
        let message = try parse(bytes, limits: omit)
        #expect(message.body.text == "See attached.")
        #expect(message.attachments.isEmpty)
        #expect(
            message.omittedAttachments == [
                InboundOmittedAttachment(
                    filename: "logs.zip", contentType: "application/zip", size: 3_000, partNumber: "2", reason: expected
                )
            ])
    }

    // MARK: - Hostile input

    @Test("a 10 MB body on one line, plain or base64, is read in one pass")
    func longLines() throws {
        let line = [UInt8](repeating: 0x61, count: 10 * 1024 * 1024)
        let plain = try parse(header + [0x0A] + line)
        #expect(plain.body.text.utf8.count == line.count)
        let encoded = Array(Data(line).base64EncodedString().utf8)
        let base64 = try parse(
            header + Array("Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n".utf8)
                + encoded)
        #expect(base64.attachments.first?.size == line.count)
        let quoted = try parse(
            header + Array("Content-Transfer-Encoding: quoted-printable\n\n".utf8) + line + Array("=".utf8))
        #expect(quoted.body.text.utf8.count == line.count)
    }

    @Test("a boundary that is never found in a 5 MB body, and truncated base64, are repaired with a note")
    func missingBoundaryAndTruncation() throws {
        var body = [UInt8]()
        for _ in 0..<100_000 {
            body += Array("--not-the-boundary padding\n".utf8)
        }
        let message = try parse(header + Array("Content-Type: multipart/mixed; boundary=real\n\n".utf8) + body)
        #expect(message.notes == [.boundaryNotFound(part: "")])
        let truncated = try parse(
            header + Array("Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQKJ".utf8))
        #expect(truncated.attachments.first?.bytes == Array("%PDF-1.4\n".utf8))
        #expect(truncated.notes == [.malformedBase64(part: "")])
    }

    @Test("NUL bytes and invalid UTF-8 everywhere give valid text without controls")
    func invalidBytesEverywhere() throws {
        var generator = SeededGenerator(seed: 42)
        var bytes = Array("From: ".utf8) + (0..<200).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes += Array("\nSubject: ".utf8) + [0x00, 0xC3, 0x28, 0xFF, 0xE2, 0x82, 0x0D, 0x00]
        bytes += Array("\nContent-Type: text/html; charset=utf-8\n\n".utf8)
        bytes += (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let message = try parse(bytes)
        InboundInvariants.check(message)
    }

    @Test("deeply nested HTML, endless '<', thousands of open links and an unclosed comment stay linear")
    func hostileHTMLShapes() {
        let nested =
            String(repeating: "<blockquote>", count: 100_000) + "deep"
            + String(repeating: "</blockquote>", count: 100_000)
        let lines = HTMLTextConverter.lines(fromHTML: nested)
        #expect(BodyLine.plainText(lines) == String(repeating: ">", count: BodyLine.deepestRenderedDepth) + " deep")
        #expect(HTMLTextConverter.plainText(fromHTML: String(repeating: "<", count: 1_000_000)).count == 1_000_000)
        let links = String(repeating: "<a href=\"https://x.example\">x", count: 50_000)
        #expect(HTMLTextConverter.markdown(fromHTML: links).count > 50_000)
        #expect(HTMLTextConverter.plainText(fromHTML: "text<!--" + String(repeating: "-", count: 1_000_000)) == "text")
        let lists = String(repeating: "<ul><li>", count: 10_000) + "item"
        #expect(HTMLTextConverter.plainText(fromHTML: lists).hasSuffix("- item"))
        let entities = String(repeating: "&amp", count: 200_000)
        #expect(HTMLTextConverter.plainText(fromHTML: entities).count == 200_000)
    }

    @Test("a message of 100,000 quoted lines and markers is stripped in one pass")
    func hostileReplyShapes() throws {
        var body = "answer\n"
        for _ in 0..<50_000 {
            body += "On Mon wrote:\n> q\n"
        }
        let message = try InboundMessageParser().parse("From: a@example.org\n\n" + body)
        #expect(message.body.newText.hasPrefix("answer"))
    }
}
