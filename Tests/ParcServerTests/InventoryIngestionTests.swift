import Fluent
import Foundation
import ParcCore
import ParcInventory
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Inventory ingestion: fixtures, agents' paths and replies, matching, history")
struct InventoryIngestionTests {
    static let xmlHeaders: HTTPHeaders = ["Content-Type": "application/x-compress-zlib",
                                          "User-Agent": "FusionInventory-Agent_v2.6-3"]

    static func post(_ app: LiveServer, _ path: String = "/", _ body: Data, compress: InventoryCompression = .zlib,
                     headers extra: HTTPHeaders = [:], plainType: String = "application/xml") async throws
        -> WireResponse
    {
        var headers: HTTPHeaders = ["Content-Type": compress.contentType(plain: plainType),
                                    "User-Agent": "FusionInventory-Agent_v2.6-3"]
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        return try await app.send(.POST, path, headers: headers, body: compress.compress(body))
    }

    /// The reply body, inflated as the agent would.
    static func replyText(_ response: WireResponse) throws -> String {
        let raw = Data(response.body.readableBytesView)
        let compression = InventoryCompression.of(contentType: response.headers.first(name: .contentType),
                                                  firstBytes: raw.prefix(8)) ?? .none
        return String(decoding: try compression.decompress(raw, limit: 1 << 20), as: UTF8.self)
    }

    @Test("every fixture imports through the agents' paths, once per machine", arguments: TestDatabase.all)
    func fixtures(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            var imported = 0
            for name in try InventoryFixture.names("inventory/glpi-json") where !name.contains("partial") {
                let response = try await Self.post(live, "/front/inventory.php",
                                                   try InventoryFixture.data("inventory/glpi-json/" + name),
                                                   plainType: "application/json")
                let text = try Self.replyText(response)
                #expect(response.status == .ok, "\(name): \(text)")
                let reply = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                #expect(reply?["status"] as? String == "ok" && reply?["expiration"] as? Int == 24, "\(name)")
                imported += 1
            }
            for name in try InventoryFixture.names("inventory/fusion-xml") where name != "5.xml" {
                let response = try await Self.post(live, "/plugins/fusioninventory/",
                                                   try InventoryFixture.data("inventory/fusion-xml/" + name))
                #expect(response.status == .ok, "\(name): \(response.body.string)")
                #expect(try Self.replyText(response).contains("<REPLY><RESPONSE>no_account_update</RESPONSE></REPLY>"))
                imported += 1
            }
            let assets = try await db.assets()
            #expect(assets.count >= 10 && assets.count <= imported, "\(assets.map(\.name))")

            // Field-level checks on the GLPI-native computer.
            let xps = try #require(assets.first { $0.name == "glpixps" })
            #expect(xps.type == "computer" && xps.serial == "640HP72")
            #expect(xps.systemUUID?.lowercased() == "4c4c4544-0034-3010-8048-b6c04f503732")
            #expect(xps.osName == "Fedora 31 (Workstation Edition)" && xps.status == "deployed")
            #expect(xps.lastInventorySource == "glpi_agent" || xps.lastInventorySource == "fusioninventory"
                    || xps.lastInventorySource == "other")
            let software = try await db.software(of: xps.id!)
            #expect(software.contains("gitg 3.32.1-1.fc31"))
            #expect(try await db.components(of: xps.id!, kind: "cpus").count >= 1)
            #expect(!(try await db.components(of: xps.id!, kind: "network_interfaces")).isEmpty)
            #expect((xps.memoryBytes ?? 0) > 1 << 30)

            // The network equipment and the printer become assets of their type.
            #expect(assets.contains { $0.type == "network_device" })
            #expect(assets.contains { $0.type == "printer" })
            #expect(assets.contains { $0.type == "phone" })

            // Sending everything again, in the same order, creates nothing and ends in the same state (a
            // device that two fixtures describe is updated twice, as the first time).
            let before = try await db.counts()
            let componentsBefore = try await db.componentCounts()
            for name in try InventoryFixture.names("inventory/glpi-json") where !name.contains("partial") {
                _ = try await Self.post(live, "/", try InventoryFixture.data("inventory/glpi-json/" + name),
                                        plainType: "application/json")
            }
            for name in try InventoryFixture.names("inventory/fusion-xml") where name != "5.xml" {
                _ = try await Self.post(live, "/", try InventoryFixture.data("inventory/fusion-xml/" + name))
            }
            var after = try await db.counts()
            #expect(after["assets"] == before["assets"] && after["asset_software"] == before["asset_software"])
            let componentsAfter = try await db.componentCounts()
            #expect(after["asset_components"] == before["asset_components"],
                    "\(componentsAfter.filter { componentsBefore[$0.key] != $0.value }) were \(componentsBefore.filter { componentsAfter[$0.key] != $0.value })")
            after["audit_log"] = before["audit_log"]
            #expect(after == before)
        } }
    }

    @Test("a partial inventory replaces only the sections it carries", arguments: TestDatabase.all)
    func partial(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            #expect(try await Self.post(live, "/", try InventoryFixture.data("inventory/glpi-json/computer_1.json"),
                                        plainType: "application/json").status == .ok)
            let asset = try #require(try await db.assets().first)
            let volumes = try await db.components(of: asset.id!, kind: "volumes")
            let cpus = try await db.components(of: asset.id!, kind: "cpus")
            let fullSoftware = try await db.software(of: asset.id!)
            #expect(fullSoftware.count == 6)

            let partial = try InventoryFixture.data("inventory/glpi-json/computer_1_partial_softs.json")
            #expect(try await Self.post(live, "/", partial, plainType: "application/json").status == .ok)
            #expect(try await db.assets().count == 1)
            let software = try await db.software(of: asset.id!)
            #expect(software.count == 6 && software != fullSoftware, "\(software)")
            #expect(try await db.components(of: asset.id!, kind: "volumes") == volumes)
            #expect(try await db.components(of: asset.id!, kind: "cpus") == cpus)

            // The change is in the asset's history, with what was removed.
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "asset")
                .sort(\.$createdAt).all()
            #expect(history.map(\.action) == ["inventory.created", "inventory.updated"])
            let changes = try JSONDecoder().decode([FieldChange].self, from: Data(history[1].changes.utf8))
            #expect(changes.contains { $0.field == "software" }, "\(changes)")
        } }
    }

    @Test("the software digest hint never hides what the database lacks (decision 0046)", arguments: TestDatabase.all)
    func softwareDigestHint(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            let body = try InventoryFixture.data("inventory/glpi-json/computer_1.json")
            #expect(try await Self.post(live, "/", body, plainType: "application/json").status == .ok)
            let asset = try #require(try await db.assets().first)
            let software = try await db.software(of: asset.id!)
            #expect(software.count == 6)

            // The server now holds a hint that this machine's software is unchanged. Make the database disagree
            // behind its back: links gone, stored digest cleared. The same inventory must bring them back.
            try await db.sql.delete(from: "asset_software").run()
            try await db.sql.update("assets").set("inventory_fingerprints", to: "{}").run()
            #expect(try await Self.post(live, "/", body, plainType: "application/json").status == .ok)
            #expect(try await db.software(of: asset.id!) == software)

            // The machine deleted altogether comes back whole at its next inventory, with its software.
            try await db.sql.delete(from: "asset_software").run()
            try await db.sql.delete(from: "asset_components").run()
            try await db.sql.delete(from: "asset_match_keys").run()
            try await db.sql.delete(from: "assets").run()
            #expect(try await Self.post(live, "/", body, plainType: "application/json").status == .ok)
            let again = try #require(try await db.assets().first)
            #expect(again.id != asset.id)
            #expect(try await db.software(of: again.id!) == software)

            // And an unchanged machine stays unchanged: no history line, the same links.
            let before = try await db.count("audit_log")
            #expect(try await Self.post(live, "/", body, plainType: "application/json").status == .ok)
            #expect(try await db.count("audit_log") == before)
            #expect(try await db.software(of: again.id!) == software)
        } }
    }

    @Test("XML programs are read only when this machine sent others last time; what they say is never lost (decision 0082)",
          arguments: TestDatabase.all)
    func deferredXMLSoftware(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            let text = String(decoding: try InventoryFixture.fusionDebian, as: UTF8.self)
            #expect(try await Self.post(live, "/", Data(text.utf8)).status == .ok)
            let asset = try #require(try await db.assets().first)
            let software = try await db.software(of: asset.id!)
            #expect(software.count > 700)

            // The next run: another date, the same programs. Nothing changes, no history line.
            let logDate = try #require(text.range(of: #"<LOGDATE>[^<]*</LOGDATE>"#, options: .regularExpression))
            let nextRun = text.replacingCharacters(in: logDate, with: "<LOGDATE>2031-01-02 03:04:05</LOGDATE>")
            var history = try await db.count("audit_log")
            #expect(try await Self.post(live, "/", Data(nextRun.utf8)).status == .ok)
            #expect(try await db.count("audit_log") == history)
            #expect(try await db.software(of: asset.id!) == software)

            // One program upgraded: the log differs, the programs are read, the link follows.
            let programs = try #require(text.range(of: "<SOFTWARES>"))
            let version = try #require(text.range(of: #"<VERSION>[^<]*</VERSION>"#, options: .regularExpression,
                                                  range: programs.lowerBound..<text.endIndex))
            let upgraded = text.replacingCharacters(in: version, with: "<VERSION>999.1-parc</VERSION>")
            #expect(try await Self.post(live, "/", Data(upgraded.utf8)).status == .ok)
            let after = try await db.software(of: asset.id!)
            #expect(after.count == software.count)
            #expect(after.filter { $0.hasSuffix("999.1-parc") }.count == 1, "\(after.prefix(3))")
            #expect(try await db.count("audit_log") > history)

            // The hint now vouches for the upgraded log. Make the database disagree behind its back: the same
            // request must read its programs after all and bring the links back.
            try await db.sql.delete(from: "asset_software").run()
            try await db.sql.update("assets").set("inventory_fingerprints", to: "{}").run()
            #expect(try await Self.post(live, "/", Data(upgraded.utf8)).status == .ok)
            #expect(try await db.software(of: asset.id!) == after)

            // A program entry that the scan accepts but reading refuses (no field at all): a 400 naming it, and
            // nothing changes, although the rest of the request matches what the machine sent before.
            history = try await db.count("audit_log")
            let before = try await db.counts()
            let broken = upgraded.replacingOccurrences(of: "</CONTENT>", with: "<SOFTWARES></SOFTWARES></CONTENT>")
            let refused = try await Self.post(live, "/", Data(broken.utf8))
            #expect(refused.status == .badRequest)
            let reason = try Self.replyText(refused)
            #expect(reason.contains("SOFTWARES["), "\(reason.prefix(300))")
            #expect(try await db.counts() == before)
            #expect(try await db.software(of: asset.id!) == after)
        } }
    }

    @Test("an unchanged machine only moves its time, and only while its row holds what was read (decision 0085)",
          arguments: TestDatabase.all)
    func unchangedMachineTouch(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            let body = try InventoryFixture.fusionDebian
            #expect(try await Self.post(live, "/", body).status == .ok)
            let asset = try #require(try await db.assets().first)
            let firstSeen = try #require(asset.lastInventoryAt)

            // The same machine again, an hour later: one row, a later time, nothing else written.
            clock.advance(3600)
            let before = try await db.counts()
            #expect(try await Self.post(live, "/", body).status == .ok)
            #expect(try await db.counts() == before)
            let again = try #require(try await db.assets().first)
            #expect(try #require(again.lastInventoryAt) > firstSeen)

            // The row as the importer reads it: unchanged by the same report, and touched only while its digests
            // are those read.
            let row = try #require(try await InventoryAssetRow.find(asset.id!, on: db.sql))
            let later = clock.now.addingTimeInterval(3600)
            #expect(try await row.touch(now: later, on: db.sql))
            try await db.sql.update("assets").set("inventory_fingerprints", to: "{}").where("id", .equal, asset.id!).run()
            #expect(try await !row.touch(now: later.addingTimeInterval(60), on: db.sql))
            let stored = try #require(try await db.assets().first?.lastInventoryAt)
            #expect(abs(stored.timeIntervalSince(later)) < 1, "the second touch changed nothing")

            // With its digests gone, the next inventory takes the full path and writes them back.
            #expect(try await Self.post(live, "/", body).status == .ok)
            let digests = try await db.sql.select().column("inventory_fingerprints").from("assets").first()?
                .decode(column: "inventory_fingerprints", as: String.self)
            #expect(digests?.contains("software") == true)
            let fresh = try #require(try await InventoryAssetRow.find(asset.id!, on: db.sql))
            #expect(try await fresh.touch(now: Date(), on: db.sql))
        } }
    }

    @Test("FusionInventory and OCS exchanges: PROLOG answered SEND, replies compressed as asked",
          arguments: TestDatabase.all)
    func protocolExchanges(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let prolog = try InventoryFixture.data("agent-protocols/fusioninventory-zlib-send/01-POST-PROLOG.request-body.xml")
            let reply = try await Self.post(live, "/", prolog)
            #expect(reply.status == .ok)
            #expect(reply.headers.first(name: .contentType) == "application/x-compress-zlib")
            #expect(Array(reply.body.readableBytesView.prefix(2)) == [0x78, 0x9C])
            #expect(try Self.replyText(reply)
                    == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>\n")
            // Uncompressed, at OCS's path, with its Content-Type.
            let ocs = try InventoryFixture.data("agent-protocols/ocsinventory-agent/01-POST-PROLOG.request-body.xml")
            let plain = try await live.send(.POST, "/ocsinventory", headers: ["Content-Type": "application/xml"], body: ocs)
            #expect(plain.status == .ok && plain.body.string.contains("<RESPONSE>SEND</RESPONSE>"))
            let gzip = try await Self.post(live, "/ocsinventory", ocs, compress: .gzip,
                                           headers: ["Content-Type": "application/x-compress"])
            #expect(Array(gzip.body.readableBytesView.prefix(2)) == [0x1F, 0x8B])

            // The OCS agent's inventory: its version from its User-Agent.
            let inventory = try InventoryFixture.data("agent-protocols/ocsinventory-agent/02-POST-INVENTORY.request-body.xml")
            let sent = try await Self.post(live, "/ocsinventory", inventory,
                                           headers: ["User-Agent": "OCS-NG_unified_unix_agent_v2.10.0",
                                                     "Content-Type": "application/x-compress"])
            #expect(sent.status == .ok, "\(sent.body.string)")
            let asset = try #require(try await InventoryDatabase(app: app).assets().first)
            #expect(asset.lastInventorySource == "ocsinventory")
            #expect(try await InventoryDatabase(app: app).software(of: asset.id!).count > 500)

            // GLPI Agent's CONTACT: inventory is taken, other tasks are disabled with a message.
            let contact = #"{"action":"contact","deviceid":"pc-1-2026","enabled-tasks":["inventory","deploy"],"name":"GLPI-Agent_v1.11"}"#
            let answer = try await Self.post(live, "/front/inventory.php", Data(contact.utf8), compress: .none,
                                             plainType: "application/json")
            let body = try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [String: Any]
            #expect(body?["status"] as? String == "ok" && body?["expiration"] as? Int == 24)
            #expect((body?["tasks"] as? [String: Any])?["inventory"] != nil)
            #expect(body?["disabled"] as? String == "deploy")
        } }
    }

    @Test("Parc's agent sends with its credential; the asset is linked to it", arguments: TestDatabase.all)
    func nativeEndpoint(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let t = try await Tenancy.make(app)
            let agent = try await BackupWorld(app: app, t: t).enroll(t.alpha, machine: "m-1", hostname: "glpixps")
            let body = try InventoryFixture.data("inventory/glpi-json/computer_1.json")
            let anonymous = try await sendData(app, .POST, "/api/agent/v1/inventory",
                                               headers: ["Content-Type": "application/json"], body: body)
            #expect(anonymous.status == .unauthorized)
            let headers: HTTPHeaders = ["Authorization": "Bearer \(agent.credential)",
                                        "Content-Type": "application/x-compress-zlib"]
            let first = try await sendData(app, .POST, "/api/agent/v1/inventory", headers: headers,
                                           body: InventoryCompression.zlib.compress(body))
            #expect(first.status == .ok, "\(first.body.string)")
            let reply = try json(first)
            #expect(reply["created"] as? Bool == true)
            let assetID = try #require(UUID(uuidString: reply["asset_id"] as? String ?? ""))
            let stored = try #require(try await AgentModel.find(agent.id, on: app.db))
            #expect(stored.assetID == assetID)
            let asset = try #require(try await AssetModel.find(assetID, on: app.db))
            #expect(asset.entityID == t.alpha.id && asset.agentID == agent.id && asset.lastInventorySource == "parc_agent")

            // Unchanged: no section written again.
            let again = try await sendData(app, .POST, "/api/agent/v1/inventory", headers: headers,
                                           body: InventoryCompression.zlib.compress(body))
            #expect(try json(again)["created"] as? Bool == false)
            #expect((try json(again)["changed_sections"] as? [String]) == [])

            // The API shows it to Alpha's technician, not to Beta's admin.
            let list = try await send(app, .GET, "/api/v1/assets?type=computer", headers: .bearer(t.alphaToken))
            #expect((try json(list)["items"] as? [[String: Any]])?.count == 1)
            let hidden = try await send(app, .GET, "/api/v1/assets?type=computer", headers: .bearer(t.betaToken))
            #expect((try json(hidden)["items"] as? [[String: Any]])?.count == 0)
            #expect(try await send(app, .GET, "/api/v1/assets/\(assetID)", headers: .bearer(t.betaToken)).status == .notFound)
            let detail = try json(try await send(app, .GET, "/api/v1/assets/\(assetID)", headers: .bearer(t.alphaToken)))
            #expect(detail["name"] as? String == "glpixps" && detail["serial"] as? String == "640HP72")
            #expect((detail["software"] as? [[String: Any]])?.contains { $0["name"] as? String == "gitg" } == true)
            #expect((detail["components"] as? [[String: Any]])?.contains { $0["kind"] as? String == "cpus" } == true)
            #expect((detail["operating_system"] as? [String: Any])?["name"] as? String == "Fedora 31 (Workstation Edition)")
            // Filters on software and version.
            for (query, count) in [("software=gitg", 1), ("software=GITG&software_version=3.32.1-1.fc31", 1),
                                   ("software=gitg&software_version=%3C3.32", 0), ("software=gitg&software_version=%3E%3D3", 1),
                                   ("software=nothing-like-it", 0), ("memory_bytes_gte=1000000", 1), ("status=retired", 0),
                                   ("not_seen_days=30", 0), ("name=GLPIXPS", 1)] {
                let response = try await send(app, .GET, "/api/v1/assets?\(query)", headers: .bearer(t.alphaToken))
                #expect(response.status == .ok, "\(query): \(response.body.string)")
                #expect(try json(response)["total"] as? Int == count, "\(query)")
            }
            #expect(try await send(app, .GET, "/api/v1/assets?software_version=3", headers: .bearer(t.alphaToken)).status
                    == .badRequest)

            // The pages: the list with its filters, each tab of the asset page, in French; Beta sees nothing.
            let web = WebClient(app)
            try await web.signIn("alice")
            let listPage = try await web.get("/assets?software=gitg&q=xps")
            #expect(listPage.status == .ok && listPage.body.string.contains("glpixps"))
            #expect(try await web.get("/assets?software=firefox").body.string.contains("glpixps") == false)
            for (tab, text) in [("details", "640HP72"), ("components", "Intel"), ("software", "gitg"),
                                ("network", "wlp58s0"), ("history", "inventory")] {
                let page = try await web.get("/assets/\(assetID)?tab=\(tab)")
                #expect(page.status == .ok, "\(tab)")
                #expect(page.body.string.contains(text), "\(tab) shows \(text)")
            }
            let dashboard = try await web.get("/")
            #expect(dashboard.body.string.contains("/assets?not_seen_days=30"), "the fleet cards are on the dashboard")
            #expect(dashboard.body.string.contains("Fedora 31"), "the most common system")
            let csv = try await web.get("/assets?format=csv")
            #expect(csv.body.string.hasPrefix("name,type,subtype,status") && csv.body.string.contains("glpixps"))
            let beta = WebClient(app)
            try await beta.signIn("bob")
            #expect(try await beta.get("/assets/\(assetID)").status == .notFound)
            #expect(try await beta.get("/assets").body.string.contains("glpixps") == false)
            #expect(try await send(app, .GET, "/api/v1/assets?memory_bytes_lt=lots", headers: .bearer(t.alphaToken)).status
                    == .badRequest)
        } }
    }

    @Test("the naming plan report flags an inventoried machine; renaming locks the name against inventories",
          arguments: TestDatabase.all)
    func namingPlan(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let t = try await Tenancy.make(app)
            let agent = try await BackupWorld(app: app, t: t).enroll(t.alpha, machine: "m-1", hostname: "glpixps")
            let body = try InventoryFixture.data("inventory/glpi-json/computer_1.json")
            let headers: HTTPHeaders = ["Authorization": "Bearer \(agent.credential)", "Content-Type": "application/json"]
            #expect(try await sendData(app, .POST, "/api/agent/v1/inventory", headers: headers, body: body).status == .ok)
            #expect(try await send(app, .POST, "/api/v1/naming-plans", headers: .json(t.alphaToken),
                                   body: #"{"entity_id":"\#(t.alpha.id!)","asset_type":"computer","pattern":"{entity}-{type}-{seq:4}","type_code":"PC"}"#)
                    .status == .forbidden, "a technician cannot set the plan")
            let bad = try await send(app, .POST, "/api/v1/naming-plans", headers: .json(t.superToken),
                                     body: #"{"entity_id":"\#(t.alpha.id!)","asset_type":"computer","pattern":"{entity}-{seq:0}"}"#)
            #expect(bad.status == .unprocessableEntity)
            let created = try await send(app, .POST, "/api/v1/naming-plans", headers: .json(t.superToken),
                                         body: #"{"entity_id":"\#(t.alpha.id!)","asset_type":"computer","pattern":"{entity}-{type}-{seq:4}","type_code":"PC"}"#)
            #expect(created.status == .created, "\(created.body.string)")

            let report = try json(try await send(app, .GET, "/api/v1/naming-plans/report", headers: .bearer(t.alphaToken)))
            let items = try #require(report["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["name"] as? String == "glpixps")
            #expect(items.first?["proposed_name"] as? String == "ALP-PC-0001")
            let assetID = try #require(items.first?["asset_id"] as? String)
            #expect(try await send(app, .GET, "/api/v1/naming-plans/report", headers: .bearer(t.betaToken))
                    .body.string.contains("glpixps") == false)
            let page = WebClient(app)
            try await page.signIn("alice")
            #expect(try await page.get("/assets/naming").body.string.contains("ALP-PC-0001"))

            // A name that breaks the plan is refused; the proposal is applied and locks the name.
            #expect(try await send(app, .POST, "/api/v1/naming-plans/apply", headers: .json(t.alphaToken),
                                   body: #"{"renames":[{"asset_id":"\#(assetID)","name":"pc-42"}]}"#).status
                    == .unprocessableEntity)
            let applied = try await send(app, .POST, "/api/v1/naming-plans/apply", headers: .json(t.alphaToken),
                                         body: #"{"renames":[{"asset_id":"\#(assetID)","name":"ALP-PC-0001"}]}"#)
            #expect(try json(applied)["renamed"] as? Int == 1, "\(applied.body.string)")
            #expect(try await sendData(app, .POST, "/api/agent/v1/inventory", headers: headers, body: body).status == .ok)
            let asset = try #require(try await AssetModel.find(UUID(uuidString: assetID), on: app.db))
            #expect(asset.name == "ALP-PC-0001" && asset.lockedFields.contains("name"))
            let after = try json(try await send(app, .GET, "/api/v1/naming-plans/report", headers: .bearer(t.alphaToken)))
            #expect(after["total"] as? Int == 0)
            let next = try json(try await send(app, .GET, "/api/v1/naming-plans/suggest?entity_id=\(t.alpha.id!)&type=computer",
                                               headers: .bearer(t.alphaToken)))
            #expect(next["name"] as? String == "ALP-PC-0002")
            _ = live
        } }
    }

    @Test("entity rules place machines, the dictionary renames and ignores, access is narrowed per entity",
          arguments: TestDatabase.all)
    func rulesAndAccess(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let t = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            // The tag of computer_1.json is "000005": a rule sends it to Beta.
            let notRoot = try await send(app, .POST, "/api/v1/inventory/entity-rules", headers: .json(t.betaToken),
                                         body: #"{"name":"x","entity_id":"\#(t.beta.id!)","tag":"000005"}"#)
            #expect([.forbidden, .notFound].contains(notRoot.status), "only an administrator of the whole tree sets entity rules")
            let bad = try await send(app, .POST, "/api/v1/inventory/entity-rules", headers: .json(t.superToken),
                                     body: #"{"name":"x","entity_id":"\#(t.beta.id!)","ip_ranges":["10.0.0.0/33"]}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(try await send(app, .POST, "/api/v1/inventory/entity-rules", headers: .json(t.superToken),
                                   body: #"{"name":"Beta's agents","entity_id":"\#(t.beta.id!)","tag":"000005"}"#).status == .created)
            // The dictionary: gitg renamed, the GNOME games ignored; a broken regex refused.
            #expect(try await send(app, .POST, "/api/v1/software-rules", headers: .json(t.superToken),
                                   body: #"{"match":"regex","pattern":"(a","action":"ignore"}"#).status == .unprocessableEntity)
            #expect(try await send(app, .POST, "/api/v1/software-rules", headers: .json(t.superToken),
                                   body: #"{"match":"equals","pattern":"gitg","action":"rename","new_name":"Gitg (GNOME)"}"#).status == .created)
            let json1 = try InventoryFixture.data("inventory/glpi-json/computer_1.json")
            let names = try #require(try JSONSerialization.jsonObject(with: json1) as? [String: Any])
            let programs = ((names["content"] as? [String: Any])?["softwares"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            let ignored = try #require(programs.first { $0 != "gitg" })
            #expect(try await send(app, .POST, "/api/v1/software-rules", headers: .json(t.superToken),
                                   body: #"{"match":"equals","pattern":"\#(ignored)","action":"ignore"}"#).status == .created)
            #expect(try await Self.post(live, "/", json1, plainType: "application/json").status == .ok)
            let asset = try #require(try await db.assets().first)
            #expect(asset.entityID == t.beta.id)
            let software = try await db.software(of: asset.id!)
            #expect(software.contains { $0.hasPrefix("Gitg (GNOME) ") } && !software.contains { $0.hasPrefix("gitg ") })
            #expect(!software.contains { $0.hasPrefix(ignored + " ") } && software.count == programs.count - 1)

            // Narrowed ranges: loopback refused with 403, nothing written; credentials: 401 then accepted.
            let put = try await send(app, .PUT, "/api/v1/inventory/settings/\(t.root.id!)", headers: .json(t.superToken),
                                     body: #"{"allowed_ranges":["10.0.0.0/8"],"match_order":["serial","name"]}"#)
            #expect(put.status == .ok, "\(put.body.string)")
            let prolog = try InventoryFixture.data("agent-protocols/fusioninventory-zlib-send/01-POST-PROLOG.request-body.xml")
            let refused = try await Self.post(live, "/", prolog)
            #expect(refused.status == .forbidden && refused.body.string.contains("inventory_address_refused"))
            let settings = try await send(app, .PUT, "/api/v1/inventory/settings/\(t.root.id!)", headers: .json(t.superToken),
                                          body: #"{"basic_user":"agents","require_credentials":true}"#)
            let password = try #require(try json(settings)["basic_password"] as? String)
            #expect(try json(settings)["match_order"] as? [String] == ["uuid", "serial", "mac", "name"])
            let challenged = try await Self.post(live, "/", prolog)
            #expect(challenged.status == .unauthorized && challenged.headers.first(name: .wwwAuthenticate)?.hasPrefix("Basic") == true)
            let wrong = try await Self.post(live, "/", prolog, headers: ["Authorization": "Basic " + Data("agents:nope".utf8).base64EncodedString()])
            #expect(wrong.status == .unauthorized)
            let right = try await Self.post(live, "/", prolog, headers: ["Authorization": "Basic " + Data("agents:\(password)".utf8).base64EncodedString()])
            #expect(right.status == .ok)
            let shown = try json(try await send(app, .GET, "/api/v1/inventory/settings/\(t.alpha.id!)", headers: .bearer(t.alphaToken)))
            #expect(shown["inherited_from"] as? String == t.root.id!.uuidString && shown["basic_password"] == nil)
        } }
    }

    @Test("assets by hand: lifecycle rules, fields locked against inventories and unlocked, history",
          arguments: TestDatabase.all)
    func editing(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let t = try await Tenancy.make(app)
            let created = try await send(app, .POST, "/api/v1/assets", headers: .json(t.alphaToken), body: """
                {"entity_id":"\(t.alpha.id!)","type":"monitor","name":"ECR-0001","serial":"CN-0F1","manufacturer":"Dell",
                 "purchase_date":"2024-03-01","warranty_end":"2027-03-01","purchase_cost":189.9}
                """)
            #expect(created.status == .created, "\(created.body.string)")
            let monitor = try #require(try json(created)["id"] as? String)
            #expect(try json(created)["status"] as? String == "in_stock")
            #expect(try await send(app, .POST, "/api/v1/assets", headers: .json(t.betaToken),
                                   body: #"{"entity_id":"\#(t.alpha.id!)","type":"monitor","name":"x"}"#).status == .notFound)
            #expect(try await send(app, .POST, "/api/v1/assets", headers: .json(t.alphaToken),
                                   body: #"{"entity_id":"\#(t.alpha.id!)","type":"monitor","name":"ecr-0001"}"#).status == .conflict)
            #expect(try await send(app, .POST, "/api/v1/assets", headers: .json(t.alphaToken),
                                   body: #"{"entity_id":"\#(t.alpha.id!)","type":"toaster","name":"t","warranty_end":"2027-02-30"}"#)
                .status == .unprocessableEntity)
            // in stock → deployed is allowed; deployed → ordered is not.
            let deployed = try await send(app, .PATCH, "/api/v1/assets/\(monitor)", headers: .json(t.alphaToken),
                                          body: #"{"status":"deployed","location":"Bureau 12"}"#)
            #expect(try json(deployed)["status"] as? String == "deployed")
            let backwards = try await send(app, .PATCH, "/api/v1/assets/\(monitor)", headers: .json(t.alphaToken),
                                           body: #"{"status":"ordered"}"#)
            #expect(backwards.status == .unprocessableEntity, "\(backwards.body.string)")

            // The edit form offers only the statuses the lifecycle allows, and saves through the same checks.
            let web = WebClient(app)
            try await web.signIn("alice")
            let form = try await web.get("/assets/\(monitor)/edit")
            #expect(form.status == .ok && form.body.string.contains("value=\"in_repair\"")
                    && !form.body.string.contains("value=\"ordered\""))
            let refused = try await web.post("/assets/\(monitor)/edit", ["status": "ordered", "name": "ECR-0001"])
            #expect(refused.status == .unprocessableEntity)
            let saved = try await web.post("/assets/\(monitor)/edit", [
                "status": "in_repair", "name": "ECR-0001", "location": "Atelier", "purchase_cost": "199,50",
                "warranty_end": "2027-03-01", "purchase_date": "2024-03-01",
            ])
            #expect(saved.status == .seeOther || saved.status == .found, "\(saved.status)")
            let edited = try #require(try await AssetModel.find(UUID(uuidString: monitor), on: app.db))
            #expect(edited.status == "in_repair" && edited.location == "Atelier" && edited.purchaseCost == 199.5)
            let outsider = WebClient(app)
            try await outsider.signIn("bob")
            #expect(try await outsider.get("/assets/\(monitor)/edit").status == .notFound)
            _ = try await send(app, .PATCH, "/api/v1/assets/\(monitor)", headers: .json(t.alphaToken),
                               body: #"{"purchase_cost":189.9}"#)

            // The renewal forecast: the monitor's warranty ends in 2027-Q1 (the test clock is in 2026-11).
            let forecast = try json(try await send(app, .GET, "/api/v1/assets/renewal-forecast?type=monitor&months=12",
                                                   headers: .bearer(t.alphaToken)))
            let quarters = forecast["quarters"] as? [[String: Any]] ?? []
            let q1 = quarters.first { $0["quarter"] as? String == "2027-Q1" }
            #expect(q1?["warranty_end"] as? Int == 1 && q1?["cost"] as? Int == 190, "\(quarters)")
            #expect(forecast["total_count"] as? Int == 1)
            #expect(try await send(app, .GET, "/api/v1/assets/renewal-forecast?months=0", headers: .bearer(t.alphaToken))
                    .status == .badRequest)

            // Depreciation: the value falls to nothing at the end of the plan; bad parameters are refused.
            func value(_ query: String) async throws -> Double? {
                let response = try await send(app, .GET, "/api/v1/assets/\(monitor)/depreciation?\(query)",
                                              headers: .bearer(t.alphaToken))
                return try json(response)["value_at"] as? Double
            }
            let early = try #require(try await value("at=2024-06-01"))
            let now = try #require(try await value(""))
            let end = try #require(try await value("at=2030-01-01"))
            #expect(early < 189.9 && now < early && end == 0, "\(early) \(now) \(end)")
            let declining = try #require(try await value("method=declining_balance&years=5&at=2025-03-01"))
            #expect(declining > 0 && declining < 189.9)
            for (query, status) in [("method=straight", HTTPResponseStatus.badRequest), ("at=2025-02-30", .badRequest),
                                    ("method=declining_balance&years=2", .unprocessableEntity)] {
                #expect(try await send(app, .GET, "/api/v1/assets/\(monitor)/depreciation?\(query)",
                                       headers: .bearer(t.alphaToken)).status == status, "\(query)")
            }

            // A hand-set name on an inventoried machine survives inventories until unlocked.
            let body = try InventoryFixture.data("inventory/glpi-json/computer_1.json")
            #expect(try await Self.post(live, "/", body, plainType: "application/json").status == .ok)
            let computer = try #require(try await InventoryDatabase(app: app).assets().first { $0.type == "computer" })
            let renamed = try await send(app, .PATCH, "/api/v1/assets/\(computer.id!)", headers: .json(t.superToken),
                                         body: #"{"name":"compta-07","inventory_number":"INV-2024-0042"}"#)
            #expect(try json(renamed)["name"] as? String == "compta-07")
            #expect(try await Self.post(live, "/", body, plainType: "application/json").status == .ok)
            var stored = try #require(try await AssetModel.find(computer.id, on: app.db))
            #expect(stored.name == "compta-07" && stored.lockedFields == ["name"] && stored.inventoryNumber == "INV-2024-0042")
            _ = try await send(app, .PATCH, "/api/v1/assets/\(computer.id!)", headers: .json(t.superToken),
                               body: #"{"unlock":["name"]}"#)
            // The next inventory that changes the hardware section puts the host name back.
            var changed = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            var content = try #require(changed["content"] as? [String: Any])
            var hardware = try #require(content["hardware"] as? [String: Any])
            hardware["memory"] = 32_000
            content["hardware"] = hardware
            changed["content"] = content
            #expect(try await Self.post(live, "/", try JSONSerialization.data(withJSONObject: changed),
                                        plainType: "application/json").status == .ok)
            stored = try #require(try await AssetModel.find(computer.id, on: app.db))
            #expect(stored.name == "glpixps" && stored.lockedFields.isEmpty)
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == computer.id!.uuidString)
                .sort(\.$createdAt).all().map(\.action)
            #expect(history.contains("asset.updated") && history.last == "inventory.updated", "\(history)")
        } }
    }

    @Test("loans and disposals move the status by the lifecycle and keep their records", arguments: TestDatabase.all)
    func loansAndDisposals(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let created = try await send(app, .POST, "/api/v1/assets", headers: .json(t.alphaToken),
                                         body: #"{"entity_id":"\#(t.alpha.id!)","type":"computer","name":"PRET-01"}"#)
            let id = try #require(try json(created)["id"] as? String)
            #expect(try await send(app, .POST, "/api/v1/assets/\(id)/loans", headers: .json(t.alphaToken),
                                   body: #"{"borrower":"M. Martin","loaned_on":"2026-12-01","due_on":"2026-11-01"}"#)
                    .status == .unprocessableEntity, "due before the loan")
            let loan = try await send(app, .POST, "/api/v1/assets/\(id)/loans", headers: .json(t.alphaToken),
                                      body: #"{"borrower":"M. Martin","loaned_on":"2026-11-01","due_on":"2026-11-15"}"#)
            #expect(loan.status == .created, "\(loan.body.string)")
            let loanID = try #require(try json(loan)["id"] as? String)
            #expect(try await AssetModel.find(UUID(uuidString: id), on: app.db)?.status == "loaned")
            // Already loaned: a second loan is refused by the lifecycle (loaned → loaned is no transition).
            #expect(try await send(app, .POST, "/api/v1/assets/\(id)/loans", headers: .json(t.alphaToken),
                                   body: #"{"borrower":"x","due_on":"2027-01-01"}"#).status == .unprocessableEntity)
            let listed = try await send(app, .GET, "/api/v1/assets/\(id)/loans", headers: .bearer(t.alphaToken))
            let loans = try JSONSerialization.jsonObject(with: Data(listed.body.readableBytesView)) as? [[String: Any]] ?? []
            #expect(loans.first?["overdue"] as? Bool == true, "due 2026-11-15, the clock says 2026-11-30")
            #expect(try await send(app, .POST, "/api/v1/assets/\(id)/loans/\(loanID)/return", headers: .json(t.alphaToken),
                                   body: "{}").status == .noContent)
            #expect(try await AssetModel.find(UUID(uuidString: id), on: app.db)?.status == "in_stock")
            #expect(try await send(app, .POST, "/api/v1/assets/\(id)/loans/\(loanID)/return", headers: .json(t.alphaToken),
                                   body: "{}").status != .noContent, "returned once")

            // Disposal: only from retired; WEEE needs the collector, its certificate and the wiping proof.
            let early = try await send(app, .POST, "/api/v1/assets/\(id)/disposal", headers: .json(t.alphaToken),
                                       body: #"{"method":"donation","wipe_method":"overwrite","wipe_proof":"rapport 12"}"#)
            #expect(early.status == .unprocessableEntity && early.body.string.contains("status"))
            _ = try await send(app, .PATCH, "/api/v1/assets/\(id)", headers: .json(t.alphaToken), body: #"{"status":"retired"}"#)
            let incomplete = try await send(app, .POST, "/api/v1/assets/\(id)/disposal", headers: .json(t.alphaToken),
                                            body: #"{"method":"weee_recycling","wipe_method":"overwrite"}"#)
            #expect(incomplete.status == .unprocessableEntity)
            for field in ["collector", "certificate_number", "wipe_proof"] {
                #expect(incomplete.body.string.contains(field), "\(field) is asked for")
            }
            let disposed = try await send(app, .POST, "/api/v1/assets/\(id)/disposal", headers: .json(t.alphaToken), body: """
                {"method":"weee_recycling","collector":"Ecosystem","certificate_number":"BSD-2026-118","wipe_method":"overwrite","wipe_proof":"nwipe 3 passes, rapport 2026-118"}
                """)
            #expect(disposed.status == .created, "\(disposed.body.string)")
            #expect(try await AssetModel.find(UUID(uuidString: id), on: app.db)?.status == "disposed")
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == id).sort(\.$createdAt).all()
                .map(\.action)
            #expect(history == ["asset.created", "asset.loaned", "asset.returned", "asset.updated", "asset.disposed"])
        }
    }

    @Test("the Lifecycle tab: purchase and value, lending and taking back, the disposal form and its errors",
          arguments: TestDatabase.all)
    func lifecycleTab(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let created = try await send(app, .POST, "/api/v1/assets", headers: .json(t.alphaToken), body: """
                {"entity_id":"\(t.alpha.id!)","type":"computer","name":"PRET-02","purchase_date":"2024-11-30",
                 "purchase_cost":1000,"supplier":"UGAP","warranty_end":"2026-06-30"}
                """)
            let id = try #require(try json(created)["id"] as? String)
            let web = WebClient(app)
            try await web.signIn("alice")
            var page = try await web.get("/assets/\(id)?tab=lifecycle")
            #expect(page.status == .ok)
            // Bought about 2 years ago for 1000, straight-line over 5 years: worth about 600 today; warranty over.
            let valueText = try #require(page.body.string.firstMatch(of: /([0-9]{3}\.[0-9]{2}) \(straight-line over 5 years\)/))
            let value = try #require(Double(valueText.output.1))
            #expect(value > 550 && value < 650, "\(value)")
            #expect(page.body.string.contains("UGAP") && page.body.string.contains("ended on 2026-06-30"))
            #expect(page.body.string.contains("action=\"/assets/\(id)/loans\"")
                    && !page.body.string.contains("action=\"/assets/\(id)/disposal\""), "lend, not dispose, when in stock")

            // A refused loan comes back with its error next to the field, and the values typed.
            let refused = try await web.post("/assets/\(id)/loans", ["borrower": "", "due_on": "2026-12-15"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("field-error") && refused.body.string.contains("value=\"2026-12-15\""))
            #expect(try await AssetModel.find(UUID(uuidString: id), on: app.db)?.status == "in_stock")
            // Without the CSRF token nothing happens.
            #expect(try await web.post("/assets/\(id)/loans", ["borrower": "Mme Roux", "due_on": "2026-12-15"],
                                       includeCSRF: false).status == .forbidden)
            let lent = try await web.post("/assets/\(id)/loans", ["borrower": "Mme Roux", "loaned_on": "2026-11-02",
                                                                   "due_on": "2026-11-20", "comment": "salon"])
            #expect(lent.status == .seeOther, "\(lent.status) \(lent.body.string)")
            #expect(try await AssetModel.find(UUID(uuidString: id), on: app.db)?.status == "loaned")
            page = try await web.get("/assets/\(id)?tab=lifecycle")
            #expect(page.body.string.contains("Mme Roux") && page.body.string.contains("Overdue"))
            let loanID = try #require(try await (app.db as! any SQLDatabase).select().column("id").from("asset_loans")
                .first()?.decode(column: "id", as: UUID.self))
            // Someone of another entity can neither see nor act.
            let outsider = WebClient(app)
            try await outsider.signIn("bob")
            #expect(try await outsider.get("/assets/\(id)?tab=lifecycle").status == .notFound)
            #expect(try await outsider.post("/assets/\(id)/loans/\(loanID)/return", [:]).status == .notFound)
            #expect(try await web.post("/assets/\(id)/loans/\(loanID)/return", [:]).status == .seeOther)
            #expect(try await AssetModel.find(UUID(uuidString: id), on: app.db)?.status == "in_stock")

            // Disposal: offered once retired; WEEE without its collector is refused, field by field.
            _ = try await send(app, .PATCH, "/api/v1/assets/\(id)", headers: .json(t.alphaToken), body: #"{"status":"retired"}"#)
            page = try await web.get("/assets/\(id)?tab=lifecycle")
            #expect(page.body.string.contains("action=\"/assets/\(id)/disposal\""))
            let incomplete = try await web.post("/assets/\(id)/disposal", ["method": "weee_recycling", "wipe_method": "overwrite"])
            #expect(incomplete.status == .unprocessableEntity)
            #expect(incomplete.body.string.contains("WEEE recycling needs the collector&#39;s name.")
                    || incomplete.body.string.contains("WEEE recycling needs the collector's name."), "\(incomplete.body.string)")
            #expect(incomplete.body.string.contains("<option value=\"weee_recycling\" selected>"))
            let disposed = try await web.post("/assets/\(id)/disposal", [
                "method": "weee_recycling", "collector": "Ecosystem", "certificate_number": "BSD-2026-7",
                "wipe_method": "physical_destruction", "wipe_proof": "broyage, PV 2026-7", "disposed_on": "2026-11-29",
            ])
            #expect(disposed.status == .seeOther)
            page = try await web.get("/assets/\(id)?tab=lifecycle")
            #expect(page.body.string.contains("BSD-2026-7") && page.body.string.contains("Physical destruction")
                    && !page.body.string.contains("action=\"/assets/\(id)/disposal\""))
            #expect(try await AssetModel.find(UUID(uuidString: id), on: app.db)?.status == "disposed")
        }
    }

    @Test("bad bodies get a clear 4xx and change nothing", arguments: TestDatabase.all)
    func badInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            #expect(try await Self.post(live, "/", try InventoryFixture.data("inventory/glpi-json/computer_2.json"),
                                        plainType: "application/json").status == .ok)
            let before = try await db.counts()
            let inventory = try InventoryFixture.fusionDebian
            let compressed = InventoryCompression.zlib.compress(inventory)
            var manySoftware = "{\"deviceid\":\"big-1\",\"action\":\"inventory\",\"content\":{\"versionclient\":\"GLPI-Agent_v1.11\",\"hardware\":{\"name\":\"big\"},\"softwares\":["
            manySoftware += (0..<100_000).map { "{\"name\":\"pkg\($0)\",\"version\":\"1.\($0)\"}" }.joined(separator: ",")
            manySoftware += "]}}"
            let cases: [(String, Data, HTTPHeaders, HTTPResponseStatus)] = [
                ("truncated zlib", compressed.prefix(compressed.count / 2), ["Content-Type": "application/x-compress-zlib"], .badRequest),
                ("garbage", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }), ["Content-Type": "application/x-compress-zlib"], .badRequest),
                ("bomb", InventoryCompression.zlib.compress(Data(count: 80 << 20)), ["Content-Type": "application/x-compress-zlib"], .payloadTooLarge),
                ("truncated XML", inventory.prefix(inventory.count / 2), ["Content-Type": "application/xml"], .badRequest),
                ("wrong type", Data(#"{"deviceid":"x","action":"inventory","content":{"hardware":{"memory":"lots"}}}"#.utf8), ["Content-Type": "application/json"], .badRequest),
                ("DTD", Data("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><REQUEST><QUERY>PROLOG</QUERY></REQUEST>".utf8), ["Content-Type": "application/xml"], .badRequest),
                ("empty", Data(), ["Content-Type": "application/xml"], .badRequest),
                ("unknown query", Data("<?xml version=\"1.0\"?><REQUEST><DEVICEID>x</DEVICEID><QUERY>WAKEONLAN</QUERY></REQUEST>".utf8), ["Content-Type": "application/xml"], .badRequest),
            ]
            for (name, body, headers, status) in cases {
                let response = try await live.send(.POST, "/", headers: headers, body: body)
                #expect(response.status == status, "\(name): \(response.body.string.prefix(300))")
                #expect(!response.body.string.isEmpty, "\(name) says why")
            }
            #expect(try await db.counts() == before)

            // 100 000 programs: documented behaviour — taken, one catalogue entry each.
            let big = try await live.send(.POST, "/", headers: ["Content-Type": "application/json"],
                                         body: Data(manySoftware.utf8))
            #expect(big.status == .ok, "\(big.body.string.prefix(300))")
            let asset = try #require(try await db.assets().first { $0.name == "big" })
            #expect(try await db.software(of: asset.id!).count == 100_000)
        } }
    }

    @Test("concurrent first inventories: one asset per machine, no deadlock, nothing lost", arguments: TestDatabase.all)
    func concurrency(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            let base = try InventoryFixture.fusionDebian
            // 12 distinct machines, each sent twice at once.
            try await withThrowingTaskGroup(of: HTTPResponseStatus.self) { group in
                for index in 0..<24 {
                    let body = InventoryFixture.relabel(base, index: index % 12)
                    group.addTask { try await Self.post(live, "/", body).status }
                }
                for try await status in group { #expect(status == .ok) }
            }
            let assets = try await db.assets()
            #expect(assets.count == 12, "\(assets.map(\.name))")
            #expect(Set(assets.map(\.name)).count == 12)
            // Each has its own row number, given in the insert (decision 0075), links included.
            #expect(Set(assets.compactMap(\.number)).count == 12)
            let counts = try await db.counts()
            let perMachine = try await db.software(of: assets[0].id!).count
            #expect(perMachine > 700)
            #expect(counts["asset_software"] == perMachine * 12)
            #expect(counts["software_versions"]! <= perMachine + 5)
        } }
    }

    @Test("re-inventories write the asset row by SQL: changed fields and their history, locked fields kept, the rest untouched (decision 0075)",
          arguments: TestDatabase.all)
    func assetRowBySQL(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            // setup
            let t = try await Tenancy.make(app)
            let db = InventoryDatabase(app: app)
            let body = try InventoryFixture.data("inventory/glpi-json/computer_1.json")
            #expect(try await Self.post(live, "/", body, plainType: "application/json").status == .ok)
            let first = try #require(try await db.assets().first { $0.type == "computer" })
            // A new machine's row, as Fluent's model reads it back.
            #expect(first.name == "glpixps" && first.status == "deployed" && first.entityID == t.root.id)
            #expect(first.customFieldsJSON == "{}" && first.lockedFieldsJSON == "[]" && first.number != nil)
            #expect(first.createdAt != nil && first.updatedAt != nil && first.lastInventoryAt != nil)
            #expect(first.osVersion == "31 (Workstation Edition)" && first.memoryBytes == 7800 << 20)
            let digests = try JSONDecoder().decode([String: String].self, from: Data(first.fingerprintsJSON.utf8))
            #expect(digests["software"] != nil && digests["_keys"] != nil && digests["cpus"] != nil, "\(digests)")
            let software = try await db.software(of: first.id!)
            #expect(software.count == 6)

            // A technician sets the manufacturer and a comment by hand: the manufacturer is locked.
            let edited = try await send(app, .PATCH, "/api/v1/assets/\(first.id!)", headers: .json(t.superToken),
                                        body: #"{"manufacturer":"Atelier Dupont","comment":"garder"}"#)
            #expect(edited.status == .ok, "\(edited.body.string)")

            // MUT: the same machine with more memory and another OS version.
            var changed = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            var content = try #require(changed["content"] as? [String: Any])
            var hardware = try #require(content["hardware"] as? [String: Any])
            hardware["memory"] = 16_000
            content["hardware"] = hardware
            var system = try #require(content["operatingsystem"] as? [String: Any])
            system["version"] = "32 (Workstation Edition)"
            content["operatingsystem"] = system
            changed["content"] = content
            #expect(try await Self.post(live, "/", try JSONSerialization.data(withJSONObject: changed),
                                        plainType: "application/json").status == .ok)

            // validate
            let second = try #require(try await AssetModel.find(first.id, on: app.db))
            #expect(second.memoryBytes == 16_000 << 20 && second.osVersion == "32 (Workstation Edition)")
            #expect(second.manufacturer == "Atelier Dupont" && second.lockedFields == ["manufacturer"])
            #expect(second.comment == "garder" && second.status == "deployed" && second.name == "glpixps")
            #expect(second.number == first.number && second.createdAt == first.createdAt)
            #expect(second.lastInventoryAt != nil && second.updatedAt != nil)
            #expect(Set(try await db.software(of: first.id!)) == Set(software))
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == first.id!.uuidString)
                .sort(\.$createdAt).all()
            #expect(history.map(\.action) == ["inventory.created", "asset.updated", "inventory.updated"])
            let changes = try JSONDecoder().decode([FieldChange].self, from: Data(history[2].changes.utf8))
            #expect(changes.contains(FieldChange(field: "memory_bytes", before: String(7800 << 20),
                                                 after: String(16_000 << 20))), "\(changes)")
            #expect(changes.contains(FieldChange(field: "os_version", before: "31 (Workstation Edition)",
                                                 after: "32 (Workstation Edition)")), "\(changes)")
            #expect(!changes.contains { $0.field == "manufacturer" || $0.field == "name" }, "\(changes)")
            #expect(history[2].objectLabel == "glpixps")

            // The same inventory again changes nothing and records nothing.
            #expect(try await Self.post(live, "/", try JSONSerialization.data(withJSONObject: changed),
                                        plainType: "application/json").status == .ok)
            let third = try #require(try await AssetModel.find(first.id, on: app.db))
            #expect(third.fingerprintsJSON == second.fingerprintsJSON && third.memoryBytes == second.memoryBytes)
            #expect(try await AuditEntryModel.query(on: app.db).filter(\.$objectID == first.id!.uuidString).count() == 3)
        } }
    }

    @Test("software links go in as one JSON array: any count, install dates with any character (decision 0075)",
          arguments: TestDatabase.all)
    func linksAsJSON(_ database: TestDatabase) async throws {
        for text in ["2024-01-02", "a \"quoted\" \\ back", "line\nbreak\ttab\u{1}", "été ✓ 🐧", ""] {
            var json = ""
            JSONText.appendString(text, to: &json)
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String]
            #expect(decoded == [text], "\(json)")
        }
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            #expect(try await Self.post(live, "/", try InventoryFixture.data("inventory/glpi-json/computer_1.json"),
                                        plainType: "application/json").status == .ok)
            let asset = try #require(try await InventoryDatabase(app: app).assets().first)
            let sql = app.db as! any SQLDatabase
            let versions = try await sql.select().column("num").from("software_versions").all()
                .map { try $0.decode(column: "num", as: Int64.self) }
            #expect(versions.count >= 6)
            try await sql.delete(from: "asset_software").where("asset_num", .equal, asset.number!).run()
            let dates: [String?] = ["2024-01-02", nil, "it's \"odd\"\n", "été"]
            let links = versions.enumerated().map { (version: $0.element, installDate: dates[$0.offset % dates.count]) }
            try await InventoryImporter.insertLinks(asset: asset.number!, links, on: sql)
            try await InventoryImporter.insertLinks(asset: asset.number!, [], on: sql)
            let rows = try await sql.select().column("version_num").column("install_date").from("asset_software")
                .where("asset_num", .equal, asset.number!).orderBy("version_num").all()
            var stored: [Int64: String?] = [:]
            for row in rows {
                stored[try row.decode(column: "version_num", as: Int64.self)] =
                    try row.decodeNil(column: "install_date") ? nil : row.decode(column: "install_date", as: String.self)
            }
            #expect(stored.count == links.count)
            for link in links { #expect(stored[link.version] == .some(link.installDate), "\(link)") }
        } }
    }

    @Test("links never point at a missing version: the key on SQLite, the join and the delete trigger on PostgreSQL, also after the migration on a database with data (decision 0079)",
          arguments: TestDatabase.all)
    func softwareLinkIntegrity(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            _ = try await Tenancy.make(app)
            let sql = app.db as! any SQLDatabase
            func count(_ query: SQLQueryString) async throws -> Int {
                try #require(try await sql.raw("SELECT COUNT(*) AS n FROM \(query)").first()).decode(column: "n", as: Int.self)
            }
            func orphans() async throws -> Int {
                try await count("""
                    asset_software l WHERE NOT EXISTS (SELECT 1 FROM software_versions v WHERE v.num = l.version_num)
                    """)
            }
            func versionKeys() async throws -> Int {
                try await count("""
                    pg_constraint WHERE contype = 'f' AND conrelid = 'asset_software'::regclass \
                    AND confrelid = 'software_versions'::regclass
                    """)
            }
            if database == .postgres {
                // MUT: the migration put back as it was, then run again over a database that holds links.
                try await DropSoftwareLinkVersionKey().revert(on: app.db)
                #expect(try await versionKeys() == 1)
            }
            for fixture in ["computer_1", "phone_1"] {
                #expect(try await Self.post(live, "/", try InventoryFixture.data("inventory/glpi-json/\(fixture).json"),
                                            plainType: "application/json").status == .ok)
            }
            let links = try await count("asset_software")
            #expect(links >= 6)
            if database == .postgres {
                try await DropSoftwareLinkVersionKey().prepare(on: app.db)
                #expect(try await versionKeys() == 0)
                #expect(try await count("""
                    pg_constraint WHERE contype = 'f' AND conrelid = 'asset_software'::regclass \
                    AND confrelid = 'assets'::regclass
                    """) == 1)
                #expect(try await count("asset_software") == links)
            }
            // The computer: the machine with the most links, so that it keeps some after the deletions below.
            let first = try #require(try await sql.raw("""
                SELECT asset_num FROM asset_software GROUP BY asset_num ORDER BY COUNT(*) DESC LIMIT 1
                """).first()).decode(column: "asset_num", as: Int64.self)
            // A link to a version that does not exist: refused by the key on SQLite, left out by the join on PostgreSQL.
            let missing = try await count("software_versions") + 1_000
            let kept = try #require(try await sql.select().column("version_num").from("asset_software")
                .where("asset_num", .equal, first).first()).decode(column: "version_num", as: Int64.self)
            try await sql.delete(from: "asset_software").where("asset_num", .equal, first).where("version_num", .equal, kept).run()
            if database == .postgres {
                try await InventoryImporter.insertLinks(asset: first, [(Int64(missing), nil), (kept, "2024-01-02")], on: sql)
                #expect(try await count("asset_software") == links)
            } else {
                await #expect(throws: (any Error).self) {
                    try await InventoryImporter.insertLinks(asset: first, [(Int64(missing), nil)], on: sql)
                }
            }
            #expect(try await orphans() == 0)
            // Deleting a version, then a program (its versions go by cascade), deletes their links.
            let version = try #require(try await sql.select().column("version_num").from("asset_software").first())
                .decode(column: "version_num", as: Int64.self)
            try await sql.delete(from: "software_versions").where("num", .equal, version).run()
            #expect(try await count("asset_software WHERE version_num = \(bind: version)") == 0)
            let program = try #require(try await sql.select().column(SQLColumn("software_id", table: "software_versions"))
                .from("software_versions").join("asset_software", on: SQLColumn("version_num", table: "asset_software"),
                                                 .equal, SQLColumn("num", table: "software_versions"))
                .first()).decode(column: "software_id", as: UUID.self)
            try await sql.delete(from: "software").where("id", .equal, program).run()
            #expect(try await count("software_versions WHERE software_id = \(bind: program)") == 0)
            #expect(try await orphans() == 0)
            let remaining = try await count("asset_software")
            #expect(remaining > 0 && remaining < links - 1)
            // Deleting an asset still deletes its links.
            let firstLinks = try await count("asset_software WHERE asset_num = \(bind: first)")
            #expect(firstLinks > 0)
            try await sql.delete(from: "assets").where("num", .equal, first).run()
            #expect(try await count("asset_software WHERE asset_num = \(bind: first)") == 0)
            #expect(try await count("asset_software") == remaining - firstLinks)
        } }
    }

    @Test("agent requests read rules and settings from a two-second cache: this instance's changes apply at once, another's within two seconds (decision 0076)",
          arguments: TestDatabase.all)
    func intakeCache(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in try await LiveServer.with(app) { live in
            let t = try await Tenancy.make(app)
            let prolog = try InventoryFixture.data("agent-protocols/fusioninventory-zlib-send/01-POST-PROLOG.request-body.xml")
            #expect(try await Self.post(live, "/", prolog).status == .ok)
            // Through the API (this instance): the very next request is refused.
            let put = try await send(app, .PUT, "/api/v1/inventory/settings/\(t.root.id!)", headers: .json(t.superToken),
                                     body: #"{"allowed_ranges":["10.0.0.0/8"]}"#)
            #expect(put.status == .ok, "\(put.body.string)")
            #expect(try await Self.post(live, "/", prolog).status == .forbidden)
            // Behind its back (as another instance would): seen once the cache is two seconds old.
            let sql = app.db as! any SQLDatabase
            try await sql.delete(from: "inventory_settings").run()
            #expect(try await Self.post(live, "/", prolog).status == .forbidden)
            clock.advance(2)
            #expect(try await Self.post(live, "/", prolog).status == .ok)
            // An entity rule added through the API places the next inventory at once.
            #expect(try await send(app, .POST, "/api/v1/inventory/entity-rules", headers: .json(t.superToken),
                                   body: #"{"name":"Beta's agents","entity_id":"\#(t.beta.id!)","tag":"000005"}"#)
                .status == .created)
            #expect(try await Self.post(live, "/", try InventoryFixture.data("inventory/glpi-json/computer_1.json"),
                                        plainType: "application/json").status == .ok)
            #expect(try await InventoryDatabase(app: app).assets().first?.entityID == t.beta.id)
        } }
    }
}
