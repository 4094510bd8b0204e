import Fluent
import Foundation
import ParcCore
import ParcMail
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// Counts how many times a job ran, across applications.
final class RunCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

struct CountingJob: JobHandler {
    let kind = "test.count"
    let counter: RunCounter
    func run(payload: String, context: JobContext) async throws -> String {
        counter.increment()
        return "counted"
    }
}

struct FailingJob: JobHandler {
    let kind = "test.fail"
    func run(payload: String, context: JobContext) async throws -> String {
        throw ParcStartupError("the backup share is unreachable")
    }
}

@Suite("Jobs and scheduler")
struct JobsTests {
    @Test("each scheduled run happens exactly once with two instances racing on one database",
          arguments: TestDatabase.all)
    func exactlyOnce(_ database: TestDatabase) async throws {
        try await withTwoApps(database) { first, second, clock in
            let counter = RunCounter()
            for app in [first, second] {
                app.parc.registry.addJob(CountingJob(counter: counter))
                app.parc.registry.addSchedule(ScheduleDefinition(name: "test.every5", cron: "*/5 * * * *",
                                                                 timeZone: "Europe/Paris", kind: "test.count", payload: "{}"))
            }
            async let syncA: Void = Scheduler(application: first).synchronise()
            async let syncB: Void = Scheduler(application: second).synchronise()
            _ = try await (syncA, syncB)
            #expect(try await ScheduleModel.query(on: first.db).filter(\.$name == "test.every5").count() == 1)

            func race() async throws {
                for _ in 0..<3 {
                    async let a = Workers.runOnce(first, instance: "instance-1")
                    async let b = Workers.runOnce(second, instance: "instance-2")
                    _ = await (a, b)
                }
            }
            try await race()
            #expect(counter.value == 0, "nothing is due before the first occurrence")
            clock.advance(5 * 60)
            try await race()
            #expect(counter.value == 1)
            clock.advance(5 * 60)
            try await race()
            #expect(counter.value == 2)
            // After an outage of an hour, the missed occurrences collapse into one run.
            clock.advance(60 * 60)
            try await race()
            #expect(counter.value == 3)
            let runs = try await JobModel.query(on: first.db).filter(\.$scheduleName == "test.every5").all()
            #expect(runs.count == 3)
            #expect(runs.allSatisfy { $0.status == "succeeded" && $0.durationMs != nil && $0.output == "counted" })
        }
    }

    @Test("a failing job is retried with back-off, then marked failed with its error", arguments: TestDatabase.all)
    func retries(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            app.parc.registry.addJob(FailingJob())
            let job = try await JobQueue(db: app.db, now: clock.now).enqueue("test.fail", maxAttempts: 2)
            #expect(await JobRunner(application: app, instance: "one").runDue() == 1)
            var stored = try #require(try await JobModel.find(job.id, on: app.db))
            #expect(stored.status == "queued")
            #expect(stored.attempts == 1)
            #expect(stored.runAt > clock.now)
            #expect(await JobRunner(application: app, instance: "one").runDue() == 0, "not before the back-off")
            clock.advance(3600)
            #expect(await JobRunner(application: app, instance: "one").runDue() == 1)
            stored = try #require(try await JobModel.find(job.id, on: app.db))
            #expect(stored.status == "failed")
            #expect(stored.lastError?.contains("backup share") == true)
        }
    }

    @Test("the jobs page lists schedules and runs for a super-admin only", arguments: TestDatabase.all)
    func jobsPage(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            _ = try await Tenancy.make(app)
            try await Scheduler(application: app).synchronise()
            let admin = WebClient(app)
            try await admin.signIn("root")
            #expect(try await admin.post("/admin/jobs/platform.cleanup/run", [:]).status == .seeOther)
            await JobRunner(application: app, instance: "one").runDue()
            let page = try await admin.get("/admin/jobs")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("platform.cleanup"))
            #expect(page.body.string.contains("expired sessions"))
            let tech = WebClient(app)
            try await tech.signIn("bob")
            #expect(try await tech.get("/admin/jobs").status == .forbidden)
            #expect(try await tech.get("/admin/mail").status == .forbidden)
        }
    }
}

@Suite("Outgoing mail")
struct MailQueueTests {
    @Test("every mail template renders in French and English with the values it declares")
    func templates() throws {
        let catalog = try Catalog.loadBundled()
        let names = Set(catalog.texts[.en]!.keys.filter { $0.hasPrefix("mail.") && $0.hasSuffix(".subject") }
            .map { String($0.dropFirst(5).dropLast(8)) })
        #expect(names.contains("test") && names.contains("account_created"))
        for name in names {
            for language in Language.allCases {
                let body = TextTemplate(catalog.text("mail.\(name).body", language))
                let values = Dictionary(uniqueKeysWithValues: body.placeholders.map { ($0, "X") })
                #expect(throws: Never.self) { try body.render(values) }
                #expect(!body.placeholders.isEmpty)
            }
        }
    }

    @Test("queued mails reach a real SMTP server; a refused relay is retried later", arguments: TestDatabase.all)
    func delivery(_ database: TestDatabase) async throws {
        try await LocalSMTPServer.with { server in
            try await withApp(database) { app, clock in
                var configuration = app.parc.configuration
                configuration.mail = MailSettings(
                    // Generous: the full suite runs this beside CPU-heavy backup tests on two cores.
                    smtp: SMTPConfiguration(host: "127.0.0.1", port: server.port, security: .none,
                                            commandTimeout: .seconds(60)),
                    from: MailAddress("parc@example.org", displayName: "Parc"))
                app.parc = ParcServices(configuration: configuration, catalog: app.parc.catalog,
                                        registry: app.parc.registry, clock: app.parc.clock, metrics: app.parc.metrics)
                let t = try await Tenancy.make(app)
                let admin = WebClient(app)
                try await admin.signIn("root")
                #expect(try await admin.post("/admin/mail/test", ["to": "tech@example.org"]).status == .seeOther)
                #expect(try await admin.post("/admin/mail/test", ["to": "not an address\r\nBcc: x@y"]).status
                    == .unprocessableEntity)
                // Creating an account with an address queues its welcome mail, in its language.
                try await app.testing().test(.POST, "/api/v1/users", headers: .json(t.superToken), body: ByteBuffer(string:
                    #"{"login":"dave","display_name":"Dave Ébène","email":"dave@example.org","password":"long enough pw","entity_id":"\#(t.alpha.id!)","language":"fr"}"#)) { res in
                    #expect(res.status == .created)
                }
                #expect(try await MailSender(application: app, instance: "one").deliverDue() == 2)
                let sent = try await MailOutboxModel.query(on: app.db).all()
                #expect(sent.allSatisfy { $0.status == "sent" }, "\(sent.map { ($0.status, $0.lastError ?? "") })")
                let received = try server.receivedMessages()
                #expect(received.count == 2)
                #expect(received.contains { $0.contains("tech@example.org") && $0.contains("Parc test mail") })
                #expect(received.contains { $0.contains("dave@example.org") && $0.contains("Identifiant") })
                _ = clock
            }
        }
    }

    @Test("when the relay is down, mails stay queued and are retried with back-off", arguments: TestDatabase.all)
    func relayDown(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            // A port nobody listens on: connection refused is a passing failure.
            let port = try LocalSMTPServer.freePort()
            var configuration = app.parc.configuration
            configuration.mail = MailSettings(smtp: SMTPConfiguration(host: "127.0.0.1", port: port, security: .none,
                                                                      connectTimeout: .seconds(2)),
                                              from: MailAddress("parc@example.org"))
            app.parc = ParcServices(configuration: configuration, catalog: app.parc.catalog, registry: app.parc.registry,
                                    clock: app.parc.clock, metrics: app.parc.metrics)
            let mail = try await Mailer(db: app.db, catalog: app.parc.catalog, now: clock.now)
                .enqueue(template: "test", language: .en, to: ["a@example.org"], values: ["name": "A", "server": "S"])
            #expect(try await MailSender(application: app, instance: "one").deliverDue() == 1)
            let stored = try #require(try await MailOutboxModel.find(mail.id, on: app.db))
            #expect(stored.status == "queued")
            #expect(stored.attempts == 1)
            #expect(stored.nextAttemptAt > clock.now)
            #expect(stored.lastError?.isEmpty == false)
            #expect(try await MailSender(application: app, instance: "one").deliverDue() == 0)
        }
    }
}
