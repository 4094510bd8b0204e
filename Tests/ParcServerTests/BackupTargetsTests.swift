import Fluent
import Foundation
import ParcCore
import ParcInventory
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// Assets, groups of assets (saved views) and the "RPO late" job on top of `BackupWorld`.
struct BackupTargetWorld {
    let world: BackupWorld
    var app: Application { world.app }
    var t: Tenancy { world.t }

    /// An asset created by hand through the API (super-admin), in service.
    func asset(_ entity: EntityModel, name: String, model: String = "OptiPlex", inventoryNumber: String? = nil)
        async throws -> UUID {
        var body: [String: Any] = ["entity_id": entity.id!.uuidString, "type": "computer", "name": name,
                                   "model": model, "status": "deployed"]
        if let inventoryNumber { body["inventory_number"] = inventoryNumber }
        let response = try await send(app, .POST, "/api/v1/assets", headers: .json(t.superToken),
                                      body: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
        #expect(response.status == .created, "asset: \(response.body.string)")
        return UUID(uuidString: try json(response)["id"] as? String ?? "")!
    }

    func changeAsset(_ asset: UUID, _ body: String) async throws {
        let response = try await send(app, .PATCH, "/api/v1/assets/\(asset)", headers: .json(t.superToken), body: body)
        #expect(response.status == .ok, "asset change: \(response.body.string)")
    }

    /// Links the asset and the agent both ways, as an inventory from that agent does.
    func link(_ asset: UUID, to agent: EnrolledAgent) async throws {
        let sql = app.db as! any SQLDatabase
        try await sql.update("assets").set("agent_id", to: agent.id).where("id", .equal, asset).run()
        try await sql.update("agents").set("asset_id", to: asset).where("id", .equal, agent.id).run()
    }

    /// A saved view of the asset list, shared unless told otherwise, of the token's owner.
    func view(_ token: String, name: String, query: String, shared: Bool = true) async throws -> UUID {
        let response = try await send(app, .POST, "/api/v1/saved-views", headers: .json(token), body: """
            {"list":"assets","name":"\(name)","query":"\(query)","shared":\(shared)}
            """)
        #expect(response.status == .created, "view: \(response.body.string)")
        return UUID(uuidString: try json(response)["id"] as? String ?? "")!
    }

    func addTarget(_ plan: UUID, _ body: String, token: String? = nil) async throws -> TestingHTTPResponse {
        try await send(app, .POST, "/api/v1/backup/plans/\(plan)/targets", headers: .json(token ?? t.superToken),
                       body: body)
    }

    func targets(_ plan: UUID) async throws -> [[String: Any]] {
        let response = try await send(app, .GET, "/api/v1/backup/plans/\(plan)/targets", headers: .bearer(t.superToken))
        #expect(response.status == .ok)
        return try json(response)["items"] as? [[String: Any]] ?? []
    }

    func planNames(_ agent: EnrolledAgent) async throws -> [String] {
        try await world.agentPlans(agent).compactMap { $0["name"] as? String }
    }

    @discardableResult
    func runRPOJob() async throws -> String {
        try await BackupRPOJob().run(payload: "{}", context: JobContext(application: app, logger: app.logger,
                                                                         jobID: UUID()))
    }

    func rpoAlerts() async throws -> [AlertModel] {
        try await AlertModel.query(on: app.db).filter(\.$source == BackupRPOJob.source).sort(\.$raisedAt)
            .sort(\.$id).all()
    }
}

@Suite("Backup plans on assets and groups of assets; the RPO late alert")
struct BackupTargetsTests {
    @Test("an asset target reaches the agent inventorying that machine and no other; no agent, retired and deleted assets are said",
          arguments: TestDatabase.all)
    func assetTargets(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            // setup
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let w = BackupTargetWorld(world: world)
            let a1 = try await world.enroll(t.alpha, machine: "m-1", hostname: "glpixps")
            let a2 = try await world.enroll(t.alpha, machine: "m-2", hostname: "other")
            let repository = try await world.repository(t.alpha, name: "nas")
            let plan = try await world.plan(t.alpha, name: "Postes", repository: repository)
            // The real link: the agent's own inventory creates the asset and links it.
            let inventory = try InventoryFixture.data("inventory/glpi-json/computer_1.json")
            let posted = try await sendData(app, .POST, "/api/agent/v1/inventory",
                                            headers: ["Authorization": "Bearer \(a1.credential)",
                                                      "Content-Type": "application/json"], body: inventory)
            #expect(posted.status == .ok, "\(posted.body.string)")
            let machine = try #require(UUID(uuidString: try json(posted)["asset_id"] as? String ?? ""))

            // MUT
            let added = try await w.addTarget(plan, #"{"asset_id":"\#(machine)"}"#, token: t.alphaToken)

            // validate
            #expect(added.status == .created, "\(added.body.string)")
            let dto = try json(added)
            #expect(dto["kind"] as? String == "asset" && dto["asset_id"] as? String == machine.uuidString)
            #expect(dto["state"] as? String == "ok" && dto["agents"] as? Int == 1 && dto["uncovered_assets"] as? Int == 0)
            #expect(try await w.planNames(a1) == ["Postes"])
            #expect(try await w.planNames(a2) == [])
            // the agent reached may report into the plan; another may not
            #expect(try await world.reportRun(a1, plan: plan, repository: nil, finished: clock.now).status == .created)
            #expect(try await world.reportRun(a2, plan: plan, repository: nil, finished: clock.now).status
                == .unprocessableEntity)
            #expect(try await w.addTarget(plan, #"{"asset_id":"\#(machine)"}"#).status == .unprocessableEntity)
            let agentRow = try #require(try await world.fleetRow(a1))
            #expect((agentRow["plans"] as? [[String: Any]])?.count == 1 && agentRow["rpo_state"] as? String == "ok")

            // an asset without an agent: said on the plan, counted as not covered by the fleet
            let spare = try await w.asset(t.alpha, name: "pc-spare", inventoryNumber: "INV-0042")
            let browser = WebClient(app)
            try await browser.signIn("alice")
            let byNumber = try await browser.post("/backup/plans/\(plan)/targets", ["asset": "inv-0042"])
            #expect(byNumber.status == .seeOther, "\(byNumber.body.string)")
            let spareTarget = try #require(try await w.targets(plan).first { $0["asset_id"] as? String == spare.uuidString })
            #expect(spareTarget["state"] as? String == "no_agent" && spareTarget["label"] as? String == "pc-spare")
            #expect((spareTarget["problem"] as? String)?.contains("No Parc agent") == true)
            let page = try await browser.get("/backup/plans/\(plan)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("No Parc agent is linked to this asset yet"))
            let uncovered = try json(try await send(app, .GET, "/api/v1/backup/fleet/uncovered",
                                                    headers: .bearer(t.alphaToken)))
            let items = uncovered["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["name"] as? String } == ["pc-spare"])
            #expect((items.first?["plans"] as? [[String: Any]])?.first?["name"] as? String == "Postes")
            let fleetPage = try await browser.get("/backup")
            #expect(fleetPage.body.string.contains("Targeted assets without an agent")
                && fleetPage.body.string.contains("pc-spare"))
            #expect(try json(try await send(app, .GET, "/api/v1/backup/fleet/uncovered", headers: .bearer(t.betaToken)))["total"]
                as? Int == 0)
            // the form's refusal of an unknown name; a name shared only outside the plan's entity is no ambiguity
            let unknown = try await browser.post("/backup/plans/\(plan)/targets", ["asset": "nothing-like-it"])
            #expect(unknown.status == .unprocessableEntity
                && unknown.body.string.contains("No asset of the plan&#39;s entity has this name or inventory number."))
            _ = try await w.asset(t.alpha, name: "twin", inventoryNumber: "T-1")
            _ = try await w.asset(t.root, name: "twin", inventoryNumber: "T-2")
            let subtreeOnly = try await browser.post("/backup/plans/\(plan)/targets", ["asset": "twin"])
            #expect(subtreeOnly.status == .seeOther, "only Alpha's twin is in the plan's subtree")
            // for a plan of the root both twins count: the name is refused, the inventory number is not
            let rootPlan = try await world.plan(t.root, name: "Everyone",
                                                repository: try await world.repository(t.root, name: "root-nas"))
            let admin = WebClient(app)
            try await admin.signIn("root")
            let ambiguous = try await admin.post("/backup/plans/\(rootPlan)/targets", ["asset": "TWIN"])
            #expect(ambiguous.status == .unprocessableEntity
                && ambiguous.body.string.contains("Several assets have this name: give the inventory number."))
            #expect(try await admin.post("/backup/plans/\(rootPlan)/targets", ["asset": "T-2"]).status == .seeOther)
            #expect(try await w.targets(rootPlan).compactMap { $0["label"] as? String } == ["twin"])

            // retiring the machine takes it out of the plan, and out of the agent's plans
            try await w.changeAsset(machine, #"{"status":"retired"}"#)
            let retired = try #require(try await w.targets(plan).first { $0["asset_id"] as? String == machine.uuidString })
            #expect(retired["state"] as? String == "asset_out_of_service")
            #expect(try await w.planNames(a1) == [])
            // a retired asset cannot be added either
            let other = try await world.plan(t.alpha, name: "Other", repository: repository)
            #expect(try await w.addTarget(other, #"{"asset_id":"\#(machine)"}"#).status == .unprocessableEntity)

            // a deleted asset leaves a target that says so and reaches nothing
            _ = try await (app.db as! any SQLDatabase).raw("DELETE FROM assets WHERE id = \(bind: spare)").all()
            let gone = try #require(try await w.targets(plan).first { $0["label"] as? String == "pc-spare" })
            #expect(gone["state"] as? String == "asset_deleted")
            #expect(try await browser.get("/backup/plans/\(plan)").body.string.contains("The asset was deleted"))
            let stillUncovered = try json(try await send(app, .GET, "/api/v1/backup/fleet/uncovered",
                                                         headers: .bearer(t.alphaToken)))
            #expect((stillUncovered["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["twin"],
                    "the deleted asset and the retired one are not counted; the twin added by name is")
            let targetID = try #require(gone["id"] as? String)
            #expect(try await send(app, .DELETE, "/api/v1/backup/plans/\(plan)/targets/\(targetID)",
                                   headers: .bearer(t.alphaToken)).status == .noContent)
            let audit = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "backup_plan")
                .filter(\.$action == "remove_target").first()
            #expect(audit?.changes.contains(#""before":"asset pc-spare""#) == true, "\(audit?.changes ?? "")")
        }
    }

    @Test("a saved-view group picks up a machine that starts matching and drops one that stops, within the plan's entity",
          arguments: TestDatabase.all)
    func groupTargets(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let w = BackupTargetWorld(world: world)
            let a1 = try await world.enroll(t.alpha, machine: "a1", hostname: "srv-a1")
            let a2 = try await world.enroll(t.alpha, machine: "a2", hostname: "pc-a2")
            let b1 = try await world.enroll(t.beta, machine: "b1", hostname: "srv-b1")
            let s1 = try await w.asset(t.alpha, name: "srv-a1", model: "PowerEdge")
            let s2 = try await w.asset(t.alpha, name: "pc-a2", model: "OptiPlex")
            let sb = try await w.asset(t.beta, name: "srv-b1", model: "PowerEdge")
            let orphan = try await w.asset(t.alpha, name: "srv-new", model: "PowerEdge")
            try await w.link(s1, to: a1)
            try await w.link(s2, to: a2)
            try await w.link(sb, to: b1)
            let repository = try await world.repository(t.root, name: "nas")
            let plan = try await world.plan(t.alpha, name: "Serveurs", repository: repository)
            let servers = try await w.view(t.alphaToken, name: "Servers of Alpha", query: "model=PowerEdge")

            // MUT
            let added = try await w.addTarget(plan, #"{"saved_view_id":"\#(servers)"}"#, token: t.alphaToken)

            // validate
            #expect(added.status == .created, "\(added.body.string)")
            let dto = try json(added)
            #expect(dto["kind"] as? String == "saved_view" && dto["label"] as? String == "Servers of Alpha")
            #expect(dto["assets"] as? Int == 2 && dto["agents"] as? Int == 1 && dto["uncovered_assets"] as? Int == 1)
            #expect(try await w.planNames(a1) == ["Serveurs"])
            #expect(try await w.planNames(a2) == [])
            #expect(try await w.planNames(b1) == [], "Beta's server matches the view but is outside the plan's entity")
            let uncovered = try json(try await send(app, .GET, "/api/v1/backup/fleet/uncovered", headers: .bearer(t.superToken)))
            #expect((uncovered["items"] as? [[String: Any]])?.compactMap { $0["asset_id"] as? String }
                == [orphan.uuidString])

            // a machine that starts matching gets the plan; one that stops loses it — nobody edits the plan
            try await w.changeAsset(s2, #"{"model":"PowerEdge"}"#)
            #expect(try await w.planNames(a2) == ["Serveurs"])
            try await w.changeAsset(s1, #"{"model":"Latitude"}"#)
            #expect(try await w.planNames(a1) == [])
            #expect(try await world.fleetRow(a2).flatMap { ($0["plans"] as? [[String: Any]])?.count } == 1)
            #expect(try await world.fleetRow(a1).flatMap { ($0["plans"] as? [[String: Any]])?.count } == 0)

            // the plan's page offers the view and shows what the group reaches
            let browser = WebClient(app)
            try await browser.signIn("alice")
            let page = try await browser.get("/backup/plans/\(plan)").body.string
            #expect(page.contains("Servers of Alpha") && page.contains("2 asset(s) match, 1 agent(s) reached, 1 without an agent"))
            #expect(page.contains(#"name="saved_view_id""#) && page.contains("/assets?model=PowerEdge"))

            // a view that stops being shared, then a search that no longer reads, then a deleted view: said, and the
            // plan's other targets still apply
            try await world.target(plan, agent: a1.id)
            let unshare = try await send(app, .PATCH, "/api/v1/saved-views/\(servers)", headers: .json(t.alphaToken),
                                         body: #"{"shared":false}"#)
            #expect(unshare.status == .ok)
            var group = try #require(try await w.targets(plan).first { $0["kind"] as? String == "saved_view" })
            #expect(group["state"] as? String == "view_not_shared")
            #expect(try await w.planNames(a2) == [])
            #expect(try await w.planNames(a1) == ["Serveurs"])
            _ = try await (app.db as! any SQLDatabase).raw("""
                UPDATE saved_views SET shared = \(bind: true), query = 'not_seen_days=soon' WHERE id = \(bind: servers)
                """).all()
            group = try #require(try await w.targets(plan).first { $0["kind"] as? String == "saved_view" })
            #expect(group["state"] as? String == "view_invalid")
            #expect((group["problem"] as? String)?.contains("not_seen_days") == true)
            #expect(try await w.planNames(a2) == [])
            #expect(try await browser.get("/backup/plans/\(plan)").status == .ok)
            _ = try await (app.db as! any SQLDatabase).raw("""
                UPDATE saved_views SET query = 'model=PowerEdge' WHERE id = \(bind: servers)
                """).all()
            #expect(try await w.planNames(a2) == ["Serveurs"])
            #expect(try await send(app, .DELETE, "/api/v1/saved-views/\(servers)", headers: .bearer(t.alphaToken)).status
                == .noContent)
            group = try #require(try await w.targets(plan).first { $0["kind"] as? String == "saved_view" })
            #expect(group["state"] as? String == "view_deleted" && group["label"] as? String == "Servers of Alpha")
            #expect(try await w.planNames(a2) == [])
            #expect(try await w.planNames(a1) == ["Serveurs"])
            let deletedPage = try await browser.get("/backup/plans/\(plan)").body.string
            #expect(deletedPage.contains("The saved view was deleted") && deletedPage.contains("Servers of Alpha"))
            #expect(try json(try await send(app, .GET, "/api/v1/backup/fleet", headers: .bearer(t.superToken)))["total"]
                as? Int == 3)
        }
    }

    @Test("scoping: another entity's asset or view is refused, another entity's plan is not found",
          arguments: TestDatabase.all)
    func scoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let w = BackupTargetWorld(world: world)
            let repository = try await world.repository(t.root, name: "nas")
            let alphaPlan = try await world.plan(t.alpha, name: "Alpha", repository: repository)
            let betaPlan = try await world.plan(t.beta, name: "Beta", repository: repository)
            let rootPlan = try await world.plan(t.root, name: "Root", repository: repository)
            let betaAsset = try await w.asset(t.beta, name: "beta-srv")
            let alphaAsset = try await w.asset(t.alpha, name: "alpha-pc")
            let betaView = try await w.view(t.betaToken, name: "Beta servers", query: "model=PowerEdge")
            let alphaView = try await w.view(t.alphaToken, name: "Alpha servers", query: "model=PowerEdge")
            let personal = try await w.view(t.alphaToken, name: "Mine", query: "model=OptiPlex", shared: false)

            func refused(_ plan: UUID, _ body: String, _ token: String, field: String,
                         sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let response = try await w.addTarget(plan, body, token: token)
                #expect(response.status == .unprocessableEntity, "\(response.body.string)", sourceLocation: sourceLocation)
                #expect(try decode(TestErrorBody.self, response).error.fields?[field] != nil, sourceLocation: sourceLocation)
            }
            // an asset or a view of another entity, even for the super-admin who sees both
            try await refused(alphaPlan, #"{"asset_id":"\#(betaAsset)"}"#, t.superToken, field: "asset_id")
            try await refused(alphaPlan, #"{"saved_view_id":"\#(betaView)"}"#, t.superToken, field: "saved_view_id")
            // a view of an entity below the plan's is not the plan's: its audience is narrower than the plan's
            try await refused(rootPlan, #"{"saved_view_id":"\#(alphaView)"}"#, t.superToken, field: "saved_view_id")
            // a view Alpha's technician does not see, and a personal view
            try await refused(alphaPlan, #"{"saved_view_id":"\#(betaView)"}"#, t.alphaToken, field: "saved_view_id")
            try await refused(alphaPlan, #"{"saved_view_id":"\#(personal)"}"#, t.alphaToken, field: "saved_view_id")
            try await refused(alphaPlan, #"{"asset_id":"\#(betaAsset)"}"#, t.alphaToken, field: "asset_id")
            // another entity's plan: not found, whatever the target
            #expect(try await w.addTarget(betaPlan, #"{"asset_id":"\#(alphaAsset)"}"#, token: t.alphaToken).status
                == .notFound)
            #expect(try await w.addTarget(betaPlan, #"{"saved_view_id":"\#(alphaView)"}"#, token: t.alphaToken).status
                == .notFound)
            // a plan of the root may use an asset below it, and its own entity's views
            #expect(try await w.addTarget(rootPlan, #"{"asset_id":"\#(betaAsset)"}"#).status == .created)
            #expect(try await w.addTarget(alphaPlan, #"{"saved_view_id":"\#(alphaView)"}"#, token: t.alphaToken).status
                == .created)
            #expect(try await BackupPlanTargetModel.query(on: app.db).count() == 2)
            // Beta's admin sees nothing of Alpha's targets, and the root plan's page is not Beta's
            #expect(try await send(app, .GET, "/api/v1/backup/plans/\(alphaPlan)/targets", headers: .bearer(t.betaToken))
                .status == .notFound)
            let betaUncovered = try await send(app, .GET, "/api/v1/backup/fleet/uncovered", headers: .bearer(t.betaToken))
            let items = try json(betaUncovered)["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["name"] as? String } == ["beta-srv"])
            #expect((items.first?["plans"] as? [[String: Any]])?.isEmpty == true, "the root plan stays hidden from Beta")
            #expect(!betaUncovered.body.string.contains(rootPlan.uuidString))
        }
    }

    @Test("hostile and malformed target input is refused clearly and changes nothing", arguments: TestDatabase.all)
    func badInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let w = BackupTargetWorld(world: world)
            let repository = try await world.repository(t.alpha, name: "nas")
            let plan = try await world.plan(t.alpha, name: "P", repository: repository)
            let asset = try await w.asset(t.alpha, name: "<script>alert(1)</script>")
            let path = "/api/v1/backup/plans/\(plan)/targets"

            func check(_ body: String, _ status: HTTPResponseStatus, _ code: String,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let response = try await send(app, .POST, path, headers: .json(t.superToken), body: body)
                #expect(response.status == status, "\(body.prefix(80)): \(response.body.string)",
                        sourceLocation: sourceLocation)
                #expect(try decode(TestErrorBody.self, response).error.code == code, sourceLocation: sourceLocation)
            }
            try await check(#"{"asset_id":5}"#, .unprocessableEntity, "validation_failed")
            try await check(#"{"asset_id":["\#(asset)"]}"#, .unprocessableEntity, "validation_failed")
            try await check(#"{"saved_view_id":"not-a-uuid"}"#, .unprocessableEntity, "validation_failed")
            try await check(#"{"saved_view_id":"\#(UUID())"}"#, .unprocessableEntity, "validation_failed")
            try await check(#"{"asset_id":"\#(UUID())"}"#, .unprocessableEntity, "validation_failed")
            try await check(#"{"asset_id":"\#(asset)","saved_view_id":"\#(UUID())"}"#, .unprocessableEntity,
                            "validation_failed")
            try await check("{}", .unprocessableEntity, "validation_failed")
            try await check(#"{"asset_id":null}"#, .unprocessableEntity, "validation_failed")
            try await check(#"{"asset":"pc"}"#, .unprocessableEntity, "unknown_fields")
            try await check("[1]", .badRequest, "malformed_json")
            try await check(#"{"asset_id":"#, .badRequest, "malformed_json")
            let huge = #"{"asset_id":""# + String(repeating: "9", count: 2_000_000) + #""}"#
            let tooLarge = try await send(app, .POST, path, headers: .json(t.superToken), body: huge, running: true)
            #expect(tooLarge.status == .payloadTooLarge)
            #expect(try await BackupPlanTargetModel.query(on: app.db).count() == 0)

            // the form: an oversized or empty name, a bad view id
            let browser = WebClient(app)
            try await browser.signIn("root")
            #expect(try await browser.post("/backup/plans/\(plan)/targets", ["asset": String(repeating: "x", count: 5000)])
                .status == .unprocessableEntity)
            #expect(try await browser.post("/backup/plans/\(plan)/targets", ["asset": "  "]).status == .unprocessableEntity)
            #expect(try await browser.post("/backup/plans/\(plan)/targets", ["saved_view_id": "../../etc"]).status
                == .unprocessableEntity)
            #expect(try await BackupPlanTargetModel.query(on: app.db).count() == 0)
            // a hostile asset name is shown as text
            #expect(try await w.addTarget(plan, #"{"asset_id":"\#(asset)"}"#).status == .created)
            let page = try await browser.get("/backup/plans/\(plan)").body.string
            #expect(!page.contains("<script>alert(1)</script>") && page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test("RPO late: raised once after the RPO, counted not duplicated, resolved by a good backup, mailed once",
          arguments: TestDatabase.all)
    func rpoLate(_ database: TestDatabase) async throws {
        let mail = try MailSettings.parse(url: "smtp://127.0.0.1:2525", from: "parc@example.org", heloName: "parc.test")
        try await withApp(database, configuration: ParcConfiguration(runsWorkers: false, mail: mail)) { app, clock in
            // setup
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let w = BackupTargetWorld(world: world)
            let silent = try await world.enroll(t.alpha, machine: "a1", hostname: "pc-silent")
            let diligent = try await world.enroll(t.alpha, machine: "a2", hostname: "pc-diligent")
            let repository = try await world.repository(t.alpha, name: "nas")
            let plan = try await world.plan(t.alpha, name: "Postes", repository: repository, rpo: 26)
            try await world.target(plan, entity: t.alpha)
            try await world.reportRun(diligent, plan: plan, repository: nil, finished: clock.now)

            // MUT + validate: within the RPO nobody is late, even a machine that never backed up
            try await w.runRPOJob()
            #expect(try await w.rpoAlerts().isEmpty)
            clock.advance(20 * 3600)
            try await world.reportRun(diligent, plan: plan, repository: nil, finished: clock.now)
            clock.advance(6 * 3600)
            try await w.runRPOJob()
            #expect(try await w.rpoAlerts().isEmpty, "exactly one RPO after coming under the plan is still on time")

            // one hour more: the silent machine is late, once
            clock.advance(3600)
            let output = try await w.runRPOJob()
            var alerts = try await w.rpoAlerts()
            #expect(alerts.count == 1, "\(output)")
            let alert = try #require(alerts.first)
            #expect(alert.objectID == silent.id.uuidString && alert.severity == "warning" && alert.occurrences == 1)
            #expect(alert.detail.contains("since the machine came under it"))
            let apiAlert = try json(try await send(app, .GET, "/api/v1/alerts/\(alert.id!)", headers: .bearer(t.alphaToken)))
            #expect(apiAlert["title"] as? String == "Backup late on pc-silent (plan Postes)")
            // mailed to Alpha's administrators (the super-admin here), once
            #expect(try await MailOutboxModel.query(on: app.db).all().map(\.recipients) == ["root@example.org"])

            // the job again, and two runs at once (two instances): still one alert, still one occurrence
            try await w.runRPOJob()
            async let first = w.runRPOJob()
            async let second = w.runRPOJob()
            _ = try await (first, second)
            alerts = try await w.rpoAlerts()
            #expect(alerts.count == 1 && alerts[0].occurrences == 1)

            // another RPO missed: one more occurrence; the diligent machine, silent since, is late too now
            clock.advance(26 * 3600)
            try await w.runRPOJob()
            alerts = try await w.rpoAlerts()
            #expect(alerts.count == 2)
            #expect(alerts.first { $0.objectID == silent.id.uuidString }?.occurrences == 2)
            #expect(alerts.first { $0.objectID == diligent.id.uuidString }?.detail.contains("No good backup for plan Postes since") == true)
            #expect(try await MailOutboxModel.query(on: app.db).count() == 2, "a repeat is not mailed again")

            // a good backup resolves the machine's alert at once; the job leaves it resolved
            try await world.reportRun(silent, plan: plan, repository: nil, finished: clock.now)
            let silentAlert = try #require(try await AlertModel.find(alerts.first { $0.objectID == silent.id.uuidString }?.id,
                                                                      on: app.db))
            #expect(silentAlert.resolvedAt != nil && silentAlert.resolvedBy == "parc-agent pc-silent")
            try await w.runRPOJob()
            #expect(try await w.rpoAlerts().filter { $0.resolvedAt == nil }.map(\.objectID) == [diligent.id.uuidString])
            // a failed run resolves nothing
            try await world.reportRun(diligent, plan: plan, repository: nil, status: "failed", finished: clock.now)
            #expect(try await w.rpoAlerts().filter { $0.resolvedAt == nil }.count == 1)

            // a paused plan no longer expects backups: its alerts resolve
            let paused = try await send(app, .PATCH, "/api/v1/backup/plans/\(plan)", headers: .json(t.superToken),
                                        body: #"{"enabled":false}"#)
            #expect(paused.status == .ok)
            try await w.runRPOJob()
            #expect(try await w.rpoAlerts().allSatisfy { $0.resolvedAt != nil })
            #expect(try await BackupPlanCoverageModel.query(on: app.db).count() == 0)
        }
    }

    @Test("RPO late: a machine entering a group gets one RPO from then; one leaving it is no longer late",
          arguments: TestDatabase.all)
    func rpoGroups(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let w = BackupTargetWorld(world: world)
            let agent = try await world.enroll(t.alpha, machine: "a1", hostname: "srv-1")
            let asset = try await w.asset(t.alpha, name: "srv-1", model: "OptiPlex")
            try await w.link(asset, to: agent)
            let repository = try await world.repository(t.alpha, name: "nas")
            let plan = try await world.plan(t.alpha, name: "Serveurs", repository: repository, rpo: 24)
            let servers = try await w.view(t.alphaToken, name: "Servers", query: "model=PowerEdge")
            #expect(try await w.addTarget(plan, #"{"saved_view_id":"\#(servers)"}"#).status == .created)

            clock.advance(48 * 3600)
            try await w.runRPOJob()
            #expect(try await BackupPlanCoverageModel.query(on: app.db).count() == 0)
            // it enters the group: one RPO from the first time the job sees it there
            try await w.changeAsset(asset, #"{"model":"PowerEdge"}"#)
            try await w.runRPOJob()
            #expect(try await BackupPlanCoverageModel.query(on: app.db).first()?.since == clock.now)
            clock.advance(24 * 3600)
            try await w.runRPOJob()
            #expect(try await w.rpoAlerts().isEmpty)
            clock.advance(60)
            try await w.runRPOJob()
            #expect(try await w.rpoAlerts().filter { $0.resolvedAt == nil }.count == 1)
            // it leaves the group: nothing to be late for
            try await w.changeAsset(asset, #"{"model":"OptiPlex"}"#)
            try await w.runRPOJob()
            let alerts = try await w.rpoAlerts()
            #expect(alerts.count == 1 && alerts[0].resolvedAt != nil && alerts[0].resolvedBy == BackupRPOJob.resolver)
            #expect(try await BackupPlanCoverageModel.query(on: app.db).count() == 0)
            // the job is scheduled
            #expect(app.parc.registry.schedules.contains { $0.name == "backup.rpo" && $0.kind == "backup.rpo" })
        }
    }
}
