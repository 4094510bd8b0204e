import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// The lists' text search over its trigram index (decision 0066): the same answers whichever way the database
/// starts (from the index's candidates for a rare text, walking the opening-date index for a common one), an index
/// that follows every change of a ticket, and search texts that are not taken as query syntax.
@Suite("Helpdesk: ticket text search")
struct TicketSearchTests {
    /// The titles of the tickets a list answers, in order, following `next` to the end, and the first page's total.
    static func titles(_ app: Application, token: String, _ query: String) async throws -> (total: Int?, [String]) {
        var path: String? = "/api/v1/tickets?per_page=200&\(query)"
        var total: Int?
        var found: [String] = []
        while let next = path {
            let response = try await send(app, .GET, next, headers: .bearer(token))
            #expect(response.status == .ok, "\(next): \(response.body.string)")
            let page = try json(response)
            total = total ?? page["total"] as? Int
            found += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            path = page["next"] as? String
            if found.count > 3_000 { break }
        }
        return (total, found)
    }

    @Test("a rare text starts from the index, a common one walks the list: both answer exactly what LIKE would",
          arguments: TestDatabase.all)
    func bothPlansAgree(_ database: TestDatabase) async throws {
        // setup: more tickets than the index's candidate limit hold "backlog"; "backlog 17" is in 111 of them.
        let count = TicketTextSearch.candidateLimit + 10
        try await TicketListTests.withBacklog(database, count) { app, t in
            let sql = app.db as! any SQLDatabase
            // MUT: the plans.
            let common = try #require(try await TicketTextSearch.plan("backlog", sortedByOpening: true, on: sql,
                                                                      logger: app.logger))
            let rare = try #require(try await TicketTextSearch.plan("Backlog 17", sortedByOpening: true, on: sql,
                                                                    logger: app.logger))
            // validate: SQLite decides from its FTS5 table; PostgreSQL's planner uses its trigram index itself.
            if sql.dialect.name == "sqlite" {
                #expect(common.candidates == nil && common.walksOpeningOrder)
                #expect(rare.candidates != nil && !rare.walksOpeningOrder)
            } else {
                #expect(common.candidates == nil && rare.candidates == nil && !common.walksOpeningOrder)
            }
            #expect(try await TicketTextSearch.plan("2026-90001", sortedByOpening: true, on: sql,
                                                    logger: app.logger) == nil)

            // MUT, validate: the rare text, newest first, then by priority.
            let expected = ([17] + Array(170...179) + Array(1_700...1_799)).map { "Backlog \($0)" }
            let (rareTotal, rareTitles) = try await Self.titles(app, token: t.alphaToken, "q=backlog%2017")
            #expect(rareTotal == expected.count)
            #expect(rareTitles == expected.reversed())
            let (_, byPriority) = try await Self.titles(app, token: t.alphaToken, "q=BACKLOG%2017&sort=priority")
            #expect(Set(byPriority) == Set(expected) && byPriority.count == expected.count)
            // The common text: capped total, the newest page first, and every page in order to the end.
            let (commonTotal, commonTitles) = try await Self.titles(app, token: t.alphaToken, "q=backlog")
            #expect(commonTotal == TicketQuery.countLimit)
            #expect(commonTitles == (0..<count).reversed().map { "Backlog \($0)" })
            // Both plans keep the scope: Beta sees none of Alpha's tickets.
            let (betaTotal, betaTitles) = try await Self.titles(app, token: t.betaToken, "q=backlog%2017")
            #expect(betaTotal == 0 && betaTitles.isEmpty)
            let (betaCommon, _) = try await Self.titles(app, token: t.betaToken, "q=backlog")
            #expect(betaCommon == 0)
            // Under three characters (no trigram): still found, by the walk.
            let (shortTotal, shortTitles) = try await Self.titles(app, token: t.alphaToken, "q=17")
            #expect(shortTitles.count == shortTotal && shortTitles.contains("Backlog 1017") && shortTitles.contains("Backlog 17"))
        }
    }

    @Test("the index follows a ticket's creation, its new title or description, and its deletion",
          arguments: TestDatabase.all)
    func indexFollowsChanges(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            func titles(_ text: String, _ token: String? = nil) async throws -> [String] {
                let query = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
                return try await Self.titles(app, token: token ?? w.t.alphaToken, "q=\(query)").1
            }
            // MUT: opened through the API.
            let ticket = try await w.open(w.t.alphaToken, #""title":"Imprimante HP-LJ-4250 bloquée","description":"Bourrage papier au 2e étage""#)
            let id = try #require(ticket["id"] as? String)
            let other = try await w.open(w.t.alphaToken, #""title":"Écran noir","description":"Poste PC-COMPTA-04""#)
            // validate
            #expect(try await titles("hp-lj-4250") == ["Imprimante HP-LJ-4250 bloquée"])
            #expect(try await titles("papier au 2e") == ["Imprimante HP-LJ-4250 bloquée"])
            #expect(try await titles("pc-compta-04") == ["Écran noir"])
            // Beta sees none of Alpha's tickets.
            #expect(try await titles("hp-lj-4250", w.t.betaToken).isEmpty)
            // MUT: a new title, then a new description.
            _ = try await w.patch(w.t.alphaToken, id, #"{"title":"Imprimante réparée"}"#)
            #expect(try await titles("hp-lj-4250").isEmpty)
            #expect(try await titles("imprimante répar") == ["Imprimante réparée"])
            #expect(try await titles("papier au 2e") == ["Imprimante réparée"])
            _ = try await w.patch(w.t.alphaToken, id, #"{"description":"Toner remplacé sur LJ-4250"}"#)
            #expect(try await titles("papier au 2e").isEmpty)
            #expect(try await titles("lj-4250") == ["Imprimante réparée"])
            // MUT: a ticket deleted (an entity's tickets removed by hand): its index entry goes with it.
            let otherID = try #require(other["id"] as? String)
            let sql = app.db as! any SQLDatabase
            try await sql.raw("DELETE FROM tickets WHERE id = \(bind: UUID(uuidString: otherID)!)").run()
            #expect(try await titles("pc-compta-04").isEmpty)
            if sql.dialect.name == "sqlite" {
                let rows = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM ticket_text WHERE ticket_text MATCH '"pc-compta-04"'
                    """).first()?.decode(column: "n", as: Int.self)
                #expect(rows == 0)
                let indexed = try await sql.raw("SELECT COUNT(*) AS n FROM ticket_text WHERE ticket_text MATCH '\"réparée\"'")
                    .first()?.decode(column: "n", as: Int.self)
                #expect(indexed == 1)
            }
        }
    }

    @Test("tickets stored before the index are indexed by its migration", arguments: TestDatabase.all)
    func migrationIndexesExistingTickets(_ database: TestDatabase) async throws {
        try await TicketListTests.withBacklog(database, 30) { app, t in
            // MUT: the index dropped and made again over the existing tickets.
            try await AddTextIndexToTickets().revert(on: app.db)
            #expect(try await Self.titles(app, token: t.alphaToken, "q=backlog%2012").1 == ["Backlog 12"])
            try await AddTextIndexToTickets().prepare(on: app.db)
            // validate
            let (total, titles) = try await Self.titles(app, token: t.alphaToken, "q=backlog%2012")
            #expect(total == 1 && titles == ["Backlog 12"])
            let sql = app.db as! any SQLDatabase
            let plan = try #require(try await TicketTextSearch.plan("backlog 12", sortedByOpening: true, on: sql,
                                                                    logger: app.logger))
            #expect(plan.candidates != nil || sql.dialect.name != "sqlite")
        }
    }

    @Test("search texts are text: quotes, FTS and LIKE syntax, SQL, long and odd input", arguments: TestDatabase.all)
    func hostileSearchTexts(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let titles = [#"Le serveur dit "accès refusé" au démarrage"#, "Remise 50% sur_les licences",
                          "Chemin C:\\Partage\\Compta", "NEAR(a b) et *joker* ^début", "Ligne -- commentaire ; DROP"]
            for title in titles {
                _ = try await w.open(w.t.alphaToken, "\"title\":\(String(decoding: try JSONEncoder().encode(title), as: UTF8.self))")
            }
            func search(_ text: String) async throws -> [String] {
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                let query = text.addingPercentEncoding(withAllowedCharacters: allowed)!
                let response = try await send(app, .GET, "/api/v1/tickets?q=\(query)", headers: .bearer(w.t.alphaToken))
                #expect(response.status == .ok, "\(text): \(response.body.string)")
                return (try json(response)["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            }
            // Quotes and query syntax of FTS5 are matched as written.
            #expect(try await search(#""accès refusé""#) == [titles[0]])
            #expect(try await search(#"dit "accès"#) == [titles[0]])
            #expect(try await search("NEAR(a b)") == [titles[3]])
            #expect(try await search("*joker*") == [titles[3]])
            #expect(try await search("^début") == [titles[3]])
            #expect(try await search(#"" OR ""#).isEmpty)
            #expect(try await search(#"""#) == [titles[0]])
            // LIKE's wildcards are literal.
            #expect(try await search("50%") == [titles[1]])
            #expect(try await search("50%sur").isEmpty)
            #expect(try await search("sur_les") == [titles[1]])
            #expect(try await search("sur-les").isEmpty)
            #expect(try await search(#"c:\partage"#) == [titles[2]])
            // SQL is text.
            #expect(try await search("-- commentaire ; DROP") == [titles[4]])
            #expect(try await search("'; DROP TABLE tickets; --").isEmpty)
            // Long, non-Latin and emoji texts answer (nothing), without an error.
            #expect(try await search(String(repeating: "imprimante ", count: 45)).isEmpty)
            let long = try await send(app, .GET, "/api/v1/tickets?q=" + String(repeating: "imprimante%20", count: 400),
                                      headers: .bearer(w.t.alphaToken))
            #expect(long.status == .badRequest && long.body.string.contains("longer than 500 characters"))
            #expect(try await search("打印机 🖨️ не печатает").isEmpty)
            #expect(try await search("ab").isEmpty)
            #expect(try await search("SERVEUR DIT") == [titles[0]])
            // Every ticket is still there.
            let all = try json(try await send(app, .GET, "/api/v1/tickets", headers: .bearer(w.t.alphaToken)))
            #expect(all["total"] as? Int == titles.count)
        }
    }
}
