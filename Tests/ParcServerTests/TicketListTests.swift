import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// Ticket lists over a large backlog (decision 0059): counts stop at a limit, pages still follow one another, and
/// the page keeps the order the sort asked for.
@Suite("Helpdesk: ticket lists over a large backlog")
struct TicketListTests {
    /// Stores `count` open tickets of `entity` straight through Fluent (opening them one by one through the API
    /// would take minutes), opened a minute apart, with priorities 1–5 in turn; the first one is assigned to
    /// `assignee`.
    static func backlog(_ count: Int, entity: UUID, assignee: UUID, on db: any Database, now: Date) async throws {
        var tickets: [TicketModel] = []
        for index in 0..<count {
            let ticket = TicketModel()
            ticket.id = UUID()
            ticket.reference = TicketReference.text(year: 2026, number: Int64(90_000 + index))
            ticket.entityID = entity
            ticket.type = TicketKind.incident.rawValue
            ticket.title = "Backlog \(index)"
            ticket.description = "Ticket \(index) of the backlog."
            ticket.status = TicketStatus.new.rawValue
            ticket.urgency = 3
            ticket.impact = 3
            ticket.priority = index % 5 + 1
            ticket.source = TicketSource.api.rawValue
            ticket.tagsJSON = "[]"
            ticket.timeToOwnBreached = false
            ticket.timeToResolveBreached = false
            ticket.slaWarned = false
            ticket.openedAt = now.addingTimeInterval(TimeInterval(index * 60))
            tickets.append(ticket)
        }
        for chunk in stride(from: 0, to: tickets.count, by: 100) {
            try await tickets[chunk..<min(chunk + 100, tickets.count)].create(on: db)
        }
        let assigned = TicketActorModel()
        assigned.ticketID = tickets[0].id!
        assigned.role = TicketActorRole.assignee.rawValue
        assigned.userID = assignee
        try await assigned.create(on: db)
    }

    /// Runs `body` on a fresh application whose Alpha entity holds a backlog of `count` open tickets.
    static func withBacklog(_ database: TestDatabase, _ count: Int,
                            _ body: (Application, Tenancy) async throws -> Void) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            try await backlog(count, entity: t.alpha.id!, assignee: t.alphaTech.id!, on: app.db, now: clock.now)
            try await body(app, t)
        }
    }

    @Test("past 1,000 matches the total says 'more than 1,000', next pages still follow, and the last page is exact",
          arguments: TestDatabase.all)
    func cappedTotals(_ database: TestDatabase) async throws {
        // setup
        try await Self.withBacklog(database, 1_010) { app, t in
            func list(_ query: String) async throws -> [String: Any] {
                let response = try await send(app, .GET, "/api/v1/tickets?\(query)", headers: .bearer(t.alphaToken))
                #expect(response.status == .ok, "\(response.body.string)")
                return try json(response)
            }
            // MUT, validate
            let first = try await list("per_page=200")
            #expect(first["total"] as? Int == 1_000 && first["total_capped"] as? Bool == true)
            #expect((first["items"] as? [Any])?.count == 200)
            #expect((first["next"] as? String)?.contains("page=2") == true)
            // Page 5 ends at the limit: nothing is counted, and more follow.
            let fifth = try await list("per_page=200&page=5")
            #expect(fifth["total_capped"] as? Bool == true && (fifth["total"] as? Int ?? 0) >= 1_000)
            #expect((fifth["next"] as? String)?.contains("page=6") == true)
            // The last page knows the exact total.
            let last = try await list("per_page=200&page=6")
            #expect(last["total"] as? Int == 1_010 && last["total_capped"] == nil)
            #expect((last["items"] as? [Any])?.count == 10 && last["next"] == nil)
            // A page past the end counts, up to the limit.
            let past = try await list("per_page=200&page=9")
            #expect((past["items"] as? [Any])?.isEmpty == true && past["total"] as? Int == 1_000)
            #expect(past["total_capped"] as? Bool == true && past["next"] == nil)
            // A short list is counted exactly, without the flag.
            let mine = try await list("assignee_id=me&status=open")
            #expect(mine["total"] as? Int == 1 && mine["total_capped"] == nil && mine["next"] == nil)
            // Another user's scope: none of them.
            let beta = try json(try await send(app, .GET, "/api/v1/tickets", headers: .bearer(t.betaToken)))
            #expect(beta["total"] as? Int == 0 && beta["total_capped"] == nil)
        }
    }

    @Test("pages keep the order of the sort, without gaps or repeats, across page boundaries",
          arguments: TestDatabase.all)
    func pagesFollowTheSort(_ database: TestDatabase) async throws {
        // setup
        try await Self.withBacklog(database, 120) { app, t in
            // MUT
            var seen: [(priority: Int, opened: String, id: String)] = []
            var path: String? = "/api/v1/tickets?sort=-priority,opened_at&per_page=50"
            while let next = path {
                let page = try json(try await send(app, .GET, next, headers: .bearer(t.alphaToken)))
                #expect(page["total"] as? Int == 120 && page["total_capped"] == nil)
                for item in page["items"] as? [[String: Any]] ?? [] {
                    seen.append((item["priority"] as? Int ?? 0, item["opened_at"] as? String ?? "",
                                 item["id"] as? String ?? ""))
                }
                path = page["next"] as? String
            }
            // validate
            #expect(seen.count == 120 && Set(seen.map(\.id)).count == 120)
            let expected = seen.sorted { ($0.priority, $1.opened) > ($1.priority, $0.opened) }
            #expect(seen.map(\.id) == expected.map(\.id))
        }
    }

    @Test("the list page says 'more than 1,000' in French and English and links the next page",
          arguments: TestDatabase.all)
    func listPage(_ database: TestDatabase) async throws {
        // setup
        try await Self.withBacklog(database, 1_001) { app, t in
            let alice = WebClient(app)
            try await alice.signIn("alice")
            func page(in language: String) async throws -> TestingHTTPResponse {
                t.alphaTech.language = language
                try await t.alphaTech.save(on: app.db)
                return try await alice.get("/tickets")
            }
            // MUT
            let english = try await page(in: "en")
            let french = try await page(in: "fr")
            // validate
            #expect(english.status == .ok && english.body.string.contains("1–50 of more than 1,000"),
                    "\(english.body.string.prefix(200))")
            #expect(french.body.string.contains("1–50 sur plus de 1\u{202F}000")
                        || french.body.string.contains("1–50 sur plus de 1\u{00A0}000"))
            #expect(english.body.string.contains("page=2"))
        }
    }

    @Test("a capped page: exact totals on the last page, 'more than' past the limit")
    func countedPageArithmetic() {
        let last = CountedPage(items: [1, 2, 3], offset: 100, hasMore: false, counted: nil, countLimit: 1_000)
        #expect(last.total == 103 && !last.isCapped)
        let counted = CountedPage(items: Array(0..<50), offset: 0, hasMore: true, counted: 420, countLimit: 1_000)
        #expect(counted.total == 420 && !counted.isCapped)
        let many = CountedPage(items: Array(0..<50), offset: 0, hasMore: true, counted: 1_001, countLimit: 1_000)
        #expect(many.total == 1_000 && many.isCapped)
        let deep = CountedPage(items: Array(0..<50), offset: 5_000, hasMore: true, counted: nil, countLimit: 1_000)
        #expect(deep.total == 5_050 && deep.isCapped)
        #expect(!CountedPage<Int>.needsCount(itemCount: 50, offset: 950, perPage: 50, hasMore: true, countLimit: 1_000))
        #expect(CountedPage<Int>.needsCount(itemCount: 50, offset: 900, perPage: 50, hasMore: true, countLimit: 1_000))
        #expect(CountedPage<Int>.needsCount(itemCount: 0, offset: 50, perPage: 50, hasMore: false, countLimit: 1_000))
        #expect(!CountedPage<Int>.needsCount(itemCount: 7, offset: 50, perPage: 50, hasMore: false, countLimit: 1_000))
    }
}
