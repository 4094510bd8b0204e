import NIOCore

/// Where and how ``IMAPClient`` reads a mailbox: the server, transport security, credentials and limits.
public struct IMAPConfiguration: Sendable, Hashable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Hashable, Codable, CaseIterable {
        /// Plain text for the whole session. The password may only cross it to a server on loopback, or with
        /// ``IMAPConfiguration/allowsPasswordWithoutTLS``.
        case none
        /// Connect in plain text, then upgrade with STARTTLS before logging in; fails if the server does not offer
        /// it. Usually port 143.
        case startTLS
        /// TLS from the first byte ("implicit TLS", RFC 8314). Usually port 993.
        case tls
    }

    /// How to send the password.
    public enum Authentication: String, Sendable, Hashable, Codable, CaseIterable {
        /// `AUTHENTICATE PLAIN` (RFC 4959 initial response when offered); the default.
        case plain
        /// The `LOGIN` command, for servers without SASL PLAIN.
        case login
    }

    /// The server's host name or IP address.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// Transport security.
    public var security: Security
    /// How the certificate is checked for ``Security/startTLS`` and ``Security/tls``.
    public var tls: SMTPConfiguration.TLSOptions
    /// The account; the password is never included in descriptions or errors.
    public var credentials: SMTPConfiguration.Credentials
    /// The authentication command.
    public var authentication: Authentication
    /// Allows sending the password over a ``Security/none`` connection to a server that is not on loopback. Off by
    /// default: anyone on the path could read it.
    public var allowsPasswordWithoutTLS: Bool
    /// The largest message fetched, in bytes; larger ones are refused from their RFC822.SIZE without reading them.
    public var maximumMessageSize: Int
    /// The longest response line accepted (a SEARCH result for a big mailbox is one line).
    public var maximumLineLength: Int
    /// How long to wait for the TCP connection.
    public var connectTimeout: Duration
    /// How long to wait for the answer to each command, the greeting and TLS handshakes.
    public var commandTimeout: Duration
    /// How long a message fetch may take, for a large message on a slow link.
    public var fetchTimeout: Duration

    /// Creates a configuration; `port` defaults to 143 or 993 according to `security`.
    public init(
        host: String,
        port: Int? = nil,
        security: Security,
        tls: SMTPConfiguration.TLSOptions = .init(),
        credentials: SMTPConfiguration.Credentials,
        authentication: Authentication = .plain,
        allowsPasswordWithoutTLS: Bool = false,
        maximumMessageSize: Int = 25 * 1024 * 1024,
        maximumLineLength: Int = 1024 * 1024,
        connectTimeout: Duration = .seconds(30),
        commandTimeout: Duration = .seconds(60),
        fetchTimeout: Duration = .seconds(300)
    ) {
        self.host = host
        self.port = port ?? Self.defaultPort(for: security)
        self.security = security
        self.tls = tls
        self.credentials = credentials
        self.authentication = authentication
        self.allowsPasswordWithoutTLS = allowsPasswordWithoutTLS
        self.maximumMessageSize = maximumMessageSize
        self.maximumLineLength = maximumLineLength
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.fetchTimeout = fetchTimeout
    }

    /// The customary port: 143 for plain and STARTTLS, 993 for implicit TLS.
    public static func defaultPort(for security: Security) -> Int {
        security == .tls ? 993 : 143
    }

    /// Whether the host is a loopback address or `localhost`, where a password in clear never leaves the machine.
    public var isLoopback: Bool {
        let name = host.lowercased()
        if name == "localhost" || name == "::1" || name == "[::1]" {
            return true
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// What makes this configuration unusable, or nil; checked before connecting, since the host, login and
    /// password end up in protocol lines.
    public func problem() -> String? {
        if host.isEmpty || host.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "the IMAP host \(MailMessageError.quoted(host)) is empty or contains spaces or control characters"
        }
        if !(1...65535).contains(port) {
            return "the IMAP port \(port) is not between 1 and 65535"
        }
        if credentials.username.isEmpty {
            return "the IMAP login is empty"
        }
        let controls = { (text: String) in text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
        if controls(credentials.username) || controls(credentials.password) {
            return "the IMAP login or password contains control characters (such as a line break)"
        }
        if security == .none && !isLoopback && !allowsPasswordWithoutTLS {
            return "security is none and \(host) is not on loopback, so the password would cross the network in "
                + "clear; use tls (port 993) or startTLS (port 143), or explicitly allow passwords without TLS"
        }
        if maximumMessageSize < 1024 {
            return "the maximum message size \(maximumMessageSize) is below 1024 bytes"
        }
        if maximumLineLength < 1024 {
            return "the maximum line length \(maximumLineLength) is below 1024 bytes"
        }
        return nil
    }

    var framerLimits: IMAPResponseFramer.Limits {
        // Headroom over the message size: a server's literal may differ a little from its RFC822.SIZE.
        .init(maximumLineLength: maximumLineLength, maximumLiteralSize: maximumMessageSize + 64 * 1024)
    }
}
