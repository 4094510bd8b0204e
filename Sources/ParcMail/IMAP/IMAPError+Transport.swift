import NIOCore
import NIOSSL

extension IMAPError {
    /// Turns a connection-level failure into an error that says what to check.
    static func transport(_ error: any Error, while phrase: String, configuration: IMAPConfiguration) -> IMAPError {
        if let error = error as? IMAPError {
            return error
        }
        let server = "\(configuration.host):\(configuration.port)"
        let securityHint = "check the security mode: implicit TLS (usually port 993) needs security tls, plain IMAP "
            + "(usually port 143) needs startTLS or none"
        switch error {
        case IMAPTransportError.timedOut:
            return IMAPError(
                kind: .timedOut,
                isTransient: true,
                message: "\(server) did not answer in time while \(phrase); \(securityHint), and that no firewall "
                    + "drops the traffic",
                underlyingError: error
            )
        case IMAPTransportError.connectionClosed(let bye), IMAPTransportError.truncated(let bye):
            let cut: String
            if case IMAPTransportError.truncated = error {
                cut = " in the middle of a response"
            } else {
                cut = ""
            }
            let said = bye.map { " after saying BYE (\($0))" } ?? ""
            return IMAPError(
                kind: .connectionClosed,
                isTransient: true,
                message: "\(server) closed the connection\(cut) while \(phrase)\(said); it will be tried again, and "
                    + "if this persists, look at the IMAP server's log",
                serverText: bye,
                underlyingError: error
            )
        case IMAPTransportError.framing(let detail):
            return IMAPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) sent a response that breaks a limit or is not valid IMAP while \(phrase) "
                    + "(\(detail)); the connection was closed. Check that this host and port is an IMAP server",
                underlyingError: error
            )
        case IMAPTransportError.parsing(let detail):
            return IMAPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) sent a response that is not valid IMAP while \(phrase) (\(detail)); check that "
                    + "this host and port is an IMAP server, and \(securityHint)",
                underlyingError: error
            )
        case IMAPTransportError.unexpected(let detail):
            return IMAPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) broke the IMAP conversation while \(phrase): \(detail)",
                underlyingError: error
            )
        case IMAPTransportError.plaintextAfterStartTLS:
            return IMAPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) sent unencrypted data right after agreeing to STARTTLS, which is how a "
                    + "man-in-the-middle injects responses; the password was not sent. Check the network path",
                underlyingError: error
            )
        case IMAPTransportError.responseTooLarge(let limit):
            return IMAPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) sent more than \(limit) bytes in answer to one command while \(phrase); the "
                    + "connection was closed",
                underlyingError: error
            )
        case IMAPTransportError.commandWhileBusy:
            return IMAPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "internal error: the IMAP client sent a command while another was pending",
                underlyingError: error
            )
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.eof:
            return IMAPError(
                kind: .connectionClosed,
                isTransient: true,
                message: "the connection to \(server) was closed while \(phrase)",
                underlyingError: error
            )
        case ChannelError.connectTimeout:
            return IMAPError(
                kind: .timedOut,
                isTransient: true,
                message: "could not connect to \(server) in time; check the host and port, and that the server is "
                    + "reachable from this machine",
                underlyingError: error
            )
        case NIOSSLError.uncleanShutdown:
            // The server (or the network) dropped the TCP connection without closing TLS: the connection is gone,
            // not the TLS set-up at fault; trying again later can help.
            return IMAPError(
                kind: phrase == "connecting" ? .connectionFailed : .connectionClosed,
                isTransient: true,
                message: "the connection to \(server) was cut while \(phrase)",
                underlyingError: error
            )
        case _ where Self.isTLSLayer(error) && !Self.isHandshakeFailure(error) && !Self.beforeSession(phrase):
            // TLS was set up and the session was working: an error of the TLS layer now is the connection breaking
            // under it (a server killed mid-session resets the socket, and BoringSSL reports that as its own
            // error), not a certificate or configuration problem; trying again later can help.
            return IMAPError(
                kind: .connectionClosed,
                isTransient: true,
                message: "the TLS connection to \(server) broke while \(phrase) (\(error))",
                underlyingError: error
            )
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return IMAPError(
                kind: .tlsFailed,
                isTransient: false,
                message: "TLS with \(server) failed while \(phrase) (\(error)); if the server's certificate comes "
                    + "from a private CA, set the trusted CA file; check that the host name matches the "
                    + "certificate; \(securityHint)",
                underlyingError: error
            )
        default:
            return IMAPError(
                kind: phrase == "connecting" ? .connectionFailed : .connectionClosed,
                isTransient: true,
                message: "could not talk to \(server) while \(phrase) (\(error)); check the host and port in the "
                    + "mailbox settings and that the IMAP server is running and reachable from this machine",
                underlyingError: error
            )
        }
    }

    /// Whether `phrase` names a step before the session works: connecting, the TLS handshake, the greeting's
    /// capabilities. A TLS error there is about TLS itself (a certificate, a protocol version).
    static func beforeSession(_ phrase: String) -> Bool {
        phrase == "connecting" || phrase.hasPrefix("during STARTTLS") || phrase.hasPrefix("waiting for the greeting")
            || phrase == "asking for capabilities"
    }

    /// Whether `error` is the TLS handshake failing (a certificate refused, no common protocol), whenever it shows.
    static func isHandshakeFailure(_ error: any Error) -> Bool {
        if case NIOSSLError.handshakeFailed = error { return true }
        return false
    }

    /// Whether `error` comes from the TLS layer (NIOSSL or BoringSSL).
    static func isTLSLayer(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }

    /// Whether this error is the framer refusing a literal over the size limit.
    var isLiteralTooLarge: Bool {
        if case IMAPTransportError.framing(.literalTooLarge)? = underlyingError as? IMAPTransportError {
            return true
        }
        return false
    }
}
