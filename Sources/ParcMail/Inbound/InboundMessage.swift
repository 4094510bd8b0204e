import Foundation

/// An inbound mail message, parsed: what the helpdesk needs to make a ticket or a followup from it.
///
/// Produced by ``InboundMessageParser``. Header-derived text (subject, display names) is decoded and made single
/// lines without control characters; addresses are as written. Classify it with ``InboundMailClassifier`` and look
/// for a ticket reference with ``TicketReferenceFinder`` before using it.
public struct InboundMessage: Sendable, Hashable {
    /// The header fields of the message, in order.
    public var headers: InboundHeaderFields
    /// The first mailbox of the From field.
    public var from: MailAddress?
    /// The Sender field's mailbox, when present (who actually sent it on the author's behalf).
    public var sender: MailAddress?
    /// The Reply-To mailboxes.
    public var replyTo: [MailAddress]
    /// The To mailboxes, groups flattened.
    public var to: [MailAddress]
    /// The Cc mailboxes, groups flattened.
    public var cc: [MailAddress]
    /// The Subject, decoded; "" when absent.
    public var subject: String
    /// The Date field as an instant, or nil when absent or unreadable.
    public var date: Date?
    /// The Message-ID without angle brackets.
    public var messageID: String?
    /// The In-Reply-To identifiers without angle brackets.
    public var inReplyTo: [String]
    /// The References identifiers without angle brackets, oldest first.
    public var references: [String]
    /// The body text.
    public var body: InboundBody
    /// The attachments and inline parts, in MIME order.
    public var attachments: [InboundAttachment]
    /// Attachments left out for their size (only under
    /// ``InboundMailLimits/OversizedAttachmentPolicy/omitAttachment``).
    public var omittedAttachments: [InboundOmittedAttachment]
    /// The MIME structure.
    public var structure: InboundMIMEPart
    /// What was malformed and repaired while parsing.
    public var notes: [InboundParseNote]
    /// The size of the message as received, in bytes.
    public var size: Int

    /// Creates a message; normally made by ``InboundMessageParser``.
    public init(
        headers: InboundHeaderFields,
        from: MailAddress?,
        sender: MailAddress?,
        replyTo: [MailAddress],
        to: [MailAddress],
        cc: [MailAddress],
        subject: String,
        date: Date?,
        messageID: String?,
        inReplyTo: [String],
        references: [String],
        body: InboundBody,
        attachments: [InboundAttachment],
        omittedAttachments: [InboundOmittedAttachment],
        structure: InboundMIMEPart,
        notes: [InboundParseNote],
        size: Int
    ) {
        self.headers = headers
        self.from = from
        self.sender = sender
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.body = body
        self.attachments = attachments
        self.omittedAttachments = omittedAttachments
        self.structure = structure
        self.notes = notes
        self.size = size
    }

    /// Where an answer should go: the first Reply-To mailbox, else From.
    public var replyAddress: MailAddress? {
        replyTo.first ?? from
    }

    /// Whether the subject marks a forward (`Fwd:`, `Fw:`, `TR:`, `WG:` …), in which case the whole body is the
    /// request and no quotation is stripped.
    public var isForward: Bool {
        Self.isForwardSubject(subject)
    }

    static func isForwardSubject(_ subject: String) -> Bool {
        let lower = subject.asciiLowercased
        return ["fwd:", "fw:", "tr:", "wg:", "fwd :", "fw :", "tr :", "[fwd:"].contains { lower.hasPrefix($0) }
    }
}
