/// The TLS client context for one delivery: the shared mail TLS context, built from ``SMTPConfiguration/TLSOptions``.
typealias SMTPTLSContext = MailTLSClientContext

extension MailTLSClientContext {
    init(configuration: SMTPConfiguration) throws(SMTPError) {
        do {
            self = try MailTLSClientContext(options: configuration.tls, host: configuration.host)
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
