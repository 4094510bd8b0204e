import Foundation
import Testing

@testable import ParcMail

/// MIME structure, transfer encodings, charsets, parameters and which parts become body or attachments.
struct InboundMIMETests {
    private func parse(_ text: String, limits: InboundMailLimits = .default) throws -> InboundMessage {
        try InboundMessageParser(limits: limits).parse(text)
    }

    private func message(contentType: String, encoding: String? = nil, body: String) throws -> InboundMessage {
        var header = "From: a@example.org\nContent-Type: \(contentType)\n"
        if let encoding {
            header += "Content-Transfer-Encoding: \(encoding)\n"
        }
        return try parse(header + "\n" + body)
    }

    // MARK: - Structure

    @Test("nested mixed › alternative › related is numbered as IMAP numbers parts, preamble and epilogue ignored")
    func nestedStructure() throws {
        let message = try parse(
            """
            From: a@example.org
            Content-Type: multipart/mixed; boundary=outer

            preamble text
            --outer
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain

            plain body
            --alt
            Content-Type: multipart/related; boundary=rel

            --rel
            Content-Type: text/html

            <p>html body</p>
            --rel
            Content-Type: image/gif
            Content-ID: <logo@x>
            Content-Transfer-Encoding: base64

            R0lGODlhAQABAAAAACw=
            --rel--
            --alt--
            --outer
            Content-Type: application/pdf; name=report.pdf
            Content-Transfer-Encoding: base64

            JVBERg==
            --outer--
            epilogue text
            """)
        let structure = message.structure
        #expect(structure.children.map(\.number) == ["1", "2"])
        #expect(structure.children[0].children.map(\.number) == ["1.1", "1.2"])
        #expect(structure.children[0].children[1].children.map(\.number) == ["1.2.1", "1.2.2"])
        #expect(
            structure.leaves.map(\.contentType.mimeType) == ["text/plain", "text/html", "image/gif", "application/pdf"])
        #expect(message.body.text == "plain body")
        #expect(message.attachments.map(\.filename) == ["attachment.gif", "report.pdf"])
        #expect(message.attachments[0].isInline)
        #expect(message.attachments[0].contentID == "logo@x")
        #expect(message.attachments[1].bytes == Array("%PDF".utf8))
        #expect(!message.body.text.contains("preamble"))
        #expect(!message.body.text.contains("epilogue"))
        #expect(message.notes.isEmpty)
    }

    @Test("a missing final boundary is tolerated: the last part runs to the end")
    func missingFinalBoundary() throws {
        let message = try parse(
            "From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst\n--b\n\nsecond\nstill second\n"
        )
        #expect(message.body.text == "first\n\nsecond\nstill second")
        #expect(message.notes == [.missingFinalBoundary(part: "")])
    }

    @Test("a boundary that never occurs, or no boundary, leaves the body readable as text")
    func boundaryProblems() throws {
        let notFound = try parse("From: a@example.org\nContent-Type: multipart/mixed; boundary=zzz\n\nJust text.\n")
        #expect(notFound.body.text == "Just text.")
        #expect(notFound.notes == [.boundaryNotFound(part: "")])
        let missing = try parse("From: a@example.org\nContent-Type: multipart/mixed\n\nAlso text.\n")
        #expect(missing.body.text == "Also text.")
        #expect(missing.notes == [.missingBoundary(part: "")])
    }

    @Test("a boundary that is the prefix of another, trailing whitespace on delimiters, CRLF endings")
    func boundaryMatching() throws {
        let text = [
            "From: a@example.org", "Content-Type: multipart/mixed; boundary=\"b\"", "",
            "--b  ", "Content-Type: multipart/alternative; boundary=\"b-inner\"", "",
            "--b-inner", "Content-Type: text/plain", "", "inner text", "--b-inner--", "--b--\t", "",
        ].joined(separator: "\r\n")
        let message = try parse(text)
        #expect(message.body.text == "inner text")
        #expect(message.structure.children.first?.children.count == 1)
        #expect(message.notes.isEmpty)
    }

    @Test("the line break before a delimiter belongs to the delimiter, so binary content keeps its last byte")
    func delimiterLineBreak() throws {
        let message = try parse(
            "From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\n\nAB\n\n--b--\n"
        )
        #expect(message.attachments.first?.bytes == Array("AB\n".utf8))
    }

    @Test("a part without headers is text/plain; multipart/digest parts default to message/rfc822")
    func defaultTypes() throws {
        let plain = try parse(
            "From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nno headers\n--b--\n")
        #expect(plain.structure.children.first?.contentType == .defaultText)
        #expect(plain.body.text == "no headers")
        let digest = try parse(
            "From: a@example.org\nContent-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: Forwarded / item\nFrom: b@example.org\n\nhello\n--d--\n"
        )
        #expect(digest.structure.children.first?.contentType.mimeType == "message/rfc822")
        #expect(digest.attachments.first?.filename == "Forwarded - item.eml")
        #expect(digest.attachments.first?.contentType == "message/rfc822")
    }

    @Test("multipart/signed shows the signed text and keeps the signature as a file; encrypted shows nothing")
    func signedAndEncrypted() throws {
        let signed = try parse(
            """
            From: a@example.org
            Content-Type: multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256; boundary=s

            --s
            Content-Type: text/plain

            signed words
            --s
            Content-Type: application/pgp-signature; name=signature.asc

            -----BEGIN PGP SIGNATURE-----
            --s--
            """)
        #expect(signed.body.text == "signed words")
        #expect(signed.attachments.map(\.filename) == ["signature.asc"])
        let encrypted = try parse(
            "From: a@example.org\nContent-Type: multipart/encrypted; boundary=e\n\n--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n--e--\n"
        )
        #expect(encrypted.body == .empty)
        #expect(encrypted.attachments.count == 2)
    }

    @Test("alternative: plain text is preferred, but an empty plain alternative loses to HTML")
    func alternativeChoice() throws {
        let body = { (plain: String) in
            "--a\nContent-Type: text/plain\n\n\(plain)\n--a\nContent-Type: text/html\n\n<p>from <b>html</b></p>\n--a--\n"
        }
        let withPlain = try message(contentType: "multipart/alternative; boundary=a", body: body("from plain"))
        #expect(withPlain.body.text == "from plain")
        #expect(withPlain.body.source == .plainText)
        let emptyPlain = try message(contentType: "multipart/alternative; boundary=a", body: body("  "))
        #expect(emptyPlain.body.text == "from html")
        #expect(emptyPlain.body.source == .html)
    }

    @Test("Apple Mail's text, image, text in a mixed part reads as one body with the image as inline attachment")
    func textImageText() throws {
        let message = try message(
            contentType: "multipart/mixed; boundary=m",
            body: """
                --m
                Content-Type: text/plain; charset=us-ascii

                Before the picture.
                --m
                Content-Type: image/jpeg; name=IMG_0001.jpeg
                Content-Disposition: inline; filename=IMG_0001.jpeg
                Content-Transfer-Encoding: base64

                /9j/4AAQ
                --m
                Content-Type: text/plain; charset=us-ascii

                After the picture.
                --m--
                """)
        #expect(message.body.text == "Before the picture.\n\nAfter the picture.")
        #expect(message.attachments.map(\.filename) == ["IMG_0001.jpeg"])
        #expect(message.attachments.first?.isInline == true)
    }

    @Test("text parts marked attachment or named are files; calendars, vCards and forwarded mail are files")
    func textAttachments() throws {
        let message = try message(
            contentType: "multipart/mixed; boundary=m",
            body: """
                --m
                Content-Type: text/plain

                The body.
                --m
                Content-Type: text/html
                Content-Disposition: attachment

                <p>an attached page</p>
                --m
                Content-Type: text/calendar; method=REQUEST

                BEGIN:VCALENDAR
                --m
                Content-Type: message/rfc822

                Subject: =?utf-8?q?Ancienne_demande?=
                From: b@example.org

                old
                --m--
                """)
        #expect(message.body.text == "The body.")
        #expect(message.attachments.map(\.filename) == ["attachment.html", "attachment.ics", "Ancienne demande.eml"])
        #expect(message.attachments.map(\.isInline) == [false, false, false])
    }

    @Test("a message that is a single non-text part is one attachment and no body")
    func singleAttachment() throws {
        let message = try message(
            contentType: "application/pdf; name=\"scan.pdf\"", encoding: "base64", body: "JVBERi0x\n")
        #expect(message.body == .empty)
        #expect(message.attachments.map(\.filename) == ["scan.pdf"])
        #expect(message.attachments.first?.partNumber == "")
    }

    // MARK: - Transfer encodings

    @Test(
        "base64 is decoded leniently: missing padding, line breaks anywhere, garbage, concatenated blobs",
        arguments: [
            ("SGVsbG8=", "Hello", false),
            ("SGVsbG8", "Hello", false),
            ("SGV\nsbG8\r\n=", "Hello", false),
            ("SGVs bG8=", "Hello", false),
            ("SGVsbG8=SGVsbG8=", "HelloHello", false),
            ("SGVs*bG8=", "Hello", true),
            ("SGVsbG8gV", "Hello ", true),
            ("", "", false),
        ])
    func base64(input: String, expected: String, malformed: Bool) {
        let result = TransferDecoding.base64(Array(input.utf8))
        #expect(String(decoding: result.bytes, as: UTF8.self) == expected)
        #expect(result.isMalformed == malformed)
    }

    @Test(
        "quoted-printable: escapes in either case, soft breaks, transport whitespace, invalid escapes kept",
        arguments: [
            ("caf=C3=A9", "café", false),
            ("caf=c3=a9", "café", false),
            ("soft=\r\nbreak", "softbreak", false),
            ("soft=  \nbreak", "softbreak", false),
            ("trailing   \nspaces", "trailing\r\nspaces", false),
            ("a=ZZb", "a=ZZb", true),
            ("ends with =", "ends with ", false),
            ("=3D=3d", "==", false),
            ("a=4", "a=4", true),
        ])
    func quotedPrintable(input: String, expected: String, malformed: Bool) {
        let result = TransferDecoding.quotedPrintable(Array(input.utf8))
        #expect(String(decoding: result.bytes, as: UTF8.self) == expected)
        #expect(result.isMalformed == malformed)
    }

    @Test("encoding names are read without case or quotes; unknown ones keep the content and say so")
    func encodingNames() throws {
        #expect(try message(contentType: "text/plain", encoding: "BASE64", body: "aGk=").body.text == "hi")
        #expect(
            try message(contentType: "text/plain", encoding: "\"Quoted-Printable\"", body: "h=69").body.text == "hi")
        #expect(try message(contentType: "text/plain", encoding: "8bit (comment)", body: "hi").body.text == "hi")
        let unknown = try message(contentType: "text/plain", encoding: "x-uuencode", body: "begin 644 x")
        #expect(unknown.body.text == "begin 644 x")
        #expect(unknown.notes == [.unknownTransferEncoding(part: "", value: "x-uuencode")])
        let bad = try message(contentType: "text/plain", encoding: "base64", body: "aGk*")
        #expect(bad.notes == [.malformedBase64(part: "")])
    }

    @Test("binary content with NUL bytes is kept exactly in an attachment and removed from body text")
    func nulBytes() throws {
        var bytes = Array(
            "From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nA".utf8)
        bytes += [0x00, 0x42, 0x00]
        bytes += Array("\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n".utf8)
        bytes += [0x00, 0x01, 0xFF, 0x00]
        bytes += Array("\n--b--\n".utf8)
        let message = try InboundMessageParser().parse(bytes)
        #expect(message.body.text == "AB")
        #expect(message.attachments.first?.bytes == [0x00, 0x01, 0xFF, 0x00])
    }

    // MARK: - Charsets

    @Test(
        "charsets: UTF-8, Latin-1 and its aliases, Latin-9, Windows-1252, ASCII holding 8-bit bytes",
        arguments: [
            ("utf-8", [0x63, 0x61, 0x66, 0xC3, 0xA9], "café", nil),
            ("ISO-8859-1", [0x63, 0x61, 0x66, 0xE9], "café", nil),
            ("latin1", [0xE9, 0x92], "é’", nil),
            ("iso-8859-15", [0xA4, 0xBD], "€œ", nil),
            ("windows-1252", [0x93, 0x71, 0x94, 0x80], "“q”€", nil),
            ("cp1252", [0x81], "\u{FFFD}", nil),
            ("us-ascii", [0x63, 0x61, 0x66, 0xC3, 0xA9], "café", nil),
            ("us-ascii", [0x63, 0x61, 0x66, 0xE9], "café", nil),
            (nil, [0x68, 0x69], "hi", nil),
            ("\"UTF-8\"", [0xC3, 0xA9], "é", nil),
        ] as [(String?, [UInt8], String, MailCharset.Problem?)])
    func charsets(charset: String?, bytes: [UInt8], expected: String, problem: MailCharset.Problem?) {
        let decoded = MailCharset.decode(bytes, charset: charset)
        #expect(decoded.text == expected)
        #expect(decoded.problem == problem)
    }

    @Test("invalid UTF-8 and unknown charsets are replaced and noted, never dropped silently")
    func charsetProblems() throws {
        #expect(
            MailCharset.decode([0x61, 0xFF, 0x62], charset: "utf-8")
                == .init(text: "a\u{FFFD}b", problem: .invalidBytes))
        #expect(
            MailCharset.decode([0x61, 0xE9, 0xE8, 0x62], charset: "x-klingon")
                == .init(text: "a\u{FFFD}b", problem: .unknownCharset))
        #expect(
            MailCharset.decode([0xC3, 0xA9], charset: "unknown-8bit") == .init(text: "é", problem: .unknownCharset))
        #expect(MailCharset.decode([0x61], charset: "koi8-r") == .init(text: "a", problem: nil))
        #expect(!MailCharset.isSupported("koi8-r"))
        #expect(MailCharset.isSupported("Latin1"))

        var bytes = Array("From: a@example.org\nContent-Type: text/plain; charset=koi8-r\n\n".utf8)
        bytes += [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]
        let message = try InboundMessageParser().parse(bytes)
        #expect(message.body.text == "\u{FFFD}")
        #expect(message.notes == [.unknownCharset(part: "", charset: "koi8-r")])
        let invalid = try InboundMessageParser().parse(
            Array("From: a@example.org\nContent-Type: text/plain; charset=utf-8\n\nok ".utf8) + [0xC3])
        #expect(invalid.body.text == "ok \u{FFFD}")
        #expect(invalid.notes == [.invalidCharacters(part: "", charset: "utf-8")])
    }

    // MARK: - Parameters

    @Test(
        "Content-Type and Content-Disposition parameters, RFC 2231 included",
        arguments: [
            ("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", "résumé.pdf"),
            ("attachment; filename*=utf-8'fr'r%C3%A9sum%C3%A9.pdf", "résumé.pdf"),
            ("attachment; filename*=iso-8859-1''r%E9sum%E9.pdf", "résumé.pdf"),
            ("attachment; filename*0=\"long \"; filename*1=\"name.txt\"", "long name.txt"),
            ("attachment; filename*1=\"second\"; filename*0*=UTF-8''%C3%A9; filename*2*=%C3%A9", "ésecondé"),
            ("attachment; filename=\"plain.pdf\"; filename*=UTF-8''%C3%A9.pdf", "é.pdf"),
            ("attachment; filename*=UTF-8''%C3%A9.pdf; filename=\"plain.pdf\"", "é.pdf"),
            ("attachment; filename=\"a \\\"quoted\\\" name.txt\"", "a \"quoted\" name.txt"),
            ("attachment; filename=my file.pdf", "my file.pdf"),
            ("attachment; filename=\"=?UTF-8?B?w6l0w6kucGRm?=\"", "été.pdf"),
            ("attachment; filename*0=\"a\"; filename*2=\"c\"", "a"),
            ("attachment; filename=first.txt; filename=second.txt", "first.txt"),
            ("attachment (comment); filename = \"spaced.txt\" (comment)", "spaced.txt"),
            ("; filename=\"no-type.txt\"", "no-type.txt"),
            ("attachment; filename*=''%ZZ.txt", "%ZZ.txt"),
        ])
    func dispositionParameters(value: String, filename: String) {
        #expect(MIMEContentDisposition(parsing: value).filename == filename)
    }

    @Test("content types parse with comments and odd spacing, and refuse values without a subtype")
    func contentTypes() throws {
        let type = try #require(
            MIMEContentType(parsing: " Text / HTML (comment) ; Charset = \"UTF-8\" ; format=flowed"))
        #expect(type.mimeType == "text/html")
        #expect(type.charset == "UTF-8")
        #expect(type.parameters["format"] == "flowed")
        #expect(type.description == "text/html; charset=\"UTF-8\"; format=\"flowed\"")
        #expect(MIMEContentType(parsing: "text") == nil)
        #expect(MIMEContentType(parsing: "/plain") == nil)
        #expect(MIMEContentType(parsing: "") == nil)
        let message = try message(contentType: "garbage", body: "still text")
        #expect(message.body.text == "still text")
        #expect(message.notes == [.invalidContentType(part: "", value: "garbage")])
        #expect(MIMEContentDisposition(parsing: "INLINE").isInline)
        #expect(MIMEContentDisposition(parsing: "").isAttachment)
    }

    // MARK: - Filenames

    @Test(
        "attachment filenames are made safe to store and to offer for download",
        arguments: [
            ("../../etc/passwd", "passwd"),
            ("C:\\Users\\ana\\report.docx", "report.docx"),
            ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
            ("a\u{0}b\u{7}c.txt", "abc.txt"),
            ("what?.txt", "what_.txt"),
            ("<script>.html", "_script_.html"),
            ("  ...hidden.txt.. ", "hidden.txt"),
            ("..", "attachment.pdf"),
            ("", "attachment.pdf"),
            ("CON.txt", "_CON.txt"),
            ("nul", "_nul"),
            ("tab\there.txt", "tab here.txt"),
            ("e\u{301}te\u{301}.pdf", "été.pdf"),
        ])
    func filenames(input: String, expected: String) {
        let pdf = MIMEContentType(type: "application", subtype: "pdf")
        #expect(AttachmentFilename.sanitize(input, contentType: pdf) == expected)
    }

    @Test("long filenames are cut to 200 bytes between characters, keeping the extension")
    func longFilenames() {
        let name = String(repeating: "é", count: 300) + ".pdf"
        let safe = AttachmentFilename.sanitize(name, contentType: .defaultText)
        #expect(safe.utf8.count <= AttachmentFilename.maximumLength)
        #expect(safe.hasSuffix("é.pdf"))
        #expect(
            AttachmentFilename.sanitize(nil, contentType: MIMEContentType(type: "image", subtype: "png"))
                == "attachment.png")
        #expect(
            AttachmentFilename.sanitize(nil, contentType: MIMEContentType(type: "x", subtype: "y")) == "attachment.bin")
    }
}
