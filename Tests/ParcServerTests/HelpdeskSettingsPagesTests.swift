import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

extension HelpdeskWorld {
    /// A ticket category of `entity`, created through the API.
    func category(_ name: String, in entity: UUID, token: String? = nil) async throws -> String {
        let response = try await call(token ?? t.superToken, .POST, "/api/v1/ticket-categories",
                                      #"{"entity_id":"\#(entity)","name":"\#(name)"}"#)
        #expect(response.status == .created, "\(response.body.string)")
        return try #require(try json(response)["id"] as? String)
    }

    /// The SLA policy form of Beta's office, as a technician lead fills it in: `changes` replace or add fields.
    static func policyForm(entity: UUID, _ changes: [(String, String)] = []) -> [(String, String)] {
        let fields: [(String, String)] = [
            ("entity_id", entity.uuidString), ("name", "Contrat Beta"), ("time_zone", "Europe/Paris"),
            ("week_monday", "08:00-12:00, 13:30-17:30"), ("week_tuesday", "08:00-12:00, 13:30-17:30"),
            ("week_wednesday", "08:00-12:00"), ("week_thursday", "08:00-12:00, 13:30-17:30"),
            ("week_friday", "08:00-12:00, 13:30-17:00"), ("week_saturday", ""), ("week_sunday", ""),
            ("holidays", "05-01\r\n2026-04-06"),
            ("rule_priorities_0", "5"), ("rule_priorities_0", "6"), ("rule_own_0", "30m"), ("rule_resolve_0", "4h"),
            ("rule_own_1", "1h"), ("rule_resolve_1", "2d"), ("rule_own_2", ""), ("rule_resolve_2", ""),
        ]
        let changed = Set(changes.map(\.0))
        return fields.filter { !changed.contains($0.0) } + changes
    }
}

@Suite("Helpdesk configuration pages: SLA policies, rule pickers, categories, groups, entity settings")
struct HelpdeskSettingsPagesTests {
    @Test("an SLA policy written on its form — calendar, targets by priority, an escalation level reassigning to a group chosen by name — reads back the same through the API and the form, and an edit round-trips",
          arguments: TestDatabase.all)
    func policyRoundTrip(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let w = try await HelpdeskWorld.make(app)
            let beta = w.t.beta.id!
            let group = try await w.group("Réseau <N2>", in: beta, members: [w.t.betaAdmin.id!])
            let bob = WebClient(app)
            try await bob.signIn("bob")
            let empty = try await bob.get("/tickets/sla-policies")
            #expect(empty.status == .ok && empty.body.string.contains("No SLA policy yet"))
            let blank = try await bob.get("/tickets/sla-policies/new")
            #expect(blank.status == .ok && blank.body.string.contains("Réseau &lt;N2&gt;")
                    && blank.body.string.contains("value=\"Europe/Paris\""), "the group offered by name, office defaults")
            #expect(blank.body.string.contains("data-add-level") && blank.body.string.contains("data-spare-level"))

            // MUT: create through the form
            let created = try await bob.post("/tickets/sla-policies", pairs: HelpdeskWorld.policyForm(entity: beta, [
                ("name", "Contrat <b>Beta</b>"),
                ("level_name_0", "Une heure avant"), ("level_target_0", "time_to_resolve"), ("level_side_0", "before"),
                ("level_offset_0", "1h"), ("level_kind_0_0", "assign_group"), ("level_value_0_0", group),
                ("level_kind_0_1", "notify_assignees"), ("level_value_0_1", ""),
                ("level_name_1", ""), ("level_offset_1", ""), ("level_kind_1_0", ""),
            ]))
            #expect(created.status == .seeOther, "\(created.body.string)")

            // validate: the API reads what the form wrote
            let listed = try json(try await w.call(w.t.betaToken, .GET, "/api/v1/sla-policies"))
            let policy = try #require((listed["items"] as? [[String: Any]])?.first)
            let id = try #require(policy["id"] as? String)
            #expect(policy["name"] as? String == "Contrat <b>Beta</b>")
            let calendar = try #require(policy["calendar"] as? [String: Any])
            let week = try #require(calendar["week"] as? [String: [String]])
            #expect(week["monday"] == ["08:00-12:00", "13:30-17:30"] && week["wednesday"] == ["08:00-12:00"]
                    && week["saturday"] == nil)
            #expect(calendar["holidays"] as? [String] == ["05-01", "2026-04-06"])
            let rules = try #require(policy["rules"] as? [[String: Any]])
            #expect(rules.count == 2 && rules[0]["priorities"] as? [Int] == [5, 6] && rules[0]["time_to_own"] as? String == "30m"
                    && rules[1]["priorities"] == nil && rules[1]["time_to_resolve"] as? String == "2d")
            let levels = try #require(policy["escalation"] as? [[String: Any]])
            #expect(levels.count == 1 && levels[0]["offset"] as? String == "1h" && levels[0]["side"] as? String == "before")
            let actions = try #require(levels[0]["actions"] as? [[String: Any]])
            #expect(actions.map { $0["kind"] as? String } == ["assign_group", "notify_assignees"]
                    && actions[0]["value"] as? String == group)
            let key = try #require(levels[0]["id"] as? String)
            #expect(try await w.history(id).contains("sla_policy.created"))

            // validate: the list escapes the name; the form shows the stored values, the group selected by name
            let list = try await bob.get("/tickets/sla-policies")
            #expect(list.body.string.contains("Contrat &lt;b&gt;Beta&lt;/b&gt;") && !list.body.string.contains("<b>Beta</b>"))
            let edit = try await bob.get("/tickets/sla-policies/\(id)/edit")
            let page = edit.body.string
            #expect(edit.status == .ok)
            for shown in ["value=\"30m\"", "value=\"2d\"", "value=\"08:00-12:00, 13:30-17:30\"",
                          "<option value=\"\(group)\" selected>", "value=\"\(key)\"", "<option value=\"6\" selected>"] {
                #expect(page.contains(shown), "the form shows \(shown)")
            }

            // MUT: edit — rename, drop the level, change a target
            let changed = try await bob.post("/tickets/sla-policies/\(id)", pairs: HelpdeskWorld.policyForm(entity: beta, [
                ("name", "Contrat Beta 2027"), ("rule_resolve_1", "3d"),
            ]))
            #expect(changed.status == .seeOther, "\(changed.body.string)")
            let stored = try #require(try await SLAPolicyModel.find(UUID(uuidString: id), on: app.db))
            #expect(stored.name == "Contrat Beta 2027" && stored.escalationJSON == nil && stored.rulesJSON.contains("3d")
                    && stored.entityID == beta)
            #expect(try await w.history(id).contains("sla_policy.updated"))
        }
    }

    @Test("the SLA policy form says what is wrong next to each field and at the top, keeps what was typed and saves nothing: overlapping ranges, an unreadable offset, targets in the wrong order, another entity's group, oversized and hostile fields, a missing CSRF token",
          arguments: TestDatabase.all)
    func policyFormErrors(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let w = try await HelpdeskWorld.make(app)
            let beta = w.t.beta.id!
            let alphaGroup = try await w.group("Alpha N1", in: w.t.alpha.id!, members: [w.t.alphaTech.id!])
            let bob = WebClient(app)
            try await bob.signIn("bob")
            func post(_ changes: [(String, String)]) async throws -> String {
                let response = try await bob.post("/tickets/sla-policies", pairs: HelpdeskWorld.policyForm(entity: beta, changes))
                #expect(response.status == .unprocessableEntity, "\(changes): \(response.status)")
                let body = response.body.string
                #expect(body.contains("form-errors") && body.contains("field-error"), "summary and inline error")
                return body
            }

            // MUT + validate
            let overlap = try await post([("week_monday", "08:00-12:00, 11:30-14:00")])
            #expect(overlap.contains("overlap") && overlap.contains("value=\"08:00-12:00, 11:30-14:00\""))
            let zone = try await post([("time_zone", "Mars/Olympus")])
            #expect(zone.contains("unknown time zone") && zone.contains("value=\"Mars/Olympus\""))
            let offset = try await post([("level_name_0", "Plus tard"), ("level_target_0", "time_to_own"),
                                         ("level_side_0", "after"), ("level_offset_0", "soon"),
                                         ("level_kind_0_0", "raise_priority")])
            #expect(offset.contains("Write the offset as 0, 30m, 4h or 2d.") && offset.contains("value=\"soon\"")
                    && offset.contains("value=\"Plus tard\""))
            let order = try await post([("rule_own_0", "5h"), ("rule_resolve_0", "4h")])
            #expect(order.contains("rule 1: the time to own is longer than the time to resolve") && order.contains("value=\"5h\""))
            let foreign = try await post([("level_name_0", "Alpha"), ("level_target_0", "time_to_resolve"),
                                          ("level_side_0", "after"), ("level_offset_0", "0"),
                                          ("level_kind_0_0", "assign_group"), ("level_value_0_0", alphaGroup)])
            #expect(foreign.contains("level 1, action 1: no group of this entity or above it"))
            let noAction = try await post([("level_name_0", "Rien"), ("level_target_0", "time_to_resolve"),
                                           ("level_side_0", "after"), ("level_offset_0", "1h")])
            #expect(noAction.contains("level 1: give 1 to 10 actions"))
            let hostileChoice = try await post([("level_name_0", "x"), ("level_target_0", "<script>"),
                                                ("level_side_0", "after"), ("level_offset_0", "1h"),
                                                ("level_kind_0_0", "raise_priority")])
            #expect(hostileChoice.contains("Choose one of the listed values.") && !hostileChoice.contains("<script>"))
            let long = try await post([("name", String(repeating: "n", count: 201))])
            #expect(long.contains("Keep it under 200 characters."))
            let huge = try await post([("week_tuesday", String(repeating: "08:00-09:00, ", count: 300))])
            #expect(huge.contains("Keep it under 2000 characters."))
            let hostile = try await post([("name", "<img src=x onerror=alert(1)>"), ("week_monday", "<script>alert(1)</script>")])
            #expect(!hostile.contains("<img src=x") && !hostile.contains("<script>alert(1)</script>")
                    && hostile.contains("&lt;img src=x onerror=alert(1)&gt;"))
            let nameless = try await post([("name", "  ")])
            #expect(nameless.contains("is required"))
            let noTarget = try await post([("rule_priorities_0", ""), ("rule_own_0", ""), ("rule_resolve_0", ""),
                                           ("rule_own_1", ""), ("rule_resolve_1", "")])
            #expect(noTarget.contains("Give at least one rule."))
            #expect(try await bob.post("/tickets/sla-policies", pairs: HelpdeskWorld.policyForm(entity: beta),
                                       includeCSRF: false).status == .forbidden)
            #expect(try await SLAPolicyModel.query(on: app.db).count() == 0, "nothing saved")
        }
    }

    @Test("SLA policy pages: administrators only, each in their entities — a technician or a requester is refused, another entity's policy is 404 to read and to write, and the list shows only the user's",
          arguments: TestDatabase.all)
    func policyScoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let w = try await HelpdeskWorld.make(app)
            let alphaPolicy = try await w.officePolicy(w.t.alpha.id!)
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let rita = WebClient(app)
            try await rita.signIn("rita")
            let bob = WebClient(app)
            try await bob.signIn("bob")

            // MUT + validate
            for client in [alice, rita] {
                #expect(try await client.get("/tickets/sla-policies").status == .forbidden)
                #expect(try await client.get("/tickets/sla-policies/new").status == .forbidden)
                #expect(try await client.post("/tickets/sla-policies", pairs: HelpdeskWorld.policyForm(entity: w.t.alpha.id!))
                    .status == .forbidden)
            }
            #expect(try await alice.get("/tickets/sla-policies/\(alphaPolicy)/edit").status == .forbidden,
                    "Alice sees Alpha's policy but does not administer it")
            #expect(!(try await alice.get("/tickets").body.string.contains("href=\"/tickets/sla-policies\"")))
            #expect(try await bob.get("/tickets").body.string.contains("href=\"/tickets/sla-policies\""))
            #expect(try await bob.get("/tickets/sla-policies/\(alphaPolicy)/edit").status == .notFound)
            #expect(try await bob.post("/tickets/sla-policies/\(alphaPolicy)", pairs: HelpdeskWorld.policyForm(entity: w.t.beta.id!))
                .status == .notFound)
            #expect(try await bob.get("/tickets/sla-policies/\(UUID())/edit").status == .notFound)
            #expect(try await bob.get("/tickets/sla-policies/not-an-id/edit").status == .notFound)
            #expect(try await bob.post("/tickets/sla-policies", pairs: HelpdeskWorld.policyForm(entity: w.t.alpha.id!))
                .status == .notFound, "creating in an entity Bob cannot see")
            #expect(!(try await bob.get("/tickets/sla-policies").body.string.contains("Bureau")))
            #expect(try await SLAPolicyModel.find(UUID(uuidString: alphaPolicy), on: app.db)?.name == "Bureau")
            #expect(try await SLAPolicyModel.query(on: app.db).count() == 1)
        }
    }

    @Test("the rule form offers categories, groups, SLA policies, entities and levels by name and requesters from a list, posts the same ids as before, and keeps a value no longer on offer",
          arguments: TestDatabase.all)
    func rulePickers(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let w = try await HelpdeskWorld.make(app)
            let beta = w.t.beta.id!
            let category = try await w.category("Imprimantes <laser>", in: beta, token: w.t.betaToken)
            let group = try await w.group("Support Beta", in: beta, members: [w.t.betaAdmin.id!])
            let bob = WebClient(app)
            try await bob.signIn("bob")

            // MUT: the blank form
            let blank = try await bob.get("/tickets/rules/new")
            let form = blank.body.string
            #expect(blank.status == .ok)
            for offered in ["id=\"choices-condition-category\"", "id=\"choices-action-assign_group\"",
                            "Imprimantes &lt;laser&gt;", ">Support Beta<", "id=\"list-condition-requester\"",
                            "Carol (carol)", "data-picker=\"condition\""] {
                #expect(form.contains(offered), "the form offers \(offered)")
            }
            #expect(!form.contains("class=\"mono\""), "no table of raw ids any more")

            // MUT: a rule that routes printers to the group, as the selects post it
            let created = try await bob.post("/tickets/rules", [
                "entity_id": beta.uuidString, "name": "Imprimantes", "match": "all", "runs_on": "both", "enabled": "on",
                "condition_field_0": "category", "condition_operator_0": "is", "condition_value_0": category,
                "condition_field_1": "requester", "condition_operator_1": "is_not",
                "condition_value_1": w.t.betaUser.id!.uuidString,
                "action_kind_0": "assign_group", "action_value_0": group,
                "action_kind_1": "set_priority", "action_value_1": "4",
            ])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let row = try #require(try await TicketRuleModel.query(on: app.db).first())
            let rule = try #require(row.rule)
            #expect(rule.conditions.map(\.value) == [category, w.t.betaUser.id!.uuidString]
                    && rule.actions.map(\.value) == [group, "4"], "the engine gets the ids it always got")

            // validate: the edit form shows names, the id fields' text inputs are off
            let edit = try await bob.get("/tickets/rules/\(row.id!)/edit").body.string
            #expect(edit.contains("<option value=\"\(category)\" selected>Imprimantes &lt;laser&gt;</option>")
                    && edit.contains("<option value=\"\(group)\" selected>Support Beta</option>")
                    && edit.contains("<option value=\"4\" selected>"))
            #expect(edit.contains("id=\"condition_value_0\" name=\"condition_value_0\" maxlength=\"500\" value=\"\(category)\" data-value hidden disabled"))
            #expect(edit.contains("id=\"condition_value_1\" name=\"condition_value_1\" maxlength=\"500\" value=\"\(w.t.betaUser.id!.uuidString)\" data-value list=\"list-condition-requester\">"),
                    "a requester stays a text input with its list")

            // MUT: a group that no longer exists stays selected, marked, rather than being lost
            let gone = UUID().uuidString
            let updated = try await bob.post("/tickets/rules/\(row.id!)", [
                "name": "Imprimantes", "match": "all", "runs_on": "both", "enabled": "on",
                "condition_field_0": "category", "condition_operator_0": "is", "condition_value_0": category,
                "action_kind_0": "assign_group", "action_value_0": gone,
            ])
            #expect(updated.status == .seeOther, "\(updated.body.string)")
            let again = try await bob.get("/tickets/rules/\(row.id!)/edit").body.string
            #expect(again.contains("<optgroup label=\"Not on offer (kept as it is)\"><option value=\"\(gone)\" selected>"))
        }
    }

    @Test("the categories page shows each entity's tree; a category with its default group, SLA and template round-trips through the form, a subcategory sits under it, errors come back inline with what was typed, and a category in use is not deleted and says why",
          arguments: TestDatabase.all)
    func categoriesPages(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let w = try await HelpdeskWorld.make(app)
            let beta = w.t.beta.id!
            let group = try await w.group("Accueil Beta", in: beta, members: [w.t.betaAdmin.id!])
            let alphaGroup = try await w.group("Alpha N1", in: w.t.alpha.id!, members: [w.t.alphaTech.id!])
            let policy = try await w.officePolicy(beta)
            let bob = WebClient(app)
            try await bob.signIn("bob")
            #expect(try await bob.get("/tickets/categories").body.string.contains("No category yet."))
            let blank = try await bob.get("/tickets/categories/new")
            #expect(blank.status == .ok && blank.body.string.contains(">Accueil Beta<") && blank.body.string.contains(">Bureau<"))
            let form: [String: String] = [
                "entity_id": beta.uuidString, "parent_id": "", "name": "Arrivées", "default_group_id": group,
                "sla_policy_id": policy, "template": "## Nom de l'arrivant\n", "type": "request", "urgency": "2",
                "impact": "1", "title": "Arrivée : ", "location": "", "tags": "arrivée, poste",
            ]

            // MUT: create
            let created = try await bob.post("/tickets/categories", pairs: form.map { ($0.key, $0.value) }
                + [("mandatory_fields", "location"), ("mandatory_fields", "asset_ids")])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let stored = try #require(try await TicketCategoryModel.query(on: app.db).first())
            let id = stored.id!.uuidString
            let dto = try json(try await w.call(w.t.betaToken, .GET, "/api/v1/ticket-categories/\(id)"))
            #expect(dto["default_group_id"] as? String == group && dto["sla_policy_id"] as? String == policy
                    && dto["template"] as? String == "## Nom de l'arrivant" && dto["parent_id"] is NSNull)
            let predefined = try #require(dto["predefined"] as? [String: Any])
            #expect(predefined["type"] as? String == "request" && predefined["urgency"] as? Int == 2
                    && predefined["title"] as? String == "Arrivée : " && predefined["tags"] as? [String] == ["arrivée", "poste"]
                    && predefined["location"] == nil)
            #expect(Set(dto["mandatory_fields"] as? [String] ?? []) == ["location", "asset_ids"])

            // MUT: a subcategory from the row's link, then the tree
            let child = try await bob.get("/tickets/categories/new?parent=\(id)")
            #expect(child.body.string.contains("<option value=\"\(id)\" selected>Arrivées</option>"))
            #expect(try await bob.post("/tickets/categories", ["entity_id": beta.uuidString, "parent_id": id,
                                                                "name": "Stagiaires <script>"]).status == .seeOther)
            let tree = try await bob.get("/tickets/categories").body.string
            #expect(tree.contains("data-depth=\"1\"") && tree.contains("Stagiaires &lt;script&gt;")
                    && !tree.contains("Stagiaires <script>") && tree.contains("Accueil Beta"))

            // MUT: edit — the form shows what is stored; clearing the group and the mandatory fields clears them
            let edit = try await bob.get("/tickets/categories/\(id)/edit").body.string
            #expect(edit.contains("<option value=\"\(group)\" selected>Accueil Beta</option>")
                    && edit.contains("value=\"arrivée, poste\"") && edit.contains("value=\"asset_ids\" checked"))
            var cleared = form
            cleared["default_group_id"] = ""
            cleared["name"] = "Arrivées et départs"
            #expect(try await bob.post("/tickets/categories/\(id)", cleared).status == .seeOther)
            let after = try #require(try await TicketCategoryModel.find(stored.id, on: app.db))
            #expect(after.defaultGroupID == nil && after.name == "Arrivées et départs" && after.ticketTemplate.mandatory.isEmpty
                    && after.slaPolicyID?.uuidString == policy)

            // MUT: errors come back inline, with what was typed
            var bad = form
            bad["name"] = "Départs"
            bad["default_group_id"] = alphaGroup
            bad["title"] = String(repeating: "t", count: 251)
            bad["urgency"] = "9"
            let refused = try await bob.post("/tickets/categories", bad)
            let page = refused.body.string
            #expect(refused.status == .unprocessableEntity && page.contains("form-errors")
                    && page.contains("No group of this entity or above it has this id.")
                    && page.contains("Keep it under 250 characters.") && page.contains("Use 1 to 5.")
                    && page.contains("value=\"Départs\""), "\(refused.status)")
            let garbage = try await bob.post("/tickets/categories", ["entity_id": beta.uuidString, "name": "X",
                                                                      "parent_id": "../../etc", "sla_policy_id": "nope"])
            #expect(garbage.status == .unprocessableEntity && garbage.body.string.contains("No category of this entity")
                    && garbage.body.string.contains("No SLA policy of this entity"))
            let nameless = try await bob.post("/tickets/categories", ["entity_id": beta.uuidString, "name": ""])
            #expect(nameless.status == .unprocessableEntity && nameless.body.string.contains("is required"))
            let twin = try await bob.post("/tickets/categories", ["entity_id": beta.uuidString, "parent_id": id,
                                                                   "name": "Stagiaires <script>"])
            #expect(twin.status == .conflict && twin.body.string.contains("already has one with this name"))
            #expect(try await bob.post("/tickets/categories", ["entity_id": beta.uuidString, "name": "Sans jeton"],
                                       includeCSRF: false).status == .forbidden)
            #expect(try await TicketCategoryModel.query(on: app.db).count() == 2, "nothing saved by the refusals")

            // MUT: delete — refused while a subcategory or a ticket uses it, with the reason; then done
            #expect(try await bob.post("/tickets/categories/\(id)/delete", [:]).status == .seeOther)
            #expect(try await bob.get("/tickets/categories").body.string.contains("1 categories sit under this one"))
            let childID = try #require(try await TicketCategoryModel.query(on: app.db).filter(\.$parentID == stored.id).first()?.id)
            _ = try await w.open(w.t.betaToken, #""entity_id":"\#(beta)","category_id":"\#(childID)","location":"Accueil","asset_ids":[]"#,
                                 status: .created)
            #expect(try await bob.post("/tickets/categories/\(childID)/delete", [:]).status == .seeOther)
            #expect(try await bob.get("/tickets/categories").body.string.contains("1 tickets use this category"))
            #expect(try await TicketCategoryModel.query(on: app.db).count() == 2)
            let unused = try await w.category("Vide", in: beta, token: w.t.betaToken)
            #expect(try await bob.post("/tickets/categories/\(unused)/delete", [:]).status == .seeOther)
            #expect(try await TicketCategoryModel.find(UUID(uuidString: unused), on: app.db) == nil)

            // validate: scoping — a technician is refused, another entity's category is 404
            let alpha = try await w.category("Alpha seulement", in: w.t.alpha.id!)
            let alice = WebClient(app)
            try await alice.signIn("alice")
            #expect(try await alice.get("/tickets/categories").status == .forbidden)
            #expect(try await alice.get("/tickets/categories/\(alpha)/edit").status == .forbidden)
            #expect(try await bob.get("/tickets/categories/\(alpha)/edit").status == .notFound)
            #expect(try await bob.post("/tickets/categories/\(alpha)/delete", [:]).status == .notFound)
            #expect(!(try await bob.get("/tickets/categories").body.string.contains("Alpha seulement")))
        }
    }
}

extension BrowserTests {
    @Test("a team lead writes an SLA policy in headless Chromium: fills the calendar and a target, adds an escalation level with the button, chooses its action and the priority from selects, saves, and finds it again on the form",
          .timeLimit(.minutes(5)))
    func slaPolicyForm() async throws {
        // setup
        try WebDriver.requireBrowser()
        let catalog = try Catalog.loadBundled()
        func en(_ key: String) -> String { catalog.text(key, .en) }

        try await ParcServeProcess.with(login: Self.login, password: Self.password) { server in
            try await WebDriver.with(width: 1280, height: 900) { browser in
                func heading(_ text: String) async throws -> Bool {
                    try await browser.wait { try await browser.text(of: "h1") == text }
                }
                try await browser.open(server.url("/login"))
                try await browser.type(Self.login, into: browser.element("#login"))
                try await browser.type(Self.password, into: browser.element("#password"))
                try await browser.click(browser.element("form[action='/login'] button[type='submit']"))
                #expect(try await heading(en("nav.dashboard")))

                // MUT: from the sidebar to the form
                try await browser.click(browser.element("#sidebar a.nav-link[href='/tickets/sla-policies']"))
                #expect(try await heading(en("tickets.sla_policies.title")))
                try await browser.click(browser.element(".page-actions a[href='/tickets/sla-policies/new']"))
                #expect(try await heading(en("tickets.sla_policies.new")))
                let hiddenLevels: Int = try await browser.execute(
                    "return document.querySelectorAll('[data-spare-level][hidden]').length")
                #expect(hiddenLevels == 3, "blank levels wait for the button")
                try await browser.type("Contrat navigateur", into: browser.element("#name"))
                try await browser.type("1h", into: browser.element("#rule_own_0"))
                try await browser.type("8h", into: browser.element("#rule_resolve_0"))
                try await browser.click(browser.element("[data-add-level]"))
                #expect(try await browser.isDisplayed(browser.element("#level_name_0")))
                #expect(try await browser.execute("return document.activeElement.id", as: String.self) == "level_name_0")
                try await browser.type("Toujours pas pris", into: browser.element("#level_name_0"))
                try await browser.type("30m", into: browser.element("#level_offset_0"))
                try await browser.click(browser.element("#level_side_0 option[value='after']"))
                try await browser.click(browser.element("#level_target_0 option[value='time_to_own']"))
                try await browser.click(browser.element("#level_kind_0_0 option[value='raise_priority_to']"))
                try await browser.click(browser.element("#level_value_0_0 option[value='4']"))
                try await browser.click(browser.element("#sla-policy-form button[type='submit']"))

                // validate: listed, and the form finds the level again
                let saved = try await heading(en("tickets.sla_policies.title"))
                let problems: [String] = try await browser.execute(
                    "return [...document.querySelectorAll('.form-errors, .field-error, .error-page')].map(e => e.textContent.trim())")
                try #require(saved, "the form came back: \(problems)")
                #expect(try await browser.text(of: ".flash")?.contains("Contrat navigateur") == true)
                #expect(try await browser.text(of: "#sla-policies tbody tr td:last-child") == "1")
                try await browser.click(browser.element("#sla-policies a"))
                #expect(try await heading(en("tickets.sla_policies.edit").replacingOccurrences(of: "{0}", with: "Contrat navigateur")))
                let level: [String] = try await browser.execute("""
                    return [document.getElementById('level_name_0').value, document.getElementById('level_offset_0').value,
                            document.getElementById('level_side_0').value, document.getElementById('level_target_0').value,
                            document.getElementById('level_kind_0_0').value, document.getElementById('level_value_0_0').value,
                            String(document.querySelector('[data-level="0"]').hidden)]
                    """)
                #expect(level == ["Toujours pas pris", "30m", "after", "time_to_own", "raise_priority_to", "4", "false"])
                let errors: [String] = try await browser.execute(
                    "return [...document.querySelectorAll('.error-page, .field-error')].map(e => e.textContent)")
                #expect(errors.isEmpty, "\(errors)")
            }
        }
    }
}

extension HelpdeskSettingsPagesTests {
    @Test("support groups: listed with their members, created and re-staffed through the form (and PATCH in the API), members only among the entity's technicians, names escaped, another entity's group 404",
          arguments: TestDatabase.all)
    func groupsPages(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let w = try await HelpdeskWorld.make(app)
            let beta = w.t.beta.id!
            let bob = WebClient(app)
            try await bob.signIn("bob")
            #expect(try await bob.get("/tickets/groups").body.string.contains("No group yet."))
            let blank = try await bob.get("/tickets/groups/new?entity_id=\(beta)")
            #expect(blank.status == .ok && blank.body.string.contains(">Bob<") && !blank.body.string.contains(">Alice<"),
                    "the technicians of Beta, not Alpha's")

            // MUT: create with a member chosen by name
            let created = try await bob.post("/tickets/groups", pairs: [("entity_id", beta.uuidString),
                                                                        ("name", "Réseau <N2>"),
                                                                        ("member_ids", w.t.betaAdmin.id!.uuidString)])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let group = try #require(try await SupportGroupModel.query(on: app.db).first())
            let list = try await bob.get("/tickets/groups").body.string
            #expect(list.contains("Réseau &lt;N2&gt;") && list.contains("Bob") && !list.contains("Réseau <N2>"))

            // MUT: re-staff — nobody, then an account that does not work Beta's tickets is refused
            #expect(try await bob.post("/tickets/groups/\(group.id!)", pairs: [("name", "Réseau")]).status == .seeOther)
            #expect(try await SupportGroupMemberModel.query(on: app.db).count() == 0)
            let foreign = try await bob.post("/tickets/groups/\(group.id!)", pairs: [
                ("name", "Réseau"), ("member_ids", w.t.alphaTech.id!.uuidString)])
            #expect(foreign.status == .unprocessableEntity && foreign.body.string.contains("is not an active account")
                    && foreign.body.string.contains("value=\"Réseau\""))
            let garbage = try await bob.post("/tickets/groups/\(group.id!)", pairs: [("name", "Réseau"), ("member_ids", "x")])
            #expect(garbage.status == .unprocessableEntity)
            let long = try await bob.post("/tickets/groups", pairs: [("entity_id", beta.uuidString),
                                                                     ("name", String(repeating: "g", count: 201))])
            #expect(long.status == .unprocessableEntity && long.body.string.contains("Keep it under 200 characters."))
            let twin = try await bob.post("/tickets/groups", pairs: [("entity_id", beta.uuidString), ("name", "Réseau")])
            #expect(twin.status == .conflict && twin.body.string.contains("already has a group with this name"))

            // validate: the API's PATCH does the same, and the history has both
            let patched = try await w.call(w.t.betaToken, .PATCH, "/api/v1/support-groups/\(group.id!)",
                                           #"{"member_ids":["\#(w.t.betaAdmin.id!)"]}"#)
            let patchedMembers = try json(patched)["member_ids"] as? [String]
            #expect(patched.status == .ok && patchedMembers == [w.t.betaAdmin.id!.uuidString])
            #expect(try await w.call(w.t.betaToken, .PATCH, "/api/v1/support-groups/\(group.id!)", #"{"colour":"red"}"#)
                .status == .unprocessableEntity, "an unknown field is refused")
            #expect(try await w.history(group.id!).filter { $0 == "support_group.updated" }.count == 2)

            // validate: scoping
            let alphaGroup = try await w.group("Alpha N1", in: w.t.alpha.id!, members: [w.t.alphaTech.id!])
            #expect(try await bob.get("/tickets/groups/\(alphaGroup)/edit").status == .notFound)
            #expect(try await w.call(w.t.betaToken, .PATCH, "/api/v1/support-groups/\(alphaGroup)", #"{"name":"x"}"#)
                .status == .notFound)
            #expect(try await w.call(w.t.alphaToken, .PATCH, "/api/v1/support-groups/\(alphaGroup)", #"{"name":"x"}"#)
                .status == .forbidden)
            let alice = WebClient(app)
            try await alice.signIn("alice")
            #expect(try await alice.get("/tickets/groups").status == .forbidden)
            #expect(try await bob.post("/tickets/groups", pairs: [("entity_id", beta.uuidString), ("name", "Sans jeton")],
                                       includeCSRF: false).status == .forbidden)
        }
    }

    @Test("entity settings: the priority matrix as a 5 × 5 grid, the default SLA chosen by name, the approval delay and unknown senders round-trip; a decreasing matrix or a delay out of range comes back inline; another entity is 404",
          arguments: TestDatabase.all)
    func settingsPage(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let w = try await HelpdeskWorld.make(app)
            let beta = w.t.beta.id!
            let policy = try await w.officePolicy(beta)
            let bob = WebClient(app)
            try await bob.signIn("bob")
            let shown = try await bob.get("/tickets/settings?entity=\(beta)")
            #expect(shown.status == .ok && shown.body.string.contains("id=\"matrix_5_5\"")
                    && shown.body.string.contains("<option value=\"\(policy)\" selected>Bureau</option>"))
            func form(_ changes: [String: String]) -> [(String, String)] {
                var fields: [String: String] = ["own_matrix": "on", "default_sla_policy_id": policy, "approval_days": "10",
                                                "unknown_senders": "accept"]
                let glpi = TicketPriorityMatrix.glpiDefault.cells
                for u in 1...5 { for i in 1...5 { fields["matrix_\(u)_\(i)"] = String(glpi[u - 1][i - 1]) } }
                fields["matrix_5_1"] = "3"
                return fields.merging(changes) { $1 }.map { ($0.key, $0.value) }
            }

            // MUT: save
            let saved = try await bob.post("/tickets/settings/\(beta)", pairs: form([:]))
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            let api = try json(try await w.call(w.t.betaToken, .GET, "/api/v1/helpdesk-settings/\(beta)"))
            #expect(api["approval_days"] as? Int == 10 && api["unknown_senders"] as? String == "accept"
                    && (api["priority_matrix"] as? [[Int]])?.last == [3, 3, 4, 5, 5])
            let again = try await bob.get("/tickets/settings?entity=\(beta)").body.string
            #expect(again.contains("value=\"10\"") && again.contains("id=\"own_matrix\" name=\"own_matrix\" value=\"on\" checked"))

            // MUT: errors come back inline, the grid as typed
            let decreasing = try await bob.post("/tickets/settings/\(beta)", pairs: form(["matrix_3_3": "1", "approval_days": "400"]))
            let page = decreasing.body.string
            #expect(decreasing.status == .unprocessableEntity && page.contains("urgency 3 and impact 3")
                    && page.contains("Give 1 to 365 days.") && page.contains("value=\"400\""))
            let hostile = try await bob.post("/tickets/settings/\(beta)", pairs: form(["unknown_senders": "<b>maybe</b>",
                                                                                        "approval_days": "many"]))
            #expect(hostile.status == .unprocessableEntity && hostile.body.string.contains("Use refuse or accept.")
                    && !hostile.body.string.contains("<b>maybe</b>"))
            // MUT: unticking the own matrix goes back to the inherited one
            #expect(try await bob.post("/tickets/settings/\(beta)", pairs: form(["own_matrix": ""])).status == .seeOther)
            #expect(try await HelpdeskSettingsModel.find(beta, on: app.db)?.priorityMatrixJSON == nil)

            // validate: scoping
            #expect(try await bob.get("/tickets/settings?entity=\(w.t.alpha.id!)").status == .notFound)
            #expect(try await bob.post("/tickets/settings/\(w.t.alpha.id!)", pairs: form([:])).status == .notFound)
            let alice = WebClient(app)
            try await alice.signIn("alice")
            #expect(try await alice.get("/tickets/settings").status == .forbidden)
        }
    }
}
