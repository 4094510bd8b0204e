import Fluent
import Foundation
import ParcCore
import ParcServer
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Backup, server side: plans, reports, alerts, fleet")
struct BackupServerTests {
    @Test("plans reach only the agents they target, directly or through an entity subtree", arguments: TestDatabase.all)
    func targeting(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let a1 = try await world.enroll(t.alpha, machine: "a1")
            let a2 = try await world.enroll(t.alpha, machine: "a2")
            let b1 = try await world.enroll(t.beta, machine: "b1")
            let rootRepository = try await world.repository(t.root, name: "nas", offSite: false)
            let alphaPlan = try await world.plan(t.alpha, name: "Compta", repository: rootRepository)
            try await world.target(alphaPlan, agent: a1.id)
            let everyone = try await world.plan(t.root, name: "Everyone", repository: rootRepository, rpo: 48)
            try await world.target(everyone, entity: t.root)
            let paused = try await world.plan(t.root, name: "Paused", repository: rootRepository, enabled: false)
            try await world.target(paused, entity: t.root)

            let a1Plans = try await world.agentPlans(a1)
            #expect(a1Plans.compactMap { $0["name"] as? String } == ["Compta", "Everyone"])
            #expect(try await world.agentPlans(a2).compactMap { $0["name"] as? String } == ["Everyone"])
            #expect(try await world.agentPlans(b1).compactMap { $0["name"] as? String } == ["Everyone"])

            // the contract's shape
            let plan = try #require(a1Plans.first)
            let repository = try #require(plan["repository"] as? [String: Any])
            #expect(repository["location"] as? String == "/mnt/nas" && repository["off_site"] as? Bool == false)
            #expect(plan["paths"] as? [String] == ["/home", "/etc"] && plan["excludes"] as? [String] == ["*.tmp"])
            #expect(plan["one_file_system"] as? Bool == false && plan["rpo_hours"] as? Int == 26)
            let schedules = try #require(plan["schedules"] as? [String: Any])
            #expect(schedules["full"] as? String == "0 21 * * 5" && schedules["incremental"] as? String == "0 12 * * 1-5")
            #expect(schedules.keys.contains("differential") && schedules["differential"] is NSNull)
            let retention = try #require(plan["retention"] as? [String: Any])
            #expect(retention["keep_daily"] as? Int == 7 && retention["keep_last"] is NSNull && retention.count == 6)
            let drill = try #require(plan["drill"] as? [String: Any])
            #expect(drill["schedule"] as? String == "0 3 1 * *" && drill["sample"] as? Int == 50)

            // a plan can only target agents of its own subtree
            let wrong = try await send(app, .POST, "/api/v1/backup/plans/\(alphaPlan)/targets", headers: .json(t.superToken),
                                       body: #"{"agent_id":"\#(b1.id)"}"#)
            #expect(wrong.status == .unprocessableEntity)
            // removing the target stops the delivery
            let planJSON = try json(try await send(app, .GET, "/api/v1/backup/plans/\(alphaPlan)", headers: .bearer(t.superToken)))
            let targetID = try #require((planJSON["targets"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await send(app, .DELETE, "/api/v1/backup/plans/\(alphaPlan)/targets/\(targetID)",
                                   headers: .bearer(t.superToken)).status == .noContent)
            #expect(try await world.agentPlans(a1).compactMap { $0["name"] as? String } == ["Everyone"])
        }
    }

    @Test("runs and restore tests are stored; failures raise alerts, a success resolves the run alert",
          arguments: TestDatabase.all)
    func reportsAndAlerts(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let agent = try await world.enroll(t.alpha, machine: "a1", hostname: "pc-01")
            let repository = try await world.repository(t.alpha, name: "nas")
            let plan = try await world.plan(t.alpha, name: "Postes", repository: repository)
            try await world.target(plan, agent: agent.id)

            let run = try await world.reportRun(agent, plan: plan, repository: nil, finished: clock.now)
            #expect(run.status == .created)
            let runID = try #require(try json(run)["id"] as? String)
            let stored = try #require(try await BackupRunModel.find(UUID(uuidString: runID), on: app.db))
            #expect(stored.repositoryID == repository && stored.entityID == t.alpha.id && stored.files == 1200)
            let listed = try await send(app, .GET, "/api/v1/backup/runs?agent_id=\(agent.id)&status=success",
                                        headers: .bearer(t.alphaToken))
            #expect(try json(listed)["total"] as? Int == 1)

            let failed = try await world.reportRun(agent, plan: plan, repository: repository, status: "failed",
                                                   finished: clock.now, messages: ["disk full", "cannot write pack"])
            #expect(failed.status == .created)
            var alerts = try await AlertModel.query(on: app.db).all()
            #expect(alerts.count == 1 && alerts[0].source == "backup.run" && alerts[0].severity == "warning")
            #expect(alerts[0].detail.contains("disk full"))
            // the same failure again is the same alert, raised once more
            try await world.reportRun(agent, plan: plan, repository: repository, status: "failed", finished: clock.now)
            alerts = try await AlertModel.query(on: app.db).all()
            #expect(alerts.count == 1 && alerts[0].occurrences == 2)
            // a good run resolves it
            try await world.reportRun(agent, plan: plan, repository: repository, finished: clock.now)
            #expect(try await AlertModel.find(alerts[0].id, on: app.db)?.resolvedAt != nil)

            let drill = try await world.reportDrill(agent, plan: plan, repository: repository, passed: false,
                                                    finished: clock.now)
            #expect(drill.status == .created)
            let drillAlert = try #require(try await AlertModel.query(on: app.db).filter(\.$source == "backup.drill").first())
            #expect(drillAlert.severity == "critical" && drillAlert.detail.contains("/home/alice/report.odt"))
            #expect(drillAlert.objectURL == "/agents/\(agent.id)?tab=backup")
            let apiAlert = try await send(app, .GET, "/api/v1/alerts/\(drillAlert.id!)", headers: .bearer(t.alphaToken))
            #expect(try json(apiAlert)["title"] as? String == "Restore test failed on pc-01 (plan Postes)")
            // no mail without a relay
            #expect(try await MailOutboxModel.query(on: app.db).count() == 0)
            let drills = try await send(app, .GET, "/api/v1/backup/drills?status=failed", headers: .bearer(t.alphaToken))
            #expect(try json(drills)["total"] as? Int == 1)

            // a technician acknowledges, then resolves
            let ack = try await send(app, .POST, "/api/v1/alerts/\(drillAlert.id!)/acknowledge", headers: .bearer(t.alphaToken))
            #expect(ack.status == .ok)
            #expect(try json(ack)["state"] as? String == "acknowledged")
            let resolved = try await send(app, .POST, "/api/v1/alerts/\(drillAlert.id!)/resolve", headers: .bearer(t.alphaToken))
            #expect(try json(resolved)["state"] as? String == "resolved")
            let audit = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "alert").all()
            #expect(Set(audit.map(\.action)) == ["acknowledge", "resolve"])
        }
    }

    @Test("a failed restore test queues a mail to the entity's administrators when mail is configured",
          arguments: TestDatabase.all)
    func alertMail(_ database: TestDatabase) async throws {
        let mail = try MailSettings.parse(url: "smtp://127.0.0.1:2525", from: "parc@example.org", heloName: "parc.test")
        try await withApp(database, configuration: ParcConfiguration(runsWorkers: false, mail: mail)) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let agent = try await world.enroll(t.beta, machine: "b1", hostname: "srv-beta")
            let repository = try await world.repository(t.beta, name: "nas")
            let plan = try await world.plan(t.beta, name: "Serveur", repository: repository)
            try await world.target(plan, agent: agent.id)
            #expect(try await world.reportDrill(agent, plan: plan, repository: repository, passed: true,
                                                finished: clock.now).status == .created)
            #expect(try await MailOutboxModel.query(on: app.db).count() == 0)
            #expect(try await world.reportDrill(agent, plan: plan, repository: repository, passed: false,
                                                finished: clock.now).status == .created)
            let mails = try await MailOutboxModel.query(on: app.db).sort(\.$recipients).all()
            // bob administers Beta, root is super-admin of everything (recursive); alice and carol are not admins.
            #expect(mails.map(\.recipients) == ["bob@example.org", "root@example.org"])
            #expect(mails.allSatisfy { $0.subject.contains("srv-beta") && $0.template == "alert" })
            #expect(mails[0].textBody.contains("/agents/\(agent.id)"))
        }
    }

    @Test("fleet: never, ok, late after the RPO; 3-2-1 with one and two repositories, off-site or not",
          arguments: TestDatabase.all)
    func fleetStates(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let agent = try await world.enroll(t.alpha, machine: "a1")
            let local = try await world.repository(t.alpha, name: "local")
            let nas = try await world.repository(t.alpha, name: "nas")
            let cloud = try await world.repository(t.alpha, name: "cloud", offSite: true)
            let plan = try await world.plan(t.alpha, name: "Nightly", repository: local, rpo: 26)
            try await world.target(plan, agent: agent.id)

            var row = try #require(try await world.fleetRow(agent))
            #expect(row["rpo_state"] as? String == "never" && row["three_two_one"] as? String == "none")
            #expect(row["drill_state"] as? String == "never" && row["rpo_hours"] as? Int == 26)

            // a failed run is no recovery point
            try await world.reportRun(agent, plan: plan, repository: local, status: "failed", finished: clock.now)
            row = try #require(try await world.fleetRow(agent))
            #expect(row["rpo_state"] as? String == "never")

            try await world.reportRun(agent, plan: plan, repository: local, finished: clock.now)
            row = try #require(try await world.fleetRow(agent))
            #expect(row["rpo_state"] as? String == "ok" && row["three_two_one"] as? String == "single_copy")
            #expect(row["last_good_backup_at"] as? String == BackupWorld.iso(clock.now))

            // a second copy on site, then one off site
            try await world.reportRun(agent, plan: nil, repository: nas, finished: clock.now)
            row = try #require(try await world.fleetRow(agent))
            #expect(row["three_two_one"] as? String == "no_off_site")
            try await world.reportRun(agent, plan: nil, repository: cloud, finished: clock.now)
            row = try #require(try await world.fleetRow(agent))
            #expect(row["three_two_one"] as? String == "ok")
            #expect((row["repositories"] as? [[String: Any]])?.count == 3)

            // 26 h later still on time; one more hour and it is late, and the copies are no longer recent
            clock.advance(26 * 3600)
            row = try #require(try await world.fleetRow(agent))
            #expect(row["rpo_state"] as? String == "ok")
            clock.advance(3600)
            row = try #require(try await world.fleetRow(agent))
            #expect(row["rpo_state"] as? String == "late" && row["three_two_one"] as? String == "none")
            let late = try await send(app, .GET, "/api/v1/backup/fleet?rpo_state=late", headers: .bearer(t.superToken))
            #expect(try json(late)["total"] as? Int == 1)
            let ok = try await send(app, .GET, "/api/v1/backup/fleet?rpo_state=ok", headers: .bearer(t.superToken))
            #expect(try json(ok)["total"] as? Int == 0)

            // the last restore test shows
            try await world.reportDrill(agent, plan: plan, repository: local, passed: true, finished: clock.now)
            row = try #require(try await world.fleetRow(agent))
            #expect(row["drill_state"] as? String == "passed")
        }
    }

    @Test("a technician of Alpha sees nothing of Beta: lists, lookups by id, pages, CSV", arguments: TestDatabase.all)
    func scoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let alphaAgent = try await world.enroll(t.alpha, machine: "a1", hostname: "alpha-pc")
            let betaAgent = try await world.enroll(t.beta, machine: "b1", hostname: "beta-srv")
            let betaRepository = try await world.repository(t.beta, name: "beta-nas")
            let betaPlan = try await world.plan(t.beta, name: "Beta plan", repository: betaRepository)
            try await world.target(betaPlan, agent: betaAgent.id)
            let run = try await world.reportRun(betaAgent, plan: betaPlan, repository: betaRepository, status: "failed",
                                                finished: clock.now)
            let runID = try #require(try json(run)["id"] as? String)
            let drill = try await world.reportDrill(betaAgent, plan: betaPlan, repository: betaRepository, passed: false,
                                                    finished: clock.now)
            let drillID = try #require(try json(drill)["id"] as? String)
            let alert = try #require(try await AlertModel.query(on: app.db).first())
            _ = try await world.token(t.beta)
            let alphaRepository = try await world.repository(t.alpha, name: "alpha-nas")
            _ = try await world.plan(t.alpha, name: "Alpha plan", repository: alphaRepository)

            for path in ["/api/v1/agents", "/api/v1/agent-enrollment-tokens", "/api/v1/backup/repositories",
                         "/api/v1/backup/plans", "/api/v1/backup/runs", "/api/v1/backup/drills", "/api/v1/backup/fleet",
                         "/api/v1/alerts"] {
                let response = try await send(app, .GET, path, headers: .bearer(t.alphaToken))
                #expect(response.status == .ok, "\(path)")
                let text = response.body.string
                #expect(!text.contains("beta") && !text.contains("Beta"), "\(path) leaks: \(text)")
            }
            let agents = try json(try await send(app, .GET, "/api/v1/agents", headers: .bearer(t.alphaToken)))
            #expect((agents["items"] as? [[String: Any]])?.compactMap { $0["hostname"] as? String } == ["alpha-pc"])
            for path in ["/api/v1/agents/\(betaAgent.id)", "/api/v1/backup/repositories/\(betaRepository)",
                         "/api/v1/backup/plans/\(betaPlan)", "/api/v1/backup/plans/\(betaPlan)/targets",
                         "/api/v1/backup/runs/\(runID)", "/api/v1/backup/drills/\(drillID)", "/api/v1/alerts/\(alert.id!)"] {
                #expect(try await send(app, .GET, path, headers: .bearer(t.alphaToken)).status == .notFound, "\(path)")
            }
            // changes by guessed id: 404, nothing changed
            #expect(try await send(app, .DELETE, "/api/v1/agents/\(betaAgent.id)", headers: .bearer(t.alphaToken)).status
                == .notFound)
            #expect(try await send(app, .PATCH, "/api/v1/backup/plans/\(betaPlan)", headers: .json(t.alphaToken),
                                   body: #"{"name":"pwned"}"#).status == .notFound)
            #expect(try await send(app, .POST, "/api/v1/alerts/\(alert.id!)/resolve", headers: .bearer(t.alphaToken)).status
                == .notFound)
            #expect(try await send(app, .POST, "/api/v1/backup/plans/\(betaPlan)/targets", headers: .json(t.alphaToken),
                                   body: #"{"agent_id":"\#(alphaAgent.id)"}"#).status == .notFound)
            // a plan of Alpha cannot use Beta's repository
            let foreign = try await send(app, .POST, "/api/v1/backup/plans", headers: .json(t.alphaToken), body: """
                {"entity_id":"\(t.alpha.id!)","name":"Sneaky","repository_id":"\(betaRepository)","paths":["/"]}
                """)
            #expect(foreign.status == .unprocessableEntity)
            // an agent of Alpha cannot report into Beta's plan or repository
            let crossRun = try await world.reportRun(alphaAgent, plan: betaPlan, repository: nil, finished: clock.now)
            #expect(crossRun.status == .unprocessableEntity)
            #expect(try decode(TestErrorBody.self, crossRun).error.fields?["plan_id"] != nil)
            let crossRepository = try await world.reportRun(alphaAgent, plan: nil, repository: betaRepository,
                                                            finished: clock.now)
            #expect(crossRepository.status == .unprocessableEntity)
            #expect(try await world.agentPlans(alphaAgent).isEmpty)
            #expect(try await BackupPlanModel.find(betaPlan, on: app.db)?.name == "Beta plan")

            let browser = WebClient(app)
            try await browser.signIn("alice")
            for path in ["/agents", "/agents/enrollment", "/backup", "/backup/plans", "/backup/repositories", "/alerts",
                         "/backup?format=csv", "/agents?format=csv", "/alerts?format=csv&state=all"] {
                let page = try await browser.get(path)
                #expect(!page.body.string.contains("beta-srv") && !page.body.string.contains("beta-nas"), "\(path)")
            }
            for path in ["/agents/\(betaAgent.id)", "/backup/plans/\(betaPlan)", "/backup/repositories/\(betaRepository)",
                         "/backup/plans/\(betaPlan)/edit"] {
                #expect(try await browser.get(path).status == .notFound, "\(path)")
            }
            #expect(try await browser.post("/alerts/\(alert.id!)/resolve", [:]).status == .notFound)
            #expect(try await browser.post("/agents/\(betaAgent.id)/revoke", [:]).status == .notFound)
            // a technician may not manage enrollment tokens nor revoke agents
            #expect(try await browser.get("/agents/enrollment").status == .forbidden)
            #expect(try await send(app, .DELETE, "/api/v1/agents/\(alphaAgent.id)", headers: .bearer(t.alphaToken)).status
                == .forbidden)
            let denied = try await send(app, .POST, "/api/v1/agent-enrollment-tokens", headers: .json(t.alphaToken),
                                        body: #"{"entity_id":"\#(t.alpha.id!)","name":"x"}"#)
            #expect(denied.status == .forbidden)
        }
    }
}
