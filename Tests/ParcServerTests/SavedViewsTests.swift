import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Saved views: the API, sharing within an entity, the tabs of the asset list")
struct SavedViewsTests {
    /// An observer of Alpha, to see a colleague's shared view without the right to change it.
    static func alphaObserver(_ app: Application, _ t: Tenancy) async throws -> String {
        let service = AccountService(application: app)
        let audit = AuditLog(system: "test", now: app.parc.clock.now())
        let dave = try await service.create(.init(login: "dave", displayName: "Dave", email: "dave@example.org",
                                                  password: Tenancy.password, entityID: t.alpha.id!, role: .observer,
                                                  recursive: true), audit: audit)
        return try await service.createToken(for: dave, name: "test", expiresAt: nil, audit: audit).1
    }

    static func create(_ app: Application, _ token: String, _ body: String) async throws -> TestingHTTPResponse {
        try await send(app, .POST, "/api/v1/saved-views", headers: .json(token), body: body)
    }

    @Test("a view is saved with its query kept one way, listed, read, renamed, reordered and deleted",
          arguments: TestDatabase.all)
    func lifecycle(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)

            // MUT: create — the query is checked and written in the one form views keep
            let created = try await Self.create(app, t.alphaToken, """
                {"list":"assets","name":"  Écrans en stock ","query":"?type=monitor&status=in_stock&page=3&format=csv"}
                """)
            #expect(created.status == .created, "\(created.body.string)")
            let view = try json(created)
            let id = try #require(view["id"] as? String)
            #expect(view["name"] as? String == "Écrans en stock")
            #expect(view["query"] as? String == "status=in_stock&type=monitor")
            #expect(view["url"] as? String == "/assets?status=in_stock&type=monitor")
            #expect(view["shared"] as? Bool == false && view["changeable"] as? Bool == true)
            #expect(view["entity_id"] as? String == t.alpha.id!.uuidString && view["position"] as? Int == 1)
            let second = try json(try await Self.create(app, t.alphaToken,
                                                        #"{"list":"assets","name":"Sans inventaire","query":"not_seen_days=30&sort=-last_inventory_at"}"#))
            #expect(second["position"] as? Int == 2)

            // validate: listed in order, readable by id
            let list = try json(try await send(app, .GET, "/api/v1/saved-views?list=assets", headers: .bearer(t.alphaToken)))
            #expect((list["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                    == ["Écrans en stock", "Sans inventaire"])
            #expect(list["total"] as? Int == 2)
            #expect(try await send(app, .GET, "/api/v1/saved-views/\(id)", headers: .bearer(t.alphaToken)).status == .ok)

            // MUT: rename, move to the end, change the query
            let patched = try await send(app, .PATCH, "/api/v1/saved-views/\(id)", headers: .json(t.alphaToken),
                                         body: #"{"name":"Écrans","position":5,"query":"type=monitor"}"#)
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect(try json(patched)["query"] as? String == "type=monitor")
            let reordered = try json(try await send(app, .GET, "/api/v1/saved-views?list=assets", headers: .bearer(t.alphaToken)))
            #expect((reordered["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Sans inventaire", "Écrans"])

            // MUT: delete
            #expect(try await send(app, .DELETE, "/api/v1/saved-views/\(id)", headers: .bearer(t.alphaToken)).status == .noContent)
            #expect(try await send(app, .GET, "/api/v1/saved-views/\(id)", headers: .bearer(t.alphaToken)).status == .notFound)
            #expect(try await SavedViewModel.query(on: app.db).count() == 1)
        }
    }

    @Test("unknown filters and lists, bad values, names and bodies are refused with the reason, and nothing is saved",
          arguments: TestDatabase.all)
    func badInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let cases: [(String, HTTPResponseStatus, String?)] = [
                (#"{"list":"assets","name":"x","query":"colour=red"}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","name":"x","query":"memory_bytes_lt=lots"}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","name":"x","query":"entity_id=not-a-uuid"}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","name":"x","query":"software_version=120"}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","name":"x","query":"type=a&type=b"}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","name":"x","query":"type=%zz"}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","name":"x","query":"page=2"}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","name":"x","query":"q=\#(String(repeating: "a", count: 2_100))"}"#, .unprocessableEntity, "query"),
                (#"{"list":"printers","name":"x","query":"status=new"}"#, .unprocessableEntity, "list"),
                (#"{"list":"assets","name":"   ","query":"type=monitor"}"#, .unprocessableEntity, "name"),
                (#"{"list":"assets","name":"\#(String(repeating: "n", count: 81))","query":"type=monitor"}"#, .unprocessableEntity, "name"),
                (#"{"list":"assets","name":"a\u0007b","query":"type=monitor"}"#, .unprocessableEntity, "name"),
                (#"{"list":"assets","name":"x","query":"type=monitor","position":-1}"#, .unprocessableEntity, "position"),
                (#"{"list":"assets","name":"x"}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","name":"x","query":"type=monitor","owner_id":"x"}"#, .unprocessableEntity, nil),
                (#"{"list":"assets","name":"x","query":7}"#, .unprocessableEntity, "query"),
                (#"{"list":"assets","#, .badRequest, nil),
                (#"["assets"]"#, .badRequest, nil),
            ]
            for (body, status, field) in cases {
                let response = try await Self.create(app, t.alphaToken, body)
                #expect(response.status == status, "\(body.prefix(80)): \(response.body.string)")
                if let field {
                    let error = try decode(TestErrorBody.self, response)
                    #expect(error.error.fields?[field] != nil, "\(body.prefix(80)): \(response.body.string)")
                }
            }
            let unknown = try decode(TestErrorBody.self, try await Self.create(app, t.alphaToken,
                                                                               #"{"list":"assets","name":"x","query":"colour=red"}"#))
            #expect(unknown.error.fields?["query"]?.contains("colour") == true
                    && unknown.error.fields?["query"]?.contains("software") == true)
            #expect(try await SavedViewModel.query(on: app.db).count() == 0)

            // A second view of the same name (any case) is a conflict; the first stays.
            #expect(try await Self.create(app, t.alphaToken, #"{"list":"assets","name":"Écrans","query":"type=monitor"}"#)
                .status == .created)
            #expect(try await Self.create(app, t.alphaToken, #"{"list":"assets","name":"ÉCRANS","query":"type=printer"}"#)
                .status == .conflict)
            // Without a token, or with the self-service profile only.
            #expect(try await send(app, .GET, "/api/v1/saved-views", headers: [:]).status == .unauthorized)
            let service = AccountService(application: app)
            let carol = try #require(try await UserModel.find(t.betaUser.id, on: app.db))
            let carolToken = try await service.createToken(for: carol, name: "t", expiresAt: nil,
                                                            audit: AuditLog(system: "test", now: app.parc.clock.now())).1
            #expect(try await Self.create(app, carolToken, #"{"list":"assets","name":"x","query":"type=monitor"}"#).status == .forbidden)
            #expect(try await send(app, .GET, "/api/v1/saved-views?list=assets&colour=1", headers: .bearer(t.alphaToken))
                .status == .badRequest)
            #expect(try await send(app, .GET, "/api/v1/saved-views?list=nope", headers: .bearer(t.alphaToken))
                .status == .unprocessableEntity)
            #expect(try await SavedViewModel.query(on: app.db).count() == 1)
        }
    }

    @Test("a shared view is seen read-only by colleagues of its entity, changed by its admins, and unseen elsewhere",
          arguments: TestDatabase.all)
    func sharing(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)
            let daveToken = try await Self.alphaObserver(app, t)
            let shared = try json(try await Self.create(app, t.alphaToken,
                                                        #"{"list":"assets","name":"Imprimantes","query":"type=printer","shared":true}"#))
            let sharedID = try #require(shared["id"] as? String)
            let personal = try json(try await Self.create(app, t.alphaToken,
                                                          #"{"list":"assets","name":"Les miens","query":"q=alice"}"#))
            let personalID = try #require(personal["id"] as? String)

            func names(_ token: String) async throws -> [String] {
                let list = try json(try await send(app, .GET, "/api/v1/saved-views?list=assets", headers: .bearer(token)))
                return (list["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            }

            // validate: a colleague of Alpha sees the shared one, read-only
            #expect(try await names(daveToken) == ["Imprimantes"])
            let seen = try json(try await send(app, .GET, "/api/v1/saved-views/\(sharedID)", headers: .bearer(daveToken)))
            #expect(seen["changeable"] as? Bool == false && seen["owner"] as? String == "Alice")
            #expect(try await send(app, .PATCH, "/api/v1/saved-views/\(sharedID)", headers: .json(daveToken),
                                   body: #"{"name":"Mine now"}"#).status == .forbidden)
            #expect(try await send(app, .DELETE, "/api/v1/saved-views/\(sharedID)", headers: .bearer(daveToken)).status == .forbidden)
            #expect(try await send(app, .GET, "/api/v1/saved-views/\(personalID)", headers: .bearer(daveToken)).status == .notFound)

            // validate: another entity's admin sees neither, by list or by id
            #expect(try await names(t.betaToken).isEmpty)
            #expect(try await send(app, .GET, "/api/v1/saved-views/\(sharedID)", headers: .bearer(t.betaToken)).status == .notFound)
            #expect(try await send(app, .DELETE, "/api/v1/saved-views/\(sharedID)", headers: .bearer(t.betaToken)).status == .notFound)

            // validate: the super-admin, admin of Alpha through the root, changes the shared view but not the personal one
            #expect(try await names(t.superToken) == ["Imprimantes"])
            let renamed = try await send(app, .PATCH, "/api/v1/saved-views/\(sharedID)", headers: .json(t.superToken),
                                         body: #"{"name":"Imprimantes d'Alpha"}"#)
            #expect(renamed.status == .ok)
            #expect(try json(renamed)["name"] as? String == "Imprimantes d'Alpha")
            #expect(try await send(app, .PATCH, "/api/v1/saved-views/\(personalID)", headers: .json(t.superToken),
                                   body: #"{"name":"x"}"#).status == .notFound)
            // The change is in the audit log of Alpha; the personal view's creation is not.
            let audit = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "saved_view").all()
            #expect(Set(audit.map(\.action)) == ["saved_view.created", "saved_view.updated"])
            #expect(audit.allSatisfy { $0.objectID == sharedID && $0.entityID == t.alpha.id })

            // MUT: unsharing hides it from colleagues again
            #expect(try await send(app, .PATCH, "/api/v1/saved-views/\(sharedID)", headers: .json(t.alphaToken),
                                   body: #"{"shared":false}"#).status == .ok)
            #expect(try await names(daveToken).isEmpty)
            #expect(try await send(app, .GET, "/api/v1/saved-views?list=assets&shared=maybe", headers: .bearer(t.alphaToken))
                .status == .badRequest)
        }
    }

    @Test("the asset list shows the views as tabs, marks the one showing, saves the search and deletes a view by form",
          arguments: TestDatabase.all)
    func tabs(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)
            _ = try await Self.create(app, t.superToken, #"{"list":"assets","name":"Parc partagé","query":"type=phone","shared":true}"#)
            let web = WebClient(app)
            try await web.signIn("alice")

            // MUT: save the current search through the form
            let page = try await web.get("/assets?status=deployed&type=computer&page=1")
            #expect(page.body.string.contains("class=\"view-tabs\""))
            #expect(page.body.string.contains("name=\"query\" value=\"status=deployed&amp;type=computer\""))
            let saved = try await web.post("/views", ["list": "assets", "name": "PC en service",
                                                      "query": "status=deployed&type=computer", "shared": "1"])
            #expect(saved.status == .seeOther, "\(saved.status)")
            #expect(saved.headers.first(name: .location) == "/assets?status=deployed&type=computer")

            // validate: the tab is there and marked on its search; "all" is marked on the whole list; the root's
            // shared view stays out of sight for a technician of Alpha
            let shown = try await web.get("/assets?type=computer&status=deployed").body.string
            #expect(shown.contains("<a href=\"/assets?status=deployed&amp;type=computer\" aria-current=\"page\">PC en service"))
            #expect(shown.contains("La vue PC en service est enregistrée.") || shown.contains("The view PC en service is saved."))
            #expect(!shown.contains("Parc partagé"))
            let all = try await web.get("/assets").body.string
            #expect(all.contains("<a href=\"/assets\" aria-current=\"page\">"))
            let view = try #require(try await SavedViewModel.query(on: app.db).filter(\.$ownerID == t.alphaTech.id!).first())
            #expect(view.shared && view.entityID == t.alpha.id)

            // MUT: a refused save comes back to the search with the reason
            let refused = try await web.post("/views", ["list": "assets", "name": "", "query": "type=printer"])
            #expect(refused.headers.first(name: .location) == "/assets?type=printer")
            #expect(try await web.get("/assets?type=printer").body.string.contains("Give the view a name."))
            #expect(try await web.post("/views", ["list": "assets", "name": "x", "query": "type=printer"],
                                       includeCSRF: false).status == .forbidden)

            // MUT: delete by form; another user cannot
            let other = WebClient(app)
            try await other.signIn("bob")
            #expect(try await other.post("/views/\(view.id!)/delete", [:]).status == .notFound)
            let deleted = try await web.post("/views/\(view.id!)/delete", [:])
            #expect(deleted.status == .seeOther && deleted.headers.first(name: .location) == "/assets")
            #expect(try await SavedViewModel.find(view.id, on: app.db) == nil)
        }
    }
}
