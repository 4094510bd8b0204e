import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Software catalogue and licences: scoping, compliance, seats, history, pages")
struct SoftwareAndLicencesTests {
    @Test("the catalogue lists and counts only the installations of the user's entities", arguments: TestDatabase.all)
    func catalogueScoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let w = try await SoftwareWorld.make(app, live)
            let t = w.t
            func byName(_ items: [[String: Any]]) -> [String: [String: Any]] {
                Dictionary(uniqueKeysWithValues: items.map { ($0["name"] as? String ?? "", $0) })
            }
            // setup: Office is on 3 assets of Alpha, 1 of Alpha Lyon, 1 of Beta.
            let alpha = byName(try await w.items(t.alphaToken, "/api/v1/software"))
            #expect(Set(alpha.keys) == ["Office", "Firefox"], "BetaCAD is Beta's alone")
            #expect(alpha["Office"]?["installations"] as? Int == 4 && alpha["Office"]?["versions"] as? Int == 3)
            #expect(alpha["Office"]?["publisher"] as? String == "Bureautique SA")
            let beta = byName(try await w.items(t.betaToken, "/api/v1/software"))
            #expect(Set(beta.keys) == ["Office", "BetaCAD"])
            #expect(beta["Office"]?["installations"] as? Int == 1 && beta["Office"]?["versions"] as? Int == 1)
            #expect(byName(try await w.items(t.superToken, "/api/v1/software"))["Office"]?["installations"] as? Int == 5)
            let observer = byName(try await w.items(w.observerToken, "/api/v1/software"))
            #expect(observer["Office"]?["installations"] as? Int == 4, "observers read the catalogue too")

            // Filters, sort and paging in the platform's list format.
            #expect(try await w.items(t.alphaToken, "/api/v1/software?name=OFF").map { $0["name"] as? String } == ["Office"])
            #expect(try await w.items(t.alphaToken, "/api/v1/software?publisher=mozil").map { $0["name"] as? String }
                    == ["Firefox"])
            #expect(try await w.items(t.alphaToken, "/api/v1/software?q=bureau").count == 1)
            let lyon = try await w.items(t.alphaToken, "/api/v1/software?entity_id=\(w.lyon.id!)")
            #expect(lyon.map { $0["name"] as? String } == ["Office"] && lyon.first?["installations"] as? Int == 1)
            #expect(try await w.items(t.alphaToken, "/api/v1/software?sort=-installations").first?["name"] as? String == "Office")
            let paged = try json(try await w.get(t.alphaToken, "/api/v1/software?per_page=1"))
            #expect(paged["total"] as? Int == 2 && (paged["next"] as? String)?.contains("page=2") == true)

            // The detail and the installations: 404 for a program of another entity, as for an unknown id.
            let betaCAD = try #require(w.software["BetaCAD"])
            let office = try #require(w.software["Office"])
            #expect(try await w.get(t.alphaToken, "/api/v1/software/\(betaCAD)").status == .notFound)
            #expect(try await w.get(t.alphaToken, "/api/v1/software/\(betaCAD)/installations").status == .notFound)
            #expect(try await w.get(t.betaToken, "/api/v1/software/\(betaCAD)").status == .ok)
            let detail = try json(try await w.get(t.alphaToken, "/api/v1/software/\(office)"))
            let versions = try #require(detail["version_list"] as? [[String: Any]])
            #expect(versions.map { $0["version"] as? String } == ["2.0", "1.1", "1.0"], "newest first")
            #expect(versions.last?["installations"] as? Int == 2, "Beta's 1.0 is not counted")
            let installations = try json(try await w.get(t.alphaToken, "/api/v1/software/\(office)/installations"))
            let assetNames = (installations["items"] as? [[String: Any]] ?? []).compactMap { $0["asset"] as? String }
            #expect(installations["total"] as? Int == 4 && Set(assetNames) == ["alpha-pc1", "alpha-pc2", "alpha-pc3", "lyon-pc1"])
            #expect(try json(try await w.get(t.alphaToken, "/api/v1/software/\(office)/installations?version=2.0"))["total"]
                    as? Int == 1)

            // The pages: list, CSV export, the program's tabs.
            let web = WebClient(app)
            try await web.signIn("alice")
            let list = try await web.get("/software")
            #expect(list.status == .ok && list.body.string.contains("Office") && !list.body.string.contains("BetaCAD"))
            let csv = try await web.get("/software?format=csv&sort=name")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.contains("Office,Bureautique SA,4,3,0") && !csv.body.string.contains("BetaCAD"),
                    "\(csv.body.string)")
            let page = try await web.get("/software/\(office)?tab=installations")
            #expect(page.status == .ok && page.body.string.contains("lyon-pc1") && !page.body.string.contains("beta-pc1"))
            #expect(try await web.get("/software/\(office)").body.string.contains("software_version=1.1"))
            #expect(try await web.get("/software/\(betaCAD)").status == .notFound)
            let nav = try await web.get("/")
            #expect(nav.body.string.contains("href=\"/software\"") && nav.body.string.contains("href=\"/licences\""))
        } }
    }

    @Test("licences: compliance against installations, pooled seats, expiry, the key kept from lists and readers, history",
          arguments: TestDatabase.all)
    func licences(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let w = try await SoftwareWorld.make(app, live)
            let t = w.t
            let office = try #require(w.software["Office"])
            // setup: 2 seats for the 3 machines of Alpha with Office (plus Alpha Lyon's, below it: 4).
            let first = try await w.licence(t.alphaToken, """
                {"entity_id":"\(t.alpha.id!)","name":"Office 2 postes","software_id":"\(office)","licence_type":"per_device",
                 "seats":2,"licence_key":"ABCD-1234-SECRET","purchase_date":"2026-01-15","supplier":"Revendeur",
                 "order_number":"CMD-42","cost":1200.5,"expires_on":"2027-06-30","comment":"Contrat cadre"}
                """)
            let firstID = try #require(first["id"] as? String)
            var compliance = first["compliance"] as? [String: Any]
            #expect(compliance?["status"] as? String == "under_licensed" && compliance?["installations"] as? Int == 4
                    && compliance?["shortfall"] as? Int == 2, "\(first)")
            #expect(first["licence_key"] as? String == "ABCD-1234-SECRET", "the technician manages Alpha's assets")
            #expect(first["expires_in_days"] as? Int == 212 && first["free"] as? Int == 2)

            // A second purchase of the same program in the same entity pools its seats.
            let second = try await w.licence(t.alphaToken, """
                {"entity_id":"\(t.alpha.id!)","name":"Office complément","software_id":"\(office)","licence_type":"per_device","seats":3}
                """)
            let secondID = try #require(second["id"] as? String)
            compliance = second["compliance"] as? [String: Any]
            #expect(compliance?["status"] as? String == "over_licensed" && compliance?["pooled_seats"] as? Int == 5
                    && compliance?["pooled_licences"] as? Int == 2 && compliance?["surplus"] as? Int == 1)

            // A retired machine needs no licence: 3 installations for 5 seats.
            #expect(try await send(app, .PATCH, "/api/v1/assets/\(w.assets["alpha-pc3"]!)", headers: .json(t.alphaToken),
                                   body: #"{"status":"retired"}"#).status == .ok)
            #expect((try json(try await w.get(t.alphaToken, "/api/v1/licences/\(firstID)"))["compliance"] as? [String: Any])?[
                "installations"] as? Int == 3)

            // An expired licence leaves the pool.
            let expired = try await send(app, .PATCH, "/api/v1/licences/\(secondID)", headers: .json(t.alphaToken),
                                         body: #"{"expires_on":"2026-11-29"}"#)
            #expect((try json(expired)["compliance"] as? [String: Any])?["status"] as? String == "expired")
            let firstNow = try json(try await w.get(t.alphaToken, "/api/v1/licences/\(firstID)"))
            #expect((firstNow["compliance"] as? [String: Any])?["status"] as? String == "under_licensed")

            // Lists never carry the key; the detail shows it only to those who manage the entity's assets.
            let listed = try await w.items(t.alphaToken, "/api/v1/licences")
            #expect(listed.count == 2 && listed.allSatisfy { $0["licence_key"] == nil && $0["has_licence_key"] != nil })
            #expect(!(try await w.get(t.alphaToken, "/api/v1/licences")).body.string.contains("ABCD-1234"))
            let seenByObserver = try await w.get(w.observerToken, "/api/v1/licences/\(firstID)")
            #expect(seenByObserver.status == .ok && !seenByObserver.body.string.contains("ABCD-1234"))
            #expect(try json(seenByObserver)["has_licence_key"] as? Bool == true)
            #expect(try await w.get(t.alphaToken, "/api/v1/licences/\(firstID)").headers.first(name: .cacheControl)
                    == "no-store")

            // Filters.
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?compliance=expired").map { $0["id"] as? String }
                    == [secondID])
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?expiring_within_days=365").map { $0["id"] as? String }
                    == [firstID])
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?expiring_within_days=30").isEmpty)
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?q=complément").count == 1)
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?software_id=\(office)&sort=-name")
                .map { $0["name"] as? String } == ["Office complément", "Office 2 postes"])
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?licence_type=site,per_user").isEmpty)

            // A site licence without a limit makes Alpha Lyon's pool compliant.
            let site = try await w.licence(t.alphaToken, """
                {"entity_id":"\(w.lyon.id!)","name":"Office site Lyon","software_id":"\(office)","licence_type":"site"}
                """)
            #expect((site["compliance"] as? [String: Any])?["status"] as? String == "compliant" && site["seats"] is NSNull)

            // Scoping: Beta sees none of it, not even by id; the observer reads but changes nothing.
            #expect(try await w.items(t.betaToken, "/api/v1/licences").isEmpty)
            for (method, path, body) in [(HTTPMethod.GET, "/api/v1/licences/\(firstID)", nil),
                                         (.PATCH, "/api/v1/licences/\(firstID)", #"{"seats":10}"#),
                                         (.DELETE, "/api/v1/licences/\(firstID)", nil),
                                         (.GET, "/api/v1/licences/\(firstID)/assignments", nil),
                                         (.POST, "/api/v1/licences/\(firstID)/assignments",
                                          #"{"asset_id":"\#(w.assets["beta-pc1"]!)"}"#)] as [(HTTPMethod, String, String?)] {
                let response = try await send(app, method, path, headers: .json(t.betaToken), body: body)
                #expect(response.status == .notFound, "\(method) \(path)")
            }
            #expect(try await w.licence(t.betaToken, """
                {"entity_id":"\(t.alpha.id!)","name":"x","licence_type":"site"}
                """, status: .notFound).isEmpty == false)
            #expect(try await send(app, .PATCH, "/api/v1/licences/\(firstID)", headers: .json(w.observerToken),
                                   body: #"{"seats":10}"#).status == .forbidden)
            #expect(try await w.licence(w.observerToken, """
                {"entity_id":"\(t.alpha.id!)","name":"x","licence_type":"site"}
                """, status: .forbidden).isEmpty == false)
            #expect(try await w.get(try await Self.token(app, t.betaUser), "/api/v1/licences").status == .forbidden,
                    "a requester has no access to the fleet")
            let betaOffice = try json(try await w.get(t.betaToken, "/api/v1/software/\(office)"))
            #expect((betaOffice["licence_list"] as? [Any])?.isEmpty == true && betaOffice["licences"] as? Int == 0)
            let alphaOffice = try json(try await w.get(t.alphaToken, "/api/v1/software/\(office)"))
            #expect((alphaOffice["licence_list"] as? [Any])?.count == 3 && alphaOffice["licences"] as? Int == 3)

            // History: every change, the key recorded as changed and never in clear.
            _ = try await send(app, .PATCH, "/api/v1/licences/\(firstID)", headers: .json(t.alphaToken),
                               body: #"{"licence_key":"NEW-KEY-9999","seats":4}"#)
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == firstID).all()
            #expect(Set(history.map(\.action)) == ["licence.created", "licence.updated"])
            #expect(history.contains { $0.changes.contains("licence_key") && $0.changes.contains(FieldChange.redacted) })
            let everything = try await AuditEntryModel.query(on: app.db).all().map { $0.changes + $0.objectLabel }
            #expect(!everything.contains { $0.contains("ABCD-1234") || $0.contains("NEW-KEY") })

            // The pages: the list with its badges, the CSV without keys, the licence page with the key for managers.
            let web = WebClient(app)
            try await web.signIn("alice")
            let page = try await web.get("/licences")
            #expect(page.status == .ok && page.body.string.contains("Under-licensed") && page.body.string.contains("Expired"))
            let csv = try await web.get("/licences?format=csv")
            #expect(csv.body.string.contains("Office 2 postes") && !csv.body.string.contains("NEW-KEY"))
            #expect(try await web.get("/licences/\(firstID)").body.string.contains("NEW-KEY-9999"))
            #expect(try await web.get("/licences/\(firstID)?tab=history").body.string.contains("Changed"))
            let reader = WebClient(app)
            try await reader.signIn("olga")
            let readerPage = try await reader.get("/licences/\(firstID)")
            #expect(readerPage.status == .ok && !readerPage.body.string.contains("NEW-KEY"))
            #expect(!readerPage.body.string.contains("/licences/\(firstID)/edit"))
            let outsider = WebClient(app)
            try await outsider.signIn("bob")
            #expect(try await outsider.get("/licences/\(firstID)").status == .notFound)
            #expect(!(try await outsider.get("/licences")).body.string.contains("Office 2 postes"))

            // Deleting goes to the history too.
            #expect(try await send(app, .DELETE, "/api/v1/licences/\(secondID)", headers: .bearer(t.alphaToken)).status
                    == .noContent)
            #expect(try await w.history(secondID).contains("licence.deleted"))
            #expect(try await w.get(t.alphaToken, "/api/v1/licences/\(secondID)").status == .notFound)
        } }
    }

    static func token(_ app: Application, _ user: UserModel) async throws -> String {
        try await AccountService(application: app).createToken(for: user, name: "t", expiresAt: nil,
                                                               audit: AuditLog(system: "test", now: app.parc.clock.now())).1
    }

    @Test("seats: a hard limit freed by unassigning, for assets and people of the licence's entity only",
          arguments: TestDatabase.all)
    func seats(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let w = try await SoftwareWorld.make(app, live)
            let t = w.t
            let office = try #require(w.software["Office"])
            let licence = try await w.licence(t.alphaToken, """
                {"entity_id":"\(t.alpha.id!)","name":"Office","software_id":"\(office)","licence_type":"per_device","seats":2}
                """)
            let id = try #require(licence["id"] as? String)
            let seat = try await w.assign(t.alphaToken, id, asset: "alpha-pc1")
            #expect(seat.status == .created, "\(seat.body.string)")
            let seatID = try #require(try json(seat)["id"] as? String)
            #expect(try json(seat)["installed"] as? Bool == true)
            let again = try await w.assign(t.alphaToken, id, asset: "alpha-pc1")
            #expect(again.status == .conflict && again.body.string.contains("licence_already_assigned"))
            #expect(try await w.assign(t.alphaToken, id, asset: "lyon-pc1").status == .created, "a sub-entity's asset")
            let full = try await w.assign(t.alphaToken, id, asset: "alpha-pc2")
            #expect(full.status == .conflict, "\(full.body.string)")
            let error = try decode(TestErrorBody.self, full).error
            #expect(error.code == "licence_no_seat_left" && error.message.contains("All 2 seat(s)"))

            // Assets and people out of sight are unknown; those in sight but outside the licence's entity are refused.
            #expect(try await w.assign(t.alphaToken, id, asset: "beta-pc1").status == .notFound)
            #expect(try await w.assign(t.alphaToken, id, user: t.betaAdmin.id!).status == .notFound)
            let outside = try await w.assign(t.superToken, id, asset: "beta-pc1")
            let outsideFields = try decode(TestErrorBody.self, outside).error.fields
            #expect(outside.status == .unprocessableEntity && outsideFields?["asset_id"] != nil)
            #expect(try await w.assign(w.observerToken, id, asset: "alpha-pc2").status == .forbidden)
            let noAsset = try await w.assign(t.alphaToken, id, user: t.alphaTech.id!)
            #expect(noAsset.status == .unprocessableEntity && noAsset.body.string.contains("asset_id"), "per device")

            // Unassigning frees the seat at once.
            #expect(try await send(app, .DELETE, "/api/v1/licences/\(id)/assignments/\(seatID)",
                                   headers: .bearer(t.alphaToken)).status == .noContent)
            #expect(try await send(app, .DELETE, "/api/v1/licences/\(id)/assignments/\(seatID)",
                                   headers: .bearer(t.alphaToken)).status == .notFound)
            #expect(try await w.assign(t.alphaToken, id, asset: "alpha-pc2").status == .created)

            // Seats cannot drop below the assignments.
            let lower = try await send(app, .PATCH, "/api/v1/licences/\(id)", headers: .json(t.alphaToken),
                                       body: #"{"seats":1}"#)
            #expect(lower.status == .conflict && lower.body.string.contains("licence_seats_below_assignments"))
            let perUser = try await send(app, .PATCH, "/api/v1/licences/\(id)", headers: .json(t.alphaToken),
                                         body: #"{"licence_type":"per_user"}"#)
            #expect(perUser.status == .conflict && perUser.body.string.contains("licence_assignments_do_not_fit"))
            let moved = try await send(app, .PATCH, "/api/v1/licences/\(id)", headers: .json(t.alphaToken),
                                       body: #"{"entity_id":"\#(w.lyon.id!)"}"#)
            #expect(moved.status == .conflict, "alpha-pc2 is not in Alpha Lyon")
            #expect(try json(try await send(app, .PATCH, "/api/v1/licences/\(id)", headers: .json(t.alphaToken),
                                            body: #"{"seats":3}"#))["free"] as? Int == 1)

            // The listing of seats, and the licences an asset holds.
            let seats = try json(try await w.get(t.alphaToken, "/api/v1/licences/\(id)/assignments"))
            #expect(seats["total"] as? Int == 2)
            let names = (seats["items"] as? [[String: Any]] ?? []).compactMap { ($0["asset"] as? [String: Any])?["name"] as? String }
            #expect(Set(names) == ["lyon-pc1", "alpha-pc2"])
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?asset_id=\(w.assets["alpha-pc2"]!)").count == 1)
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?asset_id=\(w.assets["alpha-pc1"]!)").isEmpty)

            // Per-user licences go to people of the entity.
            let people = try await w.licence(t.alphaToken, """
                {"entity_id":"\(t.alpha.id!)","name":"CAO par utilisateur","licence_type":"per_user","seats":1}
                """)
            let peopleID = try #require(people["id"] as? String)
            #expect((people["compliance"] as? [String: Any])?["status"] as? String == "not_checked")
            let machineOnly = try await w.assign(t.alphaToken, peopleID, asset: "alpha-pc1")
            #expect(machineOnly.status == .unprocessableEntity && machineOnly.body.string.contains("user_id"))
            let person = try await w.assign(t.alphaToken, peopleID, user: t.alphaTech.id!)
            let personUser = try json(person)["user"] as? [String: Any]
            #expect(person.status == .created && personUser?["login"] as? String == "alice")
            #expect(try await w.assign(t.alphaToken, peopleID, user: w.observer.id!).status == .conflict, "1 seat")

            // History of the licence and of the assets.
            #expect(Set(try await w.history(id)).isSuperset(of: ["licence.created", "licence.assigned", "licence.unassigned",
                                                                 "licence.updated"]))
            let pc1 = try await w.history(w.assets["alpha-pc1"]!)
            #expect(pc1.contains("licence.assigned") && pc1.contains("licence.unassigned"))

            // The pages: assign by name with the form (CSRF), from the asset page, and unassign back to it.
            let web = WebClient(app)
            try await web.signIn("alice")
            let tab = try await web.get("/licences/\(id)?tab=assignments")
            #expect(tab.status == .ok && tab.body.string.contains("alpha-pc2") && tab.body.string.contains("name=\"asset\""))
            let forged = try await web.post("/licences/\(id)/assignments", ["asset": "alpha-pc1"], includeCSRF: false)
            #expect(forged.status == .forbidden)
            let unknown = try await web.post("/licences/\(id)/assignments", ["asset": "no-such-pc"])
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("No asset of that name"))
            let assigned = try await web.post("/licences/\(id)/assignments", ["asset": "ALPHA-PC1", "comment": "poste accueil"])
            #expect(assigned.status == .seeOther || assigned.status == .found, "\(assigned.status)")
            let refused = try await web.post("/licences/\(id)/assignments", ["asset": "alpha-pc3"])
            #expect(refused.status == .conflict && refused.body.string.contains("Every seat of this licence is assigned"))
            let assetPage = try await web.get("/assets/\(w.assets["alpha-pc3"]!)?tab=licences")
            #expect(assetPage.status == .ok && assetPage.body.string.contains("This asset holds no licence seat"))
            #expect(!assetPage.body.string.contains("value=\"\(id)\""), "no seat left on it")
            _ = try await send(app, .PATCH, "/api/v1/licences/\(id)", headers: .json(t.alphaToken), body: #"{"seats":4}"#)
            #expect(try await web.get("/assets/\(w.assets["alpha-pc3"]!)?tab=licences").body.string.contains("value=\"\(id)\""))
            let fromAsset = try await web.post("/assets/\(w.assets["alpha-pc3"]!)/licences", ["licence_id": id])
            #expect(fromAsset.status == .seeOther || fromAsset.status == .found)
            let held = try await web.get("/assets/\(w.assets["alpha-pc3"]!)?tab=licences")
            #expect(held.body.string.contains("href=\"/licences/\(id)\""))
            let seatOnPC3 = try #require(try await LicenceAssignmentModel.query(on: app.db)
                .filter(\.$assetID == w.assets["alpha-pc3"]!).first())
            let back = try await web.post("/licences/\(id)/assignments/\(seatOnPC3.id!)/delete",
                                          ["back": "/assets/\(w.assets["alpha-pc3"]!)?tab=licences"])
            #expect(back.headers.first(name: .location) == "/assets/\(w.assets["alpha-pc3"]!)?tab=licences")
            let offsite = try await web.post("/licences/\(id)/assignments/\(seatOnPC3.id!)/delete",
                                             ["back": "https://evil.example/"])
            #expect(offsite.status == .notFound, "already unassigned")
        } }
    }

    @Test("two requests for the last seat at once: exactly one gets it, on one instance and across two",
          arguments: TestDatabase.all)
    func lastSeatRace(_ database: TestDatabase) async throws {
        try await withTwoApps(database) { first, second, _ in
            try await LiveServer.with(first) { one in try await LiveServer.with(second) { two in
                let t = try await Tenancy.make(first)
                var assets: [String] = []
                for index in 0..<13 {
                    let created = try await send(first, .POST, "/api/v1/assets", headers: .json(t.alphaToken),
                                                 body: #"{"entity_id":"\#(t.alpha.id!)","type":"computer","name":"pc-\#(index)"}"#)
                    assets.append(try #require(try json(created)["id"] as? String))
                }
                let created = try await send(first, .POST, "/api/v1/licences", headers: .json(t.alphaToken),
                                             body: #"{"entity_id":"\#(t.alpha.id!)","name":"Rare","licence_type":"per_seat","seats":3}"#)
                let licence = try #require(try json(created)["id"] as? String)
                for asset in assets.prefix(2) {
                    let response = try await send(first, .POST, "/api/v1/licences/\(licence)/assignments",
                                                  headers: .json(t.alphaToken), body: #"{"asset_id":"\#(asset)"}"#)
                    #expect(response.status == .created)
                }
                // 11 requests for the last seat, spread over both instances, all at once.
                let statuses = try await withThrowingTaskGroup(of: HTTPResponseStatus.self) { group in
                    for (index, asset) in assets.dropFirst(2).enumerated() {
                        let server = index.isMultiple(of: 2) ? one : two
                        group.addTask {
                            try await server.send(.POST, "/api/v1/licences/\(licence)/assignments",
                                                  headers: .json(t.alphaToken), body: Data(#"{"asset_id":"\#(asset)"}"#.utf8))
                                .status
                        }
                    }
                    var statuses: [HTTPResponseStatus] = []
                    for try await status in group { statuses.append(status) }
                    return statuses
                }
                #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
                #expect(statuses.filter { $0 == .conflict }.count == 10, "\(statuses)")
                let stored = try await LicenceAssignmentModel.query(on: first.db)
                    .filter(\.$licenceID == UUID(uuidString: licence)!).count()
                #expect(stored == 3)
                let detail = try json(try await one.send(.GET, "/api/v1/licences/\(licence)", headers: .bearer(t.alphaToken)))
                #expect(detail["assigned"] as? Int == 3 && detail["free"] as? Int == 0)
            } }
        }
    }

    @Test("malformed, oversized and hostile input: a clear 4xx and nothing written", arguments: TestDatabase.all)
    func badInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let w = try await SoftwareWorld.make(app, live)
            let t = w.t
            let alpha = t.alpha.id!
            let licence = try await w.licence(t.alphaToken, #"{"entity_id":"\#(alpha)","name":"Base","licence_type":"per_seat","seats":1}"#)
            let id = try #require(licence["id"] as? String)
            func counts() async throws -> [Int] {
                [try await SoftwareLicenceModel.query(on: app.db).count(),
                 try await LicenceAssignmentModel.query(on: app.db).count(),
                 try await AuditEntryModel.query(on: app.db).filter(\.$action ~~ ["licence.created", "licence.updated",
                     "licence.deleted", "licence.assigned", "licence.unassigned"]).count()]
            }
            let before = try await counts()
            let huge = String(repeating: "x", count: 10_001)
            let bodies: [(String, String, HTTPResponseStatus, String?)] = [
                ("malformed", #"{"name":"#, .badRequest, nil),
                ("not an object", "[1,2]", .badRequest, nil),
                ("unknown field", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"site","seat":3}"#, .unprocessableEntity, nil),
                ("negative seats", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"per_seat","seats":-1}"#, .unprocessableEntity, "seats"),
                ("zero seats", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"per_seat","seats":0}"#, .unprocessableEntity, "seats"),
                ("no seats", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"per_device"}"#, .unprocessableEntity, "seats"),
                ("seats as text", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"per_seat","seats":"ten"}"#, .unprocessableEntity, "seats"),
                ("fractional seats", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"per_seat","seats":2.5}"#, .unprocessableEntity, nil),
                ("astronomic seats", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"per_seat","seats":1e30}"#, .unprocessableEntity, nil),
                ("too many seats", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"per_seat","seats":1000001}"#, .unprocessableEntity, "seats"),
                ("huge name", #"{"entity_id":"\#(alpha)","name":"\#(huge)","licence_type":"site"}"#, .unprocessableEntity, "name"),
                ("empty name", #"{"entity_id":"\#(alpha)","name":"  ","licence_type":"site"}"#, .unprocessableEntity, "name"),
                ("control character", #"{"entity_id":"\#(alpha)","name":"a\u0000b","licence_type":"site"}"#, .unprocessableEntity, "name"),
                ("unknown type", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"toaster"}"#, .unprocessableEntity, "licence_type"),
                ("type as number", #"{"entity_id":"\#(alpha)","name":"a","licence_type":3}"#, .unprocessableEntity, "licence_type"),
                ("no entity", #"{"name":"a","licence_type":"site"}"#, .unprocessableEntity, "entity_id"),
                ("entity not a UUID", #"{"entity_id":"alpha","name":"a","licence_type":"site"}"#, .unprocessableEntity, nil),
                ("unknown entity", #"{"entity_id":"\#(UUID())","name":"a","licence_type":"site"}"#, .notFound, nil),
                ("unknown program", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"site","software_id":"\#(UUID())"}"#, .unprocessableEntity, "software_id"),
                ("another entity's program", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"site","software_id":"\#(w.software["BetaCAD"]!)"}"#, .unprocessableEntity, "software_id"),
                ("impossible date", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"site","expires_on":"2026-02-30"}"#, .unprocessableEntity, "expires_on"),
                ("date with time", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"site","purchase_date":"2026-02-03T10:00:00Z"}"#, .unprocessableEntity, "purchase_date"),
                ("expiry before purchase", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"site","purchase_date":"2026-05-01","expires_on":"2026-04-30"}"#, .unprocessableEntity, "expires_on"),
                ("negative cost", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"site","cost":-1}"#, .unprocessableEntity, "cost"),
                ("huge key", #"{"entity_id":"\#(alpha)","name":"a","licence_type":"site","licence_key":"\#(String(repeating: "K", count: 4097))"}"#, .unprocessableEntity, "licence_key"),
            ]
            for (name, body, status, field) in bodies {
                let response = try await send(app, .POST, "/api/v1/licences", headers: .json(t.alphaToken), body: body)
                #expect(response.status == status, "\(name): \(response.body.string.prefix(300))")
                let error = try? decode(TestErrorBody.self, response).error
                #expect(error?.message.isEmpty == false, "\(name) says why")
                if let field { #expect(error?.fields?[field] != nil, "\(name): \(response.body.string.prefix(300))") }
            }
            let patches: [(String, HTTPResponseStatus)] = [
                (#"{"seats":-5}"#, .unprocessableEntity), (#"{"seats":null}"#, .unprocessableEntity),
                (#"{"licence_type":"site","seats":null,"expires_on":"tomorrow"}"#, .unprocessableEntity),
                (#"{"entity_id":"\#(t.beta.id!)"}"#, .notFound), (#"{"id":"\#(UUID())"}"#, .unprocessableEntity),
            ]
            for (body, status) in patches {
                let response = try await send(app, .PATCH, "/api/v1/licences/\(id)", headers: .json(t.alphaToken), body: body)
                #expect(response.status == status, "PATCH \(body): \(response.body.string.prefix(300))")
            }
            let assignments: [(String, String, HTTPResponseStatus)] = [
                ("/api/v1/licences/not-a-uuid/assignments", #"{"asset_id":"\#(w.assets["alpha-pc1"]!)"}"#, .notFound),
                ("/api/v1/licences/\(UUID())/assignments", #"{"asset_id":"\#(w.assets["alpha-pc1"]!)"}"#, .notFound),
                ("/api/v1/licences/\(id)/assignments", #"{"asset_id":"pc"}"#, .unprocessableEntity),
                ("/api/v1/licences/\(id)/assignments", #"{"asset_id":"\#(UUID())"}"#, .notFound),
                ("/api/v1/licences/\(id)/assignments", #"{"user_id":"\#(UUID())"}"#, .notFound),
                ("/api/v1/licences/\(id)/assignments", "{}", .unprocessableEntity),
                ("/api/v1/licences/\(id)/assignments", #"{"asset_id":"\#(w.assets["alpha-pc1"]!)","comment":"\#(String(repeating: "c", count: 1001))"}"#, .unprocessableEntity),
                ("/api/v1/licences/\(id)/assignments", #"{"asset_id":["a"]}"#, .unprocessableEntity),
            ]
            for (path, body, status) in assignments {
                let response = try await send(app, .POST, path, headers: .json(t.alphaToken), body: body)
                #expect(response.status == status, "\(path) \(body.prefix(80)): \(response.body.string.prefix(300))")
            }
            let tooBig = try await live.send(.POST, "/api/v1/licences", headers: .json(t.alphaToken),
                                             body: Data(#"{"name":"\#(String(repeating: "x", count: 1_100_000))"}"#.utf8))
            #expect(tooBig.status == .payloadTooLarge)
            #expect(try await send(app, .POST, "/api/v1/licences", headers: ["Authorization": "Bearer \(t.alphaToken)",
                                                                            "Content-Type": "text/plain"],
                                   body: "name=a").status == .unsupportedMediaType)
            #expect(try await send(app, .POST, "/api/v1/licences", headers: .plainJSON, body: "{}").status == .unauthorized)
            for query in ["compliance=bogus", "expiring_within_days=-1", "expiring_within_days=ten", "per_page=0",
                          "sort=licence_key", "asset_id=pc", "software_id=1", "licence_type=toaster", "unknown=1",
                          "entity_id=x", "q=a&q=b", "name=%zz"] {
                #expect(try await w.get(t.alphaToken, "/api/v1/licences?\(query)").status == .badRequest, "\(query)")
            }
            for query in ["sort=bogus", "entity_id=x", "name=" + String(repeating: "n", count: 600), "version=1"] {
                #expect(try await w.get(t.alphaToken, "/api/v1/software?\(query)").status == .badRequest, "\(query)")
            }
            #expect(try await w.get(t.alphaToken, "/api/v1/software/not-a-uuid").status == .notFound)
            #expect(try await w.get(t.alphaToken, "/api/v1/software/\(w.software["Office"]!)/installations?sort=name")
                    .status == .badRequest)
            // Text that looks like SQL or markup is just text.
            let sneaky = try await w.items(t.alphaToken, "/api/v1/software?name=%27%20OR%201%3D1%20--")
            #expect(sneaky.isEmpty)
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?q=%25").isEmpty, "% is text, not a wildcard")
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?q=_").isEmpty)
            #expect(try await w.items(t.alphaToken, "/api/v1/licences?q=BAS").count == 1)
            #expect(try await counts() == before, "nothing written")

            // The forms refuse bad numbers and stay on the page with the error.
            let web = WebClient(app)
            try await web.signIn("alice")
            try await web.get("/licences/new")
            let form = try await web.post("/licences", ["entity_id": alpha.uuidString, "name": "<script>x</script>",
                                                        "licence_type": "per_seat", "seats": "douze"])
            #expect(form.status == .unprocessableEntity && form.body.string.contains("Give a number"))
            #expect(!form.body.string.contains("<script>x</script>") && form.body.string.contains("&lt;script&gt;"))
            let program = try await web.post("/licences", ["entity_id": alpha.uuidString, "name": "n",
                                                           "licence_type": "per_seat", "seats": "1", "software": "BetaCAD"])
            #expect(program.status == .unprocessableEntity && program.body.string.contains("No program of that name"))
            #expect(try await counts() == before)
            let created = try await web.post("/licences", ["entity_id": alpha.uuidString, "name": "Navigateur",
                                                           "licence_type": "site", "seats": "",
                                                           "software": "firefox — MOZILLA", "cost": "12,50"])
            #expect(created.status == .seeOther || created.status == .found, "\(created.body.string.prefix(500))")
            let stored = try #require(try await SoftwareLicenceModel.query(on: app.db).filter(\.$name == "Navigateur").first())
            #expect(stored.softwareID == w.software["Firefox"] && stored.seats == nil && stored.cost == 12.5)
        } }
    }

    @Test("the dashboard shows under-licensed and expiring licences to those who see them, in their language",
          arguments: TestDatabase.all)
    func dashboard(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { live in
            let w = try await SoftwareWorld.make(app, live)
            let t = w.t
            _ = try await w.licence(t.alphaToken, """
                {"entity_id":"\(t.alpha.id!)","name":"Office","software_id":"\(w.software["Office"]!)","licence_type":"per_device",
                 "seats":1,"expires_on":"2026-12-15"}
                """)
            let web = WebClient(app)
            try await web.signIn("alice")
            let home = try await web.get("/")
            #expect(home.body.string.contains("/licences?compliance=under_licensed")
                    && home.body.string.contains("/licences?expiring_within_days=30"))
            #expect(home.body.string.contains("3 installation(s) without a licence"), "4 installations, 1 seat")
            let outsider = WebClient(app)
            try await outsider.signIn("bob")
            #expect(!(try await outsider.get("/")).body.string.contains("/licences?compliance"), "Beta holds no licence")

            let french = try #require(try await UserModel.find(t.alphaTech.id, on: app.db))
            french.language = "fr"
            try await french.update(on: app.db)
            let page = try await web.get("/licences")
            #expect(page.body.string.contains("Licences manquantes") && page.body.string.contains("15/12/2026"))
            #expect(try await web.get("/").body.string.contains("Licences non conformes"))
            let refused = try await web.post("/licences", ["entity_id": t.alpha.id!.uuidString, "name": "x",
                                                           "licence_type": "per_seat", "seats": "0"])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Indiquez un nombre entier de places"))
        } }
    }
}
