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

    @Test("a list that opts in takes an operator after a filterable field's name, and only there")
    func operators() throws {
        let typed = ListQuerySpec(sortable: ["name"], filterable: ["memory_bytes", "name"], defaultSort: [.init("name")],
                                  acceptsOperators: true)
        let query = try typed.parse([("memory_bytes[lt]", "8GB"), ("name", "PC-1"), ("name[like]", "PC-*")])
        #expect(query.filters == ["memory_bytes[lt]": "8GB", "name": "PC-1", "name[like]": "PC-*"])
        for name in ["colour[eq]", "memory_bytes[lt", "[lt]", "memory_byteslt]"] {
            #expect(throws: ListQueryError.self, "\(name)") { try typed.parse([(name, "1")]) }
        }
        #expect(throws: ListQueryError.self, "lists that do not opt in refuse brackets") {
            try spec.parse([("entity_id[ne]", "x")])
        }
        #expect(throws: ListQueryError.self) { try typed.parse([("name[like]", "a"), ("name[like]", "b")]) }
    }
}

@Suite("Query strings as requests bring them")
struct QueryStringTests {
    static func pairs(_ query: String) throws -> [String] {
        try QueryString.requestPairs(query).map { "\($0.0)=\($0.1)" }
    }

    @Test("a query Foundation encoded a second time (raw brackets in the request) reads as the client wrote it")
    func reencoded() throws {
        // What `URL(string:)` makes of `manufacturer[ne]=Dell%20Inc.` and of `name[like]=PC-0%3F,lt-*`…
        #expect(try Self.pairs("manufacturer%5Bne%5D=Dell%2520Inc.") == ["manufacturer[ne]=Dell Inc."])
        #expect(try Self.pairs("comment%5Blike%5D=*0%2525_o*&type=computer") == ["comment[like]=*0%_o*", "type=computer"])
        #expect(try Self.pairs("name%5Blike%5D=%C3%89cran*") == ["name[like]=Écran*"], "raw UTF-8, encoded once")
        // …and what well-behaved clients send, which must not be decoded twice.
        #expect(try Self.pairs("memory_bytes%5Blt%5D=8GB&q=a+b") == ["memory_bytes[lt]=8GB", "q=a b"])
        #expect(try Self.pairs("name%5Blike%5D=PC-0%3F%2Clt-*") == ["name[like]=PC-0?,lt-*"])
        #expect(try Self.pairs("comment%5Blike%5D=50%25") == ["comment[like]=50%"], "a percent the client escaped")
        #expect(try Self.pairs("name=Dell%2520Inc.") == ["name=Dell%20Inc."], "no brackets: read as it came")
        #expect(throws: QueryStringError.self) { try QueryString.requestPairs("name%5B=%zz") }
    }
}
