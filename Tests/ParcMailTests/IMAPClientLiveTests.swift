import Foundation
import Testing

@testable import ParcMail

/// The IMAP client against a real Dovecot on loopback: TLS, STARTTLS, login, search, fetch, flags, move, limits.
struct IMAPClientLiveTests {
    typealias Server = DovecotFixtureServer

    static func message(_ number: Int, body: String = "The printer in room 12 is out of toner.") -> String {
        "From: Ana <ana@example.org>\r\nTo: support@example.org\r\nSubject: Request \(number)\r\n"
            + "Message-ID: <request-\(number)@example.org>\r\nDate: Mon, 30 Nov 2026 08:00:00 +0000\r\n\r\n"
            + body + "\r\n"
    }

    /// Runs `body`, expecting an IMAPError, and returns it.
    static func failure<T>(_ body: () async throws(IMAPError) -> T) async throws -> IMAPError {
        let value: T
        do {
            value = try await body()
        } catch {
            return error
        }
        Issue.record("expected an IMAPError, got \(value)")
        throw CancellationError()
    }

    @Test("over implicit TLS with the test CA, new messages are listed, sized and fetched byte for byte, unread")
    func fetchOverTLS() async throws {
        try await Server.with { server in
            // setup
            try server.deliver([Self.message(1), Self.message(2)])
            let session = try await IMAPClient(configuration: server.configuration(security: .tls)).connect()
            // MUT
            let status = try await session.select("INBOX")
            let uids = try await session.uids(from: 1)
            let sizes = try await session.sizes(of: uids)
            let first = try await session.fetch(uid: uids[0])
            // validate
            #expect(status.messageCount == 2)
            #expect(status.uidValidity > 0)
            #expect(uids.count == 2)
            #expect(Set(sizes.map(\.size)) == [Self.message(1).utf8.count, Self.message(2).utf8.count])
            #expect(sizes.map(\.uid) == uids)
            let text = try #require(first.map { String(decoding: $0, as: UTF8.self) })
            #expect([Self.message(1), Self.message(2)].contains(text))
            #expect(sizes[0].size == text.utf8.count)
            // BODY.PEEK leaves the message unread, and the high-water mark excludes what was seen.
            #expect(try await session.uids(from: uids[1] + 1).isEmpty)
            #expect(try await session.uids(from: uids[1]) == [uids[1]])
            await session.logout()
            let again = try await IMAPClient(configuration: server.configuration(security: .tls)).connect()
            _ = try await again.select("INBOX")
            #expect(try await again.unseenCount() == 2)
            await again.logout()
        }
    }

    @Test("STARTTLS with LOGIN, by host name, then marking a message seen")
    func startTLSAndMarkSeen() async throws {
        try await Server.with { server in
            try server.deliver([Self.message(1)])
            let configuration = server.configuration(security: .startTLS, host: "localhost", authentication: .login)
            let session = try await IMAPClient(configuration: configuration).connect()
            _ = try await session.select("INBOX")
            let uid = try #require(try await session.uids(from: 1).first)
            try await session.markSeen(uid: uid)
            #expect(try await session.unseenCount() == 0)
            await session.logout()
        }
    }

    @Test("a message moved to a processed folder that did not exist leaves the inbox and lands there")
    func moveToProcessedFolder() async throws {
        try await Server.with { server in
            try server.deliver([Self.message(1), Self.message(2)])
            let session = try await IMAPClient(configuration: server.configuration()).connect()
            _ = try await session.select("INBOX")
            let uids = try await session.uids(from: 1)
            let body = try await session.fetch(uid: uids[0])
            try await session.move(uid: uids[0], to: "Parc/Processed")
            #expect(try await session.uids(from: 1) == [uids[1]])
            let processed = try await session.select("Parc/Processed")
            #expect(processed.messageCount == 1)
            let moved = try #require(try await session.uids(from: 1).first)
            #expect(try await session.fetch(uid: moved) == body)
            await session.logout()
        }
    }

    @Test("a message over the size limit is refused from its RFC822.SIZE, and a fetch of it fails without reading it")
    func sizeLimit() async throws {
        try await Server.with { server in
            let big = Self.message(1, body: String(repeating: "0123456789abcdef\r\n", count: 8_000))
            try server.deliver([big, Self.message(2)])
            let session = try await IMAPClient(configuration: server.configuration(maximumMessageSize: 64 * 1024))
                .connect()
            _ = try await session.select("INBOX")
            let uids = try await session.uids(from: 1)
            let sizes = try await session.sizes(of: uids)
            let large = try #require(sizes.first { $0.size > 64 * 1024 })
            let small = try #require(sizes.first { $0.size < 64 * 1024 })
            #expect(try await session.fetch(uid: small.uid)?.count == small.size)
            let error = try await Self.failure { () async throws(IMAPError) in try await session.fetch(uid: large.uid) }
            #expect(error.kind == .messageTooLarge)
            #expect(!error.isTransient)
            #expect(error.message.contains("65536"))
            await session.close()
        }
    }

    @Test("a wrong password is a permanent authentication error naming the login, never the password")
    func wrongPassword() async throws {
        try await Server.with { server in
            let client = IMAPClient(configuration: server.configuration(password: "not the password"))
            let error = try await Self.failure { () async throws(IMAPError) in try await client.connect() }
            #expect(error.kind == .authenticationFailed)
            #expect(!error.isTransient)
            #expect(error.message.contains(Server.login))
            #expect(error.message.contains("check the user name and password"))
            #expect(!error.description.contains("not the password"))
        }
    }

    @Test("TLS without the test CA fails the certificate check and sends no password")
    func untrustedCertificate() async throws {
        try await Server.with { server in
            let client = IMAPClient(configuration: server.configuration(security: .tls, trustCA: false))
            let error = try await Self.failure { () async throws(IMAPError) in try await client.connect() }
            #expect(error.kind == .tlsFailed)
            #expect(error.message.contains("trusted CA file"))
        }
    }

    @Test("APPEND stores a message that the client then finds; check() reports the folder")
    func appendAndCheck() async throws {
        try await Server.with { server in
            let client = IMAPClient(configuration: server.configuration())
            let session = try await client.connect()
            try await session.append(Array(Self.message(7).utf8), to: "INBOX")
            await session.logout()
            let status = try await client.check(mailbox: "INBOX")
            #expect(status.messageCount == 1)
            let missing = try await Self.failure { () async throws(IMAPError) in
                try await client.check(mailbox: "No Such Folder")
            }
            #expect(missing.kind == .commandFailed)
            #expect(missing.message.contains("No Such Folder"))
        }
    }

    @Test("a server that goes away between sessions and during a session gives transient errors")
    func serverGoesAway() async throws {
        try await Server.with { server in
            try server.deliver([Self.message(1)])
            let session = try await IMAPClient(configuration: server.configuration()).connect()
            _ = try await session.select("INBOX")
            server.stop()
            let during = try await Self.failure { () async throws(IMAPError) in try await session.uids(from: 1) }
            #expect(during.isTransient)
            #expect(during.kind == .connectionClosed)
            let client = IMAPClient(configuration: server.configuration())
            let after = try await Self.failure { () async throws(IMAPError) in try await client.connect() }
            #expect(after.isTransient)
            #expect(after.kind == .connectionFailed)
        }
    }
}

extension IMAPSession {
    /// How many messages of the selected mailbox lack \Seen (test helper over the public API's building blocks).
    func unseenCount() async throws(IMAPError) -> Int {
        try await search("UNSEEN").count
    }
}
