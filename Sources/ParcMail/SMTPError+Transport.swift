import NIOCore
import NIOSSL

extension SMTPError {
    /// Turns a connection-level failure into an error that says what to check.
    static func transport(_ error: any Error, stage: SMTPSessionStage, configuration: SMTPConfiguration) -> SMTPError {
        if let error = error as? SMTPError {
            return error
        }
        let server = "\(configuration.host):\(configuration.port)"
        let securityHint =
            "check the security mode: implicit TLS (usually port 465) needs security tls, "
            + "STARTTLS (usually port 587) needs startTLS"
        switch error {
        case SMTPTransportError.timedOut:
            return SMTPError(
                kind: .timedOut,
                isTransient: true,
                message: "\(server) did not answer in time \(stage.phrase); \(securityHint), and that no firewall "
                    + "drops the traffic",
                underlyingError: error
            )
        case SMTPTransportError.connectionClosed, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed,
            ChannelError.eof:
            return SMTPError(
                kind: .connectionClosed,
                isTransient: true,
                message: "\(server) closed the connection \(stage.phrase); if this persists, \(securityHint), "
                    + "and look at the SMTP server's log",
                underlyingError: error
            )
        case SMTPTransportError.malformedReply(let detail):
            return SMTPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) sent a reply that is not valid SMTP \(stage.phrase) (\(detail)); check that "
                    + "this host and port is an SMTP server, and \(securityHint)",
                underlyingError: error
            )
        case SMTPTransportError.unsolicitedReply(let reply):
            return SMTPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) sent a reply nobody asked for \(stage.phrase) (\(reply)); check that this host "
                    + "and port is an SMTP server",
                reply: reply,
                underlyingError: error
            )
        case SMTPTransportError.plaintextAfterStartTLS:
            return SMTPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) sent unencrypted data right after agreeing to STARTTLS, which is how a "
                    + "man-in-the-middle injects commands; nothing was sent. Check the network path to the server",
                underlyingError: error
            )
        case SMTPTransportError.requestWhileBusy:
            return SMTPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "internal error: the SMTP client issued a command while another was pending",
                underlyingError: error
            )
        case ChannelError.connectTimeout:
            return SMTPError(
                kind: .timedOut,
                isTransient: true,
                message: "could not connect to \(server) in time; check the host and port, and that the server "
                    + "is reachable from this machine",
                underlyingError: error
            )
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return SMTPError(
                kind: .tlsFailed,
                isTransient: false,
                message: "TLS with \(server) failed \(stage.phrase) (\(error)); if the server's certificate comes "
                    + "from a private CA, set the trusted CA file; check that the host name matches the "
                    + "certificate; \(securityHint)",
                underlyingError: error
            )
        default:
            if case .connecting = stage {
                return SMTPError(
                    kind: .connectionFailed,
                    isTransient: true,
                    message: "could not connect to \(server) (\(error)); check the host and port in the mail "
                        + "settings and that the SMTP server is running and reachable from this machine",
                    underlyingError: error
                )
            }
            return SMTPError(
                kind: .connectionClosed,
                isTransient: true,
                message: "the connection to \(server) failed \(stage.phrase) (\(error))",
                underlyingError: error
            )
        }
    }

    /// An error for a reply that is not the one the conversation needs. 4xx is transient, 5xx permanent; any other
    /// code where a failure was not expected means the server does not follow the protocol.
    static func unexpected(_ reply: SMTPReply, kind: Kind, message: String) -> SMTPError {
        if reply.isTransientFailure || reply.isPermanentFailure {
            return SMTPError(kind: kind, isTransient: reply.isTransientFailure, message: message, reply: reply)
        }
        return SMTPError(
            kind: .protocolViolation,
            isTransient: false,
            message: message + " (unexpected reply code \(reply.code))",
            reply: reply
        )
    }
}
