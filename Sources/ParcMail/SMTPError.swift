/// Why ``SMTPClient`` could not deliver a message.
///
/// ``isTransient`` tells the mail queue what to do: true (4xx reply, connection refused, timeout, dropped
/// connection) means retry later; false (5xx reply, bad credentials, missing STARTTLS, certificate problem, invalid
/// message) means retrying the same thing will fail the same way. ``message`` says what happened and what to check.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// The stable category of the failure.
    public enum Kind: String, Sendable, Hashable {
        /// The configuration is unusable (bad host, HELO name, or a password over an unencrypted connection).
        case invalidConfiguration
        /// The message failed validation; ``SMTPError/messageError`` has the detail. Nothing was sent.
        case invalidMessage
        /// The TCP connection could not be made (refused, unreachable, name not resolved).
        case connectionFailed
        /// The server did not answer in time.
        case timedOut
        /// The server closed the connection in the middle of the session.
        case connectionClosed
        /// The TLS handshake failed: certificate not trusted, wrong host name, or not a TLS server.
        case tlsFailed
        /// Security is STARTTLS but the server does not offer it. Nothing was sent.
        case startTLSUnavailable
        /// Credentials are configured but the server offers neither AUTH PLAIN nor LOGIN.
        case authenticationUnavailable
        /// The server refused the credentials.
        case authenticationFailed
        /// The server refused the session (greeting, EHLO/HELO or STARTTLS refused).
        case serverRefused
        /// The server refused the envelope sender (`MAIL FROM`).
        case senderRejected
        /// The server refused every recipient; ``SMTPError/rejectedRecipients`` lists them.
        case recipientsRejected
        /// The server refused the message data (`DATA` or the reply after it).
        case messageRejected
        /// The message is larger than the server's advertised SIZE limit.
        case messageTooLarge
        /// The server sent something that is not SMTP (or an oversized reply).
        case protocolViolation
    }

    /// The category of the failure.
    public var kind: Kind
    /// Whether the queue should try again later.
    public var isTransient: Bool
    /// The server reply that caused the failure, when there is one.
    public var reply: SMTPReply?
    /// What happened, and what to check.
    public var message: String
    /// Every refused recipient, for ``Kind/recipientsRejected``.
    public var rejectedRecipients: [SMTPRecipientRejection]
    /// The validation error, for ``Kind/invalidMessage``.
    public var messageError: MailMessageError?
    /// The lower-level error (I/O, TLS), when there is one.
    public var underlyingError: (any Error)?

    /// Creates an error.
    public init(
        kind: Kind,
        isTransient: Bool,
        message: String,
        reply: SMTPReply? = nil,
        rejectedRecipients: [SMTPRecipientRejection] = [],
        messageError: MailMessageError? = nil,
        underlyingError: (any Error)? = nil
    ) {
        self.kind = kind
        self.isTransient = isTransient
        self.message = message
        self.reply = reply
        self.rejectedRecipients = rejectedRecipients
        self.messageError = messageError
        self.underlyingError = underlyingError
    }

    /// Whether the queue should give up on the message.
    public var isPermanent: Bool {
        !isTransient
    }

    /// The server's reply code, e.g. 535.
    public var replyCode: Int? {
        reply?.code
    }

    /// The server's reply text.
    public var replyText: String? {
        reply?.text
    }

    public var description: String {
        "SMTP \(kind.rawValue) (\(isTransient ? "transient" : "permanent")): \(message)"
    }
}
