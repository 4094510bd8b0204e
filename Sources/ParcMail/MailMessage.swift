import Foundation

/// An email to send: envelope and header fields, a plain-text body and an optional HTML alternative.
///
/// A plain value: it can be built, changed and stored (it is `Codable`, for a persistent queue) without checks;
/// ``MailMessageRenderer`` validates everything when it turns the message into wire bytes, so an invalid message
/// can never reach a server.
public struct MailMessage: Sendable, Hashable, Codable {
    /// The author, rendered as the `From` field and used as the SMTP envelope sender.
    public var from: MailAddress
    /// Primary recipients (`To`).
    public var to: [MailAddress]
    /// Copy recipients (`Cc`).
    public var cc: [MailAddress]
    /// Blind copy recipients: in the envelope only, never in the rendered header.
    public var bcc: [MailAddress]
    /// Where replies should go (`Reply-To`), e.g. the helpdesk's inbound address.
    public var replyTo: [MailAddress]
    /// The subject, any Unicode text without line breaks.
    public var subject: String
    /// The plain-text body; any line-break convention, normalized to CRLF when rendered.
    public var textBody: String
    /// An optional HTML body; when present the message is `multipart/alternative` with the text body first.
    public var htmlBody: String?
    /// Extra header fields, rendered in order after the standard ones.
    public var headers: [MailHeader]
    /// The `Date` field. Passed in rather than read from a clock so rendering is reproducible.
    public var date: Date
    /// The Message-ID without angle brackets, e.g. `8D2F…@parc.example.org`.
    public var messageID: String

    /// Creates a message with a fresh Message-ID in `messageIDDomain` (normally the host name of the Parc server).
    public init(
        from: MailAddress,
        to: [MailAddress],
        cc: [MailAddress] = [],
        bcc: [MailAddress] = [],
        replyTo: [MailAddress] = [],
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        headers: [MailHeader] = [],
        date: Date,
        messageIDDomain: String
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = replyTo
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.headers = headers
        self.date = date
        self.messageID = Self.makeMessageID(domain: messageIDDomain)
    }

    /// A new globally unique Message-ID (without angle brackets) in `domain`.
    public static func makeMessageID(domain: String) -> String {
        UUID().uuidString.lowercased() + "@" + domain
    }

    /// Every address the message is delivered to (To, Cc, then Bcc), each once, compared without case.
    public var envelopeRecipients: [MailAddress] {
        var seen = Set<String>()
        return (to + cc + bcc).filter { seen.insert($0.address.lowercased()).inserted }
    }
}
