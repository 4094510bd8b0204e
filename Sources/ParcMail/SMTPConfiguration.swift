/// Where and how ``SMTPClient`` delivers mail: the relay's address, transport security, credentials and limits.
public struct SMTPConfiguration: Sendable, Hashable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Hashable, Codable {
        /// Plain text for the whole session; only for a relay on a trusted network or loopback.
        case none
        /// Connect in plain text, then upgrade with STARTTLS before anything else is sent; fails if the server does
        /// not offer it, so mail is never silently sent in clear. Usually port 587.
        case startTLS
        /// TLS from the first byte ("implicit TLS", RFC 8314). Usually port 465.
        case tls
    }

    /// How the server's certificate is checked.
    public enum CertificateVerification: String, Sendable, Hashable, Codable {
        /// Verify the chain against the system roots (plus ``TLSOptions/trustedCAFile``) and the host name or IP.
        case full
        /// Accept any certificate. Anyone on the path can then read the mail and the password: tests only.
        case insecureNoVerification
    }

    /// TLS settings, used by ``Security/startTLS`` and ``Security/tls``.
    public struct TLSOptions: Sendable, Hashable {
        /// How the server certificate is checked; full verification by default.
        public var certificateVerification: CertificateVerification
        /// Path of a PEM file with extra CA certificates to trust, for a relay whose certificate comes from a
        /// private CA. Added to the system roots, not instead of them.
        public var trustedCAFile: String?

        /// Creates TLS settings.
        public init(certificateVerification: CertificateVerification = .full, trustedCAFile: String? = nil) {
            self.certificateVerification = certificateVerification
            self.trustedCAFile = trustedCAFile
        }
    }

    /// A user name and password for SMTP AUTH.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        /// The user name, often the full mail address.
        public var username: String
        /// The password; never included in descriptions or errors.
        public var password: String

        /// Creates credentials.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        public var description: String {
            "Credentials(username: \(username), password: <redacted>)"
        }

        /// Keeps the password out of `dump` and debugger output too.
        public var customMirror: Mirror {
            Mirror(self, children: ["username": username, "password": "<redacted>"])
        }
    }

    /// The relay's host name or IP address.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// Transport security.
    public var security: Security
    /// TLS settings for ``Security/startTLS`` and ``Security/tls``.
    public var tls: TLSOptions
    /// Credentials for AUTH; nil to send without authenticating. PLAIN is used when offered, else LOGIN.
    public var credentials: Credentials?
    /// Allows AUTH on a ``Security/none`` connection, i.e. sending the password in clear. Off by default; meant
    /// for a relay on loopback.
    public var allowsAuthenticationWithoutTLS: Bool
    /// The name this client announces in EHLO/HELO: the fully qualified host name of the Parc server.
    public var heloName: String
    /// How long to wait for the TCP connection.
    public var connectTimeout: Duration
    /// How long to wait for each reply, including the greeting and the TLS handshake.
    public var commandTimeout: Duration
    /// How long to wait for the reply after the message data; servers may scan the message first
    /// (RFC 5321 section 4.5.3.2.6 suggests 10 minutes).
    public var dataTimeout: Duration

    /// Creates a configuration; `port` defaults to 25, 587 or 465 according to `security`.
    public init(
        host: String,
        port: Int? = nil,
        security: Security,
        tls: TLSOptions = TLSOptions(),
        credentials: Credentials? = nil,
        allowsAuthenticationWithoutTLS: Bool = false,
        heloName: String = "localhost",
        connectTimeout: Duration = .seconds(30),
        commandTimeout: Duration = .seconds(120),
        dataTimeout: Duration = .seconds(600)
    ) {
        self.host = host
        self.port = port ?? Self.defaultPort(for: security)
        self.security = security
        self.tls = tls
        self.credentials = credentials
        self.allowsAuthenticationWithoutTLS = allowsAuthenticationWithoutTLS
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.dataTimeout = dataTimeout
    }

    /// The customary port for a security mode: 25 (relay), 587 (submission with STARTTLS), 465 (implicit TLS).
    public static func defaultPort(for security: Security) -> Int {
        switch security {
        case .none: 25
        case .startTLS: 587
        case .tls: 465
        }
    }

    /// What makes this configuration unusable, or nil. Checked before connecting so a bad value never reaches the
    /// wire: the host and HELO name end up in protocol lines.
    func problem() -> String? {
        if host.isEmpty || host.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "the SMTP host \(MailMessageError.quoted(host)) is empty or contains spaces or control characters"
        }
        if !(1...65535).contains(port) {
            return "the SMTP port \(port) is not between 1 and 65535"
        }
        let heloAllowed = heloName.unicodeScalars.allSatisfy { scalar in
            MailAddress.isLetterOrDigit(scalar) || "-.:[]".unicodeScalars.contains(scalar)
        }
        if heloName.isEmpty || !heloAllowed {
            return "the HELO name \(MailMessageError.quoted(heloName)) must be a host name or address literal"
        }
        if credentials != nil && security == .none && !allowsAuthenticationWithoutTLS {
            return "credentials are set but security is none, which would send the password in clear; use startTLS "
                + "or tls, or set allowsAuthenticationWithoutTLS for a relay on a trusted network"
        }
        return nil
    }
}
