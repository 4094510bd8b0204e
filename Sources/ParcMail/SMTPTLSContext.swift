import Foundation
import NIOCore
import NIOSSL

/// The TLS client context for one delivery, built from ``SMTPConfiguration/TLSOptions``.
struct SMTPTLSContext: Sendable {
    let context: NIOSSLContext
    /// The name sent as SNI and checked against the certificate; nil for an IP address, which NIOSSL then checks
    /// against the certificate's IP entries (SNI may not carry an address).
    let serverHostname: String?

    init(configuration: SMTPConfiguration) throws(SMTPError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch configuration.tls.certificateVerification {
        case .full:
            tls.certificateVerification = .fullVerification
        case .insecureNoVerification:
            tls.certificateVerification = .none
        }
        if let path = configuration.tls.trustedCAFile {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw SMTPError(
                    kind: .invalidConfiguration,
                    isTransient: false,
                    message: "the trusted CA file \(MailMessageError.quoted(path)) does not exist or is not readable: "
                        + "check the path in the mail settings"
                )
            }
            tls.additionalTrustRoots = [.file(path)]
        }
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw SMTPError(
                kind: .invalidConfiguration,
                isTransient: false,
                message: "could not set up TLS (\(error)): check that the trusted CA file holds PEM certificates",
                underlyingError: error
            )
        }
        let isAddress = (try? SocketAddress(ipAddress: configuration.host, port: 0)) != nil
        serverHostname = isAddress ? nil : configuration.host
    }
}
