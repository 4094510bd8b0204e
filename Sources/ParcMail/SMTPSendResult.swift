/// What happened to a message the server accepted.
///
/// When some recipients were refused and others accepted, the message was delivered to the accepted ones and the
/// refused ones are listed here; the queue decides per recipient (see ``SMTPRecipientRejection/isTransient``).
public struct SMTPSendResult: Sendable, Hashable {
    /// Recipients the server accepted.
    public var acceptedRecipients: [MailAddress]
    /// Recipients the server refused.
    public var rejectedRecipients: [SMTPRecipientRejection]
    /// The server's reply to the end of data, often carrying its queue identifier (e.g. `250 2.0.0 Ok: queued as
    /// 4F2A1`): worth logging for tracing a message.
    public var finalReply: SMTPReply

    /// Creates a result.
    public init(
        acceptedRecipients: [MailAddress],
        rejectedRecipients: [SMTPRecipientRejection],
        finalReply: SMTPReply
    ) {
        self.acceptedRecipients = acceptedRecipients
        self.rejectedRecipients = rejectedRecipients
        self.finalReply = finalReply
    }
}
