import Fluent
import Foundation
import ParcCore
import ParcMail
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// Category templates (predefined values, mandatory fields, the category-driven form), canned responses and saved
/// views of the ticket list (decision 0061).
@Suite("Helpdesk: category templates, canned responses, saved ticket views")
struct HelpdeskTemplatesTests {
    /// A category of Alpha with a Markdown starting text, predefined values and mandatory location and asset.
    static func arrivalCategory(_ w: HelpdeskWorld) async throws -> String {
        let response = try await w.call(w.t.superToken, .POST, "/api/v1/ticket-categories", #"""
            {"entity_id":"\#(w.t.alpha.id!)","name":"Arrivée","template":"## Nom de l'arrivant\n\n## Date\n",
             "predefined":{"type":"request","urgency":2,"impact":1,"title":"Arrivée : ","location":"","tags":["arrivée"]},
             "mandatory_fields":["asset_ids","location","location"]}
            """#)
        #expect(response.status == .created, "\(response.body.string)")
        let body = try json(response)
        #expect(body["mandatory_fields"] as? [String] == ["location", "asset_ids"])
        let predefined = try #require(body["predefined"] as? [String: Any])
        #expect(predefined["urgency"] as? Int == 2 && predefined["location"] == nil, "an empty location is no default")
        return try #require(body["id"] as? String)
    }

    /// An asset of Alpha assigned to `user`.
    static func asset(_ w: HelpdeskWorld, name: String, user: UUID) async throws -> String {
        let response = try await w.call(w.t.superToken, .POST, "/api/v1/assets",
                                        #"{"entity_id":"\#(w.t.alpha.id!)","type":"computer","name":"\#(name)","status":"deployed"}"#)
        #expect(response.status == .created, "\(response.body.string)")
        let id = try #require(try json(response)["id"] as? String)
        let model = try #require(try await AssetModel.find(UUID(uuidString: id), on: w.app.db))
        model.assignedUserID = user
        try await model.save(on: w.app.db)
        return id
    }

    @Test("category API: template fields stored, changed, cleared; bad values refused; deleting a used category refused",
          arguments: TestDatabase.all)
    func categoryAPI(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let id = try await Self.arrivalCategory(w)
            // Bad template values: each named, nothing stored.
            for (body, field) in [
                (#"{"mandatory_fields":["title"]}"#, "mandatory_fields"),
                (#"{"predefined":{"urgency":9}}"#, "predefined.urgency"),
                (#"{"predefined":{"type":"problem"}}"#, "predefined.type"),
                (#"{"predefined":{"title":"a\nb"}}"#, "predefined.title"),
                (#"{"predefined":{"tags":["\#(String(repeating: "x", count: 51))"]}}"#, "predefined.tags"),
                (#"{"name":""}"#, "name"),
            ] {
                let refused = try await w.call(w.t.superToken, .PATCH, "/api/v1/ticket-categories/\(id)", body)
                #expect(refused.status == .unprocessableEntity, "\(body): \(refused.body.string)")
                #expect(refused.body.string.contains(field), "\(body): \(refused.body.string)")
            }
            let unknownNested = try await w.call(w.t.superToken, .PATCH, "/api/v1/ticket-categories/\(id)",
                                                 #"{"predefined":{"colour":"red"}}"#)
            #expect(unknownNested.status == .unprocessableEntity, "\(unknownNested.body.string)")
            let truncated = try await w.call(w.t.superToken, .PATCH, "/api/v1/ticket-categories/\(id)", #"{"predefined":{"#)
            #expect(truncated.status == .badRequest)
            let stored = try json(try await w.call(w.t.superToken, .GET, "/api/v1/ticket-categories/\(id)"))
            #expect(stored["name"] as? String == "Arrivée" && stored["mandatory_fields"] as? [String] == ["location", "asset_ids"])
            // A change keeps what it leaves out; null clears.
            let changed = try json(try await w.call(w.t.superToken, .PATCH, "/api/v1/ticket-categories/\(id)",
                                                    #"{"mandatory_fields":["tags"],"template":null}"#))
            #expect(changed["mandatory_fields"] as? [String] == ["tags"] && changed["template"] is NSNull)
            #expect((changed["predefined"] as? [String: Any])?["title"] as? String == "Arrivée : ")
            // No category under itself or its own children.
            let child = try json(try await w.call(w.t.superToken, .POST, "/api/v1/ticket-categories",
                                                  #"{"entity_id":"\#(w.t.alpha.id!)","name":"Poste","parent_id":"\#(id)"}"#))
            let childID = try #require(child["id"] as? String)
            let cycle = try await w.call(w.t.superToken, .PATCH, "/api/v1/ticket-categories/\(id)",
                                         #"{"parent_id":"\#(childID)"}"#)
            #expect(cycle.status == .unprocessableEntity && cycle.body.string.contains("parent_id"))
            let twin = try await w.call(w.t.superToken, .POST, "/api/v1/ticket-categories",
                                        #"{"entity_id":"\#(w.t.alpha.id!)","name":"Poste","parent_id":"\#(id)"}"#)
            #expect(twin.status == .conflict)
            // Technicians read categories but do not change them; another entity's admin does not see them.
            #expect(try await w.call(w.t.alphaToken, .PATCH, "/api/v1/ticket-categories/\(id)", #"{"name":"x"}"#).status
                    == .forbidden)
            #expect(try await w.call(w.t.betaToken, .GET, "/api/v1/ticket-categories/\(id)").status == .notFound)
            #expect(try await w.call(w.t.betaToken, .DELETE, "/api/v1/ticket-categories/\(id)").status == .notFound)
            // Deleting: not while a category sits under it or a ticket uses it.
            #expect(try await w.call(w.t.superToken, .DELETE, "/api/v1/ticket-categories/\(id)").status == .conflict)
            _ = try await w.open(w.t.alphaToken, #""category_id":"\#(childID)""#)
            let used = try await w.call(w.t.superToken, .DELETE, "/api/v1/ticket-categories/\(childID)")
            #expect(used.status == .conflict && used.body.string.contains("1 tickets"))
            let spare = try json(try await w.call(w.t.superToken, .POST, "/api/v1/ticket-categories",
                                                  #"{"entity_id":"\#(w.t.alpha.id!)","name":"Divers"}"#))
            #expect(try await w.call(w.t.superToken, .DELETE, "/api/v1/ticket-categories/\(spare["id"]!)").status
                    == .noContent)
            let actions = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "ticket_category").all()
                .map(\.action)
            #expect(actions.contains("ticket_category.updated") && actions.contains("ticket_category.deleted"))
        }
    }

    @Test("opening a ticket of a templated category: predefined values fill gaps; missing fields are refused",
          arguments: TestDatabase.all)
    func templateOnOpening(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let category = try await Self.arrivalCategory(w)
            let machine = try await Self.asset(w, name: "PC-ALP-0042", user: w.requester.id!)
            // Nothing but a title and the template sent back as is: every gap named.
            let refused = try await w.call(w.requesterToken, .POST, "/api/v1/tickets", #"""
                {"title":"Arrivée : Alice","description":"## Nom de l'arrivant\n\n## Date\n","category_id":"\#(category)"}
                """#)
            #expect(refused.status == .unprocessableEntity)
            let fields = try #require((try json(refused)["error"] as? [String: Any])?["fields"] as? [String: String])
            #expect(Set(fields.keys) == ["description", "location", "asset_ids"], "\(fields)")
            #expect(fields["location"] == "This ticket's category requires this field.")
            #expect(try await TicketModel.query(on: app.db).count() == 0)
            // Filled in: type, urgency, impact and tags come from the category.
            let ticket = try json(try await w.call(w.requesterToken, .POST, "/api/v1/tickets", #"""
                {"title":"Arrivée : Alice","description":"## Nom de l'arrivant\nAlice\n## Date\nlundi",
                 "category_id":"\#(category)","location":"Bureau 12","asset_ids":["\#(machine)"]}
                """#))
            #expect(ticket["type"] as? String == "request" && ticket["urgency"] as? Int == 2 && ticket["impact"] as? Int == 1)
            #expect(ticket["priority"] as? Int == 1 && ticket["tags"] as? [String] == ["arrivée"]
                    && ticket["location"] as? String == "Bureau 12", "\(ticket)")
            // What the request gives wins over the template.
            let own = try json(try await w.call(w.requesterToken, .POST, "/api/v1/tickets", #"""
                {"title":"Arrivée : Bob","description":"Bob, mardi","type":"incident","urgency":5,"impact":5,
                 "tags":[],"category_id":"\#(category)","location":"Accueil","asset_ids":["\#(machine)"]}
                """#))
            #expect(own["type"] as? String == "incident" && own["priority"] as? Int == 5 && own["tags"] as? [String] == [])
            // Without a category, nothing is required beyond the contract.
            _ = try await w.open(w.requesterToken)
        }
    }

    @Test("the category-driven form: the template fills the form, marks what is required, and keeps what was typed",
          arguments: TestDatabase.all)
    func categoryForm(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let category = try await Self.arrivalCategory(w)
            let machine = try await Self.asset(w, name: "PC-ALP-0042", user: w.requester.id!)
            let rita = WebClient(app)
            try await rita.signIn("rita")
            let form = try await rita.get("/tickets/new?category_id=\(category)")
            let html = form.body.string
            #expect(form.status == .ok && html.contains("value=\"Arrivée : \"")
                    && (html.contains("## Nom de l&#39;arrivant") || html.contains("## Nom de l'arrivant")),
                    "the title and description start from the template")
            #expect(html.contains("name=\"location\" maxlength=\"255\" value=\"\" required"), "location is required")
            #expect(html.contains("PC-ALP-0042"), "the requester's own machine is offered")
            #expect(html.contains("<option value=\"2\" selected>"), "urgency 2 is preselected")
            // An unknown or foreign category id starts an empty form.
            #expect(try await rita.get("/tickets/new?category_id=\(UUID())").status == .ok)
            let missing = try await rita.post("/tickets", pairs: [
                ("entity_id", w.t.alpha.id!.uuidString), ("category_id", category), ("type", "request"),
                ("title", "Arrivée : Chloé"), ("description", "Chloé, jeudi"), ("urgency", "2"), ("impact", "1"),
                ("location", ""), ("tags", "arrivée"),
            ])
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("Chloé, jeudi"))
            #expect(missing.body.string.contains("La catégorie de ce ticket exige ce champ.")
                    || missing.body.string.contains("This ticket&#39;s category requires this field."))
            let created = try await rita.post("/tickets", pairs: [
                ("entity_id", w.t.alpha.id!.uuidString), ("category_id", category), ("type", "request"),
                ("title", "Arrivée : Chloé"), ("description", "Chloé, jeudi"), ("urgency", "2"), ("impact", "1"),
                ("location", "Bureau 3"), ("tags", "arrivée, poste"), ("asset_ids[]", machine),
            ])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let ticket = try #require(try await TicketModel.query(on: app.db).first())
            #expect(ticket.location == "Bureau 3" && ticket.tagsJSON == #"["arrivée","poste"]"#)
            #expect(try await TicketAssetModel.query(on: app.db).filter(\.$ticketID == ticket.id!).count() == 1)
        }
    }

    @Test("canned responses: checked placeholders, entity scope and recursion, filled in on the ticket page and by API",
          arguments: TestDatabase.all)
    func cannedResponses(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let path = "/api/v1/ticket-canned-responses"
            // Bad input: unknown or unclosed placeholders, missing name, oversized text, unknown fields.
            for (body, status) in [
                (#"{"entity_id":"\#(w.t.alpha.id!)","name":"A","body":"Bonjour {{prenom}}"}"#, HTTPResponseStatus.unprocessableEntity),
                (#"{"entity_id":"\#(w.t.alpha.id!)","name":"A","body":"Bonjour {{requester"}"#, .unprocessableEntity),
                (#"{"entity_id":"\#(w.t.alpha.id!)","body":"Bonjour"}"#, .unprocessableEntity),
                (#"{"entity_id":"\#(w.t.alpha.id!)","name":"A","body":"\#(String(repeating: "x", count: 20_001))"}"#, .unprocessableEntity),
                (#"{"entity_id":"\#(w.t.alpha.id!)","name":"A","body":"x","html":true}"#, .unprocessableEntity),
                (#"{"entity_id":"\#(w.t.beta.id!)","name":"A","body":"x"}"#, .notFound),
                (#"{"entity_id":"\#(w.t.alpha.id!)","name":"A""#, .badRequest),
            ] {
                let response = try await w.call(w.t.alphaToken, .POST, path, body)
                #expect(response.status == status, "\(body.prefix(80)): \(response.body.string.prefix(300))")
            }
            #expect(try await TicketCannedResponseModel.query(on: app.db).count() == 0, "nothing stored")
            let created = try await w.call(w.t.alphaToken, .POST, path, #"""
                {"entity_id":"\#(w.t.alpha.id!)","name":"Redémarrage","body":"Bonjour {{requester}},\n\nPouvez-vous redémarrer ? ({{reference}})\n\n{{technician}}"}
                """#)
            #expect(created.status == .created, "\(created.body.string)")
            let id = try #require(try json(created)["id"] as? String)
            #expect(try await w.call(w.t.alphaToken, .POST, path,
                                     #"{"entity_id":"\#(w.t.alpha.id!)","name":"Redémarrage","body":"x"}"#).status == .conflict)
            // Root's recursive response serves Alpha's tickets; Beta's admin sees neither Alpha's nor asks for it.
            let shared = try await w.call(w.t.superToken, .POST, path,
                                          #"{"entity_id":"\#(w.t.root.id!)","name":"Clôture","body":"Ticket {{reference}} résolu.","recursive":true}"#)
            #expect(shared.status == .created)
            let sharedID = try #require(try json(shared)["id"] as? String)
            let aliceList = try await w.call(w.t.alphaToken, .GET, path)
            let names = try (JSONSerialization.jsonObject(with: Data(aliceList.body.string.utf8)) as? [[String: Any]] ?? [])
                .compactMap { $0["name"] as? String }
            #expect(Set(names) == ["Redémarrage", "Clôture"])
            #expect(!(try await w.call(w.t.betaToken, .GET, path)).body.string.contains("Redémarrage"))
            #expect(try await w.call(w.t.betaToken, .PATCH, "\(path)/\(id)", #"{"name":"x"}"#).status == .notFound)
            #expect(try await w.call(w.requesterToken, .GET, path).status == .forbidden)
            // Filled in for a ticket.
            let ticket = try await w.open(w.requesterToken)
            let ticketID = try #require(ticket["id"] as? String)
            let reference = try #require(ticket["reference"] as? String)
            let rendered = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets/\(ticketID)/canned-responses/\(id)"))
            #expect(rendered["body"] as? String == "Bonjour Rita,\n\nPouvez-vous redémarrer ? (\(reference))\n\nAlice")
            #expect(try await w.call(w.requesterToken, .GET, "/api/v1/tickets/\(ticketID)/canned-responses/\(id)").status
                    == .forbidden)
            // The ticket page: the picker, and the followup filled in.
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let page = try await alice.get("/tickets/\(ticketID)?canned=\(sharedID)")
            #expect(page.status == .ok && page.body.string.contains("Ticket \(reference) résolu.</textarea>"))
            #expect(page.body.string.contains(">Redémarrage</option>"))
            let rita = WebClient(app)
            try await rita.signIn("rita")
            #expect(!(try await rita.get("/tickets/\(ticketID)?canned=\(id)")).body.string.contains("Pouvez-vous"))
            // The management page: CSRF, errors kept, edit, delete.
            #expect(try await alice.get("/tickets/canned-responses").body.string.contains("Redémarrage"))
            #expect(try await rita.get("/tickets/canned-responses").status == .forbidden)
            let forged = try await alice.post("/tickets/canned-responses",
                                              ["entity_id": w.t.alpha.id!.uuidString, "name": "B", "body": "x"],
                                              includeCSRF: false)
            #expect(forged.status == .forbidden)
            let bad = try await alice.post("/tickets/canned-responses",
                                           ["entity_id": w.t.alpha.id!.uuidString, "name": "Merci", "body": "Merci {{nom}}"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("Merci {{nom}}"))
            let hostile = try await alice.post("/tickets/canned-responses",
                                               ["entity_id": w.t.alpha.id!.uuidString, "name": "<b>Gras</b>", "body": "<script>x</script>"])
            #expect(hostile.status == .seeOther)
            let listing = try await alice.get("/tickets/canned-responses")
            #expect(listing.body.string.contains("&lt;b&gt;Gras&lt;/b&gt;") && !listing.body.string.contains("<script>x"))
            #expect(try await alice.post("/tickets/canned-responses/\(id)", ["name": "Redémarrer", "body": "Redémarrez."])
                .status == .seeOther)
            #expect(try await TicketCannedResponseModel.find(UUID(uuidString: id), on: app.db)?.body == "Redémarrez.")
            #expect(try await alice.post("/tickets/canned-responses/\(id)/delete", [:]).status == .seeOther)
            #expect(try await TicketCannedResponseModel.find(UUID(uuidString: id), on: app.db) == nil)
            // Root's response is Root's technicians' to change: Alice may use it, not delete it.
            let refusedDelete = try await alice.post("/tickets/canned-responses/\(sharedID)/delete", [:])
            #expect([.forbidden, .notFound].contains(refusedDelete.status))
            #expect(try await TicketCannedResponseModel.find(UUID(uuidString: sharedID), on: app.db) != nil)
        }
    }

    @Test("saved views of the ticket list: a technician saves 'my urgent tickets' and finds it as a tab",
          arguments: TestDatabase.all)
    func savedViews(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            _ = try await w.open(w.t.alphaToken, #""title":"Serveur à l'arrêt","urgency":5,"impact":5,"assignee_ids":["\#(w.t.alphaTech.id!)"]"#)
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let saved = try await alice.post("/views", ["list": "tickets", "name": "Mes urgents",
                                                        "query": "assignee_id=me&priority=5&status=open"])
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            let location = try #require(saved.headers.first(name: .location))
            #expect(location.hasPrefix("/tickets?"))
            let page = try await alice.get(location)
            #expect(page.status == .ok && page.body.string.contains("Mes urgents") && page.body.string.contains("Serveur à l"))
            // A search the list refuses is not saved.
            _ = try await alice.post("/views", ["list": "tickets", "name": "Faux", "query": "priority=banana"])
            #expect(try await SavedViewModel.query(on: app.db).filter(\.$name == "Faux").count() == 0)
        }
    }

    @Test("the portal: requesters land on it, search the FAQ, open by category, answer solutions and surveys",
          arguments: TestDatabase.all)
    func portal(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let category = try await Self.arrivalCategory(w)
            let rita = WebClient(app)
            try await rita.signIn("rita")
            let home = try await rita.get("/")
            #expect(home.status == .seeOther && home.headers.first(name: .location) == "/portal")
            let alice = WebClient(app)
            try await alice.signIn("alice")
            #expect(try await alice.get("/").status == .ok, "technicians keep the dashboard")
            // An FAQ article, and a ticket that gets solved.
            let article = try await w.call(w.t.superToken, .POST, "/api/v1/articles", #"""
                {"entity_id":"\#(w.t.alpha.id!)","title":"Réinitialiser son mot de passe","body":"Allez sur la page du compte.","visibility":"faq"}
                """#)
            #expect(article.status == .created, "\(article.body.string)")
            let solved = try await w.open(w.requesterToken, #""title":"Imprimante bloquée <b>gras</b>""#)
            _ = try await w.patch(w.t.alphaToken, solved["id"]!, #"{"status":"solved","solution":"Bourrage retiré."}"#)
            let waiting = try await w.open(w.requesterToken, #""title":"Souris cassée""#)
            let page = try await rita.get("/portal")
            let html = page.body.string
            #expect(page.status == .ok && html.contains("Arrivée") && html.contains("/tickets/new?category_id=\(category)"))
            #expect(html.contains("Solutions en attente de votre réponse") || html.contains("Solutions waiting for your answer"))
            #expect(html.contains("Imprimante bloquée &lt;b&gt;gras&lt;/b&gt;") && !html.contains("<b>gras</b>"))
            #expect(html.contains("Souris cassée") && html.contains("/tickets/\(waiting["id"]!)"))
            // Her machine, with a link that opens a ticket about it, preselected.
            let machine = try await Self.asset(w, name: "PC-RITA", user: w.requester.id!)
            let withMachine = try await rita.get("/portal")
            #expect(withMachine.body.string.contains("PC-RITA") && withMachine.body.string.contains("/tickets/new?asset_id=\(machine)"))
            #expect(try await rita.get("/tickets/new?asset_id=\(machine)").body.string.contains("<option value=\"\(machine)\" selected>"))
            // Searching first: the FAQ answers; otherwise a ticket starts from what was typed.
            let search = try await rita.get("/portal?q=mot%20de%20passe")
            #expect(search.body.string.contains("Réinitialiser son mot de passe"))
            #expect(search.body.string.contains("/tickets/new?title=mot%20de%20passe"))
            let form = try await rita.get("/tickets/new?title=mot%20de%20passe")
            #expect(form.body.string.contains("value=\"mot de passe\""))
            let hostile = try await rita.get("/portal?q=%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(hostile.status == .ok && !hostile.body.string.contains("<script>alert(1)"))
            // Beta's requester sees none of it.
            let carol = WebClient(app)
            try await carol.signIn("carol")
            let other = try await carol.get("/portal")
            #expect(other.status == .ok && !other.body.string.contains("Souris cassée") && !other.body.string.contains("Arrivée"))
        }
    }

    @Test("a refused status change reads in the technician's language on the page, in English in the API",
          arguments: TestDatabase.all)
    func transitionMessages(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let ticket = try await w.open(w.requesterToken)
            let id = try #require(ticket["id"] as? String)
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let page = try await alice.post("/tickets/\(id)", ["status": "pending", "urgency": "3", "impact": "3",
                                                               "priority": "3"])
            #expect(page.status == .unprocessableEntity)
            let errors = page.body.string.components(separatedBy: "class=\"field-error\">").dropFirst()
                .map { $0.prefix { $0 != "<" } }
            #expect(errors.contains { $0.lowercased().contains("pending") || $0.contains("attente") }, "\(errors)")
            // The page speaks the user's language: in French, the status names are French too.
            let french = try #require(try await UserModel.query(on: app.db).filter(\.$login == "alice").first())
            french.language = "fr"
            try await french.save(on: app.db)
            let closed = try await alice.post("/tickets/\(id)", ["status": "closed", "urgency": "3", "impact": "3",
                                                                 "priority": "3"])
            #expect(closed.status == .unprocessableEntity)
            #expect(closed.body.string.contains("Un ticket «\u{00A0}Nouveau\u{00A0}» ne peut pas passer à «\u{00A0}Clos\u{00A0}»"),
                    "\(closed.body.string.components(separatedBy: "class=\"field-error\">").dropFirst().map { $0.prefix(200) })")
            let api = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/tickets/\(id)", #"{"status":"closed"}"#)
            #expect(api.status == .unprocessableEntity && api.body.string.contains("invalid_transition")
                    && api.body.string.contains("a new ticket cannot become closed"), "\(api.body.string)")
        }
    }

    @Test("ticket mails carry a Message-ID that names the ticket; a reply without the subject tag threads back",
          arguments: TestDatabase.all)
    func messageIDThreading(_ database: TestDatabase) async throws {
        var configuration = ParcConfiguration(runsWorkers: false)
        configuration.mail = MailSettings(smtp: SMTPConfiguration(host: "127.0.0.1", port: 2525, security: .none),
                                          from: MailAddress("support@parc.example.org", displayName: "Parc"))
        try await withApp(database, configuration: configuration) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let ticket = try await w.open(w.requesterToken)
            let reference = try #require(ticket["reference"] as? String)
            let ticketID = try #require(UUID(uuidString: ticket["id"] as? String ?? ""))
            let acknowledgement = try #require(try await MailOutboxModel.query(on: app.db).all()
                .first { $0.recipients == "rita@example.org" })
            let messageID = try #require(acknowledgement.messageID)
            #expect(messageID.hasPrefix("ticket-\(reference).") && messageID.hasSuffix("@parc.example.org"))
            // The reply's subject lost the tag; its In-Reply-To still names the ticket.
            let reply = try await HelpdeskMailTests.deliver(app, HelpdeskMailTests.message(
                from: "rita@example.org", subject: "Re: votre demande", body: "C'est reparti, merci.",
                headers: ["In-Reply-To: <\(messageID)>"]), entity: w.t.alpha.id!)
            #expect(reply == .addedFollowup(ticketID: ticketID))
            // A forged identifier in another domain does not.
            let forged = try await HelpdeskMailTests.deliver(app, HelpdeskMailTests.message(
                from: "rita@example.org", subject: "Autre chose", body: "Nouvelle demande",
                headers: ["In-Reply-To: <ticket-\(reference).abc@evil.example.com>"]), entity: w.t.alpha.id!)
            if case .createdTicket = forged {} else { Issue.record("\(forged)") }
        }
    }
}
