import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// The helpdesk's world: the tenancy (root › Alpha, root › Beta), a requester on Alpha, and helpers for the API.
struct HelpdeskWorld {
    let app: Application
    let t: Tenancy
    let requester: UserModel
    let requesterToken: String

    static func make(_ app: Application) async throws -> HelpdeskWorld {
        let t = try await Tenancy.make(app)
        let audit = AuditLog(system: "test", now: app.parc.clock.now())
        let service = AccountService(application: app)
        let requester = try await service.create(.init(login: "rita", displayName: "Rita", email: "rita@example.org",
                                                       password: Tenancy.password, entityID: t.alpha.id!,
                                                       role: .requester, recursive: true), audit: audit)
        let token = try await service.createToken(for: requester, name: "test", expiresAt: nil, audit: audit).1
        return HelpdeskWorld(app: app, t: t, requester: requester, requesterToken: token)
    }

    func call(_ token: String, _ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws
        -> TestingHTTPResponse
    {
        try await send(app, method, path, headers: body == nil ? .bearer(token) : .json(token), body: body)
    }

    /// Opens a ticket and returns its JSON.
    func open(_ token: String, _ fields: String = "", status: HTTPResponseStatus = .created) async throws -> [String: Any] {
        var object = try JSONSerialization.jsonObject(with: Data(("{" + fields + "}").utf8)) as! [String: Any]
        for (key, value) in ["title": "Imprimante HS", "description": "Elle n'imprime plus.", "type": "incident",
                             "urgency": 3, "impact": 3] as [String: Any] where object[key] == nil {
            object[key] = value
        }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let response = try await call(token, .POST, "/api/v1/tickets", body)
        #expect(response.status == status, "\(response.body.string)")
        return try json(response)
    }

    func patch(_ token: String, _ id: Any, _ body: String, status: HTTPResponseStatus = .ok) async throws -> [String: Any] {
        let response = try await call(token, .PATCH, "/api/v1/tickets/\(id)", body)
        #expect(response.status == status, "\(response.body.string)")
        return try json(response)
    }

    func get(_ token: String, _ id: Any) async throws -> [String: Any] {
        try json(try await call(token, .GET, "/api/v1/tickets/\(id)"))
    }

    func history(_ id: Any) async throws -> [String] {
        try await AuditEntryModel.query(on: app.db).filter(\.$objectID == "\(id)").sort(\.$createdAt).all().map(\.action)
    }

    /// An SLA policy on the office calendar (Europe/Paris, Monday–Friday 08:00–12:00 and 13:30–17:30): 1 hour to
    /// own and 8 hours to resolve, the default of `entity`.
    func officePolicy(_ entity: UUID) async throws -> String {
        let response = try await call(t.superToken, .POST, "/api/v1/sla-policies", #"""
            {"entity_id":"\#(entity)","name":"Bureau","calendar":{"time_zone":"Europe/Paris","week":{
            "monday":["08:00-12:00","13:30-17:30"],"tuesday":["08:00-12:00","13:30-17:30"],
            "wednesday":["08:00-12:00","13:30-17:30"],"thursday":["08:00-12:00","13:30-17:30"],
            "friday":["08:00-12:00","13:30-17:30"]},"holidays":["05-01","12-25"]},
            "rules":[{"time_to_own":"1h","time_to_resolve":"8h"}]}
            """#)
        #expect(response.status == .created, "\(response.body.string)")
        let id = try #require(try json(response)["id"] as? String)
        let settings = try await call(t.superToken, .PATCH, "/api/v1/helpdesk-settings/\(entity)",
                                      #"{"default_sla_policy_id":"\#(id)"}"#)
        #expect(settings.status == .ok, "\(settings.body.string)")
        return id
    }
}

func rfc3339(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

@Suite("Helpdesk: tickets, lifecycle, SLA, scoping, bad input")
struct HelpdeskTests {
    @Test("the API contract: a ticket answers with its reference, priority from the matrix, status and empty deadlines",
          arguments: TestDatabase.all)
    func contract(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let ticket = try await w.open(w.t.alphaToken, #""urgency":4,"impact":5,"entity_id":"\#(w.t.alpha.id!)""#)
            #expect(ticket["status"] as? String == "new")
            #expect(ticket["priority"] as? Int == 5, "GLPI's matrix: urgency 4, impact 5 → 5")
            let reference = try #require(ticket["reference"] as? String)
            #expect(TicketReference.parse(reference) != nil && reference.hasPrefix("2026-"), "\(reference)")
            #expect(ticket["opened_at"] as? String == "2026-11-30T00:53:20Z")
            // Without an SLA the deadlines are there, as null.
            #expect(ticket.keys.contains("time_to_own_due") && ticket["time_to_own_due"] is NSNull)
            #expect(ticket.keys.contains("time_to_resolve_due") && ticket["time_to_resolve_due"] is NSNull)
            let requesters = try #require(ticket["requesters"] as? [[String: Any]])
            #expect(requesters.map { $0["name"] as? String } == ["Alice"], "the author requests by default")
            // The matrix is configurable per entity and inherited by sub-entities.
            let flat = Array(repeating: "[1,1,1,1,1]", count: 5).joined(separator: ",")
            let refused = try await w.call(w.t.superToken, .PATCH, "/api/v1/helpdesk-settings/\(w.t.alpha.id!)",
                                           #"{"priority_matrix":[[5,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1]]}"#)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("lower"), "\(refused.body.string)")
            let set = try await w.call(w.t.superToken, .PATCH, "/api/v1/helpdesk-settings/\(w.t.root.id!)",
                                       #"{"priority_matrix":[\#(flat)]}"#)
            #expect(set.status == .ok, "\(set.body.string)")
            #expect(try await w.open(w.t.alphaToken, #""urgency":5,"impact":5"#)["priority"] as? Int == 1)
            // Priority 6 "major" is set by hand only.
            let major = try await w.patch(w.t.alphaToken, ticket["id"]!, #"{"priority":6}"#)
            #expect(major["priority"] as? Int == 6)
            // References are unique and sequential.
            let second = try await w.open(w.t.alphaToken)
            #expect(second["reference"] as? String != reference)
            #expect(try await w.history(ticket["id"]!) == ["ticket.created", "ticket.updated"])
        }
    }

    @Test("SLA: deadlines in business time, pending pauses time to resolve only, reopening continues the clock",
          arguments: TestDatabase.all)
    func sla(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let w = try await HelpdeskWorld.make(app)
            _ = try await w.officePolicy(w.t.alpha.id!)
            // Tuesday 2026-12-01 09:00 in Paris (08:00 UTC).
            clock.advance(rfc3339("2026-12-01T08:00:00Z").timeIntervalSince(clock.now))
            let ticket = try await w.open(w.t.alphaToken)
            let id = try #require(ticket["id"] as? String)
            #expect(ticket["time_to_own_due"] as? String == "2026-12-01T09:00:00Z", "one working hour")
            #expect(ticket["time_to_resolve_due"] as? String == "2026-12-02T08:00:00Z",
                    "7 h on Tuesday, 1 h on Wednesday morning")
            // Assigned at 09:20: taken into account in time.
            clock.advance(20 * 60)
            let assigned = try await w.patch(w.t.alphaToken, id, #"{"assignee_ids":["\#(w.t.alphaTech.id!)"]}"#)
            #expect(assigned["status"] as? String == "assigned" && assigned["taken_into_account_at"] as? String == "2026-12-01T08:20:00Z")
            // Pending at 16:00 without a reason is refused; with one it pauses time to resolve.
            clock.advance(rfc3339("2026-12-01T15:00:00Z").timeIntervalSince(clock.now))
            let noReason = try await w.patch(w.t.alphaToken, id, #"{"status":"pending"}"#, status: .unprocessableEntity)
            #expect((noReason["error"] as? [String: Any])?["code"] as? String == "invalid_transition")
            _ = try await w.patch(w.t.alphaToken, id, #"{"status":"pending","pending_reason":"Attente du toner"}"#)
            // At 17:00 the pause has held 1 working hour: the deadline shown has moved by as much.
            clock.advance(3600)
            let pending = try await w.get(w.t.alphaToken, id)
            #expect(pending["time_to_resolve_paused"] as? Bool == true)
            #expect(pending["time_to_resolve_due"] as? String == "2026-12-02T09:00:00Z", "\(pending)")
            #expect(pending["time_to_own_due"] as? String == "2026-12-01T09:00:00Z", "time to own never moves")
            // The night moves nothing; resumed on Wednesday at 10:00, 3.5 working hours were paused.
            clock.advance(rfc3339("2026-12-02T09:00:00Z").timeIntervalSince(clock.now))
            let resumed = try await w.patch(w.t.alphaToken, id, #"{"status":"assigned"}"#)
            #expect(resumed["time_to_resolve_due"] as? String == "2026-12-02T13:00:00Z", "\(resumed)")
            #expect(resumed["time_to_resolve_breached"] as? Bool == false && resumed["time_to_own_breached"] as? Bool == false)
            // Late: the breach shows in the list filter once the deadline passes.
            clock.advance(rfc3339("2026-12-02T13:01:00Z").timeIntervalSince(clock.now))
            let breached = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets?sla=breached"))
            #expect(breached["total"] as? Int == 1)
            let atRisk = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets?breaching_within_minutes=120"))
            #expect(atRisk["total"] as? Int == 0, "a passed deadline is breached, not at risk")
        }
    }

    @Test("lifecycle: transitions as ParcCore allows them, solution approved or refused, the clock job",
          arguments: TestDatabase.all)
    func lifecycle(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let w = try await HelpdeskWorld.make(app)
            let ticket = try await w.open(w.requesterToken)
            let id = try #require(ticket["id"] as? String)
            #expect((ticket["requesters"] as? [[String: Any]])?.first?["name"] as? String == "Rita")
            let closed = try await w.patch(w.t.alphaToken, id, #"{"status":"closed"}"#, status: .unprocessableEntity)
            #expect(((closed["error"] as? [String: Any])?["message"] as? String)?.contains("cannot become closed") == true)
            let unassigned = try await w.patch(w.t.alphaToken, id, #"{"status":"planned"}"#, status: .unprocessableEntity)
            #expect(((unassigned["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)
            let noSolution = try await w.patch(w.t.alphaToken, id, #"{"status":"solved"}"#, status: .unprocessableEntity)
            #expect(((noSolution["error"] as? [String: Any])?["fields"] as? [String: String])?["solution"] != nil)
            let solved = try await w.patch(w.t.alphaToken, id, #"{"status":"solved","solution":"Toner remplacé."}"#)
            #expect(solved["status"] as? String == "solved" && solved["solution_status"] as? String == "waiting")
            // The requester refuses, saying why: the ticket reopens and the comment is a followup.
            let refusedEmpty = try await w.call(w.requesterToken, .POST, "/api/v1/tickets/\(id)/solution/refuse", "{}")
            #expect(refusedEmpty.status == .unprocessableEntity, "a refusal says why")
            let refused = try json(try await w.call(w.requesterToken, .POST, "/api/v1/tickets/\(id)/solution/refuse",
                                                    #"{"comment":"Toujours des traces."}"#))
            #expect(refused["status"] as? String == "new" && refused["solution_status"] as? String == "refused")
            let followups = try json(try await w.call(w.requesterToken, .GET, "/api/v1/tickets/\(id)/followups"))
            #expect((followups["items"] as? [[String: Any]])?.last?["body"] as? String == "Toujours des traces.")
            // Solved again; this time nobody answers: after the approval delay the clock job closes it.
            _ = try await w.patch(w.t.alphaToken, id, #"{"status":"solved","solution":"Tambour changé."}"#)
            let job = HelpdeskClockJob()
            let context = JobContext(application: app, logger: app.logger, jobID: UUID())
            clock.advance(6 * 86_400)
            _ = try await job.run(payload: "{}", context: context)
            #expect(try await w.get(w.t.alphaToken, id)["status"] as? String == "solved")
            clock.advance(86_400 + 60)
            _ = try await job.run(payload: "{}", context: context)
            let done = try await w.get(w.t.alphaToken, id)
            #expect(done["status"] as? String == "closed" && done["solution_status"] as? String == "approved")
            // Closed is terminal: no followup, no transition.
            let late = try await w.call(w.requesterToken, .POST, "/api/v1/tickets/\(id)/followups", #"{"body":"Merci"}"#)
            #expect(late.status == .conflict && late.body.string.contains("related"))
            _ = try await w.patch(w.t.alphaToken, id, #"{"status":"assigned"}"#, status: .unprocessableEntity)
            #expect(try await w.history(id).contains("ticket.solution_approved_automatically"))

            // Pending with a resume date resumes by itself.
            let other = try await w.open(w.t.alphaToken, #""assignee_ids":["\#(w.t.alphaTech.id!)"]"#)
            let otherID = try #require(other["id"] as? String)
            let resumeAt = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(3600))
            _ = try await w.patch(w.t.alphaToken, otherID,
                                  #"{"status":"pending","pending_reason":"Retour fournisseur","pending_resumes_at":"\#(resumeAt)"}"#)
            let past = ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(-60))
            _ = try await w.patch(w.t.alphaToken, otherID, #"{"status":"pending","pending_reason":"x","pending_resumes_at":"\#(past)"}"#,
                                  status: .ok)
            clock.advance(3601)
            _ = try await job.run(payload: "{}", context: context)
            #expect(try await w.get(w.t.alphaToken, otherID)["status"] as? String == "assigned")
        }
    }

    @Test("scoping: other entities' tickets are invisible; requesters see their own tickets and public followups only",
          arguments: TestDatabase.all)
    func scoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let alphaTicket = try await w.open(w.t.alphaToken)
            let alphaID = try #require(alphaTicket["id"] as? String)
            let ritaTicket = try await w.open(w.requesterToken)
            let ritaID = try #require(ritaTicket["id"] as? String)
            #expect(try await w.call(w.t.betaToken, .GET, "/api/v1/tickets/\(alphaID)").status == .notFound)
            #expect(try await w.call(w.t.betaToken, .PATCH, "/api/v1/tickets/\(alphaID)", #"{"title":"x"}"#).status == .notFound)
            #expect(try json(try await w.call(w.t.betaToken, .GET, "/api/v1/tickets"))["total"] as? Int == 0)
            #expect(try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets"))["total"] as? Int == 2)
            // The requester: only her own, by list, id, or search.
            let mine = try json(try await w.call(w.requesterToken, .GET, "/api/v1/tickets"))
            #expect(mine["total"] as? Int == 1 && (mine["items"] as? [[String: Any]])?.first?["id"] as? String == ritaID)
            #expect(try await w.call(w.requesterToken, .GET, "/api/v1/tickets/\(alphaID)").status == .notFound)
            let reference = try #require(alphaTicket["reference"] as? String)
            #expect(try json(try await w.call(w.requesterToken, .GET, "/api/v1/tickets?q=\(reference)"))["total"] as? Int == 0)
            // She cannot qualify, assign, or work tickets.
            #expect(try await w.call(w.requesterToken, .PATCH, "/api/v1/tickets/\(ritaID)", #"{"urgency":5}"#).status == .forbidden)
            let qualified = try await w.open(w.requesterToken, #""priority":6"#, status: .unprocessableEntity)
            #expect(((qualified["error"] as? [String: Any])?["fields"] as? [String: String])?["priority"] != nil)
            _ = try await w.open(w.requesterToken, #""requester_ids":["\#(w.t.alphaTech.id!)"]"#, status: .unprocessableEntity)
            #expect(try await w.call(w.requesterToken, .POST, "/api/v1/tickets/\(ritaID)/tasks", #"{"description":"x"}"#)
                .status == .forbidden)
            // Private followups stay among technicians.
            for (token, body) in [(w.t.alphaToken, #"{"body":"Note interne","is_private":true}"#),
                                  (w.t.alphaToken, #"{"body":"Je passe à 14 h."}"#)] {
                #expect(try await w.call(token, .POST, "/api/v1/tickets/\(ritaID)/followups", body).status == .created)
            }
            let privateByRequester = try await w.call(w.requesterToken, .POST, "/api/v1/tickets/\(ritaID)/followups",
                                                      #"{"body":"x","is_private":true}"#)
            #expect(privateByRequester.status == .unprocessableEntity)
            let seen = try json(try await w.call(w.requesterToken, .GET, "/api/v1/tickets/\(ritaID)/followups"))
            #expect((seen["items"] as? [[String: Any]])?.map { $0["body"] as? String } == ["Je passe à 14 h."])
            let all = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets/\(ritaID)/followups"))
            #expect(all["total"] as? Int == 2)
            // A technician's followup takes the ticket into account.
            #expect(try await w.get(w.t.alphaToken, ritaID)["taken_into_account_at"] as? String != nil)
            // Assignees must be able to work the entity's tickets.
            let wrong = try await w.patch(w.t.alphaToken, ritaID, #"{"assignee_ids":["\#(w.t.betaAdmin.id!)"]}"#,
                                          status: .unprocessableEntity)
            #expect(((wrong["error"] as? [String: Any])?["fields"] as? [String: String])?["assignee_ids"] != nil)
            // Filters: mine, unassigned, status.
            #expect(try json(try await w.call(w.requesterToken, .GET, "/api/v1/tickets?requester_id=me"))["total"] as? Int == 1)
            #expect(try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets?unassigned=true&status=open"))["total"]
                    as? Int == 2)
            _ = try await w.patch(w.t.alphaToken, ritaID, #"{"assignee_ids":["\#(w.t.alphaTech.id!)"]}"#)
            #expect(try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets?assignee_id=me"))["total"] as? Int == 1)
        }
    }

    @Test("bad input: clear 4xx errors, nothing stored", arguments: TestDatabase.all)
    func badInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let cases: [(String, HTTPResponseStatus, String)] = [
                ("{", .badRequest, "malformed_json"),
                ("[]", .badRequest, "malformed_json"),
                (#"{"title":"x","description":"y","type":"incident","urgency":3,"impact":3,"colour":"red"}"#,
                 .unprocessableEntity, "unknown_fields"),
                (#"{"title":"x","description":"y","type":"problem","urgency":3,"impact":3}"#, .unprocessableEntity, "type"),
                (#"{"title":"x","description":"y","type":"incident","urgency":9,"impact":3}"#, .unprocessableEntity, "urgency"),
                (#"{"title":"x","description":"y","type":"incident","urgency":3}"#, .unprocessableEntity, "impact"),
                (#"{"title":"a\nb","description":"y","type":"incident","urgency":3,"impact":3}"#, .unprocessableEntity, "title"),
                (#"{"title":"   ","description":"y","type":"incident","urgency":3,"impact":3}"#, .unprocessableEntity, "title"),
                (#"{"title":"\#(String(repeating: "x", count: 251))","description":"y","type":"incident","urgency":3,"impact":3}"#,
                 .unprocessableEntity, "title"),
                (#"{"title":"x","description":"y","type":"incident","urgency":"high","impact":3}"#, .unprocessableEntity, ""),
                (#"{"title":"x","description":"y","type":"incident","urgency":3,"impact":3,"category_id":"not-a-uuid"}"#,
                 .unprocessableEntity, ""),
                (#"{"title":"x","description":"y","type":"incident","urgency":3,"impact":3,"category_id":"\#(UUID())"}"#,
                 .unprocessableEntity, "category_id"),
                (#"{"title":"x","description":"y","type":"incident","urgency":3,"impact":3,"asset_ids":["\#(UUID())"]}"#,
                 .unprocessableEntity, "asset_ids"),
                (#"{"title":"x","description":"y","type":"incident","urgency":3,"impact":3,"entity_id":"\#(w.t.beta.id!)"}"#,
                 .notFound, ""),
                (#"{"title":"x","description":"\#(String(repeating: "é", count: 100_001))","type":"incident","urgency":3,"impact":3}"#,
                 .unprocessableEntity, "description"),
            ]
            for (body, status, expected) in cases {
                let response = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets", body)
                #expect(response.status == status, "\(body.prefix(80)): \(response.body.string)")
                #expect(expected.isEmpty || response.body.string.contains(expected), "\(body.prefix(80)): \(response.body.string)")
                #expect(response.body.string.contains("\"error\""), "the API's error format")
            }
            // Over the 1 MB body limit, measured by the HTTP server as the body streams in.
            try await LiveServer.with(app) { live in
                let huge = try await live.send(.POST, "/api/v1/tickets", headers: .json(w.t.alphaToken),
                                               body: Data(String(repeating: " ", count: 2_000_000).utf8))
                #expect(huge.status == .payloadTooLarge, "\(huge.status)")
            }
            let notJSON = try await send(app, .POST, "/api/v1/tickets",
                                         headers: ["Authorization": "Bearer \(w.t.alphaToken)", "Content-Type": "text/plain"],
                                         body: "hello")
            #expect(notJSON.status == .unsupportedMediaType)
            #expect(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets?status=lost").status == .badRequest)
            #expect(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets?breaching_within_minutes=-3").status == .badRequest)
            #expect(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets?colour=red").status == .badRequest)
            #expect(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets/not-a-uuid").status == .notFound)
            #expect(try await TicketModel.query(on: app.db).count() == 0, "nothing stored")
            // Hostile text is stored as written (Markdown) and returned as JSON data, never interpreted here.
            let hostile = try await w.open(w.t.alphaToken, #""tags":["<img src=x onerror=alert(1)>"]"#)
            #expect((hostile["tags"] as? [String]) == ["<img src=x onerror=alert(1)>"])
            let policy = try await w.call(w.t.superToken, .POST, "/api/v1/sla-policies", #"""
                {"entity_id":"\#(w.t.alpha.id!)","name":"Bad","calendar":{"time_zone":"Mars/Olympus","week":{"monday":["08:00-12:00"]}},
                "rules":[{"time_to_own":"1h"}]}
                """#)
            #expect(policy.status == .unprocessableEntity && policy.body.string.contains("time zone"))
            let rules = try await w.call(w.t.superToken, .POST, "/api/v1/sla-policies", #"""
                {"entity_id":"\#(w.t.alpha.id!)","name":"Bad","calendar":{"time_zone":"Europe/Paris","week":{"monday":["08:00-12:00"]}},
                "rules":[{"time_to_own":"8h","time_to_resolve":"1h"}]}
                """#)
            #expect(rules.status == .unprocessableEntity && rules.body.string.contains("longer"), "\(rules.body.string)")
            #expect(try await w.call(w.t.alphaToken, .POST, "/api/v1/sla-policies", #"""
                {"entity_id":"\#(w.t.alpha.id!)","name":"Tech","calendar":{"time_zone":"Europe/Paris","week":{"monday":["08:00-12:00"]}},
                "rules":[{"time_to_own":"1h"}]}
                """#).status == .forbidden, "technicians do not set SLAs")
        }
    }

    @Test("pages: a requester opens a ticket by the form, a technician works and solves it, the requester approves",
          arguments: TestDatabase.all)
    func pages(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let rita = WebClient(app)
            try await rita.signIn("rita")
            #expect(try await rita.get("/tickets/new").status == .ok)
            // No CSRF token: refused, nothing stored.
            let forged = try await rita.post("/tickets", ["title": "x", "description": "y", "type": "incident",
                                                          "urgency": "3", "impact": "3"], includeCSRF: false)
            #expect(forged.status == .forbidden)
            // Errors are shown in the form, in French, with what was typed kept.
            let empty = try await rita.post("/tickets", ["entity_id": w.t.alpha.id!.uuidString, "title": "",
                                                         "description": "Mon écran reste noir", "type": "incident",
                                                         "urgency": "3", "impact": "3"])
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("Mon écran reste noir"))
            let hostile = "<script>alert('x')</script> [lien](javascript:alert(1)) <img src=x onerror=alert(2)>"
            let created = try await rita.post("/tickets", ["entity_id": w.t.alpha.id!.uuidString, "title": "Écran noir",
                                                           "description": hostile, "type": "incident",
                                                           "urgency": "4", "impact": "2"])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let location = try #require(created.headers.first(name: .location))
            let page = try await rita.get(location)
            #expect(page.status == .ok && page.body.string.contains("Écran noir"))
            #expect(!page.body.string.contains("<script>alert") && !page.body.string.contains("<img src=x"),
                    "the description is escaped")
            #expect(page.body.string.contains("&lt;script&gt;"))
            #expect(!page.body.string.contains("name=\"is_private\""), "requesters write public followups only")
            // The technician: the list, the qualification form, a private note, a task, the solution.
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let list = try await alice.get("/tickets")
            #expect(list.status == .ok && list.body.string.contains("Écran noir") && !list.body.string.contains("<script>alert"))
            let csv = try await alice.get("/tickets?format=csv")
            #expect(csv.headers.contentType?.subType == "csv" && csv.body.string.contains("Écran noir"))
            let ticketPath = location
            let assign = try await alice.post(ticketPath, ["status": "assigned", "assignee_id": w.t.alphaTech.id!.uuidString,
                                                           "urgency": "4", "impact": "2", "priority": "3"])
            #expect(assign.status == .seeOther, "\(assign.body.string)")
            #expect(try await alice.post(ticketPath + "/followups", ["body": "Note interne", "is_private": "on"]).status == .seeOther)
            #expect(try await alice.post(ticketPath + "/tasks", ["description": "Câble changé", "spent_minutes": "25",
                                                                 "done": "on"]).status == .seeOther)
            let badTask = try await alice.post(ticketPath + "/tasks", ["description": "x", "spent_minutes": "beaucoup"])
            #expect(badTask.status == .unprocessableEntity)
            #expect(try await alice.post(ticketPath, ["status": "assigned", "urgency": "4", "impact": "2", "priority": "3",
                                                      "diagnosis": "Câble HDMI <b>coupé</b>", "parts": "Câble HDMI 2 m\n\nAdaptateur"])
                .status == .seeOther)
            let sheet = try await alice.get(ticketPath + "/sheet")
            #expect(sheet.status == .ok && sheet.body.string.contains("Câble HDMI &lt;b&gt;coupé&lt;/b&gt;")
                    && sheet.body.string.contains("<li>Adaptateur</li>") && sheet.body.string.contains("25 min")
                    && !sheet.body.string.contains("Note interne"), "the sheet holds public work only")
            let noSolution = try await alice.post(ticketPath, ["status": "solved", "urgency": "4", "impact": "2", "priority": "3"])
            #expect(noSolution.status == .unprocessableEntity)
            let solved = try await alice.post(ticketPath, ["status": "solved", "solution": "Câble HDMI remplacé.",
                                                           "urgency": "4", "impact": "2", "priority": "3"])
            #expect(solved.status == .seeOther, "\(solved.body.string)")
            let techView = try await alice.get(ticketPath)
            #expect(techView.body.string.contains("Note interne") && techView.body.string.contains("25 min"))
            // The requester sees the solution, not the private note, and approves.
            let ritaView = try await rita.get(ticketPath)
            #expect(ritaView.body.string.contains("Câble HDMI remplacé.") && !ritaView.body.string.contains("Note interne"))
            #expect(ritaView.body.string.contains("/solution/approve"))
            #expect(try await rita.post(ticketPath + "/solution/approve", [:]).status == .seeOther)
            let id = String(ticketPath.split(separator: "/").last!)
            #expect(try await w.get(w.t.alphaToken, id)["status"] as? String == "closed")
            let history = try await alice.get(ticketPath + "?tab=history")
            #expect(history.status == .ok && history.body.string.contains("Solution approved")
                    && history.body.string.contains("Ticket opened"), "\(history.body.string.suffix(3000))")
            // The survey: the requester rates once; technicians read the answer; results count it.
            let closedPage = try await rita.get(ticketPath)
            #expect(closedPage.body.string.contains("/satisfaction"))
            #expect(try await rita.post(ticketPath + "/satisfaction", ["rating": "9"]).status == .unprocessableEntity)
            #expect(try await rita.post(ticketPath + "/satisfaction", ["rating": "4", "comment": "Rapide"]).status == .seeOther)
            #expect(try await rita.post(ticketPath + "/satisfaction", ["rating": "5"]).status == .conflict)
            #expect(try await alice.post(ticketPath + "/satisfaction", ["rating": "5"]).status == .forbidden)
            let answer = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets/\(id)/satisfaction"))
            #expect(answer["rating"] as? Int == 4 && answer["comment"] as? String == "Rapide")
            let results = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/satisfaction?days=30"))
            #expect(results["answers"] as? Int == 1 && results["average"] as? Double == 4
                    && results["distribution"] as? [Int] == [0, 0, 0, 1, 0] && results["closed_tickets"] as? Int == 1)
            #expect(try json(try await w.call(w.t.betaToken, .GET, "/api/v1/satisfaction"))["answers"] as? Int == 0)
            #expect(try await w.call(w.t.alphaToken, .GET, "/api/v1/satisfaction?days=0").status == .badRequest)
            // The solution becomes an article; once published as FAQ, the next requester finds it while typing.
            let article = try await alice.post(ticketPath + "/article", [:])
            #expect(article.status == .seeOther, "\(article.body.string)")
            let articleID = try #require(article.headers.first(name: .location)?.split(separator: "/").dropLast().last)
            #expect(try await rita.post(ticketPath + "/article", [:]).status == .forbidden, "requesters do not write articles")
            let before = try await rita.get("/tickets/suggestions?q=ecran%20noir")
            #expect(before.status == .ok && !before.body.string.contains("Écran noir"), "a draft is for technicians")
            let publish = try await w.call(w.t.alphaToken, .PATCH, "/api/v1/articles/\(articleID)", #"{"visibility":"faq"}"#)
            #expect(publish.status == .ok, "\(publish.body.string)")
            let found = try await rita.get("/tickets/suggestions?q=ecran%20noi")
            let items = try JSONSerialization.jsonObject(with: Data(found.body.string.utf8)) as? [[String: Any]] ?? []
            #expect(found.status == .ok && items.first?["title"] as? String == "Écran noir"
                    && (items.first?["url"] as? String)?.hasPrefix("/kb/") == true, "\(found.body.string)")
            #expect(try await rita.get("/tickets/new").body.string.contains("data-suggest"))
            // Beta's admin cannot open Alpha's ticket page.
            let bob = WebClient(app)
            try await bob.signIn("bob")
            #expect(try await bob.get(ticketPath).status == .notFound)
            #expect(!(try await bob.get("/tickets")).body.string.contains("Écran noir"))
        }
    }

    @Test("links both ways, no cycles of parents, and a duplicate merged into its ticket", arguments: TestDatabase.all)
    func linksAndMerge(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let main = try await w.open(w.requesterToken, #""title":"Wi-Fi coupé salle 12""#)
            let dup = try await w.open(w.t.alphaToken, #""title":"Plus de Wi-Fi en salle 12""#)
            let child = try await w.open(w.t.alphaToken, #""title":"Borne Wi-Fi à remplacer""#)
            let mainID = try #require(main["id"] as? String), dupID = try #require(dup["id"] as? String)
            let childID = try #require(child["id"] as? String)
            let linked = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(childID)/links",
                                          #"{"other_id":"\#(mainID)","kind":"parent"}"#)
            #expect(linked.status == .created, "\(linked.body.string)")
            let fromMain = try JSONSerialization.jsonObject(with: Data(try await w.call(w.t.alphaToken, .GET,
                "/api/v1/tickets/\(mainID)/links").body.string.utf8)) as? [[String: Any]] ?? []
            #expect(fromMain.map { $0["kind"] as? String } == ["child"])
            let cycle = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(mainID)/links",
                                         #"{"other_id":"\#(childID)","kind":"parent"}"#)
            #expect(cycle.status == .conflict || cycle.status == .unprocessableEntity, "\(cycle.body.string)")
            #expect(try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(mainID)/links",
                                     #"{"other_id":"\#(mainID)","kind":"related"}"#).status == .unprocessableEntity)
            #expect(try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(mainID)/links",
                                     #"{"other_id":"\#(childID)","kind":"sibling"}"#).status == .unprocessableEntity)
            #expect(try await w.call(w.requesterToken, .POST, "/api/v1/tickets/\(mainID)/links",
                                     #"{"other_id":"\#(childID)","kind":"related"}"#).status == .forbidden)
            // Merge the duplicate: its words join the main ticket, it is closed, the link stays.
            _ = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(dupID)/followups", #"{"body":"Depuis 8 h"}"#)
            let merged = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(dupID)/merge", #"{"into_id":"\#(mainID)"}"#)
            #expect(merged.status == .ok, "\(merged.body.string)")
            let closed = try await w.get(w.t.alphaToken, dupID)
            #expect(closed["status"] as? String == "closed" && (closed["solution"] as? String)?.contains(main["reference"] as! String) == true)
            let discussion = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets/\(mainID)/followups"))
            let bodies = (discussion["items"] as? [[String: Any]])?.compactMap { $0["body"] as? String } ?? []
            #expect(bodies.contains { $0.contains("Plus de Wi-Fi en salle 12") } && bodies.contains { $0.contains("Depuis 8 h") })
            let requesters = (try await w.get(w.t.alphaToken, mainID)["requesters"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(Set(requesters ?? []) == ["Rita", "Alice"], "the duplicate's requester joins")
            #expect(try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(dupID)/merge", #"{"into_id":"\#(mainID)"}"#)
                .status == .conflict, "a closed ticket is not merged again")
            let dupHistory = try await w.history(dupID), mainHistory = try await w.history(mainID)
            #expect(dupHistory.contains("ticket.merged") && mainHistory.contains("ticket.merged_in"))
            // The page: the links in the details tab, a link and a merge by reference.
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let details = try await alice.get("/tickets/\(mainID)?tab=details")
            #expect(details.status == .ok && details.body.string.contains(child["reference"] as! String))
            let unknown = try await alice.post("/tickets/\(childID)/links", ["reference": "2026-99999", "kind": "related"])
            #expect(unknown.status == .unprocessableEntity)
            let other = try await w.open(w.t.alphaToken, #""title":"Projecteur salle 12""#)
            #expect(try await alice.post("/tickets/\(other["id"]!)/links", ["reference": main["reference"] as! String,
                                                                            "kind": "related"]).status == .seeOther)
            #expect(try await alice.post("/tickets/\(other["id"]!)/merge", ["reference": main["reference"] as! String])
                .status == .seeOther)
            #expect(try await w.get(w.t.alphaToken, other["id"]!)["status"] as? String == "closed")
            // Beta cannot link to Alpha's tickets.
            let beta = try await w.open(w.t.betaToken, #""entity_id":"\#(w.t.beta.id!)""#)
            #expect(try await w.call(w.t.betaToken, .POST, "/api/v1/tickets/\(beta["id"]!)/links",
                                     #"{"other_id":"\#(mainID)","kind":"related"}"#).status == .notFound)
        }
    }

    @Test("mail out: acknowledgement, assignment, followups, solution, SLA warning and breach; opt-outs and entity wording",
          arguments: TestDatabase.all)
    func notifications(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let w = try await HelpdeskWorld.make(app)
            func mails(to address: String) async throws -> [MailOutboxModel] {
                try await MailOutboxModel.query(on: app.db).all().filter { $0.recipients == address }
                    .sorted { $0.createdAt < $1.createdAt }
            }
            _ = try await w.officePolicy(w.t.alpha.id!)
            clock.advance(rfc3339("2026-12-01T08:00:00Z").timeIntervalSince(clock.now))
            let ticket = try await w.open(w.requesterToken, #""title":"Scanner HS""#)
            let id = try #require(ticket["id"] as? String)
            let reference = try #require(ticket["reference"] as? String)
            var rita = try await mails(to: "rita@example.org")
            #expect(rita.count == 1 && rita[0].subject == "[Parc #\(reference)] Scanner HS" && rita[0].textBody.contains("/tickets/\(id)"))
            // Assigned by the super-admin: Alice is told; the author of a change never is.
            _ = try await w.patch(w.t.superToken, id, #"{"assignee_ids":["\#(w.t.alphaTech.id!)"]}"#)
            #expect(try await mails(to: "alice@example.org").map(\.subject) == ["[Parc #\(reference)] Assigned to you: Scanner HS"])
            _ = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(id)/followups", #"{"body":"Je passe à 10 h."}"#)
            _ = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(id)/followups", #"{"body":"Note","is_private":true}"#)
            rita = try await mails(to: "rita@example.org")
            #expect(rita.count == 2 && rita[1].textBody.contains("Je passe à 10 h.") && !rita.contains { $0.textBody.contains("Note") })
            #expect(try await mails(to: "alice@example.org").count == 1, "not told of her own followups")
            // The requester's answer reaches the technician.
            _ = try await w.call(w.requesterToken, .POST, "/api/v1/tickets/\(id)/followups", #"{"body":"D'accord"}"#)
            #expect(try await mails(to: "alice@example.org").last?.textBody.contains("D'accord") == true)
            // Opt-out: Rita turns followups off; the entity words its solved mail its own way.
            let prefs = try json(try await w.call(w.requesterToken, .PATCH, "/api/v1/account/ticket-notifications",
                                                  #"{"events":{"followup":false}}"#))
            #expect((prefs["events"] as? [String: Bool])?["followup"] == false && (prefs["events"] as? [String: Bool])?["solved"] == true)
            #expect(try await w.call(w.requesterToken, .PATCH, "/api/v1/account/ticket-notifications",
                                     #"{"events":{"spam":false}}"#).status == .unprocessableEntity)
            let custom = try await w.call(w.t.superToken, .PUT, "/api/v1/ticket-mail-templates/\(w.t.root.id!)/solved/en",
                                          #"{"subject":"Done: {{title}}","body":"Fixed: {{text}} — see {{url}}"}"#)
            #expect(custom.status == .ok, "\(custom.body.string)")
            #expect(try await w.call(w.t.superToken, .PUT, "/api/v1/ticket-mail-templates/\(w.t.root.id!)/solved/en",
                                     #"{"subject":"{{secret}}","body":"x"}"#).status == .unprocessableEntity)
            #expect(try await w.call(w.t.alphaToken, .PUT, "/api/v1/ticket-mail-templates/\(w.t.alpha.id!)/solved/en",
                                     #"{"subject":"x","body":"x"}"#).status == .forbidden)
            _ = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(id)/followups", #"{"body":"Pièce commandée"}"#)
            #expect(try await mails(to: "rita@example.org").count == 2, "followups turned off")
            _ = try await w.patch(w.t.alphaToken, id, #"{"status":"solved","solution":"Rouleau remplacé."}"#)
            let solved = try await mails(to: "rita@example.org").last
            #expect(solved?.subject == "[Parc #\(reference)] Done: Scanner HS" && solved?.textBody.contains("Fixed: Rouleau remplacé.") == true)
            // SLA: a running ticket due within the hour warns its technician once; past the deadline, the breach.
            let late = try await w.open(w.t.superToken,
                                        #""title":"Serveur lent","entity_id":"\#(w.t.alpha.id!)","assignee_ids":["\#(w.t.alphaTech.id!)"]"#)
            let lateID = try #require(late["id"] as? String)
            let job = HelpdeskClockJob()
            let context = JobContext(application: app, logger: app.logger, jobID: UUID())
            let due = try #require((try await w.get(w.t.alphaToken, lateID)["time_to_resolve_due"] as? String).map(rfc3339))
            clock.advance(due.addingTimeInterval(-1800).timeIntervalSince(clock.now))
            _ = try await job.run(payload: "{}", context: context)
            _ = try await job.run(payload: "{}", context: context)
            var alice = try await mails(to: "alice@example.org")
            #expect(alice.filter { $0.subject.contains("Due within the hour") }.count == 1)
            clock.advance(3600)
            _ = try await job.run(payload: "{}", context: context)
            _ = try await job.run(payload: "{}", context: context)
            alice = try await mails(to: "alice@example.org")
            #expect(alice.filter { $0.subject.contains("SLA breached") && $0.subject.contains("Serveur lent") }.count == 1)
        }
    }

    @Test("business rules qualify new tickets from every path; the test endpoint says which would match",
          arguments: TestDatabase.all)
    func rules(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let alpha = w.t.alpha.id!
            let category = try json(try await w.call(w.t.superToken, .POST, "/api/v1/ticket-categories",
                                                     #"{"entity_id":"\#(w.t.root.id!)","name":"Impression"}"#))
            let group = try json(try await w.call(w.t.superToken, .POST, "/api/v1/support-groups",
                                                  #"{"entity_id":"\#(alpha)","name":"Support N1","member_ids":["\#(w.t.alphaTech.id!)"]}"#))
            let categoryID = try #require(category["id"] as? String), groupID = try #require(group["id"] as? String)
            let printers = try await w.call(w.t.superToken, .POST, "/api/v1/ticket-rules", #"""
                {"entity_id":"\#(w.t.root.id!)","rule":{"name":"Imprimantes","match":"all","stop":false,
                 "conditions":[{"field":"text","operator":"contains","value":"imprimante"}],
                 "actions":[{"kind":"set_category","value":"\#(categoryID)"},{"kind":"add_tag","value":"impression"}]}}
                """#)
            #expect(printers.status == .created, "\(printers.body.string)")
            let queue = try await w.call(w.t.superToken, .POST, "/api/v1/ticket-rules", #"""
                {"entity_id":"\#(alpha)","rule":{"name":"Impression → N1","match":"all","stop":false,
                 "conditions":[{"field":"category","operator":"is","value":"\#(categoryID)"}],
                 "actions":[{"kind":"assign_group","value":"\#(groupID)"},{"kind":"set_priority","value":"4"}]}}
                """#)
            #expect(queue.status == .created, "\(queue.body.string)")
            let bad = try await w.call(w.t.superToken, .POST, "/api/v1/ticket-rules", #"""
                {"entity_id":"\#(alpha)","rule":{"name":"x","match":"all","stop":false,
                 "conditions":[{"field":"title","operator":"matches","value":"("}],"actions":[{"kind":"add_tag","value":"x"}]}}
                """#)
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("condition 1"), "\(bad.body.string)")
            #expect(try await w.call(w.t.alphaToken, .POST, "/api/v1/ticket-rules", #"""
                {"entity_id":"\#(alpha)","rule":{"name":"x","match":"all","stop":false,
                 "conditions":[{"field":"title","operator":"contains","value":"x"}],"actions":[{"kind":"add_tag","value":"x"}]}}
                """#).status == .forbidden, "technicians do not write rules")
            // The test page's endpoint: nothing is saved.
            let test = try json(try await w.call(w.t.alphaToken, .POST, "/api/v1/ticket-rules/test",
                                                 #"{"entity_id":"\#(alpha)","title":"L'IMPRIMANTE du CDI"}"#))
            #expect(test["matched"] as? [String] == ["Imprimantes", "Impression → N1"] && test["priority"] as? Int == 4
                    && test["category_id"] as? String == categoryID, "\(test)")
            #expect(try await TicketModel.query(on: app.db).count() == 0)
            #expect(try await w.call(w.requesterToken, .POST, "/api/v1/ticket-rules/test",
                                     #"{"entity_id":"\#(alpha)","title":"x"}"#).status == .forbidden)
            // A requester's ticket is qualified by the rules.
            let ticket = try await w.open(w.requesterToken, #""title":"Imprimante en panne""#)
            #expect(ticket["category_id"] as? String == categoryID && ticket["priority"] as? Int == 4)
            #expect((ticket["groups"] as? [[String: Any]])?.first?["name"] as? String == "Support N1")
            #expect(ticket["status"] as? String == "assigned" && ticket["tags"] as? [String] == ["impression"])
            let created = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == ticket["id"] as! String)
                .filter(\.$action == "ticket.created").first()
            #expect(created?.changes.contains("Imprimantes") == true)
            // Beta's tickets see the root's rule, not Alpha's.
            let beta = try await w.open(w.t.betaToken, #""entity_id":"\#(w.t.beta.id!)","title":"Imprimante""#)
            #expect(beta["category_id"] as? String == categoryID && (beta["groups"] as? [Any])?.isEmpty == true)
            let rules = try JSONSerialization.jsonObject(with: Data(try await w.call(w.t.superToken, .GET,
                "/api/v1/ticket-rules?entity_id=\(alpha)").body.string.utf8)) as? [[String: Any]] ?? []
            #expect(rules.count == 2)
        }
    }

    @Test("1,000 tickets opened at once: 1,000 unique references, each with its history", arguments: TestDatabase.all)
    func concurrentCreation(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponseStatus.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets",
                                         #"{"title":"Ticket \#(index)","description":"d","type":"request","urgency":2,"impact":2}"#).status
                    }
                }
                return try await group.reduce(into: [HTTPResponseStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .created }, "\(Set(statuses.map(\.code)))")
            let tickets = try await TicketModel.query(on: app.db).all()
            #expect(tickets.count == 1000 && Set(tickets.map(\.reference)).count == 1000)
            #expect(!tickets.contains { $0.reference.hasPrefix("new-") })
            let created = try await AuditEntryModel.query(on: app.db).filter(\.$action == "ticket.created").count()
            let changes = try await TicketStatusChangeModel.query(on: app.db).count()
            #expect(created == 1000 && changes == 1000)
        }
    }
}
