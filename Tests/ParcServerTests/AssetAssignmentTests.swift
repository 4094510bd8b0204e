import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// Who uses an asset: `assigned_user_id` by API, bulk edit and the edit form, with its history and list filter.
@Suite("Assets: the user an asset is assigned to")
struct AssetAssignmentTests {
    @Test("assign, filter, clear; strangers, unknown and malformed accounts refused", arguments: TestDatabase.all)
    func assignment(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let rita = w.requester.id!.uuidString
            let pc = try await AssetBulkEditTests.asset(app, w.t.superToken, entity: w.t.alpha.id!, name: "PC-01",
                                                        status: "deployed", type: "computer")
            let other = try await AssetBulkEditTests.asset(app, w.t.superToken, entity: w.t.alpha.id!, name: "PC-02",
                                                           status: "deployed", type: "computer")
            let patched = try await w.call(w.t.superToken, .PATCH, "/api/v1/assets/\(pc)", #"{"assigned_user_id":"\#(rita)"}"#)
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect(try json(patched)["assigned_user_id"] as? String == rita)
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == pc.uuidString).all()
            #expect(history.contains { $0.changes.contains("assigned_user_id") })
            // Refused: another organisation's account, an unknown id, not an id; nothing changes.
            let carol = w.t.betaUser.id!.uuidString
            for (value, expected) in [(carol, "belongs to no entity"), (UUID().uuidString, "No active account"),
                                      ("rita", "No active account")] {
                let refused = try await w.call(w.t.superToken, .PATCH, "/api/v1/assets/\(other)",
                                               #"{"assigned_user_id":"\#(value)"}"#)
                #expect(refused.status == .unprocessableEntity && refused.body.string.contains(expected),
                        "\(value): \(refused.body.string)")
            }
            #expect(try await AssetModel.find(other, on: app.db)?.assignedUserID == nil)
            // The list filter, by id and as "me".
            let byID = try json(try await w.call(w.t.superToken, .GET, "/api/v1/assets?assigned_user_id=\(rita)"))
            #expect((byID["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["PC-01"])
            #expect(try await w.call(w.t.superToken, .GET, "/api/v1/assets?assigned_user_id=x").status == .badRequest)
            let mine = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/assets?assigned_user_id=me"))
            #expect((mine["items"] as? [[String: Any]])?.isEmpty == true)
            // Bulk: both to Alice (a technician of Alpha), then cleared.
            let alice = w.t.alphaTech.id!.uuidString
            let bulk = try await w.call(w.t.superToken, .POST, "/api/v1/assets/bulk",
                                        #"{"ids":["\#(pc)","\#(other)"],"changes":{"assigned_user_id":"\#(alice)"}}"#)
            #expect(bulk.status == .ok, "\(bulk.body.string)")
            let aliceMine = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/assets?assigned_user_id=me"))
            #expect((aliceMine["items"] as? [[String: Any]])?.count == 2)
            let refusedBulk = try await w.call(w.t.superToken, .POST, "/api/v1/assets/bulk",
                                               #"{"ids":["\#(pc)"],"changes":{"assigned_user_id":"\#(carol)"}}"#)
            #expect(refusedBulk.status == .unprocessableEntity)
            let cleared = try await w.call(w.t.superToken, .PATCH, "/api/v1/assets/\(pc)", #"{"assigned_user_id":""}"#)
            let clearedBody = try json(cleared)
            #expect(cleared.status == .ok && (clearedBody["assigned_user_id"] is NSNull || clearedBody["assigned_user_id"] == nil))
            // The edit form offers the organisation's people and saves the choice.
            let root = WebClient(app)
            try await root.signIn("root")
            let form = try await root.get("/assets/\(pc)/edit")
            #expect(form.body.string.contains("Rita (rita)") && !form.body.string.contains("Carol (carol)"))
            let saved = try await root.post("/assets/\(pc)/edit", ["status": "deployed", "name": "PC-01",
                                                                  "assigned_user_id": rita])
            #expect(saved.status == .seeOther, "\(saved.body.string.suffix(500))")
            #expect(try await AssetModel.find(pc, on: app.db)?.assignedUserID == w.requester.id)
            #expect(try await root.get("/assets/\(pc)").body.string.contains("Rita"))
        }
    }
}
