import NIOCore
import NIOSSL
import NIOTLS

/// Frames server replies and hands each to the request waiting for it. Runs on the channel's event loop, which is
/// what makes the STARTTLS switch safe: the TLS handler is inserted in the same event-loop turn that reads the 220,
/// so no later byte can be read as clear text.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = SMTPClientRequest
    typealias OutboundOut = ByteBuffer

    private enum Waiting {
        case reply
        case startTLSReply(NIOSSLContext, serverHostname: String?)
        case handshake(SMTPReply)
    }

    private struct Pending {
        var waiting: Waiting
        var promise: EventLoopPromise<SMTPReply>
        var timeout: Scheduled<Void>?
    }

    private var decoder = SMTPReplyDecoder()
    private var received: ByteBuffer?
    private var pending: Pending?
    /// A reply that arrived with nobody waiting for it.
    private var unclaimed: SMTPReply?
    /// Once set, the connection is unusable and every request fails with it.
    private var failure: (any Error)?
    private let greetingTimeout: TimeAmount

    /// Creates the handler, already waiting for the greeting: a server that refuses service sends its 554 and
    /// closes at once, and the greeting must not be lost because nobody had asked for it yet.
    init(greetingPromise: EventLoopPromise<SMTPReply>, greetingTimeout: TimeAmount) {
        self.pending = Pending(waiting: .reply, promise: greetingPromise, timeout: nil)
        self.greetingTimeout = greetingTimeout
    }

    func channelActive(context: ChannelHandlerContext) {
        if pending != nil {
            pending?.timeout = context.eventLoop.assumeIsolated().scheduleTask(in: greetingTimeout) {
                self.fail(SMTPTransportError.timedOut, context: context)
            }
        }
        context.fireChannelActive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let reply = unclaimed {
            unclaimed = nil
            answer(request, writePromise: promise, withUnclaimed: reply, context: context)
            return
        }
        if let failure {
            request.replyPromise.fail(failure)
            promise?.fail(failure)
            return
        }
        guard pending == nil else {
            request.replyPromise.fail(SMTPTransportError.requestWhileBusy)
            promise?.fail(SMTPTransportError.requestWhileBusy)
            return
        }
        let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: request.timeout) {
            self.fail(SMTPTransportError.timedOut, context: context)
        }
        switch request.action {
        case .send(let bytes):
            pending = Pending(waiting: .reply, promise: request.replyPromise, timeout: timeout)
            context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
        case .startTLS(let sslContext, let serverHostname):
            pending = Pending(
                waiting: .startTLSReply(sslContext, serverHostname: serverHostname),
                promise: request.replyPromise,
                timeout: timeout
            )
            let command = context.channel.allocator.buffer(string: "STARTTLS\r\n")
            context.writeAndFlush(wrapOutboundOut(command), promise: promise)
        }
    }

    /// Answers a request with a reply that arrived before it was sent: a failure the server announced unprompted,
    /// typically a 421 before it hangs up. A positive unprompted reply can only be misaligned, and must never pass
    /// for an answer to STARTTLS.
    private func answer(
        _ request: SMTPClientRequest,
        writePromise: EventLoopPromise<Void>?,
        withUnclaimed reply: SMTPReply,
        context: ChannelHandlerContext
    ) {
        writePromise?.succeed(())
        if reply.isTransientFailure || reply.isPermanentFailure {
            request.replyPromise.succeed(reply)
            fail(SMTPTransportError.connectionClosed, context: context)
        } else {
            request.replyPromise.fail(SMTPTransportError.unsolicitedReply(reply))
            fail(SMTPTransportError.unsolicitedReply(reply), context: context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else {
            return
        }
        received.accumulate(unwrapInboundIn(data))
        while failure == nil, received != nil {
            do {
                guard let reply = try decoder.decodeReply(from: &received!) else {
                    break
                }
                deliver(reply, context: context)
            } catch {
                fail(SMTPTransportError.malformedReply(error), context: context)
            }
        }
        received?.discardReadBytes()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event,
            let current = pending, case .handshake(let reply) = current.waiting
        {
            pending = nil
            current.timeout?.cancel()
            current.promise.succeed(reply)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPTransportError.connectionClosed, context: context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(SMTPTransportError.connectionClosed, context: context)
    }

    private func deliver(_ reply: SMTPReply, context: ChannelHandlerContext) {
        guard let current = pending else {
            if unclaimed == nil {
                unclaimed = reply
            } else {
                fail(SMTPTransportError.unsolicitedReply(reply), context: context)
            }
            return
        }
        switch current.waiting {
        case .reply:
            pending = nil
            current.timeout?.cancel()
            current.promise.succeed(reply)
        case .startTLSReply(let sslContext, let serverHostname):
            guard reply.code == 220 else {
                pending = nil
                current.timeout?.cancel()
                current.promise.succeed(reply)
                return
            }
            guard (received?.readableBytes ?? 0) == 0 else {
                fail(SMTPTransportError.plaintextAfterStartTLS, context: context)
                return
            }
            do {
                let tlsHandler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
                try context.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
                pending?.waiting = .handshake(reply)
            } catch {
                fail(error, context: context)
            }
        case .handshake:
            // Only data decrypted after the handshake can reach here, and the server speaks only when asked.
            fail(SMTPTransportError.unsolicitedReply(reply), context: context)
        }
    }

    /// Fails the waiting request and every later one with the first error seen, and closes the connection.
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        let firstFailure = failure == nil
        if firstFailure {
            failure = error
        }
        if let current = pending {
            pending = nil
            current.timeout?.cancel()
            current.promise.fail(failure ?? error)
        }
        if firstFailure && context.channel.isActive {
            context.close(promise: nil)
        }
    }
}

// The handler's state belongs to its event loop.
@available(*, unavailable)
extension SMTPClientHandler: Sendable {}
