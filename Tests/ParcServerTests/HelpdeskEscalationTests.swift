import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

extension HelpdeskWorld {
    /// A support group of `entity` with these members.
    func group(_ name: String, in entity: UUID, members: [UUID]) async throws -> String {
        let response = try await call(t.superToken, .POST, "/api/v1/support-groups", #"""
            {"entity_id":"\#(entity)","name":"\#(name)","member_ids":[\#(members.map { "\"\($0)\"" }.joined(separator: ","))]}
            """#)
        #expect(response.status == .created, "\(response.body.string)")
        return try #require(try json(response)["id"] as? String)
    }

    /// Sets the escalation levels of a policy; answers the response.
    func escalate(_ policy: String, _ levels: String, token: String? = nil) async throws -> TestingHTTPResponse {
        try await call(token ?? t.superToken, .PATCH, "/api/v1/sla-policies/\(policy)", #"{"escalation":\#(levels)}"#)
    }

    func runClock(at instant: String, clock: TestClock) async throws {
        clock.advance(rfc3339(instant).timeIntervalSince(clock.now))
        _ = try await HelpdeskClockJob().run(payload: "{}", context: JobContext(application: app, logger: app.logger,
                                                                               jobID: UUID()))
    }

    func escalationMails(to address: String) async throws -> [MailOutboxModel] {
        try await MailOutboxModel.query(on: app.db).all()
            .filter { $0.recipients == address && $0.subject.contains("Escalation") }
    }
}

@Suite("Helpdesk: SLA escalation and rules on update")
struct HelpdeskEscalationTests {
    @Test("escalation levels: validated with the policy, fired once at their moment, reassigning, raising the priority, mailing; reopening arms them again",
          arguments: TestDatabase.all)
    func escalation(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let w = try await HelpdeskWorld.make(app)
            let alpha = w.t.alpha.id!
            let policy = try await w.officePolicy(alpha)
            let n2 = try await w.group("N2", in: alpha, members: [w.t.superAdmin.id!])
            let betaGroup = try await w.group("Beta N1", in: w.t.beta.id!, members: [w.t.betaAdmin.id!])
            // Bad levels: each a 422 (or a 400 for what does not parse), nothing stored.
            let bad: [(String, String)] = [
                (#"[{"id":"x","name":"x","target":"time_to_own","side":"after","offset":"31d","actions":[{"kind":"notify_assignees"}]}]"#, "30d"),
                (#"[{"id":"x","name":"x","target":"time_to_own","side":"after","offset":"1h","actions":[]}]"#, "actions"),
                (#"[{"id":"x","name":"x","target":"time_to_own","side":"after","offset":"1h","actions":[{"kind":"assign_group","value":"\#(UUID())"}]}]"#, "no group"),
                (#"[{"id":"x","name":"x","target":"time_to_own","side":"after","offset":"1h","actions":[{"kind":"assign_group","value":"\#(betaGroup)"}]}]"#, "no group"),
                (#"[{"id":"x","name":"x","target":"time_to_own","side":"after","offset":"1h","actions":[{"kind":"notify_user","value":"\#(w.t.betaAdmin.id!)"}]}]"#, "not an active account"),
                (#"[{"id":"x","name":"x","target":"time_to_own","side":"after","offset":"1h","actions":[{"kind":"raise_priority_to","value":"9"}]}]"#, "1 to 6"),
                (#"[{"id":"a","name":"x","target":"time_to_own","side":"after","offset":"1h","actions":[{"kind":"raise_priority"}]},{"id":"a","name":"y","target":"time_to_own","side":"after","offset":"1h","actions":[{"kind":"raise_priority"}]}]"#, "same id"),
            ]
            for (levels, message) in bad {
                let response = try await w.escalate(policy, levels)
                #expect(response.status == .unprocessableEntity && response.body.string.contains(message),
                        "\(levels): \(response.body.string)")
            }
            let many = "[" + (1...21).map { #"{"id":"l\#($0)","name":"l","target":"time_to_own","side":"after","offset":"1h","actions":[{"kind":"raise_priority"}]}"# }
                .joined(separator: ",") + "]"
            #expect(try await w.escalate(policy, many).status == .unprocessableEntity)
            for unreadable in [#"[{"id":"x","name":"x","target":"time_to_own","side":"after","offset":"soon","actions":[]}]"#,
                               #"[{"id":"x","name":"x","target":"later","side":"after","offset":"1h","actions":[]}]"#,
                               #"[{"id":"x""#] {
                let response = try await w.escalate(policy, unreadable)
                #expect(response.status == .badRequest || response.status == .unprocessableEntity, "\(response.body.string)")
            }
            #expect(try await w.escalate(policy, "[]", token: w.t.alphaToken).status == .forbidden,
                    "technicians do not write policies")
            #expect(try await w.escalate(policy, "[]", token: w.t.betaToken).status == .notFound,
                    "another entity's policy does not exist for Beta's admin")
            let levels = #"""
                [{"id":"own","name":"Nobody took it","target":"time_to_own","side":"after","offset":"0",
                  "actions":[{"kind":"notify_user","value":"\#(w.t.superAdmin.id!)"}]},
                 {"id":"warn","name":"One hour left","target":"time_to_resolve","side":"before","offset":"1h",
                  "actions":[{"kind":"notify_assignees"}]},
                 {"id":"late","name":"To N2","target":"time_to_resolve","side":"after","offset":"30m",
                  "actions":[{"kind":"assign_group","value":"\#(n2)"},{"kind":"raise_priority"},{"kind":"notify_group","value":"\#(n2)"}]}]
                """#
            let saved = try await w.escalate(policy, levels)
            #expect(saved.status == .ok, "\(saved.body.string)")
            #expect((try json(saved)["escalation"] as? [[String: Any]])?.map { $0["offset"] as? String } == ["0", "1h", "30m"])
            // Tuesday 2026-12-01 09:00 in Paris: time to own 10:00, time to resolve Wednesday 09:00.
            clock.advance(rfc3339("2026-12-01T08:00:00Z").timeIntervalSince(clock.now))
            let taken = try await w.open(w.t.superToken, #""title":"Serveur lent","entity_id":"\#(alpha)","assignee_ids":["\#(w.t.alphaTech.id!)"]"#)
            let queued = try await w.open(w.requesterToken, #""title":"Souris cassée""#)
            let takenID = try #require(taken["id"] as? String), queuedID = try #require(queued["id"] as? String)
            try await w.runClock(at: "2026-12-01T08:59:00Z", clock: clock)
            #expect(try await w.escalationMails(to: "root@example.org").isEmpty)
            // 10:00: nobody took the second ticket; the named user hears of it, once however often the job runs.
            try await w.runClock(at: "2026-12-01T09:00:00Z", clock: clock)
            try await w.runClock(at: "2026-12-01T09:01:00Z", clock: clock)
            let own = try await w.escalationMails(to: "root@example.org")
            #expect(own.count == 1 && own[0].subject.contains("Souris cassée") && own[0].textBody.contains("Nobody took it"))
            #expect(try await w.history(queuedID).filter { $0 == "ticket.escalated" }.count == 1)
            #expect(try await w.history(takenID).filter { $0 == "ticket.escalated" }.isEmpty, "taken into account at once")
            // Tuesday 17:30 is one business hour before Wednesday 09:00: Alice is warned.
            try await w.runClock(at: "2026-12-01T16:29:00Z", clock: clock)
            #expect(try await w.escalationMails(to: "alice@example.org").isEmpty)
            try await w.runClock(at: "2026-12-01T16:30:00Z", clock: clock)
            try await w.runClock(at: "2026-12-01T16:31:00Z", clock: clock)
            #expect(try await w.escalationMails(to: "alice@example.org").count == 1)
            // Wednesday 09:30: past the deadline by 30 business minutes: to N2, priority up by one, N2 told.
            try await w.runClock(at: "2026-12-02T08:30:00Z", clock: clock)
            try await w.runClock(at: "2026-12-02T08:31:00Z", clock: clock)
            let late = try await w.get(w.t.superToken, takenID)
            #expect(late["priority"] as? Int == 4 && (late["groups"] as? [[String: Any]])?.map { $0["name"] as? String } == ["N2"])
            #expect((late["assignees"] as? [Any])?.count == 1, "Alice stays assigned")
            let queuedNow = try await w.get(w.t.superToken, queuedID)
            #expect(queuedNow["status"] as? String == "assigned" && queuedNow["priority"] as? Int == 4)
            #expect(try await w.escalationMails(to: "root@example.org").count == 3)
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectID == takenID)
                .filter(\.$action == "ticket.escalated").all()
            #expect(history.count == 2 && history.contains { $0.changes.contains("To N2") && $0.changes.contains("priority") })
            // Solved at 09:40, reopened at 11:40: two business hours stood still, the deadline is now 11:00, and
            // both time-to-resolve levels fell again after their firings: they fire once more.
            clock.advance(rfc3339("2026-12-02T08:40:00Z").timeIntervalSince(clock.now))
            _ = try await w.patch(w.t.alphaToken, takenID, #"{"status":"solved","solution":"Disque remplacé."}"#)
            try await w.runClock(at: "2026-12-02T10:00:00Z", clock: clock)
            #expect(try await w.history(takenID).filter { $0 == "ticket.escalated" }.count == 2, "solved: no level")
            clock.advance(rfc3339("2026-12-02T10:40:00Z").timeIntervalSince(clock.now))
            _ = try await w.patch(w.t.alphaToken, takenID, #"{"status":"assigned"}"#)
            try await w.runClock(at: "2026-12-02T10:41:00Z", clock: clock)
            try await w.runClock(at: "2026-12-02T10:42:00Z", clock: clock)
            #expect(try await w.history(takenID).filter { $0 == "ticket.escalated" }.count == 4)
            #expect(try await w.get(w.t.superToken, takenID)["priority"] as? Int == 5)
            // Opting out of escalation mails is honoured.
            #expect(try await w.call(w.t.alphaToken, .PATCH, "/api/v1/account/ticket-notifications",
                                     #"{"events":{"escalation":false}}"#).status == .ok)
        }
    }

    @Test("two clock runs at once, on two instances, fire each level once", arguments: TestDatabase.all)
    func concurrentClocks(_ database: TestDatabase) async throws {
        try await withTwoApps(database) { first, second, clock in
            let w = try await HelpdeskWorld.make(first)
            let policy = try await w.officePolicy(w.t.alpha.id!)
            #expect(try await w.escalate(policy, #"""
                [{"id":"own","name":"Nobody took it","target":"time_to_own","side":"after","offset":"0",
                  "actions":[{"kind":"raise_priority"},{"kind":"notify_user","value":"\#(w.t.superAdmin.id!)"}]}]
                """#).status == .ok)
            clock.advance(rfc3339("2026-12-01T08:00:00Z").timeIntervalSince(clock.now))
            var ids: [String] = []
            for index in 0..<12 { ids.append(try #require(try await w.open(w.requesterToken, #""title":"Poste \#(index)""#)["id"] as? String)) }
            clock.advance(rfc3339("2026-12-01T09:05:00Z").timeIntervalSince(clock.now))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for app in [first, second, first, second] {
                    group.addTask {
                        _ = try await HelpdeskClockJob().run(payload: "{}", context: JobContext(
                            application: app, logger: app.logger, jobID: UUID()))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await TicketEscalationModel.query(on: first.db).count() == 12)
            #expect(try await w.escalationMails(to: "root@example.org").count == 12)
            for id in ids {
                #expect(try await w.get(w.t.superToken, id)["priority"] as? Int == 4, "raised once: 3 → 4")
            }
        }
    }

    @Test("rules on update: runs_on, fields set by hand win, no loops, set_sla_policy recomputes the deadlines",
          arguments: TestDatabase.all)
    func rulesOnUpdate(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let w = try await HelpdeskWorld.make(app)
            let alpha = w.t.alpha.id!
            _ = try await w.officePolicy(alpha)
            let gold = try json(try await w.call(w.t.superToken, .POST, "/api/v1/sla-policies", #"""
                {"entity_id":"\#(alpha)","name":"Or","calendar":{"time_zone":"Europe/Paris","week":{
                "monday":["08:00-18:00"],"tuesday":["08:00-18:00"],"wednesday":["08:00-18:00"],"thursday":["08:00-18:00"],
                "friday":["08:00-18:00"]}},"rules":[{"time_to_own":"15m","time_to_resolve":"2h"}]}
                """#))
            let goldID = try #require(gold["id"] as? String)
            func rule(_ body: String) async throws {
                let response = try await w.call(w.t.superToken, .POST, "/api/v1/ticket-rules", body)
                #expect(response.status == .created, "\(response.body.string)")
            }
            try await rule(#"""
                {"entity_id":"\#(alpha)","rule":{"name":"Serveur → Or","match":"all","runs_on":"update",
                 "conditions":[{"field":"text","operator":"contains","value":"serveur"}],
                 "actions":[{"kind":"set_sla_policy","value":"\#(goldID)"},{"kind":"set_priority","value":"5"},{"kind":"add_tag","value":"serveur"}]}}
                """#)
            try await rule(#"""
                {"entity_id":"\#(alpha)","rule":{"name":"Tag → titre","match":"all","runs_on":"both",
                 "conditions":[{"field":"tag","operator":"is","value":"serveur"}],
                 "actions":[{"kind":"add_tag","value":"vu"}]}}
                """#)
            clock.advance(rfc3339("2026-12-01T08:00:00Z").timeIntervalSince(clock.now))
            let ticket = try await w.open(w.t.superToken, #""title":"Lenteur","entity_id":"\#(alpha)""#)
            let id = try #require(ticket["id"] as? String)
            #expect(ticket["tags"] as? [String] == [] && ticket["priority"] as? Int == 3, "update-only rules skip creation")
            // A change that makes the rule match: Gold's 2 hours replace the office's 8, priority 5 — but the
            // urgency set by hand in the same change stays, and the rule's own tag change does not run it again.
            let changed = try await w.patch(w.t.alphaToken, id, #"{"title":"Serveur lent","urgency":4,"priority":2}"#)
            #expect(changed["priority"] as? Int == 2, "set by hand in the same change")
            #expect(changed["urgency"] as? Int == 4)
            #expect(changed["tags"] as? [String] == ["serveur", "vu"], "later rules see earlier rules' changes")
            #expect((changed["time_to_resolve_due"] as? String).map(rfc3339) == rfc3339("2026-12-01T10:00:00Z"), "\(changed)")
            let entry = try #require(try await AuditEntryModel.query(on: app.db).filter(\.$objectID == id)
                .filter(\.$action == "ticket.updated").all().last)
            #expect(entry.changes.contains("Serveur → Or") && entry.changes.contains("set_priority")
                    && entry.changes.contains("\"sla_policy\"") && entry.changes.contains("Or"))
            // A change that sets nothing new runs no rule: no second history line.
            let before = try await w.history(id).count
            _ = try await w.patch(w.t.alphaToken, id, #"{"title":"Serveur lent"}"#)
            #expect(try await w.history(id).count == before)
            // The test endpoint on the existing ticket says the same.
            let test = try json(try await w.call(w.t.alphaToken, .POST, "/api/v1/ticket-rules/test", #"{"ticket_id":"\#(id)"}"#))
            #expect(test["event"] as? String == "update" && test["sla_policy_id"] as? String == goldID)
            #expect((test["rules"] as? [[String: Any]])?.map { $0["verdict"] as? String } == ["matched", "matched"])
            let creation = try json(try await w.call(w.t.alphaToken, .POST, "/api/v1/ticket-rules/test",
                                                     #"{"entity_id":"\#(alpha)","title":"Serveur"}"#))
            #expect((creation["rules"] as? [[String: Any]])?.map { $0["verdict"] as? String } == ["other_event", "no_match"])
            #expect(try await w.call(w.t.betaToken, .POST, "/api/v1/ticket-rules/test", #"{"ticket_id":"\#(id)"}"#).status
                    == .notFound, "another entity's ticket")
        }
    }

    @Test("rules API: change, turn off, move, delete; scoping by entity; hostile input", arguments: TestDatabase.all)
    func rulesAPI(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let beta = w.t.beta.id!
            func create(_ name: String, token: String? = nil, entity: UUID? = nil) async throws -> TestingHTTPResponse {
                try await w.call(token ?? w.t.betaToken, .POST, "/api/v1/ticket-rules", #"""
                    {"entity_id":"\#(entity ?? beta)","rule":{"name":"\#(name)","match":"all","stop":false,
                     "conditions":[{"field":"title","operator":"contains","value":"\#(name)"}],"actions":[{"kind":"add_tag","value":"\#(name)"}]}}
                    """#)
            }
            let a = try json(try await create("a")), b = try json(try await create("b")), c = try json(try await create("c"))
            let (aID, bID, cID) = (a["id"] as! String, b["id"] as! String, c["id"] as! String)
            let rootRule = try json(try await create("racine", token: w.t.superToken, entity: w.t.root.id!))
            // Beta's admin sees Beta's rules only; the root's rule is not theirs to edit.
            let listed = try JSONSerialization.jsonObject(with: Data(try await w.call(w.t.betaToken, .GET, "/api/v1/ticket-rules")
                .body.string.utf8)) as? [[String: Any]] ?? []
            #expect(listed.compactMap { ($0["rule"] as? [String: Any])?["name"] as? String } == ["a", "b", "c"])
            #expect(try await w.call(w.t.betaToken, .PATCH, "/api/v1/ticket-rules/\(rootRule["id"]!)", #"{"enabled":false}"#)
                .status == .notFound)
            #expect(try await w.call(w.t.betaToken, .DELETE, "/api/v1/ticket-rules/\(rootRule["id"]!)").status == .notFound)
            #expect(try await create("x", entity: w.t.alpha.id!).status == .notFound, "Alpha does not exist for Beta's admin")
            #expect(try await create("x", token: w.t.alphaToken, entity: w.t.alpha.id!).status == .forbidden,
                    "technicians do not write rules")
            // Move c up twice, turn b off: the order and the verdicts follow.
            for _ in 0..<2 {
                #expect(try await w.call(w.t.betaToken, .POST, "/api/v1/ticket-rules/\(cID)/move", #"{"direction":"up"}"#).status == .ok)
            }
            #expect(try await w.call(w.t.betaToken, .POST, "/api/v1/ticket-rules/\(cID)/move", #"{"direction":"sideways"}"#)
                .status == .unprocessableEntity)
            let off = try await w.call(w.t.betaToken, .PATCH, "/api/v1/ticket-rules/\(bID)", #"{"enabled":false}"#)
            #expect(try off.status == .ok && (json(off)["enabled"] as? Bool) == false)
            let order = try JSONSerialization.jsonObject(with: Data(try await w.call(w.t.betaToken, .GET,
                "/api/v1/ticket-rules?entity_id=\(beta)").body.string.utf8)) as? [[String: Any]] ?? []
            #expect(order.compactMap { ($0["rule"] as? [String: Any])?["name"] as? String } == ["racine", "c", "a", "b"])
            let test = try json(try await w.call(w.t.betaToken, .POST, "/api/v1/ticket-rules/test",
                                                 #"{"entity_id":"\#(beta)","title":"a b c racine"}"#))
            #expect(test["matched"] as? [String] == ["racine", "c", "a"], "\(test)")
            #expect((test["rules"] as? [[String: Any]])?.last?["verdict"] as? String == "disabled")
            let ticket = try await w.open(w.t.betaToken, #""entity_id":"\#(beta)","title":"b""#)
            #expect(ticket["tags"] as? [String] == [], "a rule turned off does not run")
            // Hostile: a bad pattern, huge lists, unknown fields, an unreadable rule; nothing changes.
            let pattern = try await w.call(w.t.betaToken, .PATCH, "/api/v1/ticket-rules/\(aID)", #"""
                {"rule":{"name":"a","match":"all","conditions":[{"field":"title","operator":"matches","value":"(a"}],
                 "actions":[{"kind":"add_tag","value":"a"}]}}
                """#)
            #expect(pattern.status == .unprocessableEntity && pattern.body.string.contains("condition 1"))
            let conditions = (0..<51).map { _ in #"{"field":"title","operator":"contains","value":"x"}"# }.joined(separator: ",")
            let huge = try await w.call(w.t.betaToken, .PATCH, "/api/v1/ticket-rules/\(aID)", #"""
                {"rule":{"name":"a","match":"all","conditions":[\#(conditions)],"actions":[{"kind":"add_tag","value":"a"}]}}
                """#)
            #expect(huge.status == .unprocessableEntity || huge.status == .payloadTooLarge, "\(huge.status)")
            #expect(try await w.call(w.t.betaToken, .PATCH, "/api/v1/ticket-rules/\(aID)", #"{"colour":"red"}"#).status
                    == .unprocessableEntity, "unknown fields are named, not ignored")
            #expect(try await w.call(w.t.betaToken, .PATCH, "/api/v1/ticket-rules/\(aID)",
                                     #"{"rule":{"name":"a","match":"sometimes"}}"#).status.code / 100 == 4)
            for index in 0..<(TicketRules.perEntity - 3) {
                let row = TicketRuleModel()
                row.entityID = beta
                row.position = 1000 + index
                row.enabled = true
                row.ruleJSON = #"{"name":"r\#(index)","match":"all","conditions":[{"field":"title","operator":"contains","value":"zz"}],"actions":[{"kind":"add_tag","value":"z"}],"stop":false}"#
                try await row.create(on: app.db)
            }
            let full = try await create("one too many")
            #expect(full.status == .unprocessableEntity && full.body.string.contains("at most"), "\(full.body.string)")
            #expect(try json(try await w.call(w.t.betaToken, .POST, "/api/v1/ticket-rules/test",
                                              #"{"entity_id":"\#(beta)","title":"a"}"#))["matched"] as? [String] == ["a"])
            #expect(try await w.call(w.t.betaToken, .DELETE, "/api/v1/ticket-rules/\(aID)").status == .noContent)
            #expect(try await w.history(aID).contains("ticket_rule.deleted"))
        }
    }

    @Test("rules pages: list per entity, form errors keep what was typed, edit, turn off, move, delete, CSRF, the tester",
          arguments: TestDatabase.all)
    func rulesPages(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let beta = w.t.beta.id!.uuidString
            let bob = WebClient(app)
            try await bob.signIn("bob")
            #expect(try await bob.get("/tickets/rules").status == .ok)
            let form = ["entity_id": beta, "name": "Imprimantes <b>", "match": "all", "runs_on": "both", "enabled": "on",
                        "condition_field_0": "text", "condition_operator_0": "matches", "condition_value_0": "imprim(",
                        "action_kind_0": "add_tag", "action_value_0": "impression"]
            #expect(try await bob.post("/tickets/rules", form, includeCSRF: false).status == .forbidden)
            let invalid = try await bob.post("/tickets/rules", form)
            #expect(invalid.status == .unprocessableEntity && invalid.body.string.contains("imprim(")
                    && invalid.body.string.contains("Imprimantes &lt;b&gt;"), "typed values kept, escaped")
            var good = form
            good["condition_value_0"] = "imprimante"
            good["condition_field_1"] = "urgency"
            good["condition_operator_1"] = "at_least"
            good["condition_value_1"] = "1"
            let created = try await bob.post("/tickets/rules", good)
            #expect(created.status == .seeOther, "\(created.body.string)")
            let second = try await bob.post("/tickets/rules", ["entity_id": beta, "name": "Tout", "match": "any",
                                                               "runs_on": "create", "enabled": "on", "condition_field_0": "title",
                                                               "condition_operator_0": "contains", "condition_value_0": "a",
                                                               "action_kind_0": "set_priority", "action_value_0": "4"])
            #expect(second.status == .seeOther)
            let rows = try await TicketRuleModel.query(on: app.db).sort(\.$position).all()
            #expect(rows.count == 2 && rows[0].rule?.conditions.count == 2 && rows[0].rule?.runsOn == .both)
            let list = try await bob.get("/tickets/rules")
            #expect(list.body.string.contains("Imprimantes &lt;b&gt;") && list.body.string.contains("Tout"))
            // Move the second up, turn it off, edit the first, then delete it.
            #expect(try await bob.post("/tickets/rules/\(rows[1].id!)/move", ["direction": "up"]).status == .seeOther)
            #expect(try await bob.post("/tickets/rules/\(rows[1].id!)/toggle", [:]).status == .seeOther)
            let reordered = try await TicketRuleModel.query(on: app.db).sort(\.$position).all()
            #expect(reordered.map(\.id) == [rows[1].id, rows[0].id] && reordered[0].enabled == false)
            let edit = try await bob.get("/tickets/rules/\(rows[0].id!)/edit")
            #expect(edit.status == .ok && edit.body.string.contains("imprimante"))
            var renamed = good
            renamed["name"] = "Imprimantes"
            #expect(try await bob.post("/tickets/rules/\(rows[0].id!)", renamed).status == .seeOther)
            #expect(try await TicketRuleModel.find(rows[0].id, on: app.db)?.rule?.name == "Imprimantes")
            // The tester: fields, then an existing ticket by reference.
            let tried = try await bob.get("/tickets/rules/test?entity_id=\(beta)&title=Imprimante%20HS&urgency=3&impact=3")
            #expect(tried.status == .ok && tried.body.string.contains("data-verdict=\"matched\"")
                    && tried.body.string.contains("data-verdict=\"disabled\"") && tried.body.string.contains("impression"))
            let ticket = try await w.open(w.t.betaToken, #""entity_id":"\#(beta)","title":"Imprimante bloquée""#)
            let byReference = try await bob.get("/tickets/rules/test?ticket=\(ticket["reference"] as! String)")
            #expect(byReference.status == .ok && byReference.body.string.contains("data-verdict=\"matched\""))
            let unknown = try await bob.get("/tickets/rules/test?ticket=2020-99999")
            #expect(unknown.status == .unprocessableEntity)
            // Scoping: Alice (a technician of Alpha) may try rules but not write them; Beta's rules are not hers.
            let alice = WebClient(app)
            try await alice.signIn("alice")
            #expect(try await alice.get("/tickets/rules").status == .forbidden)
            #expect(try await alice.get("/tickets/rules/\(rows[0].id!)/edit").status == .notFound)
            #expect(try await alice.get("/tickets/rules/test?ticket=\(ticket["reference"] as! String)").status
                    == .unprocessableEntity, "another entity's ticket is not found")
            #expect(try await bob.post("/tickets/rules/\(rows[0].id!)/delete", [:]).status == .seeOther)
            #expect(try await TicketRuleModel.query(on: app.db).count() == 1)
            // French, for a user who chose it.
            let root = try #require(try await UserModel.find(w.t.superAdmin.id, on: app.db))
            root.language = "fr"
            try await root.update(on: app.db)
            let french = WebClient(app)
            try await french.signIn("root")
            #expect(try await french.get("/tickets/rules").body.string.contains("Règles métier"))
            let frenchTest = try await french.get("/tickets/rules/test?entity_id=\(beta)&title=Imprimante%20HS")
            #expect(frenchTest.body.string.contains("Quelles règles") && frenchTest.body.string.contains("Désactivée")
                    && !frenchTest.body.string.contains(">Disabled<"))
        }
    }
}
