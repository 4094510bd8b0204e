/// Why an ``IMAPClient`` operation failed.
///
/// ``isTransient`` says whether trying again later can help: a timeout, a dropped connection or a server that says
/// it is unavailable are transient; a wrong password, a missing mailbox, a certificate problem or a server that
/// does not speak IMAP are not, and need someone to change a setting. ``message`` says what happened and what to
/// check, and never contains the password.
public struct IMAPError: Error, Sendable, CustomStringConvertible {
    /// The stable category of the failure.
    public enum Kind: String, Sendable, Hashable {
        /// The configuration is unusable (bad host, password over plain text to a remote server, …).
        case invalidConfiguration
        /// The TCP connection could not be made.
        case connectionFailed
        /// The server did not answer in time.
        case timedOut
        /// The server closed the connection, said BYE, or the connection broke.
        case connectionClosed
        /// The TLS handshake failed.
        case tlsFailed
        /// Security is STARTTLS but the server does not offer it.
        case startTLSUnavailable
        /// The server refuses the login method (LOGINDISABLED, no AUTH=PLAIN).
        case authenticationUnavailable
        /// The server refused the credentials.
        case authenticationFailed
        /// The server answered NO or BAD to a command (mailbox missing, no permission, …).
        case commandFailed
        /// A message is larger than ``IMAPConfiguration/maximumMessageSize``.
        case messageTooLarge
        /// The server sent something that is not valid IMAP or breaks a limit.
        case protocolViolation
    }

    /// The category.
    public var kind: Kind
    /// Whether a later retry can succeed without a change of settings.
    public var isTransient: Bool
    /// What happened, and what to check.
    public var message: String
    /// The server's text for NO, BAD or BYE, when there is one.
    public var serverText: String?
    /// The lower-level error (I/O, TLS), when there is one.
    public var underlyingError: (any Error)?

    /// Creates an error.
    public init(
        kind: Kind,
        isTransient: Bool,
        message: String,
        serverText: String? = nil,
        underlyingError: (any Error)? = nil
    ) {
        self.kind = kind
        self.isTransient = isTransient
        self.message = message
        self.serverText = serverText
        self.underlyingError = underlyingError
    }

    public var description: String {
        "IMAP \(kind.rawValue): \(message)"
    }
}
