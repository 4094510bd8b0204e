import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Bulk edit of assets: the PATCH rules per asset, all or nothing, a history line each")
struct AssetBulkEditTests {
    /// Creates an asset through the API and returns its id.
    static func asset(_ app: Application, _ token: String, entity: UUID, name: String, status: String = "in_stock",
                      type: String = "monitor") async throws -> UUID {
        let response = try await send(app, .POST, "/api/v1/assets", headers: .json(token), body: """
            {"entity_id":"\(entity)","type":"\(type)","name":"\(name)","status":"\(status)"}
            """)
        #expect(response.status == .created, "\(response.body.string)")
        let id = try #require(try json(response)["id"] as? String)
        return try #require(UUID(uuidString: id))
    }

    static func bulk(_ app: Application, _ token: String, _ ids: [UUID], _ changes: String) async throws
        -> TestingHTTPResponse
    {
        let list = ids.map { "\"\($0)\"" }.joined(separator: ",")
        return try await send(app, .POST, "/api/v1/assets/bulk", headers: .json(token),
                              body: #"{"ids":[\#(list)],"changes":\#(changes)}"#)
    }

    static func updates(_ app: Application) async throws -> Int {
        try await AuditEntryModel.query(on: app.db).filter(\.$action == "asset.updated").count()
    }

    @Test("every selected asset takes the change through the lifecycle, and gets its own history line",
          arguments: TestDatabase.all)
    func applies(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)
            var ids: [UUID] = []
            for name in ["ECR-01", "ECR-02", "ECR-03"] { ids.append(try await Self.asset(app, t.alphaToken, entity: t.alpha.id!, name: name)) }
            let repaired = try #require(try await AssetModel.find(ids[2], on: app.db))
            repaired.status = "in_repair"
            repaired.comment = "Dalle fêlée"
            try await repaired.save(on: app.db)

            // MUT
            let response = try await Self.bulk(app, t.alphaToken, ids + [ids[0]], """
                {"status":"deployed","location":"Salle 12","append_comment":"Inventaire 2026","warranty_end":"2029-01-31"}
                """)

            // validate: both statuses move to deployed by the lifecycle; each asset has its history line
            #expect(response.status == .ok, "\(response.body.string)")
            let outcome = try decode(AssetBulkEditing.Outcome.self, response)
            #expect(outcome.updated == 3 && outcome.unchanged == 0 && outcome.items.map(\.id) == ids)
            for id in ids {
                let asset = try #require(try await AssetModel.find(id, on: app.db))
                #expect(asset.status == "deployed" && asset.location == "Salle 12" && asset.warrantyEnd == "2029-01-31")
            }
            #expect(try await AssetModel.find(ids[2], on: app.db)?.comment == "Dalle fêlée\n\nInventaire 2026")
            #expect(try await AssetModel.find(ids[0], on: app.db)?.comment == "Inventaire 2026")
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$action == "asset.updated").all()
            #expect(Set(history.map(\.objectID)) == Set(ids.map(\.uuidString)) && history.count == 3)
            let entry = try #require(history.first { $0.objectID == ids[2].uuidString })
            #expect(entry.changes.contains("in_repair") && entry.changes.contains("Salle 12"))

            // MUT: the same again — already deployed, already there: nothing to write, no history
            let again = try decode(AssetBulkEditing.Outcome.self,
                                   try await Self.bulk(app, t.alphaToken, ids, #"{"status":"deployed","location":"Salle 12"}"#))
            #expect(again.updated == 0 && again.unchanged == 3)
            #expect(try await Self.updates(app) == 3)
            // An empty text clears the field.
            let cleared = try await Self.bulk(app, t.alphaToken, [ids[0]], #"{"location":""}"#)
            #expect(cleared.status == .ok)
            #expect(try await AssetModel.find(ids[0], on: app.db)?.location == nil)
        }
    }

    @Test("when one asset cannot take the change, none is changed and the answer says which and why",
          arguments: TestDatabase.all)
    func allOrNothing(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)
            let stock = try await Self.asset(app, t.alphaToken, entity: t.alpha.id!, name: "PC-01")
            let gone = try await Self.asset(app, t.alphaToken, entity: t.alpha.id!, name: "PC-02", status: "retired")
            #expect(try await send(app, .PATCH, "/api/v1/assets/\(gone)", headers: .json(t.alphaToken),
                                   body: #"{"status":"disposed"}"#).status == .ok)
            let betaAsset = try await Self.asset(app, t.betaToken, entity: t.beta.id!, name: "BET-01")
            let before = try await Self.updates(app)

            // MUT: a disposed asset cannot be deployed
            let refused = try await Self.bulk(app, t.alphaToken, [stock, gone], #"{"status":"deployed","location":"Hall"}"#)

            // validate
            #expect(refused.status == .unprocessableEntity)
            let error = try decode(BulkErrorBody.self, refused).error
            #expect(error.code == "bulk_rejected" && error.message.contains("1 of 2"))
            #expect(error.problems.map(\.id) == [gone] && error.problems[0].field == "status"
                    && error.problems[0].name == "PC-02")
            #expect(try await AssetModel.find(stock, on: app.db)?.status == "in_stock")
            #expect(try await AssetModel.find(stock, on: app.db)?.location == nil)
            #expect(try await Self.updates(app) == before)

            // MUT: another entity's asset is "not found", without its name; an unknown id likewise
            let outside = try await Self.bulk(app, t.alphaToken, [stock, betaAsset, UUID()], #"{"location":"Hall"}"#)
            let outsideError = try decode(BulkErrorBody.self, outside).error
            #expect(outside.status == .unprocessableEntity && outsideError.problems.count == 2)
            #expect(outsideError.problems.allSatisfy { $0.name == nil && $0.message.contains("No such asset") })
            #expect(try await AssetModel.find(betaAsset, on: app.db)?.location == nil)

            // MUT: an observer of Alpha sees the assets but may not change them
            let daveToken = try await SavedViewsTests.alphaObserver(app, t)
            let observer = try decode(BulkErrorBody.self, try await Self.bulk(app, daveToken, [stock], #"{"location":"Hall"}"#))
            #expect(observer.error.problems.first?.message.contains("assets.manage") == true)
            #expect(observer.error.problems.first?.name == "PC-01")

            // MUT: moving needs the right on both entities, and a free name there
            let move = try await Self.bulk(app, t.alphaToken, [stock], #"{"entity_id":"\#(t.beta.id!)"}"#)
            #expect(move.status == .unprocessableEntity)
            #expect(try decode(BulkErrorBody.self, move).error.problems.map(\.field) == ["entity_id"])
            _ = try await Self.asset(app, t.betaToken, entity: t.beta.id!, name: "pc-01")
            let clash = try decode(BulkErrorBody.self, try await Self.bulk(app, t.superToken, [stock],
                                                                          #"{"entity_id":"\#(t.beta.id!)"}"#))
            #expect(clash.error.problems.map(\.field) == ["entity_id"])
            #expect(try await AssetModel.find(stock, on: app.db)?.entityID == t.alpha.id)
            let moved = try await Self.bulk(app, t.superToken, [stock, betaAsset], #"{"entity_id":"\#(t.alpha.id!)"}"#)
            #expect(moved.status == .ok, "\(moved.body.string)")
            #expect(try await AssetModel.find(betaAsset, on: app.db)?.entityID == t.alpha.id)
        }
    }

    @Test("malformed, oversized and hostile bulk bodies are refused and change nothing", arguments: TestDatabase.all)
    func badInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let id = try await Self.asset(app, t.alphaToken, entity: t.alpha.id!, name: "PC-01")
            let before = try await Self.updates(app)
            let many = (0...1_000).map { _ in "\"\(UUID())\"" }.joined(separator: ",")
            let cases: [(String, HTTPResponseStatus, String?)] = [
                (#"{"changes":{"location":"x"}}"#, .unprocessableEntity, "ids"),
                (#"{"ids":[],"changes":{"location":"x"}}"#, .unprocessableEntity, "ids"),
                (#"{"ids":[\#(many)],"changes":{"location":"x"}}"#, .unprocessableEntity, "ids"),
                (#"{"ids":["\#(id)"],"changes":{}}"#, .unprocessableEntity, "changes"),
                (#"{"ids":["\#(id)"]}"#, .unprocessableEntity, "changes"),
                (#"{"ids":["\#(id)"],"changes":{"status":"lost"}}"#, .unprocessableEntity, "status"),
                (#"{"ids":["\#(id)"],"changes":{"warranty_end":"2027-02-30"}}"#, .unprocessableEntity, "warranty_end"),
                (#"{"ids":["\#(id)"],"changes":{"location":"a\u0000b"}}"#, .unprocessableEntity, "location"),
                (#"{"ids":["\#(id)"],"changes":{"location":"\#(String(repeating: "x", count: 256))"}}"#, .unprocessableEntity, "location"),
                (#"{"ids":["\#(id)"],"changes":{"comment":"a","append_comment":"b"}}"#, .unprocessableEntity, "append_comment"),
                (#"{"ids":["\#(id)"],"changes":{"append_comment":"  "}}"#, .unprocessableEntity, "append_comment"),
                (#"{"ids":["not-a-uuid"],"changes":{"location":"x"}}"#, .unprocessableEntity, nil),
                (#"{"ids":"\#(id)","changes":{"location":"x"}}"#, .unprocessableEntity, nil),
                (#"{"ids":["\#(id)"],"changes":{"name":"same-for-all"}}"#, .unprocessableEntity, nil),
                (#"{"ids":["\#(id)"],"changes":{"location":"x"},"dry_run":true}"#, .unprocessableEntity, nil),
                (#"{"ids":["\#(id)"],"changes":{"location":"x"}"#, .badRequest, nil),
            ]
            for (body, status, field) in cases {
                let response = try await send(app, .POST, "/api/v1/assets/bulk", headers: .json(t.alphaToken), body: body)
                #expect(response.status == status, "\(body.prefix(90)): \(response.body.string.prefix(300))")
                if let field {
                    #expect(try decode(TestErrorBody.self, response).error.fields?[field] != nil, "\(body.prefix(90))")
                }
            }
            let unknown = try await send(app, .POST, "/api/v1/assets/bulk", headers: .json(t.alphaToken),
                                         body: #"{"ids":["\#(id)"],"changes":{"name":"x"}}"#)
            #expect(try decode(TestErrorBody.self, unknown).error.code == "unknown_fields")
            #expect(try await send(app, .POST, "/api/v1/assets/bulk", headers: .plainJSON,
                                   body: #"{"ids":["\#(id)"],"changes":{"location":"x"}}"#).status == .unauthorized)
            #expect(try await Self.updates(app) == before)
            #expect(try await AssetModel.find(id, on: app.db)?.location == nil)
        }
    }

    @Test("the asset list has a checkbox column and a bulk actions bar that applies, or says why not",
          arguments: TestDatabase.all)
    func page(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)
            let first = try await Self.asset(app, t.alphaToken, entity: t.alpha.id!, name: "ECR-01")
            let second = try await Self.asset(app, t.alphaToken, entity: t.alpha.id!, name: "ECR-02")
            let web = WebClient(app)
            try await web.signIn("alice")
            let list = try await web.get("/assets?type=monitor").body.string
            #expect(list.contains("name=\"ids[]\" value=\"\(first)\"") && list.contains("class=\"bulk-actions\""))
            #expect(list.contains("class=\"col-check\""))

            // MUT
            let done = try await web.post("/assets/bulk", pairs: [("ids[]", first.uuidString), ("ids[]", second.uuidString),
                                                                   ("status", "deployed"), ("location", "Accueil"),
                                                                   ("assigned_group", ""), ("back", "/assets?type=monitor")])

            // validate
            #expect(done.status == .seeOther && done.headers.first(name: .location) == "/assets?type=monitor")
            #expect(try await web.get("/assets?type=monitor").body.string.contains("2 assets changed, 0 already as asked."))
            #expect(try await AssetModel.find(second, on: app.db)?.status == "deployed")
            #expect(try await AssetModel.find(second, on: app.db)?.assignedGroup == nil)

            // MUT: deployed → ordered is refused; nothing changes and the page says why, per asset
            let refused = try await web.post("/assets/bulk", pairs: [("ids[]", first.uuidString), ("status", "ordered"),
                                                                      ("location", "Cave"), ("back", "https://evil.example/")])
            #expect(refused.headers.first(name: .location) == "/assets")
            let page = try await web.get("/assets").body.string
            #expect(page.contains("Nothing was changed") && page.contains("ECR-01"))
            #expect(try await AssetModel.find(first, on: app.db)?.location == "Accueil")

            // An observer gets no checkbox column.
            _ = try await SavedViewsTests.alphaObserver(app, t)
            let observer = WebClient(app)
            try await observer.signIn("dave")
            #expect(!(try await observer.get("/assets").body.string.contains("bulk-actions")))
        }
    }
}

/// An error answer with its per-item problems.
struct BulkErrorBody: Decodable {
    struct Detail: Decodable {
        let code: String
        let message: String
        let problems: [ParcError.Problem]
    }

    let error: Detail
}
