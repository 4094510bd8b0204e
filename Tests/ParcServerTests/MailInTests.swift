import Fluent
import Foundation
import NIOConcurrencyHelpers
@testable import ParcMail
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// A sink that records what it is given, and fails (transiently) for subjects it is told to.
final class RecordingMailSink: InboundMailSink {
    struct Received: Sendable {
        var raw: [UInt8]
        var source: InboundMailSource
        var subject: String
    }

    struct TransientFailure: Error {}

    private let state = NIOLockedValueBox<(received: [Received], failing: Set<String>)>(([], []))

    var received: [Received] { state.withLockedValue { $0.received } }
    var subjects: [String] { received.map(\.subject).sorted() }

    func fail(onSubject subject: String?) {
        state.withLockedValue { $0.failing = subject.map { [$0] } ?? [] }
    }

    func accept(_ raw: [UInt8], from source: InboundMailSource, on db: any Database) async throws -> InboundMailOutcome {
        let message = try InboundMessageParser().parse(raw)
        if state.withLockedValue({ $0.failing.contains(message.subject) }) {
            throw TransientFailure()
        }
        state.withLockedValue { $0.received.append(Received(raw: raw, source: source, subject: message.subject)) }
        if InboundMailClassifier(configuration: .init(instanceID: "test")).classify(message).shouldDrop {
            return .dropped(.autoReply, detail: "automatic reply")
        }
        return .createdTicket(id: UUID())
    }
}

/// Mail in: the mailbox API, the collector against a real Dovecot, deduplication, transient failures, and
/// `parc mail ingest`.
@Suite("mail in", .serialized)
struct MailInTests {
    static func message(_ number: Int, headers: String = "") -> String {
        "From: Ana <ana@example.org>\r\nTo: support@example.org\r\nSubject: Request \(number)\r\n"
            + "Message-ID: <request-\(number)@example.org>\r\nDate: Mon, 30 Nov 2026 08:00:00 +0000\r\n\(headers)\r\n"
            + "The printer in room \(number) is out of toner.\r\n"
    }

    static func configuration() -> ParcConfiguration {
        var configuration = ParcConfiguration(runsWorkers: false)
        configuration.secretKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        return configuration
    }

    /// Creates a mailbox through the API and returns its id.
    static func createMailbox(_ app: Application, _ token: String, _ json: String) async throws -> UUID {
        var id: UUID?
        try await app.testing().test(.POST, "/api/v1/mailboxes", headers: .json(token), body: ByteBuffer(string: json)) {
            res in
            #expect(res.status == .created, "\(res.body.string)")
            id = try? res.content.decode(MailboxDTO.self).id
        }
        return try #require(id)
    }

    /// Runs the collection job as the scheduler would.
    static func runJob(_ app: Application) async throws -> String {
        try await MailCollectionJob().run(payload: "{}", context: JobContext(application: app, logger: app.logger,
                                                                              jobID: UUID()))
    }

    /// How many messages a folder holds, and how many of them are unseen: `[all, unseen]`, read with the IMAP client.
    static func folder(_ server: LocalIMAPServer, _ name: String = "INBOX") async throws -> [Int] {
        let configuration = IMAPConfiguration(host: "127.0.0.1", port: server.tlsPort, security: .tls,
                                              tls: .init(trustedCAFile: server.certificatePath),
                                              credentials: .init(username: LocalIMAPServer.login,
                                                                 password: LocalIMAPServer.password))
        let session = try await IMAPClient(configuration: configuration).connect()
        let status = try await session.select(name)
        let unseen = try await session.search("UNSEEN").count
        await session.logout()
        return [status.messageCount, unseen]
    }

    @Test("the mailbox API: write-only password sealed at rest, validation, permissions and entity scoping",
          arguments: TestDatabase.all)
    func mailboxAPI(_ database: TestDatabase) async throws {
        try await withApp(database, configuration: Self.configuration()) { app, _ in
            let t = try await Tenancy.make(app)
            let body = """
                {"entity_id":"\(t.beta.id!)","name":"Support","host":"imap.example.org","login":"support@example.org",
                 "password":"s3cret pass","processed_action":"move","processed_folder":"Parc/Done"}
                """
            let id = try await Self.createMailbox(app, t.betaToken, body)
            // The password is neither returned nor stored in clear.
            try await app.testing().test(.GET, "/api/v1/mailboxes/\(id)", headers: .bearer(t.betaToken)) { res in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("s3cret"))
                let dto = try res.content.decode(MailboxDTO.self)
                #expect(dto.has_password && dto.port == 993 && dto.security == "tls" && dto.folder == "INBOX")
            }
            let row = try #require(try await MailboxModel.find(id, on: app.db))
            #expect(row.passwordSealed.hasPrefix("v1.") && !row.passwordSealed.contains("s3cret"))
            #expect(try app.parc.secrets.open(row.passwordSealed, context: MailboxModel.secretContext(id)) == "s3cret pass")
            #expect(throws: (any Error).self) {
                try app.parc.secrets.open(row.passwordSealed, context: MailboxModel.secretContext(UUID()))
            }
            // The history says the password changed, never what it is.
            let audit = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == id.uuidString).all()
            #expect(audit.count == 1 && !(audit.first?.changes ?? "").contains("s3cret"))
            // Validation: clear-text password to a remote host, bad values, unknown fields.
            try await app.testing().test(.PATCH, "/api/v1/mailboxes/\(id)", headers: .json(t.betaToken),
                                         body: ByteBuffer(string: #"{"security":"none","port":143}"#)) { res in
                #expect(res.status == .unprocessableEntity)
                let fields = try res.content.decode(TestErrorBody.self).error.fields ?? [:]
                #expect(fields["security"] != nil)
            }
            try await app.testing().test(.PATCH, "/api/v1/mailboxes/\(id)", headers: .json(t.betaToken), body: ByteBuffer(
                string: #"{"port":0,"poll_interval_seconds":5,"password":"a\nb","folder":"Boîte","processed_folder":null}"#)) {
                res in
                #expect(res.status == .unprocessableEntity)
                let fields = try res.content.decode(TestErrorBody.self).error.fields ?? [:]
                #expect(Set(fields.keys) == ["port", "poll_interval_seconds", "password", "folder", "processed_folder"])
            }
            try await app.testing().test(.POST, "/api/v1/mailboxes", headers: .json(t.betaToken),
                                         body: ByteBuffer(string: #"{"entity_id":"\#(t.beta.id!)","name":"x","hots":"y"}"#)) {
                res in
                #expect(res.status == .unprocessableEntity)
            }
            // Scoping: a technician may not manage mailboxes; another entity's admin does not see them.
            try await app.testing().test(.POST, "/api/v1/mailboxes", headers: .json(t.alphaToken),
                                         body: ByteBuffer(string: body.replacingOccurrences(of: "\(t.beta.id!)",
                                                                                            with: "\(t.alpha.id!)"))) {
                res in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.GET, "/api/v1/mailboxes/\(id)", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.GET, "/api/v1/mailboxes", headers: .bearer(t.superToken)) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("\"total\":1"))
            }
            try await app.testing().test(.DELETE, "/api/v1/mailboxes/\(id)", headers: .bearer(t.betaToken)) { res in
                #expect(res.status == .noContent)
            }
            #expect(try await MailboxModel.find(id, on: app.db) == nil)
        }
    }

    @Test("test connection reports success with the folder's size, and a wrong password as a clear failure")
    func testConnection() async throws {
        try await LocalIMAPServer.with { server in
            try server.deliver([Self.message(1)])
            try await withApp(.sqlite, configuration: Self.configuration()) { app, _ in
                let t = try await Tenancy.make(app)
                let id = try await Self.createMailbox(app, t.betaToken, server.mailboxJSON(entityID: t.beta.id!))
                try await app.testing().test(.POST, "/api/v1/mailboxes/\(id)/test", headers: .bearer(t.betaToken)) { res in
                    let result = try res.content.decode(MailboxTestDTO.self)
                    #expect(result.ok && result.message_count == 1, "\(res.body.string)")
                }
                try await app.testing().test(.PATCH, "/api/v1/mailboxes/\(id)", headers: .json(t.betaToken),
                                             body: ByteBuffer(string: #"{"password":"wrong"}"#)) { res in
                    #expect(res.status == .ok)
                }
                try await app.testing().test(.POST, "/api/v1/mailboxes/\(id)/test", headers: .bearer(t.betaToken)) { res in
                    let result = try res.content.decode(MailboxTestDTO.self)
                    #expect(!result.ok && result.error_kind == "authenticationFailed" && result.transient == false)
                    #expect(result.error?.contains("check the user name and password") == true)
                    #expect(!res.body.string.contains("wrong\""))
                }
            }
        }
    }

    @Test("the job collects new mail once, marks it seen, and never hands a message over twice", arguments: TestDatabase.all)
    func collectAndDedupe(_ database: TestDatabase) async throws {
        try await LocalIMAPServer.with { server in
            try server.deliver([Self.message(1), Self.message(2),
                                Self.message(3, headers: "Auto-Submitted: auto-replied\r\n")])
            try await withApp(database, configuration: Self.configuration()) { app, _ in
                let t = try await Tenancy.make(app)
                let id = try await Self.createMailbox(app, t.betaToken, server.mailboxJSON(entityID: t.beta.id!))
                // No sink: collection is off and the mailbox is left as it is.
                app.parc.mailIn.stop()
                #expect(try await Self.runJob(app).contains("collection is off"))
                #expect(try await Self.folder(server) == [3, 3])
                let sink = RecordingMailSink()
                app.parc.mailIn.use(sink)
                // MUT
                let output = try await Self.runJob(app)
                // validate
                #expect(output.contains("2 delivered, 1 dropped"), "\(output)")
                #expect(sink.subjects == ["Request 1", "Request 2", "Request 3"])
                #expect(sink.received.allSatisfy { $0.source == .imap(mailboxID: id, entityID: t.beta.id!) })
                #expect(try await Self.folder(server) == [3, 0])
                let records = try await CollectedMailModel.query(on: app.db).filter(\.$mailboxID == id).all()
                #expect(records.count == 3)
                #expect(Set(records.compactMap(\.messageID)) == ["request-1@example.org", "request-2@example.org",
                                                                  "request-3@example.org"])
                #expect(records.filter { $0.outcome == "dropped" }.map(\.reason) == ["auto_reply"])
                // Not due again before its interval; then nothing new.
                #expect(try await Self.runJob(app) == "No mailbox was due.")
                try await MailboxModel.query(on: app.db).set(\.$nextPollAt, to: nil).update()
                _ = try await Self.runJob(app)
                #expect(sink.received.count == 3)
                // A run whose marking failed left the mark behind: the records by UID only re-mark the messages.
                try await MailboxModel.query(on: app.db).set(\.$lastUID, to: 0).set(\.$nextPollAt, to: nil).update()
                #expect(try await Self.runJob(app).contains("3 duplicates"))
                #expect(sink.received.count == 3)
                // A renumbered folder (new UIDVALIDITY): every message is fetched again, known by its Message-ID and
                // not handed over again.
                try await MailboxModel.query(on: app.db).set(\.$uidValidity, to: 1).set(\.$nextPollAt, to: nil).update()
                try await CollectedMailModel.query(on: app.db).set(\.$uidValidity, to: 1).update()
                let again = try await Self.runJob(app)
                #expect(again.contains("3 duplicates"), "\(again)")
                #expect(sink.received.count == 3)
                #expect(try await CollectedMailModel.query(on: app.db).count() == 3)
                try await app.testing().test(.GET, "/api/v1/mailboxes/\(id)/messages", headers: .bearer(t.betaToken)) { res in
                    #expect(res.body.string.contains("\"total\":3"))
                }
            }
        }
    }

    @Test("a transient sink failure leaves the message unread in the mailbox for the next poll")
    func transientFailure() async throws {
        try await LocalIMAPServer.with { server in
            try server.deliver([Self.message(1), Self.message(2), Self.message(3)])
            try await withApp(.sqlite, configuration: Self.configuration()) { app, _ in
                let t = try await Tenancy.make(app)
                let id = try await Self.createMailbox(app, t.betaToken, server.mailboxJSON(entityID: t.beta.id!))
                let sink = RecordingMailSink()
                sink.fail(onSubject: "Request 2")
                app.parc.mailIn.use(sink)
                let output = try await Self.runJob(app)
                #expect(output.contains("stopped"), "\(output)")
                #expect(!sink.subjects.contains("Request 2"))
                let mailbox = try #require(try await MailboxModel.find(id, on: app.db))
                #expect(mailbox.lastError?.contains("next poll") == true)
                let recorded = try await CollectedMailModel.query(on: app.db).all().compactMap(\.messageID)
                #expect(!recorded.contains("request-2@example.org") && recorded.count < 3)
                #expect(try await Self.folder(server)[1] == 3 - recorded.count)
                // The sink recovers: the rest is collected, each message once.
                sink.fail(onSubject: nil)
                try await MailboxModel.query(on: app.db).set(\.$nextPollAt, to: nil).update()
                _ = try await Self.runJob(app)
                #expect(sink.subjects == ["Request 1", "Request 2", "Request 3"])
                #expect(try await Self.folder(server) == [3, 0])
                #expect(try await MailboxModel.find(id, on: app.db)?.lastError == nil)
            }
        }
    }

    @Test("move sends processed mail to its folder; a message over the size limit is recorded and left unread")
    func moveAndSizeLimit() async throws {
        try await LocalIMAPServer.with { server in
            let big = Self.message(9) + String(repeating: "0123456789abcdef\r\n", count: 200)
            try server.deliver([Self.message(1), big])
            try await withApp(.sqlite, configuration: Self.configuration()) { app, _ in
                let t = try await Tenancy.make(app)
                _ = try await Self.createMailbox(app, t.betaToken, server.mailboxJSON(
                    entityID: t.beta.id!,
                    extra: #","processed_action":"move","processed_folder":"Parc/Done","max_message_bytes":2048"#))
                let sink = RecordingMailSink()
                app.parc.mailIn.use(sink)
                let output = try await Self.runJob(app)
                #expect(output.contains("1 delivered") && output.contains("1 too large"), "\(output)")
                #expect(sink.subjects == ["Request 1"])
                #expect(try await Self.folder(server) == [1, 1], "the large message stays, unread")
                #expect(try await Self.folder(server, "Parc/Done") == [1, 0])
                let large = try await CollectedMailModel.query(on: app.db).filter(\.$reason == "too_large").all()
                #expect(large.count == 1 && large.first?.size ?? 0 > 2048)
            }
        }
    }

    @Test("a mailbox is claimed by one run at a time, and taken over once the claim has lapsed",
          arguments: TestDatabase.all)
    func claim(_ database: TestDatabase) async throws {
        try await withApp(database, configuration: Self.configuration()) { app, clock in
            let t = try await Tenancy.make(app)
            let id = try await Self.createMailbox(app, t.betaToken, """
                {"entity_id":"\(t.beta.id!)","name":"Support","host":"imap.example.org","login":"support",
                 "password":"pass"}
                """)
            let first = try #require(try await MailboxModel.find(id, on: app.db))
            let second = try #require(try await MailboxModel.find(id, on: app.db))
            #expect(try await MailCollectionJob.claim(first, now: clock.now, on: app.db))
            #expect(try await !MailCollectionJob.claim(second, now: clock.now, on: app.db))
            clock.advance(MailCollectionJob.lease + 1)
            #expect(try await MailCollectionJob.claim(second, now: clock.now, on: app.db))
        }
    }

    @Test("mail ingest: delivered, duplicate, dropped, unreadable, too large, transient and unknown entity")
    func ingest() async throws {
        try await withApp(.sqlite, configuration: Self.configuration()) { app, _ in
            let t = try await Tenancy.make(app)
            let raw = Array(Self.message(5).utf8)
            // No sink yet: the MTA must keep the message.
            app.parc.mailIn.stop()
            var result = await MailIngest.ingest(raw, entity: "Beta", maximumSize: 1 << 20, on: app)
            #expect(result.status == .temporaryFailure && result.message.contains("not enabled"))
            let sink = RecordingMailSink()
            app.parc.mailIn.use(sink)
            result = await MailIngest.ingest(raw, entity: "Beta", maximumSize: 1 << 20, on: app)
            #expect(result.status == .delivered && result.message.contains("created ticket"))
            #expect(sink.received.first?.source == .pipe(entityID: t.beta.id!))
            result = await MailIngest.ingest(raw, entity: "Beta", maximumSize: 1 << 20, on: app)
            #expect(result.status == .delivered && result.message.contains("already delivered"))
            #expect(sink.received.count == 1)
            // The root entity when none is named; deduplication is per entity.
            result = await MailIngest.ingest(raw, entity: nil, maximumSize: 1 << 20, on: app)
            #expect(result.status == .delivered && sink.received.last?.source == .pipe(entityID: t.root.id!))
            result = await MailIngest.ingest(Array("just some text\n".utf8), entity: nil, maximumSize: 1 << 20, on: app)
            #expect(result.status == .dataError && result.message.contains("not a mail message"))
            result = await MailIngest.ingest([], entity: nil, maximumSize: 1 << 20, on: app)
            #expect(result.status == .dataError)
            result = await MailIngest.ingest(Array(Self.message(6).utf8), entity: nil, maximumSize: 100, on: app)
            #expect(result.status == .dataError && result.message.contains("over the"))
            sink.fail(onSubject: "Request 7")
            result = await MailIngest.ingest(Array(Self.message(7).utf8), entity: nil, maximumSize: 1 << 20, on: app)
            #expect(result.status == .temporaryFailure)
            #expect(try await CollectedMailModel.query(on: app.db).filter(\.$messageID == "request-7@example.org").count() == 0)
            result = await MailIngest.ingest(raw, entity: "Gamma", maximumSize: 1 << 20, on: app)
            #expect(result.status == .configuration && result.message.contains("No entity named 'Gamma'"))
        }
    }

    @Test("parc mail ingest exits 65 on unreadable input, 0 for mail the helpdesk drops or takes, 64 on bad options")
    func ingestCommand() async throws {
        let parc = try ParcServeProcess.locateExecutable()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parc-ingest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["PATH": "/usr/bin:/bin"]
        let created = try await LaunchedProcess.run(parc, ["admin", "create-user", "--data-dir", directory.path,
                                                           "--login", "admin", "--role", "super-admin",
                                                           "--password-stdin"],
                                                    input: "a long passphrase here\n", environment: environment)
        #expect(created.status == 0, "\(created.output)")
        let garbage = try await LaunchedProcess.run(parc, ["mail", "ingest", "--data-dir", directory.path],
                                                    input: "\u{1}\u{2} not mail", environment: environment)
        #expect(garbage.status == 65, "\(garbage.output)")
        #expect(garbage.output.contains("not a mail message"))
        // Ana has no account and the root entity refuses strangers by default: dropped for good, not deferred.
        let stranger = try await LaunchedProcess.run(parc, ["mail", "ingest", "--data-dir", directory.path],
                                                     input: Self.message(1), environment: environment)
        #expect(stranger.status == 0 && stranger.output.contains("unknown_sender"), "\(stranger.output)")
        let tooLarge = try await LaunchedProcess.run(parc, ["mail", "ingest", "--data-dir", directory.path,
                                                            "--max-size", "1024"],
                                                     input: Self.message(1) + String(repeating: "x", count: 5000),
                                                     environment: environment)
        #expect(tooLarge.status == 65, "\(tooLarge.output)")
        let badOption = try await LaunchedProcess.run(parc, ["mail", "ingest", "--max-size", "12"], input: "",
                                                      environment: environment)
        #expect(badOption.status == 64, "\(badOption.output)")
        let help = try await LaunchedProcess.run(parc, ["mail", "ingest", "--help"], input: "", environment: environment)
        #expect(help.output.contains("EX_TEMPFAIL") || help.output.contains("75"))
    }
}
