import NIOSSL

/// The TLS client context for one delivery, built from ``SMTPConfiguration/TLSOptions``.
struct SMTPTLSContext: Sendable {
    let context: NIOSSLContext
    /// The name sent as SNI and checked against the certificate (nil for an IP address).
    let serverHostname: String?

    init(configuration: SMTPConfiguration) throws(SMTPError) {
        do {
            let tls = try MailTLSClientContext(options: configuration.tls, host: configuration.host)
            context = tls.context
            serverHostname = tls.serverHostname
        } catch {
            throw SMTPError(
                kind: .invalidConfiguration,
                isTransient: false,
                message: error.message,
                underlyingError: error.underlyingError
            )
        }
    }
}
