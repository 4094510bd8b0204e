import Foundation
import NIOCore
import NIOSSL

/// A TLS client context and the name to verify, built from ``SMTPConfiguration/TLSOptions``; shared by the SMTP and
/// IMAP clients.
struct MailTLSClientContext: Sendable {
    /// Why the context could not be built, in words for the settings page.
    struct SetupError: Error {
        var message: String
        var underlyingError: (any Error)?
    }

    let context: NIOSSLContext
    /// The name sent as SNI and checked against the certificate; nil for an IP address, which NIOSSL then checks
    /// against the certificate's IP entries (SNI may not carry an address).
    let serverHostname: String?

    init(options: SMTPConfiguration.TLSOptions, host: String) throws(SetupError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch options.certificateVerification {
        case .full:
            tls.certificateVerification = .fullVerification
        case .insecureNoVerification:
            tls.certificateVerification = .none
        }
        if let path = options.trustedCAFile {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw SetupError(
                    message: "the trusted CA file \(MailMessageError.quoted(path)) does not exist or is not readable: "
                        + "check the path in the mail settings"
                )
            }
            tls.additionalTrustRoots = [.file(path)]
        }
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw SetupError(
                message: "could not set up TLS (\(error)): check that the trusted CA file holds PEM certificates",
                underlyingError: error
            )
        }
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        serverHostname = isAddress ? nil : host
    }
}
