import NIOCore
import NIOSSL

/// One step of the SMTP conversation, written into the channel and answered through `replyPromise`.
struct SMTPClientRequest: Sendable {
    enum Action: Sendable {
        /// Send these bytes (a command line or the dot-stuffed data) and wait for the reply.
        case send(ByteBuffer)
        /// Send STARTTLS; on 220, switch the connection to TLS and reply once the handshake completes.
        case startTLS(NIOSSLContext, serverHostname: String?)
    }

    var action: Action
    var timeout: TimeAmount
    var replyPromise: EventLoopPromise<SMTPReply>
}
