import NIOCore
import NIOSSL

/// One command written into the channel and answered, once its tagged response arrives, through `promise`.
struct IMAPCommand: Sendable {
    /// The tag that the completion response must carry.
    var tag: String
    /// The command's bytes, cut where the client must wait for the server's continuation request (`+`) before
    /// sending the rest: after a synchronising literal's `{n}`, or a SASL exchange.
    var segments: [ByteBuffer]
    /// For STARTTLS: on OK, switch the connection to TLS and complete once the handshake has.
    var startTLS: (context: NIOSSLContext, serverHostname: String?)?
    var timeout: TimeAmount
    var promise: EventLoopPromise<IMAPCommandResult>
}

/// The untagged responses a command received, and its tagged completion.
struct IMAPCommandResult: Sendable {
    var responses: [IMAPResponse]
    var completion: IMAPStatusResponse
}

/// Failures detected by ``IMAPClientHandler``; ``IMAPSession`` turns them into ``IMAPError`` with context.
enum IMAPTransportError: Error {
    case timedOut
    /// The connection closed; with the server's BYE text when it said goodbye first.
    case connectionClosed(bye: String?)
    /// The connection closed in the middle of a response (e.g. inside a literal).
    case truncated(bye: String?)
    case framing(IMAPResponseFramer.FramingError)
    case parsing(IMAPResponseParser.ParseError)
    /// A tagged response with a tag that no command carries, a continuation nobody waits for, or a flood of
    /// untagged responses between commands.
    case unexpected(String)
    /// Bytes followed the OK to STARTTLS in clear text (a man-in-the-middle injection, or a broken server).
    case plaintextAfterStartTLS
    /// The responses to one command exceed what the limits allow in total.
    case responseTooLarge(limit: Int)
    /// A command was sent while another was pending: a bug in the client.
    case commandWhileBusy
}
