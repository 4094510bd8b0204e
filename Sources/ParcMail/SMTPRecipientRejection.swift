/// A recipient the server refused at `RCPT TO`, with its reply.
public struct SMTPRecipientRejection: Sendable, Hashable, CustomStringConvertible {
    /// The refused recipient.
    public var recipient: MailAddress
    /// The server's reply, e.g. `550 5.1.1 mailbox unavailable`.
    public var reply: SMTPReply

    /// Creates a rejection.
    public init(recipient: MailAddress, reply: SMTPReply) {
        self.recipient = recipient
        self.reply = reply
    }

    /// True for a 4xx reply: delivery to this recipient may succeed later.
    public var isTransient: Bool {
        reply.isTransientFailure
    }

    public var description: String {
        "\(recipient.address) (\(reply))"
    }
}
