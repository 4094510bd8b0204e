import NIOCore
import NIOPosix
import NIOSSL

/// Opens the TCP connection of a mail protocol client (SMTP, IMAP): no Nagle delay, TLS first for implicit TLS, then
/// the protocol's handler, created already waiting for the server's greeting so that a greeting sent at once is
/// never lost.
enum MailChannelConnector {
    static func connect<Greeting: Sendable>(
        group: any EventLoopGroup,
        host: String,
        port: Int,
        connectTimeout: Duration,
        implicitTLS: MailTLSClientContext?,
        makeHandler: @escaping @Sendable (EventLoopPromise<Greeting>) -> any ChannelHandler
    ) async throws -> (any Channel, EventLoopFuture<Greeting>) {
        try await ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let implicitTLS {
                        try pipeline.addHandler(
                            NIOSSLClientHandler(context: implicitTLS.context, serverHostname: implicitTLS.serverHostname)
                        )
                    }
                    let greetingPromise = channel.eventLoop.makePromise(of: Greeting.self)
                    do {
                        try pipeline.addHandler(makeHandler(greetingPromise))
                    } catch {
                        greetingPromise.fail(error)
                        throw error
                    }
                    return (channel, greetingPromise.futureResult)
                }
            }
    }
}
