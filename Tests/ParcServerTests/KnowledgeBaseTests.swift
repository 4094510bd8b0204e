import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// The tenancy of `Tenancy` plus a token for Carol, Beta's requester, and a helper per API call.
struct KnowledgeWorld {
    let app: Application
    let t: Tenancy
    let requesterToken: String

    static func make(_ app: Application) async throws -> KnowledgeWorld {
        let t = try await Tenancy.make(app)
        let audit = AuditLog(system: "test", now: app.parc.clock.now())
        let token = try await AccountService(application: app).createToken(for: t.betaUser, name: "test", expiresAt: nil,
                                                                           audit: audit).1
        return KnowledgeWorld(app: app, t: t, requesterToken: token)
    }

    /// Creates an article and returns its JSON.
    @discardableResult
    func article(_ token: String, _ fields: [String: Any], status: HTTPResponseStatus = .created) async throws
        -> [String: Any]
    {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
        let response = try await send(app, .POST, "/api/v1/articles", headers: .json(token), body: body)
        #expect(response.status == status, "\(response.body.string)")
        return try json(response)
    }

    func get(_ token: String, _ path: String) async throws -> TestingHTTPResponse {
        try await send(app, .GET, path, headers: .bearer(token))
    }

    /// The titles of a list answer.
    func titles(_ token: String, _ path: String) async throws -> [String] {
        let response = try await get(token, path)
        #expect(response.status == .ok, "\(path): \(response.body.string)")
        return (try json(response)["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
    }

    /// The titles `GET /api/v1/articles/suggest` proposes.
    func suggested(_ token: String, _ query: String) async throws -> Set<String> {
        let response = try await get(token, "/api/v1/articles/suggest?\(query)")
        #expect(response.status == .ok, "\(query): \(response.body.string)")
        return Set((try json(response)["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String })
    }

    func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

@Suite("Knowledge base: articles, revisions, visibility and scoping, search, pages, bad input")
struct KnowledgeBaseTests {
    @Test("articles: create, read, change with revisions, vote once, count views, delete; history kept",
          arguments: TestDatabase.all)
    func articleLifecycle(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await KnowledgeWorld.make(app)
            let t = w.t
            // setup: a category of Alpha and an article in it.
            let category = try await send(app, .POST, "/api/v1/kb-categories", headers: .json(t.alphaToken),
                                          body: #"{"entity_id":"\#(t.alpha.id!)","name":"Imprimantes"}"#)
            #expect(category.status == .created, "\(category.body.string)")
            let categoryID = try #require(try json(category)["id"] as? String)
            let sub = try await send(app, .POST, "/api/v1/kb-categories", headers: .json(t.alphaToken),
                                     body: #"{"entity_id":"\#(t.alpha.id!)","parent_id":"\#(categoryID)","name":"Laser"}"#)
            #expect(try json(sub)["path"] as? String == "Imprimantes › Laser")
            let subID = try #require(try json(sub)["id"] as? String)
            let moved = try await send(app, .PATCH, "/api/v1/kb-categories/\(subID)", headers: .json(t.alphaToken),
                                       body: #"{"parent_id":null,"name":"Laser couleur"}"#)
            #expect(try json(moved)["path"] as? String == "Laser couleur", "null makes it a top category")

            // MUT: create
            let created = try await w.article(t.alphaToken, [
                "entity_id": t.alpha.id!.uuidString, "title": "Bourrage papier", "category_id": categoryID,
                "body": "## Symptôme\n\nLe papier *coince*.", "template": "reflex", "visibility": "technicians",
                "review_on": "2026-01-15",
            ])
            let id = try #require(created["id"] as? String)
            #expect(created["revision"] as? Int == 1 && created["author"] as? String == "Alice")
            #expect(created["body_html"] as? String == "<h2>Symptôme</h2>\n<p>Le papier <em>coince</em>.</p>\n")
            #expect(created["review_due"] as? Bool == true, "the test clock is in November 2026")
            #expect((created["category"] as? [String: Any])?["name"] as? String == "Imprimantes")

            // A change of text is a new revision; the previous one is kept.
            let patched = try await send(app, .PATCH, "/api/v1/articles/\(id)", headers: .json(t.alphaToken),
                                         body: ###"{"body":"## Symptôme\n\nLe papier *coince* encore.","review_on":null}"###)
            #expect(patched.status == .ok, "\(patched.body.string)")
            let patchedJSON = try json(patched)
            #expect(patchedJSON["revision"] as? Int == 2 && patchedJSON["review_due"] as? Bool == false)
            let unchanged = try await send(app, .PATCH, "/api/v1/articles/\(id)", headers: .json(t.alphaToken),
                                           body: #"{"visibility":"faq"}"#)
            #expect(try json(unchanged)["revision"] as? Int == 2, "no new revision without a change of text")
            let revisions = try json(try await w.get(t.alphaToken, "/api/v1/articles/\(id)/revisions"))
            let items = try #require(revisions["items"] as? [[String: Any]])
            #expect(revisions["total"] as? Int == 2 && items.map { $0["number"] as? Int } == [2, 1])
            #expect(items.last?["body"] as? String == "## Symptôme\n\nLe papier *coince*.")

            // Votes: one per person, replaced when given again.
            for (token, helpful) in [(t.alphaToken, true), (t.alphaToken, false), (t.superToken, true)] {
                let vote = try await send(app, .POST, "/api/v1/articles/\(id)/vote", headers: .json(token),
                                          body: #"{"helpful":\#(helpful)}"#)
                #expect(vote.status == .ok, "\(vote.body.string)")
            }
            let voted = try json(try await w.get(t.alphaToken, "/api/v1/articles/\(id)"))
            #expect(voted["helpful"] as? Int == 1 && voted["unhelpful"] as? Int == 1 && voted["my_vote"] as? Bool == false)

            // Views count the article page.
            let web = WebClient(app)
            try await web.signIn("alice")
            #expect(try await web.get("/kb/\(id)").status == .ok)
            #expect(try await web.get("/kb/\(id)").status == .ok)
            #expect(try json(try await w.get(t.alphaToken, "/api/v1/articles/\(id)"))["views"] as? Int == 2)

            // Categories: deleting one that holds an article is a 409.
            #expect(try await send(app, .DELETE, "/api/v1/kb-categories/\(categoryID)", headers: .bearer(t.alphaToken))
                .status == .conflict)

            // Delete; the history stays.
            #expect(try await send(app, .DELETE, "/api/v1/articles/\(id)", headers: .bearer(t.alphaToken)).status == .noContent)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles/\(id)").status == .notFound)
            let actions = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == id).sort(\.$createdAt).all()
                .map(\.action)
            #expect(actions == ["kb_article.created", "kb_article.updated", "kb_article.updated", "kb_article.deleted"])
            #expect(try await w.titles(t.alphaToken, "/api/v1/articles?q=bourrage").isEmpty, "gone from the index too")
        }
    }

    @Test("a requester reads only the FAQ of their entities; nobody sees another entity's article by list, id, search or suggest",
          arguments: TestDatabase.all)
    func visibilityAndScoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await KnowledgeWorld.make(app)
            let t = w.t
            // setup: Alice writes for Alpha, Bob for Beta, root for everyone.
            let alphaStaff = try await w.article(t.alphaToken, ["entity_id": t.alpha.id!.uuidString,
                "title": "Alpha VPN interne", "body": "Configurer le VPN d'Alpha.", "visibility": "technicians"])
            let alphaFAQ = try await w.article(t.alphaToken, ["entity_id": t.alpha.id!.uuidString,
                "title": "Alpha VPN FAQ", "body": "Se connecter au VPN.", "visibility": "faq"])
            let betaStaff = try await w.article(t.betaToken, ["entity_id": t.beta.id!.uuidString,
                "title": "Beta VPN interne", "body": "Le VPN de Beta.", "visibility": "technicians"])
            let betaFAQ = try await w.article(t.betaToken, ["entity_id": t.beta.id!.uuidString,
                "title": "Beta VPN FAQ", "body": "Le VPN pour tous.", "visibility": "faq"])
            try await w.article(t.superToken, ["entity_id": t.root.id!.uuidString, "recursive": true,
                "title": "Root VPN FAQ", "body": "Le VPN commun.", "visibility": "faq"])
            try await w.article(t.superToken, ["entity_id": t.root.id!.uuidString, "recursive": true,
                "title": "Root VPN Beta seulement", "body": "Le VPN réservé.", "visibility": "entities",
                "entity_ids": [t.beta.id!.uuidString]])
            try await w.article(t.superToken, ["entity_id": t.root.id!.uuidString, "recursive": false,
                "title": "Root VPN racine", "body": "Le VPN de la racine.", "visibility": "faq"])

            // The requester: Beta's FAQ and the recursive FAQ above it, nothing else, whatever the way in.
            let requesterSees: Set<String> = ["Beta VPN FAQ", "Root VPN FAQ"]
            #expect(Set(try await w.titles(w.requesterToken, "/api/v1/articles")) == requesterSees)
            #expect(Set(try await w.titles(w.requesterToken, "/api/v1/articles?q=vpn")) == requesterSees)
            #expect(Set(try await w.titles(w.requesterToken, "/api/v1/articles?visibility=technicians")) == [])
            #expect(try await w.get(w.requesterToken, "/api/v1/articles/\(betaStaff["id"]!)").status == .notFound)
            #expect(try await w.get(w.requesterToken, "/api/v1/articles/\(alphaFAQ["id"]!)").status == .notFound)
            #expect(try await w.get(w.requesterToken, "/api/v1/articles/\(betaFAQ["id"]!)").status == .ok)
            #expect(try await w.suggested(w.requesterToken, "q=vpn&limit=20") == requesterSees)
            // A requester cannot write.
            #expect(try await send(app, .POST, "/api/v1/articles", headers: .json(w.requesterToken),
                                   body: #"{"entity_id":"\#(t.beta.id!)","title":"x","body":"y"}"#).status == .forbidden)

            // Alice: Alpha's and the recursive FAQ; not Beta's, not the one limited to Beta, not the root-only one.
            let aliceSees: Set<String> = ["Alpha VPN interne", "Alpha VPN FAQ", "Root VPN FAQ"]
            #expect(Set(try await w.titles(t.alphaToken, "/api/v1/articles")) == aliceSees)
            #expect(Set(try await w.titles(t.alphaToken, "/api/v1/articles?q=vpn&per_page=200")) == aliceSees)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles/\(betaFAQ["id"]!)").status == .notFound)
            #expect(try await w.suggested(t.alphaToken, "q=vpn&limit=20") == aliceSees)
            #expect(try await w.suggested(t.alphaToken, "q=vpn&limit=20&audience=requester") == ["Alpha VPN FAQ", "Root VPN FAQ"],
                    "the requester audience shows the FAQ only")
            // Alice cannot write in Beta, nor change Beta's article (which she cannot even see).
            #expect(try await send(app, .POST, "/api/v1/articles", headers: .json(t.alphaToken),
                                   body: #"{"entity_id":"\#(t.beta.id!)","title":"x","body":"y"}"#).status == .notFound)
            #expect(try await send(app, .PATCH, "/api/v1/articles/\(betaStaff["id"]!)", headers: .json(t.alphaToken),
                                   body: #"{"title":"pris"}"#).status == .notFound)
            // Nor limit an article to Beta.
            let aimed = try await w.article(t.alphaToken, ["entity_id": t.alpha.id!.uuidString, "title": "Visée",
                "body": "x", "visibility": "entities", "entity_ids": [t.beta.id!.uuidString]], status: .unprocessableEntity)
            #expect((aimed["error"] as? [String: Any])?["fields"] as? [String: String] == [
                "entity_ids": KnowledgeService.listedOutsideMessage])

            // Bob, Beta's admin: Beta's, the recursive FAQ and the one limited to Beta.
            #expect(Set(try await w.titles(t.betaToken, "/api/v1/articles?q=vpn")) ==
                    ["Beta VPN interne", "Beta VPN FAQ", "Root VPN FAQ", "Root VPN Beta seulement"])

            // The service the ticket page calls, narrowed to a ticket's entity.
            let tree = EntityTree([.init(id: t.root.id!, parentID: nil, name: "Root"),
                                   .init(id: t.alpha.id!, parentID: t.root.id!, name: "Alpha"),
                                   .init(id: t.beta.id!, parentID: t.root.id!, name: "Beta")])
            let scope = AccessScope(profiles: [Profile(entityID: t.root.id!, role: .superAdmin, recursive: true)], tree: tree)
            let forAlpha = try await KnowledgeSearch.suggest(text: "vpn", scope: scope, tree: tree, entity: t.alpha.id!,
                                                             audience: .technician, limit: 20, on: app.db)
            #expect(Set(forAlpha.map(\.title)) == aliceSees)
            let portalAlpha = try await KnowledgeSearch.suggest(text: "vpn", scope: scope, tree: tree, entity: t.alpha.id!,
                                                                audience: .requester, limit: 20, on: app.db)
            #expect(Set(portalAlpha.map(\.title)) == ["Alpha VPN FAQ", "Root VPN FAQ"])
            _ = alphaStaff
        }
    }

    @Test("search in French and English: accents folded, plurals and stems found, ranked, with snippets",
          arguments: TestDatabase.all)
    func search(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await KnowledgeWorld.make(app)
            let t = w.t
            try await w.article(t.alphaToken, ["entity_id": t.alpha.id!.uuidString,
                "title": "Changer l'étiquette de l'imprimante",
                "body": "Ouvrir le capot, retirer l'ancienne étiquette et remettre le rouleau des imprimantes Zebra."])
            try await w.article(t.alphaToken, ["entity_id": t.alpha.id!.uuidString, "title": "Printers offline",
                "body": "When the printers are offline, restart the print spooler service."])
            try await w.article(t.alphaToken, ["entity_id": t.alpha.id!.uuidString, "title": "Mot de passe oublié",
                "body": "Réinitialiser le mot de passe depuis l'annuaire. Sans rapport avec les imprimantes."])

            #expect(try await w.titles(t.alphaToken, "/api/v1/articles?q=etiquette") == ["Changer l'étiquette de l'imprimante"])
            #expect(try await w.titles(t.alphaToken, "/api/v1/articles?q=\(w.percentEncoded("ÉTIQUETTE"))")
                    == ["Changer l'étiquette de l'imprimante"])
            // A French plural finds the singular, and the title match ranks first.
            let printers = try await w.titles(t.alphaToken, "/api/v1/articles?q=imprimantes")
            #expect(printers.first == "Changer l'étiquette de l'imprimante" && printers.contains("Mot de passe oublié"),
                    "\(printers)")
            // English stems: "printer" finds "printers", "restarting" finds "restart".
            #expect(try await w.titles(t.alphaToken, "/api/v1/articles?q=printer") == ["Printers offline"])
            #expect(try await w.titles(t.alphaToken, "/api/v1/articles?q=restarting%20spooler") == ["Printers offline"])
            // As-you-type: the last word is a prefix.
            let typing = try json(try await w.get(t.alphaToken, "/api/v1/articles/suggest?q=mot%20de%20pas"))
            let first = try #require((typing["items"] as? [[String: Any]])?.first)
            #expect(first["title"] as? String == "Mot de passe oublié")
            #expect((first["snippet_html"] as? String)?.contains("<mark>passe</mark>") == true, "\(first)")
            // Query syntax typed by a user is text, never an error.
            for hostile in ["\"", "NEAR(", "a OR", "*", "-x", "'; DROP TABLE kb_articles; --", "mot:*", "!!!", "(((("] {
                let response = try await w.get(t.alphaToken, "/api/v1/articles?q=\(w.percentEncoded(hostile))")
                #expect(response.status == .ok, "\(hostile): \(response.body.string)")
            }
            // Snippets in searched lists.
            let listed = try json(try await w.get(t.alphaToken, "/api/v1/articles?q=spooler"))
            #expect(((listed["items"] as? [[String: Any]])?.first?["snippet"] as? String)?.contains("spooler") == true)
            // Another sort than relevance keeps the matches only.
            #expect(try await w.titles(t.alphaToken, "/api/v1/articles?q=imprimantes&sort=title") ==
                    ["Changer l'étiquette de l'imprimante", "Mot de passe oublié"])
        }
    }

    @Test("hostile Markdown is inert on the article page; the page, form, templates and CSV work",
          arguments: TestDatabase.all)
    func pages(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await KnowledgeWorld.make(app)
            let t = w.t
            let web = WebClient(app)
            try await web.signIn("alice")
            // The form offers the templates, pre-filled in the user's language.
            let form = try await web.get("/kb/new?template=reflex")
            #expect(form.status == .ok && form.body.string.contains("## Symptom") && form.body.string.contains("When to escalate"))
            // A form without its CSRF token is refused.
            #expect(try await web.post("/kb", ["title": "x", "body": "y", "entity_id": t.alpha.id!.uuidString],
                                       includeCSRF: false).status == .forbidden)
            let hostile = """
                # Titre

                <script>alert('xss')</script>
                [clic](javascript:alert(1)) [clic2](JaVaScRiPt:alert(2)) ![img](x" onerror="alert(3))
                <img src=x onerror=alert(4)>
                [ok](https://example.org/doc)
                """
            let created = try await web.post("/kb", ["entity_id": t.alpha.id!.uuidString, "title": "Piège <b>gras</b>",
                                                      "body": hostile, "visibility": "technicians", "template": "free",
                                                      "category_id": "", "review_on": ""])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let location = try #require(created.headers.first(name: .location))
            let page = try await web.get(location)
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert"))
            #expect(!html.lowercased().contains("href=\"javascript") && !html.contains("onerror=alert(4)>"))
            let body = try #require(html.components(separatedBy: "class=\"card-body markdown\">").last?
                .components(separatedBy: "</article>").first)
            #expect(!body.contains("<img"), "images are never loaded: \(body)")
            #expect(html.contains("<a href=\"https://example.org/doc\" rel=\"nofollow noopener noreferrer\">ok</a>"))
            #expect(html.contains("Piège &lt;b&gt;gras&lt;/b&gt;"))
            // Revisions tab with a diff after an edit through the form.
            let id = location.split(separator: "/").last.map(String.init) ?? ""
            let edited = try await web.post("/kb/\(id)", ["title": "Piège", "body": "# Titre\n\nPlus rien.",
                                                          "visibility": "technicians", "template": "free",
                                                          "category_id": "", "review_on": "2027-02-01"])
            #expect(edited.status == .seeOther, "\(edited.body.string)")
            let revisions = try await web.get("/kb/\(id)?tab=revisions")
            #expect(revisions.body.string.contains("diff-added") && revisions.body.string.contains("Plus rien."))
            #expect(try await web.get("/kb/\(id)?tab=history").body.string.contains("Article"))
            // The list, its filters and the CSV export.
            let list = try await web.get("/kb?q=piege")
            #expect(list.status == .ok && list.body.string.contains("Piège"))
            let csv = try await web.get("/kb?format=csv")
            #expect(csv.headers.contentType?.subType == "csv" && csv.body.string.contains("Piège"))
            #expect(try await web.get("/").body.string.contains("href=\"/kb\""), "the navigation links the knowledge base")
            // Form errors are shown in place, 422.
            let bad = try await web.post("/kb", ["entity_id": t.alpha.id!.uuidString, "title": "", "body": "x",
                                                  "visibility": "technicians", "template": "free", "review_on": "demain"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("field-error"))
            // Categories page: create one.
            #expect(try await web.post("/kb/categories", ["name": "Réseau", "entity_id": t.alpha.id!.uuidString,
                                                           "parent_id": ""]).status == .seeOther)
            #expect(try await web.get("/kb/categories").body.string.contains("Réseau"))
            // Votes through the page.
            #expect(try await web.post("/kb/\(id)/vote", ["helpful": "yes"]).status == .seeOther)
            #expect(try await web.get("/kb/\(id)").body.string.contains("aria-pressed=\"true\""))
        }
    }

    @Test("bad input: oversized, malformed, unknown fields, wrong types, bad ids and parameters get clear 4xx",
          arguments: TestDatabase.all)
    func badInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await KnowledgeWorld.make(app)
            let t = w.t
            let alpha = t.alpha.id!.uuidString
            func post(_ body: String) async throws -> TestingHTTPResponse {
                try await send(app, .POST, "/api/v1/articles", headers: .json(t.alphaToken), body: body)
            }
            let oversized = try await post(#"{"entity_id":"\#(alpha)","title":"Long","body":"\#(String(repeating: "a", count: KnowledgeService.bodyLimit + 1))"}"#)
            #expect(oversized.status == .unprocessableEntity && oversized.body.string.contains("200,000"))
            // Over 1 MB the HTTP layer refuses the body before it is read whole (only a running server collects it so).
            let huge = try await send(app, .POST, "/api/v1/articles", headers: .json(t.alphaToken),
                                      body: #"{"entity_id":"\#(alpha)","title":"Huge","body":"\#(String(repeating: "a", count: 1_100_000))"}"#,
                                      running: true)
            #expect(huge.status == .payloadTooLarge)
            #expect(try await post(#"{"entity_id":"\#(alpha)","title":"x""#).status == .badRequest)
            let unknown = try await post(#"{"entity_id":"\#(alpha)","title":"x","body":"y","titel":"z"}"#)
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("unknown_fields"))
            #expect(try await post(#"{"entity_id":"\#(alpha)","title":42,"body":"y"}"#).status == .unprocessableEntity)
            let fields = try json(try await post(
                #"{"entity_id":"\#(alpha)","title":"","body":"a\u0000b","visibility":"public","template":"x","review_on":"31/12/2026"}"#))
            #expect((fields["error"] as? [String: Any])?["fields"] as? [String: String] == [
                "title": KnowledgeService.titleMessage, "body": KnowledgeService.controlMessage,
                "visibility": KnowledgeService.visibilityMessage, "template": KnowledgeService.templateMessage,
                "review_on": KnowledgeService.dateMessage,
            ])
            #expect(try await post(#"{"title":"x","body":"y"}"#).status == .unprocessableEntity, "entity_id is required")
            #expect(try await w.get(t.alphaToken, "/api/v1/articles/not-a-uuid").status == .notFound)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles/\(UUID())").status == .notFound)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles?colour=red").status == .badRequest)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles?visibility=public").status == .badRequest)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles?category_id=nope").status == .badRequest)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles/suggest?q=x&limit=500").status == .badRequest)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles/suggest?q=x&audience=boss").status == .badRequest)
            #expect(try await w.get(t.alphaToken, "/api/v1/articles/suggest?qq=x").status == .badRequest)
            #expect(try await send(app, .GET, "/api/v1/articles").status == .unauthorized)
            // A category under itself or in another entity.
            let category = try json(try await send(app, .POST, "/api/v1/kb-categories", headers: .json(t.alphaToken),
                                                   body: #"{"entity_id":"\#(alpha)","name":"A"}"#))
            let categoryID = try #require(category["id"] as? String)
            #expect(try await send(app, .PATCH, "/api/v1/kb-categories/\(categoryID)", headers: .json(t.alphaToken),
                                   body: #"{"parent_id":"\#(categoryID)"}"#).status == .unprocessableEntity)
            #expect(try await send(app, .POST, "/api/v1/kb-categories", headers: .json(t.alphaToken),
                                   body: #"{"entity_id":"\#(alpha)","name":""}"#).status == .unprocessableEntity)
            // A category of Beta cannot hold an Alpha article.
            let betaCategory = try json(try await send(app, .POST, "/api/v1/kb-categories", headers: .json(t.betaToken),
                                                       body: #"{"entity_id":"\#(t.beta.id!)","name":"B"}"#))
            let misplaced = try await post(#"{"entity_id":"\#(alpha)","title":"x","body":"y","category_id":"\#(betaCategory["id"] as? String ?? "")"}"#)
            #expect(misplaced.status == .unprocessableEntity && misplaced.body.string.contains("category_id"))
            // Nothing was stored by the refused requests.
            #expect(try await ArticleModel.query(on: app.db).count() == 0)
        }
    }

    @Test("a ticket's solution becomes an article through the service", arguments: TestDatabase.all)
    func articleFromDraft(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await KnowledgeWorld.make(app)
            let t = w.t
            let audit = AuditLog(system: "test", now: app.parc.clock.now())
            let id = try await KnowledgeService.createArticle(
                from: ArticleDraft(title: "Écran noir au démarrage", body: "Débrancher la station d'accueil.",
                                   visibility: .faq, template: .reflex),
                author: t.alphaTech.id!, entity: t.alpha.id!, audit: audit, on: app.db)
            let article = try json(try await w.get(t.alphaToken, "/api/v1/articles/\(id)"))
            #expect(article["author"] as? String == "Alice" && article["template"] as? String == "reflex")
            #expect(try await w.titles(t.alphaToken, "/api/v1/articles?q=ecran%20noir") == ["Écran noir au démarrage"])
            await #expect(throws: ParcError.self) {
                _ = try await KnowledgeService.createArticle(from: ArticleDraft(title: "", body: "x"), author: t.alphaTech.id!,
                                                             entity: t.alpha.id!, audit: audit, on: app.db)
            }
        }
    }

    @Test("every knowledge-base validation message has its French text")
    func messagesCatalogued() throws {
        let catalog = try Catalog.loadBundled()
        for message in KnowledgeService.messages {
            #expect(catalog.translateMessage(message, to: .fr) != message, "no French text for: \(message)")
        }
    }
}
