import Foundation
import Testing

@testable import ParcMail

/// Header fields, encoded-words, addresses, dates and Message-IDs.
struct InboundHeaderTests {
    private func parse(_ text: String) throws -> InboundMessage {
        try InboundMessageParser().parse(text)
    }

    // MARK: - Fields

    @Test("folded fields unfold by removing the line break only, with CRLF or LF endings")
    func unfolding() throws {
        for ending in ["\r\n", "\n"] {
            let message = try parse(
                ["Subject: a long", " subject\tthat", "\tcontinues", "From: a@example.org", "", "body"]
                    .joined(separator: ending))
            #expect(message.headers["Subject"] == "a long subject\tthat\tcontinues")
            #expect(message.subject == "a long subject that continues")
            #expect(message.body.text == "body")
        }
    }

    @Test("field names compare without case, repeated fields are all kept in order")
    func namesAndRepeats() throws {
        let message = try parse(
            "Received: one\nreceived: two\nRECEIVED: three\nTo: a@example.org\nTo: b@example.org\nSUBJECT: hi\n\n")
        #expect(message.headers.values(named: "Received") == ["one", "two", "three"])
        #expect(message.headers["subject"] == "hi")
        #expect(message.headers.first(named: "received")?.name == "Received")
        #expect(message.to.map(\.address) == ["a@example.org", "b@example.org"])
        #expect(message.headers.count == 6)
    }

    @Test("obsolete syntax: whitespace before the colon, empty values, a body-less message")
    func obsoleteSyntax() throws {
        let message = try parse("Subject   : spaced\r\nX-Empty:\r\nFrom:a@example.org")
        #expect(message.headers["Subject"] == "spaced")
        #expect(message.headers["X-Empty"] == "")
        #expect(message.from?.address == "a@example.org")
        #expect(message.body == .empty)
    }

    @Test("raw 8-bit header values read as UTF-8, or Windows-1252 when not UTF-8")
    func raw8Bit() throws {
        var bytes = Array("Subject: caf".utf8) + [0xE9] + Array(" \u{2013} ".utf8) + [0x0A]
        bytes += Array("From: =?utf-8?q?x?= <a@example.org>\nX-Raw: Gr\u{FC}\u{DF}e\n\n".utf8)
        let message = try InboundMessageParser().parse(bytes)
        // The byte 0xE9 makes the whole value invalid UTF-8, so all of it is read as Windows-1252.
        #expect(message.subject == "caf\u{E9} \u{E2}\u{20AC}\u{201C}")
        #expect(message.headers["X-Raw"] == "Grüße")
    }

    @Test("control characters and NUL in header values become spaces")
    func controlsInHeaders() throws {
        let bytes = Array("Subject: a".utf8) + [0x00, 0x07] + Array("b\u{7F}c\nFrom: x@example.org\n\n".utf8)
        let message = try InboundMessageParser().parse(bytes)
        #expect(message.headers["Subject"] == "a  b c")
        #expect(message.subject == "a b c")
    }

    @Test("a header line without a colon ends the header; an indented first line is ignored; mbox From is skipped")
    func malformedHeaderLines() throws {
        let message = try parse(
            "From sender@example.org Mon Jun  2 14:00:00 2025\n  stray\nFrom: a@example.org\nthis is body\nmore")
        #expect(message.from?.address == "a@example.org")
        #expect(message.body.text == "this is body\nmore")
        #expect(
            message.notes == [
                .mboxSeparatorSkipped, .continuationWithoutField(part: ""), .headerLineWithoutColon(part: ""),
            ])
    }

    // MARK: - Encoded words

    @Test(
        "RFC 2047 encoded-words decode, adjacent ones join, others keep their spacing",
        arguments: [
            ("=?UTF-8?Q?caf=C3=A9?=", "café"),
            ("=?utf-8?q?caf=c3=a9?= =?utf-8?q?_cr=C3=A8me?=", "café crème"),
            ("=?UTF-8?B?w6k=?= text =?UTF-8?B?w6k=?=", "é text é"),
            ("=?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?=", "ab"),
            ("Re:=?utf-8?q?_Probl=C3=A8me?=", "Re: Problème"),
            ("=?ISO-8859-1?Q?Ol=E1?= =?UTF-8?Q?_=C3=A9?=", "Olá é"),
            ("=?UTF-8*fr?Q?caf=C3=A9?=", "café"),
            ("=?UTF-8?B?w6lsb2RpZQ?=", "élodie"),
            ("=?iso-8859-15?q?=A4uro?=", "€uro"),
            ("=?x-unknown?Q?caf=E9?=", "caf\u{FFFD}"),
            ("=?UTF-8?Q?no end", "=?UTF-8?Q?no end"),
            ("=?UTF-8?X?bad encoding?=", "=?UTF-8?X?bad encoding?="),
            ("plain =? not ?= encoded", "plain =? not ?= encoded"),
            ("=?UTF-8?Q?line=0D=0ABcc:_victim@example.org?=", "line Bcc: victim@example.org"),
        ])
    func encodedWords(input: String, expected: String) {
        #expect(EncodedWordDecoder.decode(input) == expected)
    }

    @Test("a multi-byte character split across two B words is decoded whole")
    func splitCharacter() {
        // "é" is C3 A9: the first word carries C3, the second A9.
        #expect(EncodedWordDecoder.decode("=?UTF-8?B?w6k=?= =?UTF-8?B?ww==?= =?UTF-8?B?qQ==?=") == "éé")
    }

    @Test("a subject made of thousands of unterminated encoded-word starts decodes in linear time")
    func encodedWordScanIsLinear() {
        // No "?=" anywhere: a naive decoder rescans to the end for each of the 20,000 starts.
        let hostile = String(repeating: "=?a?q?x", count: 20_000)
        #expect(EncodedWordDecoder.decode(hostile) == hostile)
        let many = String(repeating: "=?utf-8?q?a?=", count: 5_000)
        #expect(EncodedWordDecoder.decode(many) == String(repeating: "a", count: 5_000))
    }

    // MARK: - Addresses

    @Test(
        "addresses in their real-world forms",
        arguments: [
            ("\"Doe, John\" <john@example.org>", [MailAddress("john@example.org", displayName: "Doe, John")]),
            ("Doe, John <john@example.org>", [MailAddress("john@example.org", displayName: "Doe, John")]),
            ("john@example.org (John Doe)", [MailAddress("john@example.org", displayName: "John Doe")]),
            ("<john@example.org>", [MailAddress("john@example.org")]),
            ("John Q. Public <jqp@example.org>", [MailAddress("jqp@example.org", displayName: "John Q. Public")]),
            ("\"john doe\"@example.org", [MailAddress("\"john doe\"@example.org")]),
            ("\"john\"@example.org", [MailAddress("john@example.org")]),
            (
                "John <@relay.example,@other.example:john@example.org>",
                [MailAddress("john@example.org", displayName: "John")]
            ),
            ("=?UTF-8?Q?Jos=C3=A9?= <jose@example.org>", [MailAddress("jose@example.org", displayName: "José")]),
            (
                "\"=?UTF-8?B?w4lsb2RpZQ==?=\" <elodie@example.org>",
                [MailAddress("elodie@example.org", displayName: "Élodie")]
            ),
            ("a@example.org, b@example.org", [MailAddress("a@example.org"), MailAddress("b@example.org")]),
            ("john . doe @ example . org", [MailAddress("john.doe@example.org")]),
            ("MAILER-DAEMON", [MailAddress("MAILER-DAEMON")]),
            ("Jöhn <jöhn@exämple.org>", [MailAddress("jöhn@exämple.org", displayName: "Jöhn")]),
            ("user@[192.0.2.1]", [MailAddress("user@[192.0.2.1]")]),
            ("\"Quote \\\" inside\" <q@example.org>", [MailAddress("q@example.org", displayName: "Quote \" inside")]),
            ("<<<>>>,,,;;;", []),
            ("", []),
        ])
    func addresses(input: String, expected: [MailAddress]) {
        #expect(InboundAddressParser.mailboxes(input) == expected)
    }

    @Test("groups keep their name and members; an empty group is allowed")
    func groups() {
        #expect(
            InboundAddressParser.parse("undisclosed-recipients:;") == [
                .group(name: "undisclosed-recipients", members: [])
            ])
        #expect(
            InboundAddressParser.parse("a@example.org, Team: b@example.org, C <c@example.org>;, d@example.org")
                == [
                    .mailbox(MailAddress("a@example.org")),
                    .group(
                        name: "Team",
                        members: [MailAddress("b@example.org"), MailAddress("c@example.org", displayName: "C")]),
                    .mailbox(MailAddress("d@example.org")),
                ])
    }

    // MARK: - Dates

    @Test(
        "dates in RFC 5322, obsolete and common broken forms",
        arguments: [
            ("Tue, 1 Jul 2025 10:52:37 +0200", "2025-07-01T08:52:37Z"),
            ("1 Jul 2025 10:52 +0200", "2025-07-01T08:52:00Z"),
            ("Tue, 01 Jul 2025 10:52:37 +0200 (CEST)", "2025-07-01T08:52:37Z"),
            ("Tue,  1 Jul 2025 10:52:37 -0700", "2025-07-01T17:52:37Z"),
            ("Tue, 1 Jul 25 10:52:37 GMT", "2025-07-01T10:52:37Z"),
            ("Thu, 1 Jul 99 10:52:37 GMT", "1999-07-01T10:52:37Z"),
            ("Tue, 1 Jul 125 10:52:37 UT", "2025-07-01T10:52:37Z"),
            ("Tue, 1 Jul 2025 10:52:37 EDT", "2025-07-01T14:52:37Z"),
            ("Tue, 1 Jul 2025 10:52:37 CEST", "2025-07-01T08:52:37Z"),
            ("Tue, 1 Jul 2025 10:52:37 +02:00", "2025-07-01T08:52:37Z"),
            ("Tue, 1 Jul 2025 10:52:37 GMT+0200", "2025-07-01T08:52:37Z"),
            ("Tuesday, July 1, 2025 10:52:37 +0200", "2025-07-01T08:52:37Z"),
            ("Tue, 01-Jul-2025 10:52:37 GMT", "2025-07-01T10:52:37Z"),
            ("Tue Jul  1 10:52:37 2025", "2025-07-01T10:52:37Z"),
            ("2025-07-01T10:52:37+02:00", "2025-07-01T08:52:37Z"),
            ("2025-07-01 10:52:37Z", "2025-07-01T10:52:37Z"),
            ("2025-07-01T10:52:37.123Z", "2025-07-01T10:52:37Z"),
            ("Tue, 1 Jul 2025 10:52:37", "2025-07-01T10:52:37Z"),
            ("Tue, 1 Jul 2025 10:52:37 -0000", "2025-07-01T10:52:37Z"),
            ("Tue, 1 Jul 2025 10:52:37 A", "2025-07-01T10:52:37Z"),
            ("Wed, 31 Dec 2025 23:59:60 +0000", "2025-12-31T23:59:59Z"),
            ("Thu, 29 Feb 2024 12:00:00 +0000", "2024-02-29T12:00:00Z"),
            ("mon, 2 jun 2025 14:03:00 +0200", "2025-06-02T12:03:00Z"),
        ])
    func dates(input: String, expected: String) {
        #expect(InboundDateParser.parse(input) == ISO8601DateFormatter().date(from: expected))
    }

    @Test(
        "impossible or unreadable dates are nil, not shifted",
        arguments: [
            "", "yesterday", "31 Jun 2025 10:00 +0000", "1 Jul 2025 25:00 +0000", "1/7/2025 10:00",
            "Tue, 1 Xyz 2025 10:00 +0000", "29 Feb 2025 12:00 +0000", "1 Jul 2025 10:00:00 +9999",
            String(repeating: "1 ", count: 500), "Tue, 1 Jul 10:52:37 +0200",
        ])
    func badDates(input: String) {
        #expect(InboundDateParser.parse(input) == nil)
    }

    @Test("an unreadable Date is a note, not an error")
    func unreadableDateNote() throws {
        let message = try parse("From: a@example.org\nDate: sometime\n\nx")
        #expect(message.date == nil)
        #expect(message.notes == [.unreadableDate("sometime")])
    }

    // MARK: - Message-IDs

    @Test(
        "Message-ID lists with comments, obsolete spaces, junk between and no brackets",
        arguments: [
            ("<a@b.example> <c@d.example>", ["a@b.example", "c@d.example"]),
            ("<a@b.example>(comment <x@y>)\r\n <c@d.example>", ["a@b.example", "c@d.example"]),
            ("< a @ b.example >", ["a@b.example"]),
            ("<x@y.example> (Ana's message of \"Tue, 3 Jun\")", ["x@y.example"]),
            ("a@b.example c@d.example", ["a@b.example", "c@d.example"]),
            ("<a@b.example> <a@b.example>", ["a@b.example"]),
            ("no identifiers here", []),
            ("<unterminated@x", ["unterminated@x"]),
        ])
    func messageIDs(input: String, expected: [String]) {
        #expect(InboundMessageIDParser.parse(input) == expected)
    }

    @Test("the null reverse path is recognised with spaces and comments")
    func nullPath() {
        #expect(InboundMessageIDParser.isNullPath("<>"))
        #expect(InboundMessageIDParser.isNullPath(" < > (bounce)"))
        #expect(!InboundMessageIDParser.isNullPath("<a@example.org>"))
    }
}
