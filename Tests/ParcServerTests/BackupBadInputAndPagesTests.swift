import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Agent API bad input, and the backup pages")
struct BackupBadInputAndPagesTests {
    @Test("every agent endpoint refuses truncated, mistyped, unknown, oversized and hostile input clearly",
          arguments: TestDatabase.all)
    func badInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let agent = try await world.enroll(t.alpha, machine: "a1")
            let repository = try await world.repository(t.alpha, name: "nas")
            let plan = try await world.plan(t.alpha, name: "P", repository: repository)
            try await world.target(plan, agent: agent.id)
            let good = world.runBody(plan: plan, repository: repository, finished: clock.now)
            let goodDrill = world.drillBody(plan: plan, repository: repository, passed: true, finished: clock.now)
            let enrollBody = #"{"token":"x","hostname":"h","machine_id":"m","os":"o","agent_version":"1"}"#

            func check(_ path: String, _ body: String, _ status: HTTPResponseStatus, _ code: String? = nil,
                       auth: Bool = true, running: Bool = false,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let response = try await send(app, .POST, path, headers: auth ? .json(agent.credential) : .plainJSON,
                                              body: body, running: running)
                #expect(response.status == status, "\(path): \(response.body.string)", sourceLocation: sourceLocation)
                if let code {
                    let decoded = try decode(TestErrorBody.self, response)
                    #expect(decoded.error.code == code, sourceLocation: sourceLocation)
                }
            }
            for (path, body, auth) in [("/api/agent/v1/enroll", enrollBody, false),
                                       ("/api/agent/v1/backup/runs", good, true),
                                       ("/api/agent/v1/backup/drills", goodDrill, true)] {
                try await check(path, String(body.prefix(body.count / 2)), .badRequest, "malformed_json", auth: auth)
                try await check(path, "[1,2]", .badRequest, "malformed_json", auth: auth)
                try await check(path, String(body.dropLast()) + #","surprise":1}"#, .badRequest, "unknown_fields",
                                auth: auth)
                try await check(path, "{}", .unprocessableEntity, "validation_failed", auth: auth)
                let huge = String(body.dropLast()) + #","pad":""# + String(repeating: "x", count: 300_000) + #""}"#
                // The body limit applies while the body streams in: test it over a real socket.
                try await check(path, huge, .payloadTooLarge, auth: auth, running: true)
            }
            // wrong types and values, with the field named
            try await check("/api/agent/v1/enroll", #"{"token":1,"hostname":"h","machine_id":"m","os":"o","agent_version":"1"}"#,
                            .unprocessableEntity, "validation_failed", auth: false)
            try await check("/api/agent/v1/backup/runs", good.replacingOccurrences(of: #""files":1200"#, with: #""files":"many""#),
                            .unprocessableEntity, "validation_failed")
            try await check("/api/agent/v1/backup/runs", good.replacingOccurrences(of: "incremental", with: "weekly"),
                            .unprocessableEntity, "validation_failed")
            try await check("/api/agent/v1/backup/runs", good.replacingOccurrences(of: #""status":"success""#,
                                                                                    with: #""status":"ok""#),
                            .unprocessableEntity, "validation_failed")
            try await check("/api/agent/v1/backup/runs", good.replacingOccurrences(of: #""files":1200"#, with: #""files":-1"#),
                            .unprocessableEntity, "validation_failed")
            try await check("/api/agent/v1/backup/runs", good.replacingOccurrences(
                of: BackupWorld.iso(clock.now), with: "yesterday"), .unprocessableEntity, "validation_failed")
            let tooMany = world.runBody(plan: plan, repository: repository, status: "failed", finished: clock.now,
                                        messages: (0..<51).map { "error \($0)" })
            try await check("/api/agent/v1/backup/runs", tooMany, .unprocessableEntity, "validation_failed")
            try await check("/api/agent/v1/backup/runs", world.runBody(plan: UUID(), repository: nil, finished: clock.now),
                            .unprocessableEntity, "validation_failed")
            try await check("/api/agent/v1/backup/drills", goodDrill.replacingOccurrences(of: #""passed":true"#,
                                                                                          with: #""passed":"yes""#),
                            .unprocessableEntity, "validation_failed")
            // fractional seconds and offsets are RFC 3339 too
            let fractional = good.replacingOccurrences(of: BackupWorld.iso(clock.now), with: "2026-11-29T15:05:00.250+01:00")
                .replacingOccurrences(of: BackupWorld.iso(clock.now.addingTimeInterval(-600)), with: "2026-11-29T13:55:00Z")
            try await check("/api/agent/v1/backup/runs", fractional, .created)
            let bad = try await send(app, .POST, "/api/agent/v1/backup/runs", headers: .json(agent.credential),
                                     body: tooMany)
            #expect(try decode(TestErrorBody.self, bad).error.fields?["error_messages"] != nil)
            // nothing half-stored
            #expect(try await BackupRunModel.query(on: app.db).count() == 1)

            // hostile strings are stored as text and shown escaped
            let hostile = "<script>alert(1)</script>"
            let evil = try await world.enroll(t.alpha, machine: "evil", hostname: hostile)
            try await world.target(plan, agent: evil.id)
            #expect(try await world.reportRun(evil, plan: plan, repository: repository, status: "failed",
                                              finished: clock.now, messages: ["<img src=x onerror=alert(1)>\u{0}"]).status
                == .created)
            let browser = WebClient(app)
            try await browser.signIn("root")
            for path in ["/agents", "/agents/\(evil.id)", "/backup", "/alerts", "/backup/plans/\(plan)"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.body.string.contains(hostile) && !page.body.string.contains("<img src=x"), "\(path)")
            }
            #expect(try await browser.get("/agents/\(evil.id)").body.string.contains("&lt;script&gt;"))
        }
    }

    @Test("pages: enrollment shows the secret once with the install command, forms validate cron, charts render",
          arguments: TestDatabase.all)
    func pages(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let browser = WebClient(app)
            try await browser.signIn("root")

            let tokens = try await browser.post("/agents/enrollment", ["entity_id": t.alpha.id!.uuidString,
                                                                       "name": "Salle 12", "expires_in_days": "7",
                                                                       "max_uses": "30"])
            #expect(tokens.status == .ok)
            #expect(tokens.body.string.contains("parc-agent enroll --server http://127.0.0.1:8080 --token parce_"))
            let again = try await browser.get("/agents/enrollment")
            #expect(again.body.string.contains("Salle 12") && !again.body.string.contains("--token parce_"))
            let badToken = try await browser.post("/agents/enrollment", ["entity_id": t.alpha.id!.uuidString, "name": "",
                                                                         "max_uses": "lots"])
            #expect(badToken.status == .unprocessableEntity)

            let repository = try await browser.post("/backup/repositories", [
                "entity_id": t.alpha.id!.uuidString, "name": "NAS salle serveur", "location": "/mnt/nas", "off_site": "on"])
            #expect(repository.status == .seeOther)
            let repositoryModel = try #require(try await BackupRepositoryModel.query(on: app.db).first())
            #expect(repositoryModel.offSite)

            let form: [String: String] = [
                "entity_id": t.alpha.id!.uuidString, "name": "Postes", "repository_id": repositoryModel.id!.uuidString,
                "paths": "/home\n/etc\n", "schedule_incremental": "0 25 * * *", "keep_daily": "7", "rpo_hours": "26",
                "drill_sample": "100", "enabled": "on",
            ]
            let invalid = try await browser.post("/backup/plans", form)
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("Not a valid cron schedule: field 2 (hour): 25 is out of range 0–23."))
            var fixed = form
            fixed["schedule_incremental"] = "0 12,19 * * 1-5"
            let created = try await browser.post("/backup/plans", fixed)
            #expect(created.status == .seeOther)
            let plan = try #require(try await BackupPlanModel.query(on: app.db).first())
            #expect(plan.paths == ["/home", "/etc"] && plan.keepDaily == 7 && plan.scheduleIncremental == "0 12,19 * * 1-5")
            let agent = try await world.enroll(t.alpha, machine: "a1", hostname: "pc-01")
            #expect(try await browser.post("/backup/plans/\(plan.id!)/targets", ["agent_id": agent.id.uuidString]).status
                == .seeOther)
            for hour in 0..<3 {
                try await world.reportRun(agent, plan: plan.id, repository: nil,
                                          finished: clock.now.addingTimeInterval(Double(hour) * 3600),
                                          size: 1_000_000 * (hour + 1))
            }
            try await world.reportDrill(agent, plan: plan.id!, repository: repositoryModel.id!, passed: false,
                                        finished: clock.now)
            clock.advance(4 * 3600)

            let fleet = try await browser.get("/backup")
            #expect(fleet.status == .ok)
            let html = fleet.body.string
            #expect(html.contains("pc-01") && html.contains("<polyline class=\"line s1\""))
            #expect(html.contains("badge badge-green") && html.contains("badge badge-red"))
            let csv = try await browser.get("/backup?format=csv")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.hasPrefix("hostname,entity,last_good_backup_at,rpo_state"))
            #expect(csv.body.string.contains("pc-01,Root › Alpha"))
            #expect(try await browser.get("/backup/repositories/\(repositoryModel.id!)").body.string.contains("<polyline"))
            let agentPage = try await browser.get("/agents/\(agent.id)")
            #expect(agentPage.body.string.contains("/home/alice/report.odt"))
            #expect(try await browser.get("/backup/plans/\(plan.id!)").status == .ok)
            #expect(try await browser.get("/backup/plans/\(plan.id!)/edit").status == .ok)
            #expect(try await browser.get("/backup/plans/new").status == .ok)
            #expect(try await browser.get("/backup/plans/\(plan.id!)?tab=history").body.string.contains("history"))

            let alerts = try await browser.get("/alerts")
            #expect(alerts.body.string.contains("Restore test failed on pc-01"))
            let alert = try #require(try await AlertModel.query(on: app.db).first())
            #expect(try await browser.post("/alerts/\(alert.id!)/acknowledge", ["back": "/alerts"]).status == .seeOther)
            #expect(try await browser.post("/alerts/\(alert.id!)/resolve", ["back": "https://evil.example/"]).headers
                .first(name: .location) == "/")
            #expect(try await AlertModel.find(alert.id, on: app.db)?.resolvedAt != nil)
            let dashboard = try await browser.get("/")
            #expect(dashboard.body.string.contains("Open alerts"))

            // French pages: catalogue texts, French cron message
            let root = try #require(try await UserModel.find(t.superAdmin.id, on: app.db))
            root.language = "fr"
            try await root.update(on: app.db)
            let french = try await browser.get("/backup")
            #expect(french.body.string.contains("État des sauvegardes"))
            let frenchInvalid = try await browser.post("/backup/plans", form)
            #expect(frenchInvalid.body.string.contains("Planification cron invalide"))
            #expect(try await browser.post("/backup/repositories/\(repositoryModel.id!)/delete", [:]).status == .seeOther)
            #expect(try await BackupRepositoryModel.find(repositoryModel.id, on: app.db) != nil)
        }
    }
}

@Suite("Backup and agents messages in French")
struct BackupMessagesTests {
    @Test("every validation message of the backup and agent services has its French text")
    func catalogued() throws {
        let catalog = try Catalog.loadBundled()
        var messages = [
            BackupPlanRules.nameMessage, BackupPlanRules.pathsRequiredMessage, BackupPlanRules.pathMessage,
            BackupPlanRules.tooManyPathsMessage, BackupPlanRules.excludeMessage, BackupPlanRules.tooManyExcludesMessage,
            BackupPlanRules.keepMessage, BackupPlanRules.drillSampleMessage, BackupPlanRules.rpoMessage,
            BackupService.locationMessage, BackupService.commentMessage, BackupService.repositoryNameTaken,
            BackupService.planNameTaken, BackupService.targetAgentMessage, BackupService.targetEntityMessage,
            BackupService.targetExistsMessage, BackupService.targetAssetMessage,
            BackupService.targetAssetOutOfServiceMessage, BackupService.targetAssetNameMessage,
            BackupService.targetAssetAmbiguousMessage, BackupService.targetViewMessage, BackupService.targetOneMessage,
            "Choose a repository of this entity or of an entity above it.",
            "Choose the repository the plan writes to.", "Give the token a name of 1–100 characters.",
            "The expiry date must be in the future.",
            "Leave empty for no limit, or give a whole number from 1 to 100000.",
        ]
        messages += AgentService.validate(.init(token: "", hostname: "", machineID: "", os: "\u{0}",
                                                agentVersion: "\u{0}")).values
        for message in messages {
            #expect(catalog.translateMessage(message, to: .fr) != message, "no French text for: \(message)")
        }
    }
}
