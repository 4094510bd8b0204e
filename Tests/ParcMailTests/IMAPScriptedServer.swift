import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

@testable import ParcMail

/// A fake IMAP server on a loopback port that answers each command line with whatever the test scripts, to
/// play the hostile and broken servers a real one cannot: BYE mid-session, truncated literals, endless lines.
final class IMAPScriptedServer: Sendable {
    /// What the server does after reading a line.
    enum Reply: Sendable {
        /// Writes these bytes.
        case send(String)
        /// Writes these bytes and closes the connection.
        case sendAndClose(String)
        /// Writes these raw bytes (for large or binary payloads).
        case sendBytes([UInt8])
        /// Says nothing (to test timeouts).
        case silence
    }

    /// Answers a command line (without CRLF) given its tag; nil for the default successful answers to CAPABILITY,
    /// LOGIN and SELECT.
    typealias Script = @Sendable (_ tag: String, _ command: String) -> Reply?

    let port: Int
    private let channel: any Channel
    private let received: NIOLockedValueBox<[String]>

    /// The command lines the client sent, in order.
    var commands: [String] { received.withLockedValue { $0 } }

    /// Starts a server that greets with `greeting` and answers with `script`, runs `body`, stops it.
    static func with<T>(
        greeting: String? = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n",
        script: @escaping Script,
        _ body: (IMAPScriptedServer) async throws -> T
    ) async throws -> T {
        let received = NIOLockedValueBox<[String]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ScriptHandler(greeting: greeting, script: script, received: received)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = IMAPScriptedServer(port: channel.localAddress!.port!, channel: channel, received: received)
        defer { channel.close(promise: nil) }
        return try await body(server)
    }

    private init(port: Int, channel: any Channel, received: NIOLockedValueBox<[String]>) {
        self.port = port
        self.channel = channel
        self.received = received
    }

    /// A configuration for this server: plain text on loopback, short timeouts.
    func configuration(maximumMessageSize: Int = 64 * 1024, commandTimeout: Duration = .seconds(10)) -> IMAPConfiguration {
        IMAPConfiguration(
            host: "127.0.0.1",
            port: port,
            security: .none,
            credentials: .init(username: "helpdesk", password: "secret"),
            authentication: .login,
            maximumMessageSize: maximumMessageSize,
            maximumLineLength: 4096,
            connectTimeout: .seconds(5),
            commandTimeout: commandTimeout,
            fetchTimeout: commandTimeout
        )
    }

    /// The default answers that bring a client to a selected INBOX.
    static func standard(_ tag: String, _ command: String) -> Reply {
        let verb = command.split(separator: " ").first.map { $0.uppercased() } ?? ""
        switch verb {
        case "CAPABILITY":
            return .send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n\(tag) OK done\r\n")
        case "LOGIN", "AUTHENTICATE":
            return .send("\(tag) OK logged in\r\n")
        case "SELECT":
            return .send("* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n\(tag) OK [READ-WRITE] done\r\n")
        case "LOGOUT":
            return .sendAndClose("* BYE bye\r\n\(tag) OK done\r\n")
        default:
            return .send("\(tag) BAD unknown command\r\n")
        }
    }

    private final class ScriptHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let greeting: String?
        let script: Script
        let received: NIOLockedValueBox<[String]>
        var buffer: [UInt8] = []

        init(greeting: String?, script: @escaping Script, received: NIOLockedValueBox<[String]>) {
            self.greeting = greeting
            self.script = script
            self.received = received
        }

        func channelActive(context: ChannelHandlerContext) {
            if let greeting {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: greeting)), promise: nil)
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            buffer += incoming.readBytes(length: incoming.readableBytes) ?? []
            while let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                buffer.removeSubrange(...end)
                received.withLockedValue { $0.append(line) }
                let parts = line.split(separator: " ", maxSplits: 1)
                let tag = parts.first.map(String.init) ?? ""
                let command = parts.count > 1 ? String(parts[1]) : ""
                let reply = script(tag, command) ?? IMAPScriptedServer.standard(tag, command)
                switch reply {
                case .send(let text):
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
                case .sendBytes(let bytes):
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                case .sendAndClose(let text):
                    let channel = context.channel
                    context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: text)))
                        .whenComplete { _ in channel.close(promise: nil) }
                case .silence:
                    break
                }
            }
        }
    }
}
