import NIOCore
import Testing

@testable import ParcMail

struct SMTPProtocolTests {
    private func decodeAll(_ chunks: [String], decoder: inout SMTPReplyDecoder) throws -> [SMTPReply] {
        var buffer = ByteBuffer()
        var replies: [SMTPReply] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let reply = try decoder.decodeReply(from: &buffer) {
                replies.append(reply)
            }
        }
        return replies
    }

    @Test("a multi-line reply is one reply with every line's text")
    func multiLine() throws {
        var decoder = SMTPReplyDecoder()
        let replies = try decodeAll(
            ["250-mail.example.org\r\n250-SIZE 1000\r\n250 AUTH PLAIN LOGIN\r\n"],
            decoder: &decoder
        )
        #expect(replies == [SMTPReply(code: 250, lines: ["mail.example.org", "SIZE 1000", "AUTH PLAIN LOGIN"])])
    }

    @Test("a reply split across reads, with bare LF and a code-only line, is reassembled")
    func splitAcrossReads() throws {
        var decoder = SMTPReplyDecoder()
        let replies = try decodeAll(["22", "0 ready\r", "\n250-a\n", "250 b\r\n354\r\n"], decoder: &decoder)
        #expect(replies.map(\.code) == [220, 250, 354])
        #expect(replies[1].lines == ["a", "b"])
        #expect(replies[2].lines == [""])
    }

    @Test("an endless line fails once it passes the limit instead of being buffered")
    func endlessLine() throws {
        var decoder = SMTPReplyDecoder()
        var buffer = ByteBuffer(string: "220-")
        var failed = false
        for _ in 0..<100 {
            buffer.writeString(String(repeating: "A", count: 1000))
            do {
                _ = try decoder.decodeReply(from: &buffer)
            } catch {
                #expect(error == .lineTooLong(limit: 2048))
                failed = true
                break
            }
        }
        #expect(failed)
        #expect(buffer.readableBytes < 4096)
    }

    @Test("an endless multi-line reply fails at the line limit")
    func endlessContinuation() throws {
        var decoder = SMTPReplyDecoder()
        let flood = Array(repeating: "250-more\r\n", count: 200)
        #expect(throws: SMTPReplyDecoder.DecodingError.tooManyLines(limit: 100)) {
            _ = try decodeAll(flood, decoder: &decoder)
        }
    }

    @Test("garbage and mixed codes are protocol errors")
    func malformed() throws {
        for garbage in ["HTTP/1.1 400 Bad Request\r\n", "99 too short\r\n", "700 out of range\r\n", "250x\r\n"] {
            var decoder = SMTPReplyDecoder()
            #expect(throws: SMTPReplyDecoder.DecodingError.self) { _ = try decodeAll([garbage], decoder: &decoder) }
        }
        var decoder = SMTPReplyDecoder()
        #expect(throws: SMTPReplyDecoder.DecodingError.inconsistentCodes(first: 250, then: 550)) {
            _ = try decodeAll(["250-a\r\n550 b\r\n"], decoder: &decoder)
        }
    }

    @Test("control characters in server text are replaced so they cannot reach a log line raw")
    func controlCharactersReplaced() throws {
        var decoder = SMTPReplyDecoder()
        let replies = try decodeAll(["550 bad\u{1B}[31m\r\n"], decoder: &decoder)
        #expect(replies.first?.text == "bad\u{FFFD}[31m")
    }

    @Test("DATA content is dot-stuffed, CRLF-normalized and terminated by CRLF.CRLF")
    func dotStuffing() {
        let message = Array("Subject: x\r\n\r\n.\r\n..two\r\n.leading\nmiddle . dot\r\nlast".utf8)
        let encoded = SMTPDataEncoder.encode(message, allocator: ByteBufferAllocator())
        #expect(
            String(buffer: encoded)
                == "Subject: x\r\n\r\n..\r\n...two\r\n..leading\r\nmiddle . dot\r\nlast\r\n.\r\n"
        )
    }

    @Test("a message whose first line starts with a dot is stuffed too")
    func dotOnFirstLine() {
        let encoded = SMTPDataEncoder.encode(Array(".x\r\n".utf8), allocator: ByteBufferAllocator())
        #expect(String(buffer: encoded) == "..x\r\n.\r\n")
    }

    @Test("EHLO extensions are parsed, including the old AUTH= form and SIZE")
    func capabilities() {
        let reply = SMTPReply(
            code: 250,
            lines: ["mx.example.org greets you", "SIZE 52428800", "auth=LOGIN", "AUTH plain CRAM-MD5", "STARTTLS"]
        )
        let capabilities = SMTPServerCapabilities(ehloReply: reply)
        #expect(capabilities.supportsStartTLS)
        #expect(capabilities.authenticationMechanisms == ["LOGIN", "PLAIN", "CRAM-MD5"])
        #expect(capabilities.maximumMessageSize == 52_428_800)
        #expect(
            SMTPServerCapabilities(ehloReply: SMTPReply(code: 250, lines: ["x", "SIZE 0"])).maximumMessageSize == nil
        )
    }

    @Test("configuration defaults the port from the security mode")
    func defaultPorts() {
        #expect(SMTPConfiguration(host: "mail.example.org", security: .none).port == 25)
        #expect(SMTPConfiguration(host: "mail.example.org", security: .startTLS).port == 587)
        #expect(SMTPConfiguration(host: "mail.example.org", security: .tls).port == 465)
        #expect(SMTPConfiguration(host: "mail.example.org", port: 2525, security: .tls).port == 2525)
    }

    @Test("credentials never appear in a configuration's description")
    func credentialsRedacted() {
        let credentials = SMTPConfiguration.Credentials(username: "parc", password: "hunter2")
        #expect(!String(describing: credentials).contains("hunter2"))
        #expect(
            !String(describing: SMTPConfiguration(host: "h", security: .tls, credentials: credentials)).contains(
                "hunter2"
            )
        )
    }
}
