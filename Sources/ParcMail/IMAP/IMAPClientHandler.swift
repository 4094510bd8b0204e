import NIOCore
import NIOSSL
import NIOTLS

/// Frames and parses server responses, hands them to the pending command, and runs the STARTTLS switch. Runs on
/// the channel's event loop, so the TLS handler goes in during the same turn that reads the OK to STARTTLS, and no
/// later byte can be taken for clear text.
final class IMAPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IMAPCommand
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var command: IMAPCommand
        var nextSegment = 1
        var responses: [IMAPResponse] = []
        var receivedBytes = 0
        var timeout: Scheduled<Void>?
        var handshakeFor: IMAPStatusResponse?
    }

    /// How many untagged responses may arrive between commands before the server counts as flooding.
    static let maximumUnclaimed = 64

    private var framer: IMAPResponseFramer
    private var received: ByteBuffer?
    private var pending: Pending?
    private var greeting: (promise: EventLoopPromise<IMAPStatusResponse>, timeout: TimeAmount, scheduled: Scheduled<Void>?)?
    private var unclaimed: [IMAPResponse] = []
    private var bye: String?
    private var failure: (any Error)?
    /// The most bytes of responses one command may receive (a message literal, plus lines).
    private let commandByteBudget: Int

    init(limits: IMAPResponseFramer.Limits, greetingPromise: EventLoopPromise<IMAPStatusResponse>,
         greetingTimeout: TimeAmount) {
        framer = IMAPResponseFramer(limits: limits)
        commandByteBudget = limits.maximumLiteralSize + 4 * limits.maximumLineLength
        greeting = (greetingPromise, greetingTimeout, nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        if let timeout = greeting?.timeout {
            greeting?.scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                self.fail(IMAPTransportError.timedOut, context: context)
            }
        }
        context.fireChannelActive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        if let failure {
            command.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        guard pending == nil, greeting == nil else {
            command.promise.fail(IMAPTransportError.commandWhileBusy)
            promise?.fail(IMAPTransportError.commandWhileBusy)
            return
        }
        let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: command.timeout) {
            self.fail(IMAPTransportError.timedOut, context: context)
        }
        var state = Pending(command: command, timeout: timeout)
        state.responses = unclaimed
        unclaimed = []
        pending = state
        context.writeAndFlush(wrapOutboundOut(command.segments[0]), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else {
            return
        }
        received.accumulate(unwrapInboundIn(data))
        while failure == nil, received != nil {
            let before = received!.readableBytes
            let frame: IMAPResponseFrame?
            do {
                frame = try framer.next(from: &received!)
            } catch {
                fail(IMAPTransportError.framing(error), context: context)
                return
            }
            if var current = pending {
                current.receivedBytes += before - received!.readableBytes
                pending = current
                if current.receivedBytes > commandByteBudget {
                    fail(IMAPTransportError.responseTooLarge(limit: commandByteBudget), context: context)
                    return
                }
            }
            guard let frame else {
                break
            }
            do {
                deliver(try IMAPResponseParser.parse(frame), context: context)
            } catch {
                fail(IMAPTransportError.parsing(error), context: context)
            }
        }
        received?.discardReadBytes()
    }

    private func deliver(_ response: IMAPResponse, context: ChannelHandlerContext) {
        if case .status(let status) = response, status.condition == .bye {
            bye = status.text
        }
        if let waiting = greeting {
            greeting = nil
            waiting.scheduled?.cancel()
            switch response {
            case .status(let status):
                waiting.promise.succeed(status)
            default:
                waiting.promise.fail(IMAPTransportError.unexpected("the server's first response is not a greeting"))
                fail(IMAPTransportError.unexpected("the server's first response is not a greeting"), context: context)
            }
            return
        }
        guard var current = pending else {
            if case .tagged = response {
                fail(IMAPTransportError.unexpected("a tagged response arrived while no command was pending"), context: context)
            } else if unclaimed.count >= Self.maximumUnclaimed {
                fail(IMAPTransportError.unexpected("more than \(Self.maximumUnclaimed) untagged responses arrived "
                    + "between commands"), context: context)
            } else {
                unclaimed.append(response)
            }
            return
        }
        switch response {
        case .continuation:
            guard current.nextSegment < current.command.segments.count else {
                fail(IMAPTransportError.unexpected("a continuation request arrived that no command waits for"),
                     context: context)
                return
            }
            let segment = current.command.segments[current.nextSegment]
            current.nextSegment += 1
            pending = current
            context.writeAndFlush(wrapOutboundOut(segment), promise: nil)
        case .tagged(let tag, let status):
            guard tag == current.command.tag else {
                fail(IMAPTransportError.unexpected("a response carries the tag \(tag) but the pending command's is "
                    + current.command.tag), context: context)
                return
            }
            if let tls = current.command.startTLS, status.condition == .ok {
                guard (received?.readableBytes ?? 0) == 0, !framer.isInsideResponse else {
                    fail(IMAPTransportError.plaintextAfterStartTLS, context: context)
                    return
                }
                do {
                    let handler = try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                    try context.pipeline.syncOperations.addHandler(handler, position: .first)
                    current.handshakeFor = status
                    pending = current
                } catch {
                    fail(error, context: context)
                }
                return
            }
            pending = nil
            current.timeout?.cancel()
            current.command.promise.succeed(IMAPCommandResult(responses: current.responses, completion: status))
        default:
            if current.handshakeFor != nil {
                fail(IMAPTransportError.plaintextAfterStartTLS, context: context)
                return
            }
            current.responses.append(response)
            pending = current
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, let current = pending,
            let status = current.handshakeFor
        {
            pending = nil
            current.timeout?.cancel()
            current.command.promise.succeed(IMAPCommandResult(responses: current.responses, completion: status))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let truncated = framer.isInsideResponse || (received?.readableBytes ?? 0) > 0
        fail(truncated ? IMAPTransportError.truncated(bye: bye) : IMAPTransportError.connectionClosed(bye: bye),
             context: context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(IMAPTransportError.connectionClosed(bye: bye), context: context)
    }

    /// Fails the waiting command and every later one with the first error seen, and closes the connection.
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        let firstFailure = failure == nil
        if firstFailure {
            failure = error
        }
        if let waiting = greeting {
            greeting = nil
            waiting.scheduled?.cancel()
            waiting.promise.fail(failure ?? error)
        }
        if let current = pending {
            pending = nil
            current.timeout?.cancel()
            current.command.promise.fail(failure ?? error)
        }
        received = nil
        if firstFailure && context.channel.isActive {
            context.close(promise: nil)
        }
    }
}

// The handler's state belongs to its event loop.
@available(*, unavailable)
extension IMAPClientHandler: Sendable {}
