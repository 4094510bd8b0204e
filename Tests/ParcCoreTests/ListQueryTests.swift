import Testing
@testable import ParcCore

@Suite("List query conventions")
struct ListQueryTests {
    let spec = ListQuerySpec(sortable: ["name", "created_at"], filterable: ["entity_id"], defaultSort: [.init("name")],
                             passthrough: ["format"])

    @Test("defaults, paging, sorting, search and filters parse")
    func parses() throws {
        #expect(try spec.parse([]) == ListQuery(perPage: 50, sort: [.init("name")]))
        let query = try spec.parse([("page", "3"), ("per_page", "20"), ("sort", "-created_at,name"), ("q", " dupont "),
                                    ("entity_id", "x"), ("format", "csv")])
        #expect(query.offset == 40)
        #expect(query.sort == [.init("created_at", descending: true), .init("name")])
        #expect(query.search == "dupont")
        #expect(query.filters == ["entity_id": "x"])
        #expect(query.hasNextPage(total: 61))
        #expect(!query.hasNextPage(total: 60))
    }

    @Test("bad parameters are refused with what to send instead", arguments: [
        [("page", "0")], [("page", "x")], [("per_page", "201")], [("sort", "password")], [("sort", "name,")],
        [("colour", "red")], [("page", "1"), ("page", "2")], [("q", String(repeating: "a", count: 501))],
    ])
    func refuses(_ parameters: [(String, String)]) {
        #expect(throws: ListQueryError.self) { try spec.parse(parameters) }
    }

    @Test("messages name the accepted values")
    func messages() {
        #expect(ListQueryError.unknownSortField("x", allowed: ["a", "b"]).description.contains("a, b"))
        #expect(ListQueryError.unknownParameter("y", allowed: ["page"]).description.contains("page"))
    }

    @Test("query items reproduce the query for next-page links")
    func links() throws {
        let query = try spec.parse([("q", "a b"), ("sort", "-name"), ("entity_id", "e")])
        let items = query.queryItems(page: 2)
        #expect(items.contains { $0 == ("page", "2") })
        #expect(items.contains { $0 == ("sort", "-name") })
        #expect(items.contains { $0 == ("q", "a b") })
    }
}
