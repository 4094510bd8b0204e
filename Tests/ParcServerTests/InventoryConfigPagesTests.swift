import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Inventory configuration pages: entity settings, entity rules, software dictionary")
struct InventoryConfigPagesTests {
    /// The values of the `match_order[]` fields of a settings form, in page order.
    static func matchOrder(_ html: String) -> [String] {
        html.components(separatedBy: "name=\"match_order[]\" value=\"").dropFirst()
            .compactMap { $0.split(separator: "\"").first.map(String.init) }
    }

    /// The text of the element with this id (up to the next tag).
    static func text(of id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\">") else { return nil }
        return html[start.upperBound...].split(separator: "<", maxSplits: 1).first.map(String.init)
    }

    static func form(_ order: [String], use: [String], ranges: String = "", user: String = "",
                     require: Bool = false, action: String = "save") -> [(String, String)] {
        var pairs = order.map { ("match_order[]", $0) } + use.map { ("match_use[]", $0) }
        pairs += [("allowed_ranges", ranges), ("basic_user", user), ("action", action)]
        if require { pairs.append(("require_credentials", "on")) }
        return pairs
    }

    @Test("the settings page shows where values come from, reorders without saving, keeps input on errors and saves",
          arguments: TestDatabase.all)
    func settingsPage(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup: Root › Alpha › Alpha Lyon
            let t = try await Tenancy.make(app)
            let lyon = EntityModel(parentID: t.alpha.id, name: "Alpha Lyon", code: "LYO")
            try await lyon.create(on: app.db)
            let web = WebClient(app)
            try await web.signIn("root")

            // MUT: the index and a page with Parc's defaults
            let index = try await web.get("/inventory/settings")
            #expect(index.status == .ok && index.body.string.contains("/inventory/settings/\(lyon.id!)"))
            let page = try await web.get("/inventory/settings/\(t.alpha.id!)")
            #expect(page.status == .ok)
            #expect(Self.text(of: "settings-source", in: page.body.string) == "Parc&#39;s defaults")
            #expect(Self.matchOrder(page.body.string) == ["uuid", "serial", "mac", "name"])

            // ↓ reorders the list on the page only.
            let order = ["uuid", "serial", "mac", "name"]
            var moved = Self.form(order, use: ["uuid", "serial", "mac", "name"])
            moved.append(("move", "down-uuid"))
            let reordered = try await web.post("/inventory/settings/\(t.alpha.id!)", pairs: moved)
            #expect(reordered.status == .ok && reordered.body.string.contains("id=\"reordered\""))
            #expect(Self.matchOrder(reordered.body.string) == ["serial", "uuid", "mac", "name"])
            #expect(try await InventorySettings.own(t.alpha.id!, on: app.db) == nil, "moving saves nothing")

            // A bad range: 422, the message next to the field, what was typed kept, nothing saved.
            let bad = try await web.post("/inventory/settings/\(t.alpha.id!)", pairs: Self.form(
                ["serial", "uuid", "mac", "name"], use: ["serial", "name"], ranges: "10.0.0.0/8\n10.1.2.3/8\n"))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("class=\"field-error\">&#39;10.1.2.3/8&#39; has bits set after its prefix"))
            #expect(bad.body.string.contains("10.0.0.0/8\n10.1.2.3/8"))
            #expect(Self.matchOrder(bad.body.string) == ["serial", "uuid", "mac", "name"])
            #expect(try await InventorySettings.own(t.alpha.id!, on: app.db) == nil)
            let none = try await web.post("/inventory/settings/\(t.alpha.id!)", pairs: Self.form(order, use: []))
            #expect(none.status == .unprocessableEntity && none.body.string.contains("Give at least one of uuid"))
            let hostileUser = try await web.post("/inventory/settings/\(t.alpha.id!)", pairs: Self.form(
                order, use: ["uuid"], user: "a:b<script>", require: true))
            #expect(hostileUser.status == .unprocessableEntity && hostileUser.body.string.contains("no colon")
                    && hostileUser.body.string.contains("a:b&lt;script&gt;") && !hostileUser.body.string.contains("a:b<script>"))

            // Saved: the order of the ticked keys and the ranges; Root's own settings do not reach Alpha Lyon,
            // which inherits from its nearest ancestor.
            let saved = try await web.post("/inventory/settings/\(t.alpha.id!)", pairs: Self.form(
                ["serial", "uuid", "mac", "name"], use: ["name", "serial"], ranges: " 10.0.0.0/8 \n\n192.168.1.0/24"))
            #expect(saved.status == .seeOther)
            #expect(try await web.post("/inventory/settings/\(t.root.id!)", pairs: Self.form(
                order, use: ["uuid"], ranges: "172.16.0.0/12")).status == .seeOther)
            let tree = try await EntityTree.load(app)
            let effective = try await InventorySettings.effective(for: lyon.id!, tree: tree, on: app.db)
            #expect(effective.matchOrder == [.serial, .name] && effective.allowedRanges == ["10.0.0.0/8", "192.168.1.0/24"])
            let lyonPage = try await web.get("/inventory/settings/\(lyon.id!)")
            #expect(Self.text(of: "settings-source", in: lyonPage.body.string) == "Inherited from Root › Alpha")
            #expect(lyonPage.body.string.contains("10.0.0.0/8\n192.168.1.0/24"))
            let api = try json(try await send(app, .GET, "/api/v1/inventory/settings/\(lyon.id!)", headers: .bearer(t.superToken)))
            #expect(api["inherited_from"] as? String == t.alpha.id!.uuidString && api["match_order"] as? [String] == ["serial", "name"])

            // Alpha goes back to inheriting from Root.
            #expect(try await web.post("/inventory/settings/\(t.alpha.id!)/inherit", [:]).status == .seeOther)
            #expect(try await InventorySettings.own(t.alpha.id!, on: app.db) == nil)
            #expect(Self.text(of: "settings-source", in: try await web.get("/inventory/settings/\(lyon.id!)").body.string)
                    == "Inherited from Root")
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "entity").all().map(\.action)
            #expect(history.filter { $0 == "inventory.settings" }.count == 2 && history.contains("inventory.settings.inherited"))

            // The same page in French.
            let admin = try #require(try await UserModel.find(t.superAdmin.id, on: app.db))
            admin.language = "fr"
            try await admin.save(on: app.db)
            let french = try await web.post("/inventory/settings/\(t.alpha.id!)", pairs: Self.form(
                order, use: ["uuid"], ranges: "010.0.0.1"))
            #expect(french.body.string.contains("Paramètres d&#39;inventaire")
                    && french.body.string.contains("«\u{00A0}010.0.0.1\u{00A0}» n&#39;est pas une adresse IP"))
        }
    }

    @Test("generated credentials are shown once and stored as their hash; the page then says only that they are set",
          arguments: TestDatabase.all)
    func credentials(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let web = WebClient(app)
            try await web.signIn("bob")
            let path = "/inventory/settings/\(t.beta.id!)"
            let order = ["uuid", "serial", "mac", "name"]
            #expect(try await web.post(path, pairs: Self.form(order, use: order, require: true)).status
                    == .unprocessableEntity, "credentials need a user name")

            // MUT: first requiring credentials generates them.
            let first = try await web.post(path, pairs: Self.form(order, use: order, user: "agents", require: true))
            #expect(first.status == .ok)
            let password = try #require(Self.text(of: "new-password", in: first.body.string))
            #expect(password.count >= 40)
            var stored = try #require(try await InventorySettings.own(t.beta.id!, on: app.db))
            #expect(stored.basicUser == "agents" && stored.basicPasswordHash == Secrets.fingerprint(password))

            // validate: never shown again, nor kept in clear anywhere
            let again = try await web.get(path)
            #expect(!again.body.string.contains(password) && again.body.string.contains("Password set"))
            let rows = try await (app.db as! any SQLDatabase).select().column("*").from("inventory_settings").all()
            let storedHash = try rows.first?.decode(column: "basic_password_hash", as: String.self)
            #expect(rows.count == 1 && storedHash?.contains(password) == false)
            let audit = try await AuditEntryModel.query(on: app.db).all()
            #expect(!audit.contains { $0.changes.contains(password) })

            // Saving keeps the password the agents hold; "generate" replaces it; unticking removes it.
            let kept = try await web.post(path, pairs: Self.form(order, use: ["serial"], user: "agents", require: true))
            #expect(kept.status == .seeOther)
            stored = try #require(try await InventorySettings.own(t.beta.id!, on: app.db))
            #expect(stored.basicPasswordHash == Secrets.fingerprint(password) && stored.matchOrder == [.serial])
            let regenerated = try await web.post(path, pairs: Self.form(order, use: ["serial"], user: "agents", require: true,
                                                                          action: "generate"))
            let second = try #require(Self.text(of: "new-password", in: regenerated.body.string))
            #expect(second != password)
            stored = try #require(try await InventorySettings.own(t.beta.id!, on: app.db))
            #expect(stored.basicPasswordHash == Secrets.fingerprint(second))
            #expect(try await web.post(path, pairs: Self.form(order, use: order, user: "agents")).status == .seeOther)
            stored = try #require(try await InventorySettings.own(t.beta.id!, on: app.db))
            #expect(stored.basicUser == nil && stored.basicPasswordHash == nil)
        }
    }

    @Test("entity rules: added with inline errors, moved and deleted; the tester answers as the import places agents",
          arguments: TestDatabase.all)
    func entityRules(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let web = WebClient(app)
            try await web.signIn("root")
            #expect(try await web.get("/inventory/entity-rules").body.string.contains("No rule: every new machine"))

            // Refused: errors next to their fields, the input kept, nothing stored.
            let bad = try await web.post("/inventory/entity-rules", ["name": "", "entity_id": t.beta.id!.uuidString,
                                                                   "ip_ranges": "10.0.0.0/33", "host_pattern": "pc-*"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Give a name of 1 to 200 characters.")
                    && bad.body.string.contains("the prefix length after / must be a number from 0 to 32"))
            #expect(bad.body.string.contains("value=\"pc-*\"") && bad.body.string.contains(">10.0.0.0/33</textarea>"))
            let empty = try await web.post("/inventory/entity-rules", ["name": "x", "entity_id": t.beta.id!.uuidString])
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("a rule without condition"))
            #expect(try await InventoryEntityRuleStore.rows(on: app.db).isEmpty)

            // The rules of docs/fleet-rules.md.
            for (name, entity, tag, ranges, host) in [
                ("Servers", t.beta.id!, "lyon", "10.69.10.0/24", ""), ("Lyon agents", t.alpha.id!, "lyon", "", ""),
                ("<script>alert(1)</script>", t.alpha.id!, "", "", "pc-lyon-*"),
            ] {
                let created = try await web.post("/inventory/entity-rules", [
                    "name": name, "entity_id": entity.uuidString, "tag": tag, "ip_ranges": ranges, "host_pattern": host])
                #expect(created.status == .seeOther, "\(created.body.string)")
            }
            let list = try await web.get("/inventory/entity-rules")
            #expect(list.body.string.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !list.body.string.contains("<script>alert"))
            #expect(try await InventoryEntityRuleStore.rows(on: app.db).map(\.position) == [10, 20, 30])

            func placement(_ query: String) async throws -> String? {
                Self.text(of: "placement", in: try await web.get("/inventory/entity-rules?test=1&\(query)").body.string)?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(try await placement("test_tag=LYON&test_ip=10.69.10.5&test_host=srv-db")
                    == "Goes to Root › Beta, by rule 1 (Servers).")
            #expect(try await placement("test_tag=lyon&test_ip=10.69.11.5&test_host=srv-db")
                    == "Goes to Root › Alpha, by rule 2 (Lyon agents).")
            #expect(try await placement("test_tag=&test_ip=10.75.3.4&test_host=PC-LYON-7")
                    == "Goes to Root › Alpha, by rule 3 (&lt;script&gt;alert(1)&lt;/script&gt;).")
            #expect(try await placement("test_tag=&test_ip=&test_host=pc-paris-7") == "No rule matches: goes to the root entity, Root.")
            let badIP = try await web.get("/inventory/entity-rules?test=1&test_ip=10.1&test_host=x")
            #expect(badIP.status == .unprocessableEntity && badIP.body.string.contains("&#39;10.1&#39; is not an IP address"))
            // The import's own answer for the same agents.
            let tree = try await EntityTree.load(app)
            let imported = try await InventoryEntityRuleStore.placement(tag: "lyon", ip: "10.69.11.5", hostName: "srv-db",
                                                                        tree: tree, on: app.db)
            #expect(imported?.entity == t.alpha.id && imported?.rule?.name == "Lyon agents")

            // Move the host rule up: it now comes before the tag rule.
            let rows = try await InventoryEntityRuleStore.rows(on: app.db)
            #expect(try await web.post("/inventory/entity-rules/\(rows[2].id)/move", ["direction": "up"]).status == .seeOther)
            #expect(try await InventoryEntityRuleStore.rows(on: app.db).map(\.name)
                    == ["Servers", "<script>alert(1)</script>", "Lyon agents"])
            #expect(try await placement("test_tag=lyon&test_ip=&test_host=pc-lyon-7")?.hasSuffix("by rule 2 (&lt;script&gt;alert(1)&lt;/script&gt;).") == true)
            #expect(try await web.post("/inventory/entity-rules/\(rows[0].id)/move", ["direction": "up"]).status == .seeOther,
                    "the first rule stays first")
            #expect(try await web.post("/inventory/entity-rules/\(rows[0].id)/move", ["direction": "sideways"]).status
                    == .unprocessableEntity)

            // Delete; an unknown rule is a 404.
            #expect(try await web.post("/inventory/entity-rules/\(rows[0].id)/delete", [:]).status == .seeOther)
            #expect(try await InventoryEntityRuleStore.rows(on: app.db).map(\.name) == ["<script>alert(1)</script>", "Lyon agents"])
            #expect(try await web.post("/inventory/entity-rules/\(rows[0].id)/delete", [:]).status == .notFound)
            let actions = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "inventory_entity_rule").all()
                .map(\.action)
            #expect(Set(actions) == ["inventory.entity_rule.created", "inventory.entity_rule.moved", "inventory.entity_rule.deleted"])
        }
    }

    @Test("software dictionary: regex errors inline, move and delete; the tester says renamed, merged, ignored or unchanged",
          arguments: TestDatabase.all)
    func dictionary(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            // setup: Firefox by Mozilla is in the catalogue, covered by a licence of Alpha.
            let firefox = UUID()
            let key = SoftwareCatalogueKey(name: "Firefox", publisher: "Mozilla")
            try await (app.db as! any SQLDatabase).insert(into: "software")
                .columns("id", "name_key", "publisher_key", "name", "publisher", "created_at")
                .values(SQLBind(firefox), SQLBind(key.name), SQLBind(key.publisher), SQLBind("Firefox"), SQLBind("Mozilla"),
                        SQLBind(Date())).run()
            let licence = SoftwareLicenceModel()
            licence.entityID = t.alpha.id!
            licence.softwareID = firefox
            licence.name = "Firefox"
            licence.licenceType = "site"
            try await licence.create(on: app.db)
            let web = WebClient(app)
            try await web.signIn("root")
            #expect(try await web.get("/software/dictionary").body.string.contains("No rule: programs are kept"))

            // The linear-time engine's refusals, next to the pattern, with what was typed.
            let broken = try await web.post("/software/dictionary", ["match": "regex", "pattern": "(a", "action": "ignore"])
            #expect(broken.status == .unprocessableEntity)
            #expect(broken.body.string.contains("Rule 1: the program name regular expression is refused. At character")
                    && broken.body.string.contains("value=\"(a\""))
            let backreference = try await web.post("/software/dictionary", [
                "match": "regex", "pattern": "(a)\\1", "action": "ignore"])
            #expect(backreference.status == .unprocessableEntity && backreference.body.string.contains("regular expression is refused"))
            let noTarget = try await web.post("/software/dictionary", ["match": "equals", "pattern": "x", "action": "rename"])
            #expect(noTarget.status == .unprocessableEntity && noTarget.body.string.contains("a rename needs a new name"))
            #expect(try await SoftwareRuleStore.rows(on: app.db).isEmpty)

            for form in [
                ["match": "regex", "pattern": "^mozilla firefox .*$", "publisher_match": "equals", "publisher_pattern": "Mozilla",
                 "action": "rename", "new_name": "Firefox", "comment": "\"><img src=x onerror=alert(1)>"],
                ["match": "equals", "pattern": "gitg", "action": "rename", "new_name": "Gitg (GNOME)"],
                ["match": "starts_with", "pattern": "Update for", "action": "ignore"],
            ] {
                let created = try await web.post("/software/dictionary", form)
                #expect(created.status == .seeOther, "\(created.body.string)")
            }
            let list = try await web.get("/software/dictionary")
            #expect(list.body.string.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") && !list.body.string.contains("<img src=x"))

            func outcome(_ name: String, _ publisher: String = "") async throws -> (kind: String?, html: String) {
                var components = URLComponents()
                components.queryItems = [.init(name: "test", value: "1"), .init(name: "test_name", value: name),
                                         .init(name: "test_publisher", value: publisher)]
                let html = try await web.get("/software/dictionary?\(components.percentEncodedQuery!)").body.string
                let kind = html.components(separatedBy: "data-outcome=\"").dropFirst().first?.split(separator: "\"").first
                return (kind.map(String.init), html)
            }
            let merged = try await outcome("Mozilla Firefox 120.0 (x64 fr)", "Mozilla")
            #expect(merged.kind == "merged" && merged.html.contains("Merged by rule 1 into a program the catalogue already holds")
                    && merged.html.contains("href=\"/software/\(firefox)\""))
            #expect(try await outcome("Mozilla Firefox 120.0 (x64 fr)", "Someone else").kind == "unchanged",
                    "the publisher condition holds too")
            let renamed = try await outcome("GITG")
            #expect(renamed.kind == "renamed" && renamed.html.contains("Renamed by rule 2:") && renamed.html.contains("Gitg (GNOME)"))
            let ignored = try await outcome("Update for Windows (KB5031356)")
            #expect(ignored.kind == "ignored" && ignored.html.contains("Ignored by rule 3"))
            #expect(try await outcome("bash").kind == "unchanged")
            let long = try await outcome(String(repeating: "Update for ", count: 30))
            #expect(long.kind == "unchanged" && long.html.contains("over 256 bytes match no rule"))
            // The import's dictionary gives the same answers.
            let dictionary = try await SoftwareRuleStore.dictionary(on: app.db)
            #expect(dictionary.apply(name: "GITG", publisher: nil)?.name == "Gitg (GNOME)")
            #expect(dictionary.apply(name: "Update for Windows (KB5031356)", publisher: nil) == nil)

            // Move the ignore rule to the top, then delete it.
            let rows = try await SoftwareRuleStore.rows(on: app.db)
            for _ in 0..<2 {
                #expect(try await web.post("/software/dictionary/\(rows[2].id)/move", ["direction": "up"]).status == .seeOther)
            }
            #expect(try await SoftwareRuleStore.rows(on: app.db).map(\.pattern) == ["Update for", "^mozilla firefox .*$", "gitg"])
            #expect(try await outcome("Update for Windows (KB5031356)").html.contains("Ignored by rule 1"))
            #expect(try await web.post("/software/dictionary/\(rows[2].id)/delete", [:]).status == .seeOther)
            #expect(try await outcome("Update for Windows (KB5031356)").kind == "unchanged")
            #expect(try await web.post("/software/dictionary/\(UUID())/delete", [:]).status == .notFound)
        }
    }

    @Test("each page asks the API's permission, other entities' settings and rules answer 404, forms need the CSRF token",
          arguments: TestDatabase.all)
    func permissionsAndScoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let root = WebClient(app)
            try await root.signIn("root")
            #expect(try await root.post("/inventory/entity-rules", [
                "name": "Alpha's tag", "entity_id": t.alpha.id!.uuidString, "tag": "alpha"]).status == .seeOther)
            #expect(try await root.post("/software/dictionary", ["match": "equals", "pattern": "gitg", "action": "ignore"])
                .status == .seeOther)
            let alphaRule = try #require(try await InventoryEntityRuleStore.rows(on: app.db).first)
            let softwareRule = try #require(try await SoftwareRuleStore.rows(on: app.db).first)
            #expect(try await root.post("/software/dictionary", ["match": "equals", "pattern": "bash", "action": "ignore"],
                                        includeCSRF: false).status == .forbidden)

            // A technician reads the settings of their entity and the dictionary, changes neither.
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let readOnly = try await alice.get("/inventory/settings/\(t.alpha.id!)")
            #expect(readOnly.status == .ok && !readOnly.body.string.contains("name=\"allowed_ranges\""))
            #expect(try await alice.post("/inventory/settings/\(t.alpha.id!)", pairs: Self.form(["uuid"], use: ["uuid"]))
                .status == .forbidden)
            #expect(try await alice.get("/inventory/settings/\(t.beta.id!)").status == .notFound)
            #expect(try await alice.get("/inventory/entity-rules").status == .forbidden)
            let dictionary = try await alice.get("/software/dictionary")
            #expect(dictionary.status == .ok && !dictionary.body.string.contains("action=\"/software/dictionary\"")
                    && !dictionary.body.string.contains("/delete"))
            #expect(try await alice.post("/software/dictionary", ["match": "equals", "pattern": "x", "action": "ignore"])
                .status == .notFound)
            #expect(try await alice.post("/software/dictionary/\(softwareRule.id)/delete", [:]).status == .notFound)
            #expect(!(try await alice.get("/").body.string.contains("href=\"/inventory/entity-rules\"")))

            // Beta's administrator: Beta's settings only; rules of Alpha are neither listed nor reachable.
            let bob = WebClient(app)
            try await bob.signIn("bob")
            let index = try await bob.get("/inventory/settings")
            #expect(index.body.string.contains("/inventory/settings/\(t.beta.id!)")
                    && !index.body.string.contains("/inventory/settings/\(t.alpha.id!)"))
            #expect(try await bob.get("/inventory/settings/\(t.alpha.id!)").status == .notFound)
            #expect(try await bob.post("/inventory/settings/\(t.alpha.id!)", pairs: Self.form(["uuid"], use: ["uuid"]))
                .status == .notFound)
            #expect(try await bob.post("/inventory/settings/\(t.beta.id!)", pairs: Self.form(["mac"], use: ["mac"]))
                .status == .seeOther)
            let rules = try await bob.get("/inventory/entity-rules")
            #expect(rules.status == .ok && !rules.body.string.contains("Alpha&#39;s tag")
                    && !rules.body.string.contains("action=\"/inventory/entity-rules\""))
            #expect(try await bob.post("/inventory/entity-rules/\(alphaRule.id)/delete", [:]).status == .notFound)
            #expect(try await bob.post("/inventory/entity-rules/\(alphaRule.id)/move", ["direction": "down"]).status == .notFound)
            #expect(try await bob.post("/inventory/entity-rules", [
                "name": "mine", "entity_id": t.beta.id!.uuidString, "tag": "beta"]).status == .notFound)
            let hidden = try await bob.get("/inventory/entity-rules?test=1&test_tag=alpha&test_ip=&test_host=")
            #expect(Self.text(of: "placement", in: hidden.body.string)?.contains("an entity you do not administer") == true
                    && !hidden.body.string.contains("Root › Alpha"))
            #expect(try await InventoryEntityRuleStore.rows(on: app.db).count == 1)

            // A requester sees none of it.
            let carol = WebClient(app)
            try await carol.signIn("carol")
            #expect(try await carol.get("/software/dictionary").status == .forbidden)
            #expect(try await carol.get("/inventory/settings").status == .forbidden)
        }
    }
}

extension EntityTree {
    /// The entity tree as stored, for tests that call services without a request.
    static func load(_ app: Application) async throws -> EntityTree {
        EntityTree(try await EntityModel.query(on: app.db).all().map {
            EntityTree.Node(id: $0.id!, parentID: $0.parentID, name: $0.name)
        })
    }
}
