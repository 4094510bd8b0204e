import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// A ticket's category chosen or changed: the required fields of a category a ticket moves to — by the API, by the
/// ticket page's form, and by a rule (decision 0064) — and the new-ticket form as a browser sends it.
@Suite("Helpdesk: a ticket's category on the forms and on changes")
struct HelpdeskRecategorisationTests {
    /// Alpha with the *Arrivée* category (location and asset required), Rita's machine, and `login` signed in on the
    /// pages.
    static func arrival(_ app: Application, signedIn login: String) async throws
        -> (w: HelpdeskWorld, category: String, machine: String, client: WebClient)
    {
        let w = try await HelpdeskWorld.make(app)
        let category = try await HelpdeskTemplatesTests.arrivalCategory(w)
        let machine = try await HelpdeskTemplatesTests.asset(w, name: "PC-RITA", user: w.requester.id!)
        let client = WebClient(app)
        try await client.signIn(login)
        return (w, category, machine, client)
    }
    @Test("PATCH into a category that requires fields: refused with each field named unless the change fills them; within the category a change may not empty one",
          arguments: TestDatabase.all)
    func apiChange(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup: Arrivée requires a location and an asset; a ticket without either, opened without category
            let (w, category, machine, _) = try await Self.arrival(app, signedIn: "rita")
            let ticket = try await w.open(w.requesterToken, #""title":"Nouvel arrivant","tags":["rh"]"#)
            let id = try #require(ticket["id"] as? String)
            let historyBefore = try await w.history(id)

            // MUT: the category alone
            let refused = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/tickets/\(id)",
                                           #"{"category_id":"\#(category)","urgency":5}"#)

            // validate: 422 naming both fields, in the API's error format; nothing changed, nothing in the history
            #expect(refused.status == .unprocessableEntity)
            let error = try #require(try json(refused)["error"] as? [String: Any])
            #expect(error["code"] as? String == "category_fields_missing")
            #expect(error["message"] as? String
                    == "The category “Arrivée” requires location, asset_ids: give them in the same change as the category.")
            let fields = try #require(error["fields"] as? [String: String])
            #expect(fields == ["location": "The new category requires this field: fill it in with the change of category.",
                               "asset_ids": "The new category requires this field: fill it in with the change of category."])
            let unchanged = try await w.get(w.t.alphaToken, id)
            #expect(unchanged["category_id"] is NSNull && unchanged["urgency"] as? Int == 3)
            #expect(try await w.history(id) == historyBefore)

            // MUT: half filled — the asset is still missing
            let half = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/tickets/\(id)",
                                        #"{"category_id":"\#(category)","location":"Bureau 12"}"#)
            #expect(half.status == .unprocessableEntity)
            #expect(Set(((try json(half)["error"] as? [String: Any])?["fields"] as? [String: String] ?? [:]).keys) == ["asset_ids"])
            // A blank location is no location.
            let blank = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/tickets/\(id)",
                                         #"{"category_id":"\#(category)","location":"   ","asset_ids":["\#(machine)"]}"#)
            #expect(blank.status == .unprocessableEntity && blank.body.string.contains("\"location\""), "\(blank.body.string)")

            // MUT: the same change fills them
            let moved = try await w.patch(w.t.alphaToken, id, #"""
                {"category_id":"\#(category)","location":"Bureau 12","asset_ids":["\#(machine)"]}
                """#)
            #expect(moved["category_id"] as? String == category && moved["location"] as? String == "Bureau 12")
            #expect(moved["asset_ids"] as? [String] == [machine])

            // MUT: within the category, emptying a required field is refused; other changes go through
            let cleared = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/tickets/\(id)", #"{"location":""}"#)
            #expect(cleared.status == .unprocessableEntity)
            let clearedError = try #require(try json(cleared)["error"] as? [String: Any])
            #expect(clearedError["code"] as? String == "category_fields_missing"
                    && (clearedError["message"] as? String ?? "").contains("a change cannot leave them empty"))
            #expect((clearedError["fields"] as? [String: String])?["location"] == "This ticket's category requires this field.")
            let unlinked = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/tickets/\(id)", #"{"asset_ids":[]}"#)
            #expect(unlinked.status == .unprocessableEntity && unlinked.body.string.contains("asset_ids"))
            _ = try await w.patch(w.t.alphaToken, id, #"{"urgency":4,"tags":[],"location":"Bureau 14"}"#)
            // Leaving the category asks for nothing.
            let left = try await w.patch(w.t.alphaToken, id, #"{"category_id":null,"location":""}"#)
            #expect(left["category_id"] is NSNull && left["location"] is NSNull)

            // Bad input: an unknown category and a malformed id are both named.
            let unknown = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/tickets/\(id)", #"{"category_id":"\#(UUID())"}"#)
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("category_id"))
            let malformed = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/tickets/\(id)", #"{"category_id":"<script>"}"#)
            #expect(malformed.status == .unprocessableEntity && malformed.body.string.contains("category_id"),
                    "\(malformed.body.string)")
        }
    }

    @Test("a rule that sets a category never makes a change fail; the ticket page says what the category still needs",
          arguments: TestDatabase.all)
    func ruleSetsCategory(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup: a rule on update moves tickets that speak of an arrival into Arrivée
            let w = try await HelpdeskWorld.make(app)
            let category = try await HelpdeskTemplatesTests.arrivalCategory(w)
            let rule = try await w.call(w.t.superToken, .POST, "/api/v1/ticket-rules", #"""
                {"entity_id":"\#(w.t.alpha.id!)","rule":{"name":"Arrivées","match":"all","runs_on":"both",
                 "conditions":[{"field":"title","operator":"contains","value":"arrivée"}],
                 "actions":[{"kind":"set_category","value":"\#(category)"}]}}
                """#)
            #expect(rule.status == .created, "\(rule.body.string)")
            let ticket = try await w.open(w.requesterToken, #""title":"Poste pour Zoé""#)
            let id = try #require(ticket["id"] as? String)

            // MUT: a technician's change that makes the rule match
            let changed = try await w.patch(w.t.alphaToken, id, #"{"title":"Arrivée de Zoé lundi"}"#)

            // validate: the rule's category applies although location and asset are empty
            #expect(changed["category_id"] as? String == category && changed["location"] is NSNull)
            // Later changes that leave those fields alone go through; the missing fields were not emptied by them.
            _ = try await w.patch(w.t.alphaToken, id, #"{"urgency":4}"#)
            // Opening: the rule's category is not checked either (mail cannot answer a form).
            let opened = try await w.open(w.requesterToken, #""title":"Arrivée de Yann""#)
            #expect(opened["category_id"] as? String == category && opened["location"] is NSNull)

            // validate: the Details tab tells the technician what the category still needs
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let page = try await alice.get("/tickets/\(id)?tab=details")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("The category “Arrivée” requires: Location, Assets. Fill them in below."),
                    "\(page.body.string.components(separatedBy: "category-incomplete").dropFirst().first?.prefix(300) ?? "no notice")")
        }
    }

    @Test("the ticket page's form: a change of category without its required fields comes back with the errors inline, in the technician's language, nothing lost",
          arguments: TestDatabase.all)
    func pageChange(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup: Alice works in French
            let (w, category, machine, alice) = try await Self.arrival(app, signedIn: "alice")
            let ticket = try await w.open(w.requesterToken, #""title":"Nouvel arrivant""#)
            let id = try #require(ticket["id"] as? String)
            let french = try #require(try await UserModel.query(on: app.db).filter(\.$login == "alice").first())
            french.language = "fr"
            try await french.save(on: app.db)
            let form = try await alice.get("/tickets/\(id)?tab=details")
            #expect(form.body.string.contains("<option value=\"\(category)\">Arrivée</option>"), "the categories are offered")
            #expect(form.body.string.contains("PC-RITA"), "the requester's machine is offered")

            // MUT: the category without location or asset, with a diagnosis typed
            let refused = try await alice.post("/tickets/\(id)", pairs: [
                ("status", "new"), ("urgency", "3"), ("impact", "3"), ("priority", "3"), ("category_id", category),
                ("location", ""), ("tags", "rh, arrivée"), ("assets_shown", "1"), ("diagnosis", "Poste à préparer <b>vite</b>"),
            ])

            // validate: 422, the summary and each field in French, what was typed kept, nothing saved
            let html = refused.body.string
            #expect(refused.status == .unprocessableEntity)
            #expect(html.contains("La catégorie «\u{00A0}Arrivée\u{00A0}» exige\u{00A0}: Lieu, Matériels. Renseignez-les avec le changement de catégorie."),
                    "\(html.components(separatedBy: "form-errors").dropFirst().first?.prefix(400) ?? "no summary")")
            let errors = html.components(separatedBy: "class=\"field-error\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
            #expect(errors.filter { $0 == "La nouvelle catégorie exige ce champ\u{00A0}: renseignez-le avec le changement de catégorie." }
                .count == 2, "\(errors)")
            #expect(html.contains("<option value=\"\(category)\" selected>Arrivée</option>"))
            #expect(html.contains("value=\"rh, arrivée\"") && html.contains("Poste à préparer &lt;b&gt;vite&lt;/b&gt;</textarea>"))
            #expect(try await TicketModel.find(UUID(uuidString: id), on: app.db)?.categoryID == nil)

            // MUT: the same form with the fields filled
            let saved = try await alice.post("/tickets/\(id)", pairs: [
                ("status", "new"), ("urgency", "3"), ("impact", "3"), ("priority", "3"), ("category_id", category),
                ("location", "Bureau 12"), ("tags", "rh, arrivée"), ("assets_shown", "1"), ("asset_ids[]", machine),
                ("diagnosis", "Poste à préparer"),
            ])

            // validate
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(500))")
            let stored = try #require(try await TicketModel.find(UUID(uuidString: id), on: app.db))
            #expect(stored.categoryID?.uuidString == category && stored.location == "Bureau 12"
                    && stored.tags == ["rh", "arrivée"] && stored.diagnosis == "Poste à préparer")
            #expect(try await TicketAssetModel.query(on: app.db).filter(\.$ticketID == stored.id!).count() == 1)
            // A form without those fields (an older page) changes none of them.
            let legacy = try await alice.post("/tickets/\(id)", ["status": "new", "urgency": "3", "impact": "3", "priority": "3"])
            #expect(legacy.status == .seeOther)
            #expect(try await TicketModel.find(stored.id, on: app.db)?.location == "Bureau 12")
            // Deselecting every asset is emptying a required field.
            let emptied = try await alice.post("/tickets/\(id)", pairs: [
                ("status", "new"), ("urgency", "3"), ("impact", "3"), ("priority", "3"), ("category_id", category),
                ("location", "Bureau 12"), ("tags", "rh"), ("assets_shown", "1"),
            ])
            #expect(emptied.status == .unprocessableEntity
                    && emptied.body.string.contains("Une modification ne peut pas les laisser vides."))
            // A forged category id is refused on its field.
            let forged = try await alice.post("/tickets/\(id)", ["status": "new", "category_id": "../../etc"])
            #expect(forged.status == .unprocessableEntity)
        }
    }

    @Test("the new-ticket form's category chooser carries what the portal gave — the searched text, the machine — to the chosen category's form",
          arguments: TestDatabase.all)
    func chooserCarries(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let (_, category, machine, rita) = try await Self.arrival(app, signedIn: "rita")
            func chooser(_ html: String) -> String {
                html.components(separatedBy: "category-chooser").dropFirst().first?.components(separatedBy: "</form>").first ?? ""
            }

            // MUT: the form as the portal's search and equipment list open it
            let form = try await rita.get("/tickets/new?title=mot%20de%20passe&asset_id=\(machine)")

            // validate: the chooser carries both
            #expect(form.status == .ok)
            #expect(chooser(form.body.string).contains("<input type=\"hidden\" name=\"title\" value=\"mot de passe\">"))
            #expect(chooser(form.body.string).contains("<input type=\"hidden\" name=\"asset_id\" value=\"\(machine)\">"))

            // MUT: the chooser submitted with a category
            let chosen = try await rita.get("/tickets/new?category_id=\(category)&title=mot%20de%20passe&asset_id=\(machine)")

            // validate: the category's start, then the text; the machine chosen; the chooser carries the text once
            let html = chosen.body.string
            #expect(html.contains("name=\"title\" required maxlength=\"250\" value=\"Arrivée : mot de passe\""))
            #expect(html.contains("<option value=\"\(machine)\" selected>PC-RITA</option>"))
            #expect(chooser(html).contains("name=\"title\" value=\"mot de passe\">"), "\(chooser(html))")
            // Hostile text stays text.
            let hostile = try await rita.get("/tickets/new?title=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(hostile.status == .ok && !hostile.body.string.contains("<script>alert(1)"))
        }
    }

    @Test("a category's starting text sent back unchanged by a browser (lines ended by CR LF) is still refused",
          arguments: TestDatabase.all)
    func templateFromBrowser(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let (w, category, machine, rita) = try await Self.arrival(app, signedIn: "rita")

            #expect(try await rita.get("/tickets/new?category_id=\(category)").status == .ok)

            // MUT: the form posted with the textarea as Chromium sends it
            let refused = try await rita.post("/tickets", pairs: [
                ("entity_id", w.t.alpha.id!.uuidString), ("category_id", category), ("type", "request"),
                ("title", "Arrivée : Chloé"), ("description", "## Nom de l'arrivant\r\n\r\n## Date\r\n"),
                ("urgency", "2"), ("impact", "1"), ("location", "Bureau 3"), ("tags", "arrivée"),
                ("asset_ids[]", machine),
            ])

            // validate
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Complete the category&#39;s template")
                    || refused.body.string.contains("Complete the category's template"), "\(refused.body.string.prefix(300))")
            #expect(try await TicketModel.query(on: app.db).count() == 0)
        }
    }
}
