import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import ParcMail

/// The IMAP client against scripted broken and hostile servers: every case ends in a clear IMAPError, quickly,
/// with the connection closed and nothing buffered beyond the limits.
struct IMAPHostileServerTests {
    typealias Server = IMAPScriptedServer

    /// Logs in, selects INBOX and runs `operation`, expecting it (or an earlier step) to fail.
    static func failure(
        _ server: Server,
        configuration: IMAPConfiguration? = nil,
        _ operation: @escaping @Sendable (IMAPSession) async throws(IMAPError) -> Void = { _ in }
    ) async throws -> IMAPError {
        do {
            let session = try await IMAPClient(configuration: configuration ?? server.configuration()).connect()
            _ = try await session.select("INBOX")
            try await operation(session)
            await session.close()
        } catch {
            return error
        }
        Issue.record("expected an IMAPError")
        throw CancellationError()
    }

    @Test("BYE in the middle of a session is a transient error that quotes the server")
    func byeMidSession() async throws {
        try await Server.with(script: { tag, command in
            command.hasPrefix("UID SEARCH") ? .sendAndClose("* BYE Server shutting down for maintenance\r\n") : nil
        }) { server in
            let error = try await Self.failure(server) { session async throws(IMAPError) in
                _ = try await session.uids(from: 1)
            }
            #expect(error.kind == .connectionClosed)
            #expect(error.isTransient)
            #expect(error.serverText == "Server shutting down for maintenance")
            #expect(error.message.contains("BYE"))
        }
    }

    @Test("NO to LOGIN is an authentication error carrying the server's text")
    func loginRefused() async throws {
        try await Server.with(script: { tag, command in
            command.hasPrefix("LOGIN") ? .send("\(tag) NO [AUTHENTICATIONFAILED] Authentication failed.\r\n") : nil
        }) { server in
            let error = try await Self.failure(server)
            #expect(error.kind == .authenticationFailed)
            #expect(!error.isTransient)
            #expect(error.serverText == "Authentication failed.")
        }
    }

    @Test("NO to SELECT names the folder; BAD is a protocol error with the server's text")
    func noAndBad() async throws {
        try await Server.with(script: { tag, command in
            command.hasPrefix("SELECT") ? .send("\(tag) NO [NONEXISTENT] Mailbox doesn't exist: INBOX\r\n") : nil
        }) { server in
            let error = try await Self.failure(server)
            #expect(error.kind == .commandFailed)
            #expect(error.message.contains("\"INBOX\""))
            #expect(error.serverText == "Mailbox doesn't exist: INBOX")
        }
        try await Server.with(script: { tag, command in
            command.hasPrefix("UID SEARCH") ? .send("\(tag) BAD Error in IMAP command: unknown criterion\r\n") : nil
        }) { server in
            let error = try await Self.failure(server) { session async throws(IMAPError) in
                _ = try await session.uids(from: 1)
            }
            #expect(error.kind == .protocolViolation)
            #expect(error.serverText == "Error in IMAP command: unknown criterion")
        }
    }

    @Test("a literal cut short by the connection closing is a transient truncation error")
    func truncatedLiteral() async throws {
        try await Server.with(script: { tag, command in
            command.hasPrefix("UID FETCH") ? .sendAndClose("* 1 FETCH (UID 1 BODY[] {100}\r\nonly ten b") : nil
        }) { server in
            let error = try await Self.failure(server) { session async throws(IMAPError) in
                _ = try await session.fetch(uid: 1)
            }
            #expect(error.kind == .connectionClosed)
            #expect(error.isTransient)
            #expect(error.message.contains("in the middle of a response"))
        }
    }

    @Test("a literal announced over the size limit fails at once, before any of it is read")
    func hugeLiteral() async throws {
        try await Server.with(script: { tag, command in
            // Announces 4 GB and sends nothing more: the client must not wait for it.
            command.hasPrefix("UID FETCH") ? .send("* 1 FETCH (UID 1 BODY[] {4000000000}\r\n") : nil
        }) { server in
            // The server never sends the bytes: a client that waited for them would end on its command timeout
            // (`.timedOut`), so the kind alone shows it refused at the announcement (no timing in the test).
            let error = try await Self.failure(server) { session async throws(IMAPError) in
                _ = try await session.fetch(uid: 1)
            }
            #expect(error.kind == .messageTooLarge, "\(error)")
            #expect(!error.isTransient)
        }
    }

    @Test("a line without end over the limit fails, however long the server goes on")
    func endlessLine() async throws {
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        try await Server.with(script: { tag, command in
            command.hasPrefix("UID SEARCH") ? .sendBytes(Array("* SEARCH ".utf8) + chunk) : nil
        }) { server in
            let error = try await Self.failure(server) { session async throws(IMAPError) in
                _ = try await session.uids(from: 1)
            }
            #expect(error.kind == .protocolViolation)
            #expect(error.message.contains("longer than 4096 bytes"))
        }
    }

    @Test("unknown untagged responses are ignored; a SEARCH with garbage is refused")
    func unknownUntagged() async throws {
        try await Server.with(script: { tag, command in
            if command.hasPrefix("UID SEARCH UID 1") {
                return .send("* XYZZY some extension data\r\n* 3 WIBBLE (a b)\r\n* SEARCH 4 2\r\n\(tag) OK done\r\n")
            }
            if command.hasPrefix("UID SEARCH UID 5") {
                return .send("* SEARCH 4 two\r\n\(tag) OK done\r\n")
            }
            return nil
        }) { server in
            let session = try await IMAPClient(configuration: server.configuration()).connect()
            _ = try await session.select("INBOX")
            #expect(try await session.uids(from: 1) == [2, 4])
            await session.close()
            let error = try await Self.failure(server) { session async throws(IMAPError) in
                _ = try await session.uids(from: 5)
            }
            #expect(error.kind == .protocolViolation)
            #expect(error.message.contains("SEARCH"))
        }
    }

    @Test("a completion with a foreign tag, or a status that is not OK/NO/BAD, is a protocol error")
    func wrongTagAndStatus() async throws {
        try await Server.with(script: { tag, command in
            command.hasPrefix("UID SEARCH") ? .send("Z999 OK done\r\n") : nil
        }) { server in
            let error = try await Self.failure(server) { session async throws(IMAPError) in
                _ = try await session.uids(from: 1)
            }
            #expect(error.kind == .protocolViolation)
            #expect(error.message.contains("Z999"))
        }
        try await Server.with(script: { tag, command in
            command.hasPrefix("UID SEARCH") ? .send("\(tag) MAYBE later\r\n") : nil
        }) { server in
            let error = try await Self.failure(server) { session async throws(IMAPError) in
                _ = try await session.uids(from: 1)
            }
            #expect(error.kind == .protocolViolation)
            #expect(error.message.contains("MAYBE"))
        }
    }

    @Test("a server that is not IMAP is named as such; a silent one times out")
    func notIMAPAndSilent() async throws {
        try await Server.with(greeting: "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", script: { _, _ in nil }) { server in
            let error = try await Self.failure(server)
            #expect(error.kind == .protocolViolation)
            #expect(error.message.contains("not valid IMAP"))
        }
        try await Server.with(greeting: nil, script: { _, _ in nil }) { server in
            let error = try await Self.failure(server, configuration: server.configuration(commandTimeout: .seconds(1)))
            #expect(error.kind == .timedOut)
            #expect(error.isTransient)
        }
    }

    @Test("a server greeting with BYE refuses the session with a transient error")
    func byeGreeting() async throws {
        try await Server.with(greeting: "* BYE Too many connections\r\n", script: { _, _ in nil }) { server in
            let error = try await Self.failure(server)
            #expect(error.kind == .connectionClosed)
            #expect(error.isTransient)
            #expect(error.serverText == "Too many connections")
        }
    }

    @Test("clear-text data after the OK to STARTTLS is refused before the password is sent")
    func startTLSInjection() async throws {
        try await Server.with(
            greeting: "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n",
            script: { tag, command in
                command == "STARTTLS" ? .send("\(tag) OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] forged\r\n")
                    : nil
            }
        ) { server in
            var configuration = server.configuration()
            configuration.security = .startTLS
            let error = try await Self.failure(server, configuration: configuration)
            #expect(error.kind == .protocolViolation)
            #expect(error.message.contains("STARTTLS"))
            #expect(!server.commands.contains { $0.contains("LOGIN") || $0.contains("AUTHENTICATE") })
        }
    }

    @Test("AUTHENTICATE PLAIN without SASL-IR sends the credentials after the server's continuation request")
    func authenticatePlainWithContinuation() async throws {
        let pendingTag = NIOLockedValueBox<String?>(nil)
        try await Server.with(script: { tag, command in
            if command == "AUTHENTICATE PLAIN" {
                pendingTag.withLockedValue { $0 = tag }
                return .send("+ \r\n")
            }
            if let waiting = pendingTag.withLockedValue({ $0 }), command.isEmpty {
                pendingTag.withLockedValue { $0 = nil }
                let decoded = Data(base64Encoded: tag).map { Array($0) } ?? []
                let expected = [0] + Array("helpdesk".utf8) + [0] + Array("secret".utf8)
                return .send(decoded == expected ? "\(waiting) OK done\r\n" : "\(waiting) NO bad credentials\r\n")
            }
            return nil
        }) { server in
            var configuration = server.configuration()
            configuration.authentication = .plain
            let session = try await IMAPClient(configuration: configuration).connect()
            _ = try await session.select("INBOX")
            await session.close()
            #expect(server.commands.contains("P1 AUTHENTICATE PLAIN"))
            #expect(!server.commands.contains { $0.contains("LOGIN") })
        }
    }

    @Test("a password for a remote server without TLS is refused before connecting, unless explicitly allowed")
    func passwordWithoutTLS() async throws {
        var configuration = IMAPConfiguration(
            host: "imap.example.org",
            security: .none,
            credentials: .init(username: "helpdesk", password: "secret")
        )
        #expect(configuration.problem()?.contains("in clear") == true)
        configuration.allowsPasswordWithoutTLS = true
        #expect(configuration.problem() == nil)
        configuration.host = "127.0.0.1"
        configuration.allowsPasswordWithoutTLS = false
        #expect(configuration.problem() == nil)
        configuration.credentials.password = "two\r\nlines"
        #expect(configuration.problem()?.contains("control characters") == true)
    }
}
