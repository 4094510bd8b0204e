/// Parses one RFC 5322 message, as an MTA pipe (`parc mail ingest`) or an IMAP collector delivers it.
///
/// Refuses only what is not a message or exceeds ``limits`` (with an ``InboundMailError`` naming the limit); any
/// other damage is repaired leniently and listed in ``InboundMessage/notes``. Pure and synchronous: no I/O, no
/// clock. The work is linear in the size of the message.
public struct InboundMessageParser: Sendable {
    /// The limits every message is checked against.
    public var limits: InboundMailLimits

    /// Creates a parser with `limits` (by default 25 MiB messages, see ``InboundMailLimits``).
    public init(limits: InboundMailLimits = .default) {
        self.limits = limits
    }

    /// Parses `bytes`, a complete message with CRLF or LF line endings.
    public func parse(_ bytes: [UInt8]) throws(InboundMailError) -> InboundMessage {
        guard !bytes.isEmpty else {
            throw .empty
        }
        if bytes.count > limits.maximumMessageSize {
            throw .messageTooLarge(size: bytes.count, limit: limits.maximumMessageSize)
        }
        var notes: [InboundParseNote] = []
        var start = 0
        // An mbox separator ("From sender date") that some pipes prepend is not a header field.
        if bytes.starts(with: Array("From ".utf8)) {
            while start < bytes.count && bytes[start] != 0x0A {
                start += 1
            }
            start = min(start + 1, bytes.count)
            notes.append(.mboxSeparatorSkipped)
        }
        let block = try InboundHeaderBlockParser(limits: limits).parse(
            bytes, in: start..<bytes.count, part: "", notes: &notes)
        guard !block.fields.isEmpty else {
            throw .noHeaderFields
        }
        let headers = InboundHeaderFields(block.fields)

        var mimeParser = InboundMIMEParser(limits: limits)
        let structure = try mimeParser.parseEntity(
            bytes, headers: headers, body: block.bodyStart..<bytes.count, number: "", depth: 0,
            defaultType: .defaultText)
        notes += mimeParser.notes

        let subject = headers.first(named: "Subject")?.text ?? ""
        var extractor = InboundBodyExtractor(limits: limits, isForward: InboundMessage.isForwardSubject(subject))
        let body = try extractor.extract(from: structure)
        notes += extractor.notes

        let date = headers["Date"].flatMap { value in
            let parsed = InboundDateParser.parse(value)
            if parsed == nil {
                notes.append(.unreadableDate(String(value.prefix(200))))
            }
            return parsed
        }

        return InboundMessage(
            headers: headers,
            from: headers["From"].flatMap { InboundAddressParser.mailboxes($0).first },
            sender: headers["Sender"].flatMap { InboundAddressParser.mailboxes($0).first },
            replyTo: headers.values(named: "Reply-To").flatMap(InboundAddressParser.mailboxes),
            to: headers.values(named: "To").flatMap(InboundAddressParser.mailboxes),
            cc: headers.values(named: "Cc").flatMap(InboundAddressParser.mailboxes),
            subject: subject,
            date: date,
            messageID: headers["Message-ID"].flatMap { InboundMessageIDParser.parse($0).first },
            inReplyTo: headers.values(named: "In-Reply-To").flatMap(InboundMessageIDParser.parse),
            references: headers.values(named: "References").flatMap(InboundMessageIDParser.parse),
            body: body,
            attachments: extractor.attachments,
            omittedAttachments: extractor.omitted,
            structure: structure,
            notes: notes,
            size: bytes.count)
    }

    /// Parses a message held as text (for tests and tools); the text's UTF-8 bytes are parsed.
    public func parse(_ text: String) throws(InboundMailError) -> InboundMessage {
        try parse(Array(text.utf8))
    }
}
