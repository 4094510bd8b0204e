import Fluent
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// Tickets with timestamps set by hand, so every number of every report is known (docs/helpdesk-reports.md).
///
/// Alpha (UTC, the period 2026-12-01 → 2026-12-16 by ISO week: W49 from Monday 30 November, W50, W51):
/// - A1 opened 11-25 10:00 (before the period), assigned 11-26, solved 12-08 10:00 (312 h); Réseau; TTO met in
///   November.
/// - A2 opened 12-01 09:00, solved 12-02 09:00, reopened 12-03 09:00, solved 12-10 09:00 (216 h); Réseau; priority 3;
///   TTO met, TTR breached; group Support N1.
/// - A3 opened Sunday 12-06 20:00 (Monday 05:00 in Tokyo), assigned 21:00, still open; no category; priority 3;
///   TTO and TTR deadlines passed, never taken into account; group Support N1.
/// - A4 opened 12-08 08:00, solved 10:00 (2 h), closed 12-09; Réseau; priority 5; both targets met.
/// - A5 opened 12-09 08:00, pending from 10:00; hostile category; priority 3; deadlines in the future.
/// - A6 opened 12-15 08:00, solved 12:00 (4 h); hostile category; no SLA.
/// - A7 opened 12-16 11:00, new: time to own due 12:30, time to resolve due 15:00 (now is 12-16 12:00).
/// - A8 opened 12-16 08:00, assigned 08:10: time to resolve due 20:00.
/// Beta: B1, opened 12-01, breached, solved 12-02 — never counted for Alpha's technician.
struct ReportsWorld {
    let w: HelpdeskWorld
    let hostile = #"=HYPERLINK("http://evil.example")<script>alert(1)</script>"#
    var reseau: UUID!
    var hostileCategory: UUID!
    var group: UUID!
    var tickets: [String: UUID] = [:]

    static let query = "from=2026-12-01&to=2026-12-16&tz=UTC"

    static func make(_ app: Application, _ clock: TestClock) async throws -> ReportsWorld {
        var world = ReportsWorld(w: try await HelpdeskWorld.make(app))
        let db = app.db
        clock.advance(rfc3339("2026-12-16T12:00:00Z").timeIntervalSince(clock.now))
        for login in ["alice", "root"] {
            let user = try #require(try await UserModel.query(on: db).filter(\.$login == login).first())
            user.timeZone = "UTC"
            try await user.save(on: db)
        }
        func category(_ name: String) async throws -> UUID {
            let category = TicketCategoryModel()
            category.entityID = world.w.t.alpha.id!
            category.name = name
            try await category.create(on: db)
            return category.id!
        }
        world.reseau = try await category("Réseau")
        world.hostileCategory = try await category(world.hostile)
        let group = SupportGroupModel()
        group.entityID = world.w.t.alpha.id!
        group.name = "Support N1"
        try await group.create(on: db)
        world.group = group.id!
        let alpha = world.w.t.alpha.id!
        let d = rfc3339
        func t(_ day: String) -> Date { d("2026-\(day):00Z") }
        try await world.ticket("A1", alpha, opened: t("11-25T10:00"), category: world.reseau,
                               changes: [("new", t("11-25T10:00")), ("assigned", t("11-26T09:00")), ("solved", t("12-08T10:00"))],
                               own: (t("11-25T11:00"), t("11-25T10:30"), false), solved: t("12-08T10:00"))
        try await world.ticket("A2", alpha, opened: t("12-01T09:00"), category: world.reseau, priority: 3,
                               changes: [("new", t("12-01T09:00")), ("solved", t("12-02T09:00")), ("assigned", t("12-03T09:00")),
                                         ("solved", t("12-10T09:00"))],
                               own: (t("12-01T10:00"), t("12-01T09:30"), false), resolve: (t("12-03T09:00"), true),
                               solved: t("12-10T09:00"), group: world.group)
        try await world.ticket("A3", alpha, opened: t("12-06T20:00"), priority: 3,
                               changes: [("new", t("12-06T20:00")), ("assigned", t("12-06T21:00"))],
                               own: (t("12-06T21:00"), nil, false), resolve: (t("12-07T12:00"), false), group: world.group)
        try await world.ticket("A4", alpha, opened: t("12-08T08:00"), category: world.reseau, priority: 5,
                               changes: [("new", t("12-08T08:00")), ("solved", t("12-08T10:00")), ("closed", t("12-09T08:00"))],
                               own: (t("12-08T09:00"), t("12-08T08:30"), false), resolve: (t("12-08T16:00"), false),
                               solved: t("12-08T10:00"))
        try await world.ticket("A5", alpha, opened: t("12-09T08:00"), category: world.hostileCategory, priority: 3,
                               changes: [("new", t("12-09T08:00")), ("pending", t("12-09T10:00"))],
                               own: (t("12-20T08:00"), nil, false), resolve: (t("12-21T08:00"), false))
        try await world.ticket("A6", alpha, opened: t("12-15T08:00"), category: world.hostileCategory,
                               changes: [("new", t("12-15T08:00")), ("solved", t("12-15T12:00"))], solved: t("12-15T12:00"))
        try await world.ticket("A7", alpha, opened: t("12-16T11:00"), changes: [("new", t("12-16T11:00"))],
                               own: (t("12-16T12:30"), nil, false), resolve: (t("12-16T15:00"), false))
        try await world.ticket("A8", alpha, opened: t("12-16T08:00"),
                               changes: [("new", t("12-16T08:00")), ("assigned", t("12-16T08:10"))],
                               resolve: (t("12-16T20:00"), false))
        try await world.ticket("B1", world.w.t.beta.id!, opened: t("12-01T09:00"), priority: 3,
                               changes: [("new", t("12-01T09:00")), ("solved", t("12-02T09:00"))],
                               own: (t("12-01T09:30"), nil, true), resolve: (t("12-01T12:00"), true), solved: t("12-02T09:00"))
        let alice = world.w.t.alphaTech.id!, root = world.w.t.superAdmin.id!, bob = world.w.t.betaAdmin.id!
        try await world.task("A2", alice, 90, created: t("12-02T10:00"))
        try await world.task("A3", alice, 30, created: t("12-10T10:00"), planned: t("12-08T10:00"))
        try await world.task("A3", alice, 15, created: t("12-07T10:00"), planned: t("11-28T10:00"))
        try await world.task("A4", root, 45, created: t("12-08T09:00"))
        try await world.task("A4", alice, 0, created: t("12-08T09:30"))
        try await world.task("A1", alice, 60, created: t("11-20T10:00"))
        try await world.task("B1", bob, 120, created: t("12-01T10:00"))
        return world
    }

    mutating func ticket(_ name: String, _ entity: UUID, opened: Date, category: UUID? = nil, priority: Int = 2,
                         changes: [(String, Date)], own: (Date, Date?, Bool)? = nil, resolve: (Date, Bool)? = nil,
                         solved: Date? = nil, group: UUID? = nil) async throws {
        let db = w.app.db
        let ticket = TicketModel()
        ticket.reference = "2026-T\(name)"
        ticket.entityID = entity
        ticket.type = "incident"
        ticket.categoryID = category
        ticket.title = "Ticket \(name)"
        ticket.description = "—"
        ticket.status = changes.last!.0
        ticket.urgency = 3
        ticket.impact = 3
        ticket.priority = priority
        ticket.source = "web"
        ticket.tagsJSON = "[]"
        ticket.timeToOwnDue = own?.0
        ticket.takenIntoAccountAt = own?.1
        ticket.timeToOwnBreached = own?.2 ?? false
        ticket.timeToResolveDue = resolve?.0
        ticket.timeToResolveBreached = resolve?.1 ?? false
        ticket.slaWarned = false
        ticket.openedAt = opened
        ticket.solvedAt = solved
        try await ticket.create(on: db)
        for (status, date) in changes {
            let change = TicketStatusChangeModel()
            change.ticketID = ticket.id!
            change.status = status
            change.changedAt = date
            try await change.create(on: db)
        }
        if let group {
            let actor = TicketActorModel()
            actor.ticketID = ticket.id!
            actor.role = "assignee"
            actor.groupID = group
            try await actor.create(on: db)
        }
        tickets[name] = ticket.id!
    }

    func task(_ ticket: String, _ technician: UUID, _ minutes: Int, created: Date, planned: Date? = nil) async throws {
        let task = TicketTaskModel()
        task.ticketID = tickets[ticket]!
        task.description = "Intervention"
        task.technicianID = technician
        task.plannedAt = planned
        task.spentMinutes = minutes
        task.done = true
        task.isPrivate = false
        task.createdAt = created
        task.updatedAt = created
        try await task.create(on: w.app.db)
    }

    func report(_ token: String, _ name: String, _ query: String = ReportsWorld.query,
                status: HTTPResponseStatus = .ok) async throws -> TestingHTTPResponse {
        let response = try await w.call(token, .GET, "/api/v1/ticket-reports/\(name)?\(query)")
        #expect(response.status == status, "\(name)?\(query): \(response.body.string)")
        return response
    }

    /// The rows of a section, each as [column: value].
    func rows(_ token: String, _ name: String, _ query: String = ReportsWorld.query, section: Int = 0) async throws
        -> [[String: Any]]
    {
        let body = try json(try await report(token, name, query))
        let sections = try #require(body["sections"] as? [[String: Any]])
        return try #require(sections[section]["rows"] as? [[String: Any]])
    }
}

@Suite("Helpdesk reports and the SLA dashboard")
struct HelpdeskReportsTests {
    @Test("backlog and created vs solved by ISO week, from the status history, reopenings included",
          arguments: TestDatabase.all)
    func backlogAndThroughput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let r = try await ReportsWorld.make(app, clock)
            let alice = r.w.t.alphaToken
            let backlog = try await r.rows(alice, "backlog")
            #expect(backlog.map { $0["period"] as? String } == ["2026-W49", "2026-W50", "2026-W51"])
            #expect(backlog.map { $0["open"] as? Int } == [3, 2, 4], "A1, A2 (reopened), A3; A3 and A5; A7 and A8 too")
            #expect(backlog.first?["start"] as? String == "2026-11-30T00:00:00Z")
            #expect(backlog.last?["end"] as? String == "2026-12-21T00:00:00Z")
            let flow = try await r.rows(alice, "created-solved")
            #expect(flow.map { $0["created"] as? Int } == [2, 2, 3])
            #expect(flow.map { $0["solved"] as? Int } == [1, 3, 1], "A2 solved twice: on 12-02 and on 12-10")
            // By day: the end of Tuesday 1 December holds A1 and A2.
            let daily = try await r.rows(alice, "backlog", "from=2026-12-01&to=2026-12-03&tz=UTC&interval=day")
            #expect(daily.map { $0["open"] as? Int } == [2, 1, 2], "12-02: A2 solved; 12-03: A2 reopened")
            // In Tokyo (+09:00) weeks start 9 hours earlier: A3, opened Sunday 20:00 UTC, is in Tokyo's W50.
            let tokyo = try await r.rows(alice, "created-solved", "from=2026-12-01&to=2026-12-16&tz=Asia/Tokyo")
            #expect(tokyo.first?["start"] as? String == "2026-11-29T15:00:00Z")
            #expect(tokyo.map { $0["created"] as? Int } == [1, 3, 3])
            // Everyone's view: the root administrator counts Beta's ticket too, unless they pick Alpha.
            let all = try await r.rows(r.w.t.superToken, "created-solved")
            #expect(all.map { $0["created"] as? Int } == [3, 2, 3])
            let alphaOnly = try await r.rows(r.w.t.superToken, "created-solved",
                                             ReportsWorld.query + "&entity_id=\(r.w.t.alpha.id!)")
            #expect(alphaOnly.map { $0["created"] as? Int } == [2, 2, 3])
            let rootOnly = try await r.rows(r.w.t.superToken, "backlog",
                                            ReportsWorld.query + "&entity_id=\(r.w.t.root.id!)&sub_entities=false")
            #expect(rootOnly.map { $0["open"] as? Int } == [0, 0, 0], "no ticket is filed on the root itself")
        }
    }

    @Test("time to resolve by category: nearest-rank median and 90th percentile in wall-clock hours",
          arguments: TestDatabase.all)
    func timeToResolve(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let r = try await ReportsWorld.make(app, clock)
            let rows = try await r.rows(r.w.t.alphaToken, "time-to-resolve")
            #expect(rows.count == 2)
            #expect(rows[0]["category"] as? String == "Réseau" && rows[0]["tickets"] as? Int == 3)
            #expect(rows[0]["median_hours"] as? Double == 216 && rows[0]["p90_hours"] as? Double == 312,
                    "A4 2 h, A2 216 h, A1 312 h")
            #expect(rows[1]["category"] as? String == r.hostile && rows[1]["tickets"] as? Int == 1)
            #expect(rows[1]["median_hours"] as? Double == 4 && rows[1]["p90_hours"] as? Double == 4)
            // The CSV holds the same numbers, and neutralises the formula in the category name.
            let csv = try await r.report(r.w.t.alphaToken, "time-to-resolve", ReportsWorld.query + "&format=csv")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string == "category,tickets,median_hours,p90_hours\r\nRéseau,3,216,312\r\n"
                + #""'=HYPERLINK(""http://evil.example"")<script>alert(1)</script>",1,4,4"# + "\r\n")
            // The SVG escapes it.
            let svg = try await r.report(r.w.t.alphaToken, "time-to-resolve", ReportsWorld.query + "&format=svg")
            #expect(svg.headers.contentType?.subType == "svg+xml")
            #expect(!svg.body.string.contains("<script") && svg.body.string.contains("&lt;script&gt;"))
            #expect(XMLParser(data: Data(svg.body.readableBytesView)).parse(), "well-formed")
        }
    }

    @Test("SLA compliance by month and by priority: met over met plus missed, running tickets left out",
          arguments: TestDatabase.all)
    func slaCompliance(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let r = try await ReportsWorld.make(app, clock)
            let months = try await r.rows(r.w.t.alphaToken, "sla-compliance", "from=2026-11-01&to=2026-12-16&tz=UTC")
            #expect(months.map { $0["period"] as? String } == ["2026-11", "2026-12"])
            #expect(months[0]["own_met"] as? Int == 1 && months[0]["own_rate"] as? Double == 100)
            #expect(months[0]["resolve_rate"] is NSNull, "no ticket with a resolve target in November")
            #expect(months[1]["own_met"] as? Int == 2 && months[1]["own_missed"] as? Int == 1)
            #expect(months[1]["own_rate"] as? Double == 66.67)
            #expect(months[1]["resolve_met"] as? Int == 1 && months[1]["resolve_missed"] as? Int == 2)
            #expect(months[1]["resolve_rate"] as? Double == 33.33)
            let priorities = try await r.rows(r.w.t.alphaToken, "sla-compliance", ReportsWorld.query, section: 1)
            #expect(priorities.map { $0["priority"] as? Int } == [1, 2, 3, 4, 5, 6])
            #expect(priorities[2]["own_rate"] as? Double == 50 && priorities[2]["resolve_rate"] as? Double == 0)
            #expect(priorities[4]["own_rate"] as? Double == 100 && priorities[4]["resolve_rate"] as? Double == 100)
            #expect(priorities[0]["own_rate"] is NSNull)
            let csv = try await r.report(r.w.t.alphaToken, "sla-compliance", ReportsWorld.query + "&format=csv")
            let lines = csv.body.string.components(separatedBy: "\r\n")
            #expect(lines[0] == "section,period,start,end,own_met,own_missed,own_rate,resolve_met,resolve_missed,resolve_rate")
            #expect(lines[1] == "by_period,2026-12,2026-12-01T00:00:00Z,2027-01-01T00:00:00Z,2,1,66.67,1,2,33.33")
            #expect(lines[2] == "section,priority,own_met,own_missed,own_rate,resolve_met,resolve_missed,resolve_rate")
            #expect(lines[5] == "by_priority,3,1,1,50,0,2,0")
        }
    }

    @Test("time spent by technician and by entity, from tasks dated in the period", arguments: TestDatabase.all)
    func timeSpent(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let r = try await ReportsWorld.make(app, clock)
            let technicians = try await r.rows(r.w.t.alphaToken, "time-spent")
            #expect(technicians.map { $0["technician"] as? String } == ["Alice", "Root"])
            #expect(technicians.map { $0["minutes"] as? Int } == [120, 45], "A3's tasks count on their planned day")
            #expect(technicians.map { $0["tasks"] as? Int } == [2, 1])
            #expect(technicians.map { $0["hours"] as? Double } == [2, 0.75])
            let entities = try await r.rows(r.w.t.alphaToken, "time-spent", ReportsWorld.query, section: 1)
            #expect(entities.count == 1 && entities[0]["entity"] as? String == "Root › Alpha")
            #expect(entities[0]["minutes"] as? Int == 165)
            let everyone = try await r.rows(r.w.t.superToken, "time-spent", ReportsWorld.query, section: 1)
            #expect(everyone.map { $0["entity"] as? String } == ["Root › Alpha", "Root › Beta"])
            #expect(everyone.map { $0["minutes"] as? Int } == [165, 120])
        }
    }

    @Test("scoping: another entity's tickets never count; no access is 403 or 404; bad input is a clear 400",
          arguments: TestDatabase.all)
    func scopingAndBadInput(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let r = try await ReportsWorld.make(app, clock)
            let alice = r.w.t.alphaToken
            // Alice may not ask for Beta: it does not exist for her.
            _ = try await r.report(alice, "backlog", ReportsWorld.query + "&entity_id=\(r.w.t.beta.id!)", status: .notFound)
            // Bob (Beta) sees none of Alpha's tickets, only Beta's.
            let bob = try await r.rows(r.w.t.betaToken, "created-solved")
            #expect(bob.map { $0["created"] as? Int } == [1, 0, 0])
            // A requester has no reports.
            _ = try await r.report(r.w.requesterToken, "backlog", status: .forbidden)
            #expect(try await send(app, .GET, "/api/v1/ticket-reports/backlog").status == .unauthorized)
            let cases: [(String, String, String, String)] = [
                ("backlog", "from=2026-12-10&to=2026-12-01", "invalid_period", "swap"),
                ("nonsense", "", "unknown_report", "backlog, created-solved"),
                ("backlog", "from=2023-01-01&to=2026-12-01", "invalid_period", "at most 1096 days"),
                ("backlog", "from=2025-01-01&to=2026-12-01&interval=day", "invalid_period", "report by week"),
                ("backlog", "from=2026-02-30", "invalid_period", "YYYY-MM-DD"),
                ("backlog", "from=1%2F12%2F2026", "invalid_period", "YYYY-MM-DD"),
                ("backlog", "to=\(String(repeating: "9", count: 5000))", "invalid_period", "YYYY-MM-DD"),
                ("backlog", "interval=year", "invalid_query", "day, week or month"),
                ("backlog", "tz=Mars%2FOlympus", "invalid_period", "IANA"),
                ("backlog", "format=pdf", "invalid_query", "json, csv or svg"),
                ("backlog", "entity_id=alpha", "invalid_query", "UUID"),
                ("backlog", "sub_entities=maybe", "invalid_query", "true or false"),
                ("backlog", "colour=red", "invalid_query", "Unknown parameter"),
                ("backlog", "from=2026-12-01&from=2026-12-02", "invalid_query", "twice"),
            ]
            for (name, query, code, words) in cases {
                let response = try await r.report(alice, name, query, status: .badRequest)
                let error = try decode(TestErrorBody.self, response).error
                #expect(error.code == code && error.message.contains(words), "\(name)?\(query): \(error.message)")
            }
        }
    }

    @Test("the reports page: chart, table and exports, escaped, in French; errors shown in the form",
          arguments: TestDatabase.all)
    func reportsPage(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let r = try await ReportsWorld.make(app, clock)
            let user = try #require(try await UserModel.find(r.w.t.alphaTech.id, on: app.db))
            user.language = "fr"
            try await user.save(on: app.db)
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let page = try await alice.get("/tickets/reports?report=time-to-resolve&" + ReportsWorld.query)
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("Temps de résolution par catégorie") && html.contains("<svg"))
            #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains("Médiane (h)") && html.contains(">216<"))
            #expect(html.contains("href=\"/tickets/reports?report=time-to-resolve&amp;from=2026-12-01&amp;to=2026-12-16"))
            let csv = try await alice.get("/tickets/reports?report=backlog&format=csv&" + ReportsWorld.query)
            #expect(csv.body.string == "period,start,end,open\r\n2026-W49,2026-11-30T00:00:00Z,2026-12-07T00:00:00Z,3\r\n"
                + "2026-W50,2026-12-07T00:00:00Z,2026-12-14T00:00:00Z,2\r\n2026-W51,2026-12-14T00:00:00Z,2026-12-21T00:00:00Z,4\r\n")
            let reversed = try await alice.get("/tickets/reports?report=backlog&from=2026-12-10&to=2026-12-01")
            #expect(reversed.status == .badRequest)
            #expect(reversed.body.string.contains("La période commence (2026-12-10) après sa fin (2026-12-01)"))
            let sla = try await alice.get("/tickets/reports?report=sla-compliance&" + ReportsWorld.query)
            #expect(sla.body.string.contains("66,67\u{00A0}%"), "French decimals")
            // The navigation links to both pages.
            #expect(html.contains("href=\"/tickets/sla\"") && html.contains("href=\"/tickets/reports\""))
            let rita = WebClient(app)
            try await rita.signIn("rita")
            #expect(try await rita.get("/tickets/reports").status == .forbidden)
            #expect(try await rita.get("/tickets/sla").status == .forbidden)
        }
    }

    @Test("the SLA dashboard: breaching soon, breached, compliance this month and last by entity and group",
          arguments: TestDatabase.all)
    func slaDashboard(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let r = try await ReportsWorld.make(app, clock)
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let page = try await alice.get("/tickets/sla")
            #expect(page.status == .ok)
            let html = page.body.string
            func card(_ href: String) -> Int? {
                guard let range = html.range(of: "href=\"\(href)\"") else { return nil }
                let rest = html[range.upperBound...]
                guard let value = rest.range(of: "stat-value num\">") else { return nil }
                return Int(rest[value.upperBound...].prefix { $0.isNumber })
            }
            #expect(card("/tickets?breaching_within_minutes=60") == 1, "A7's time to own, due at 12:30")
            #expect(card("/tickets?breaching_within_minutes=240") == 1)
            #expect(card("/tickets?breaching_within_minutes=720") == 2, "A8's time to resolve, due at 20:00")
            #expect(card("/tickets?status=open&amp;sla=own_breached") == 1, "A3")
            #expect(card("/tickets?status=open&amp;sla=resolve_breached") == 1, "A3")
            // The lists behind the cards hold the tickets counted.
            for (query, expected) in [("breaching_within_minutes=60", ["Ticket A7"]),
                                      ("breaching_within_minutes=720", ["Ticket A7", "Ticket A8"]),
                                      ("status=open&sla=own_breached", ["Ticket A3"]),
                                      ("status=open&sla=resolve_breached", ["Ticket A3"])] {
                let list = try json(try await r.w.call(r.w.t.alphaToken, .GET, "/api/v1/tickets?\(query)&sort=title"))
                let titles = (list["items"] as? [[String: Any]] ?? []).map { $0["title"] as? String ?? "" }
                #expect(titles == expected, "\(query)")
            }
            // Alpha: November 1 of 1 taken into account in time; December 2 of 3, and 1 of 3 solved in time.
            #expect(html.contains("Root › Alpha"))
            #expect(html.contains("66.7\u{00A0}% (2/3)") && html.contains("33.3\u{00A0}% (1/3)"))
            #expect(html.contains("100\u{00A0}% (1/1)"))
            #expect(html.contains("Support N1") && html.contains("50\u{00A0}% (1/2)") && html.contains("0\u{00A0}% (0/2)"))
            #expect(html.contains("href=\"/tickets?group_id=\(r.group.uuidString)"))
            #expect(!html.contains("Beta"), "another entity's tickets never show")
            let root = WebClient(app)
            try await root.signIn("root")
            #expect(try await root.get("/tickets/sla").body.string.contains("Root › Beta"))
        }
    }
}
