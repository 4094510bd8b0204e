import Fluent
import Foundation
import ParcCore
import ParcInventory
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Asset list filters: any field, components, MAC addresses and programs, with operators")
struct AssetFilterQueryTests {
    /// Alpha holds an inventoried laptop and three assets made by hand; Beta a Dell that matches many filters.
    struct Fleet {
        let t: Tenancy
        let laptop: UUID
    }

    static func fleet(_ app: Application) async throws -> Fleet {
        let t = try await Tenancy.make(app)
        let agent = try await BackupWorld(app: app, t: t).enroll(t.alpha, machine: "m-1", hostname: "glpixps")
        let body = try InventoryFixture.data("inventory/glpi-json/computer_1.json")
        let headers: HTTPHeaders = ["Authorization": "Bearer \(agent.credential)", "Content-Type": "application/json"]
        let sent = try await sendData(app, .POST, "/api/agent/v1/inventory", headers: headers, body: body)
        #expect(sent.status == .ok, "\(sent.body.string)")
        let laptop = try #require(UUID(uuidString: try json(sent)["asset_id"] as? String ?? ""))

        func make(_ name: String, entity: UUID, token: String, _ edit: (AssetModel) -> Void) async throws {
            let id = try await AssetBulkEditTests.asset(app, token, entity: entity, name: name, type: "computer")
            let asset = try #require(try await AssetModel.find(id, on: app.db))
            edit(asset)
            try await asset.save(on: app.db)
        }
        try await make("PC-01", entity: t.alpha.id!, token: t.alphaToken) {
            $0.manufacturer = "Dell Inc."
            $0.memoryBytes = 4_000_000_000
            $0.cpuCores = 4
            $0.warrantyEnd = "2027-03-01"
        }
        try await make("PC-02", entity: t.alpha.id!, token: t.alphaToken) {
            $0.memoryBytes = 17_179_869_184
            $0.cpuCores = 8
            $0.status = "deployed"
            $0.lastInventoryAt = Date().addingTimeInterval(-60 * 86_400)
        }
        try await make("LT-03", entity: t.alpha.id!, token: t.alphaToken) {
            $0.manufacturer = "Lenovo"
            $0.status = "retired"
            $0.comment = "Écran fêlé, 50%_off"
        }
        try await make("PC-B", entity: t.beta.id!, token: t.superToken) {
            $0.manufacturer = "Dell Inc."
            $0.memoryBytes = 4_000_000_000
            $0.cpuCores = 8
        }
        return Fleet(t: t, laptop: laptop)
    }

    /// The names the list returns for `query`, sorted, after checking the answer is a 200.
    static func names(_ app: Application, _ token: String, _ query: String) async throws -> [String] {
        let response = try await send(app, .GET, "/api/v1/assets?per_page=200&\(query)", headers: .bearer(token))
        #expect(response.status == .ok, "\(query): \(response.body.string)")
        let items = try json(response)["items"] as? [[String: Any]] ?? []
        return items.compactMap { $0["name"] as? String }.sorted()
    }

    @Test("each operator on columns, components, MAC addresses and programs returns exactly the matching assets",
          arguments: TestDatabase.all)
    func operators(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { _ in
            let fleet = try await Self.fleet(app)
            let laptop = try #require(try await AssetModel.find(fleet.laptop, on: app.db))
            #expect(laptop.memoryBytes == 7_800 * 1_048_576 && laptop.manufacturer == "Dell Inc.",
                    "the fixture's 7800 MiB: between 8 GB and 8 GiB")
            let cases: [(String, [String])] = [
                ("memory_bytes[lt]=8GB", ["PC-01"]),
                ("memory_bytes[lt]=8GiB", ["PC-01", "glpixps"]),
                ("memory_bytes_lt=8000000000", ["PC-01"]),
                ("memory_bytes[ge]=16GiB&status=deployed", ["PC-02"]),
                ("memory_bytes[null]=true", ["LT-03"]),
                ("manufacturer=dell%20inc.", ["PC-01", "glpixps"]),
                ("manufacturer[ne]=Dell%20Inc.", ["LT-03", "PC-02"]),
                ("manufacturer[null]=true", ["PC-02"]),
                ("manufacturer[null]=false", ["LT-03", "PC-01", "glpixps"]),
                ("manufacturer=lenovo,DELL%20INC.", ["LT-03", "PC-01", "glpixps"]),
                ("name[like]=pc-*", ["PC-01", "PC-02"]),
                ("name[like]=PC-0%3F,lt-*", ["LT-03", "PC-01", "PC-02"]),
                ("status[ne]=retired,disposed", ["PC-01", "PC-02", "glpixps"]),
                ("cpu_cores[ge]=8", ["PC-02"]),
                ("cpu_cores[lt]=8", (laptop.cpuCores ?? 8) < 8 ? ["PC-01", "glpixps"] : ["PC-01"]),
                ("last_inventory_at[before]=30d", ["PC-02"]),
                ("last_inventory_at[after]=1d", ["glpixps"]),
                ("last_inventory_at[null]=true", ["LT-03", "PC-01"]),
                ("not_seen_days=30", ["LT-03", "PC-01", "PC-02"]),
                ("warranty_end[after]=2027-01-01", ["PC-01"]),
                ("warranty_end[before]=2027-01-01", []),
                ("cpus[like]=*i5-6200U*", ["glpixps"]),
                ("component[like]=*nvme*", ["glpixps"]),
                ("network_interfaces=WLP58S0", ["glpixps"]),
                ("gpus[null]=true", ["LT-03", "PC-01", "PC-02", "glpixps"]),
                ("cpus[ne]=nothing", ["LT-03", "PC-01", "PC-02", "glpixps"]),
                ("mac=00-E0-4C-68-01-DB", ["glpixps"]),
                ("mac[like]=44:85:*", ["glpixps"]),
                ("mac[null]=true", ["LT-03", "PC-01", "PC-02"]),
                // The laptop's cards: 192.168.1.142, 192.168.1.118, 192.168.122.1 and two fe80:: addresses;
                // its loopback addresses are not kept.
                ("ip=192.168.1.142", ["glpixps"]),
                ("ip=192.168.1.0/24", ["glpixps"]),
                ("ip=192.168.1.100-192.168.1.120", ["glpixps"]),
                ("ip=192.168.1.119-192.168.1.141", []),
                ("ip=10.0.0.0/8", []),
                ("ip=10.0.0.1,192.168.122.1", ["glpixps"]),
                ("ip=127.0.0.1", []),
                ("ip=fe80::/10", ["glpixps"]),
                ("ip=FE80::92A4:26C6:99DD:2D60", ["glpixps"]),
                ("ip=::ffff:192.168.1.142", ["glpixps"]),
                ("ip[like]=192.168.122.*", ["glpixps"]),
                ("ip[ne]=192.168.1.0/24", ["LT-03", "PC-01", "PC-02"]),
                ("ip[null]=true", ["LT-03", "PC-01", "PC-02"]),
                ("software=GITG", ["glpixps"]),
                ("software[like]=git*&software_version[lt]=3.33", ["glpixps"]),
                ("software=gitg&software_version[ge]=3.33", []),
                ("software=gitg&software_version=%3C3.33", ["glpixps"]),
                ("software=gitg&software_version=3.32.1-1.fc31", ["glpixps"]),
                ("software[ne]=gitg", ["LT-03", "PC-01", "PC-02"]),
                ("software[null]=true", ["LT-03", "PC-01", "PC-02"]),
                ("software=no-such-program", []),
                ("comment[like]=*0%25_o*", ["LT-03"]),
                ("comment[like]=*0__o*", []),
                ("name=%27%3B%20DROP%20TABLE%20assets%3B--", []),
            ]
            for (query, expected) in cases {
                let found = try await Self.names(app, fleet.t.alphaToken, query)
                #expect(found == expected, "\(query) → \(found)")
            }
            // Beta's Dell is never in Alpha's answers, and Beta sees only its own.
            #expect(try await Self.names(app, fleet.t.betaToken, "manufacturer=dell%20inc.") == ["PC-B"])
            #expect(try await Self.names(app, fleet.t.alphaToken, "cpu_cores[ge]=8") == ["PC-02"])
            // Sorting by the new columns.
            let sorted = try await send(app, .GET, "/api/v1/assets?sort=-cpu_cores&name[like]=PC-*",
                                        headers: .bearer(fleet.t.alphaToken))
            #expect((try json(sorted)["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                    == ["PC-02", "PC-01"], "more cores first")
            #expect(try await AssetModel.query(on: app.db).count() == 5, "the hostile name left the table alone")
        } }
    }

    @Test("the ip filter follows each inventory's cards, and its migration fills it from the cards already stored (decision 0083)",
          arguments: TestDatabase.all)
    func addressesFollowInventories(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { _ in
            let t = try await Tenancy.make(app)
            let agent = try await BackupWorld(app: app, t: t).enroll(t.alpha, machine: "m-1", hostname: "glpixps")
            let headers: HTTPHeaders = ["Authorization": "Bearer \(agent.credential)", "Content-Type": "application/json"]
            let first = String(decoding: try InventoryFixture.data("inventory/glpi-json/computer_1.json"), as: UTF8.self)
            #expect(try await sendData(app, .POST, "/api/agent/v1/inventory", headers: headers,
                                       body: Data(first.utf8)).status == .ok)
            #expect(try await Self.names(app, t.alphaToken, "ip=192.168.1.142") == ["glpixps"])

            // The machine moved to another network: the old address no longer finds it, the new one does.
            let moved = first.replacingOccurrences(of: "192.168.1.142", with: "10.9.8.7")
            #expect(moved != first)
            #expect(try await sendData(app, .POST, "/api/agent/v1/inventory", headers: headers,
                                       body: Data(moved.utf8)).status == .ok)
            #expect(try await Self.names(app, t.alphaToken, "ip=192.168.1.142") == [])
            #expect(try await Self.names(app, t.alphaToken, "ip=10.9.8.0/24") == ["glpixps"])
            #expect(try await Self.names(app, t.alphaToken, "ip=192.168.1.118") == ["glpixps"], "the other card stays")

            // A database from before the table: the migration reads the stored cards.
            try await CreateAssetAddresses().revert(on: app.db)
            try await CreateAssetAddresses().prepare(on: app.db)
            #expect(try await Self.names(app, t.alphaToken, "ip=10.9.8.7") == ["glpixps"])
            #expect(try await Self.names(app, t.alphaToken, "ip=192.168.1.142") == [])
            #expect(try await Self.names(app, t.alphaToken, "ip=127.0.0.1") == [])

            // Deleting the asset takes its addresses along.
            let sql = try #require(app.db as? any SQLDatabase)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM asset_addresses").first()?.decode(column: "n", as: Int.self) == 5)
            let asset = try #require(try await AssetModel.query(on: app.db).first())
            try await asset.delete(force: true, on: app.db)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM asset_addresses").first()?.decode(column: "n", as: Int.self) == 0)
        } }
    }

    @Test("malformed, unknown, oversized and misplaced filters are a 400 that says what to send",
          arguments: TestDatabase.all)
    func badFilters(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let cases: [(String, String)] = [
                ("memory_bytes[lt]=lots", "8GB"),
                ("memory_bytes[zz]=1", "memory_bytes"),
                ("memory_bytes[like]=1*", "memory_bytes"),
                ("memory_bytes[lt]=1GB,2GB", "memory_bytes"),
                ("name[like", "Unknown parameter"),
                ("colour[eq]=red", "Unknown parameter"),
                ("type=spaceship", "computer"),
                ("software_version[lt]=120", "software=NAME"),
                ("software[ne]=gitg&software_version=1", "software=NAME"),
                ("mac=zz:zz", "MAC address"),
                ("ip=300.1.2.3", "a network (10.1.2.0/24)"),
                ("ip=10.0.0.0/40", "a network (10.1.2.0/24)"),
                ("ip=10.0.0.9-10.0.0.1", "a span"),
                ("ip[lt]=10.0.0.1", "ip"),
                ("last_inventory_at[before]=yesterday", "30d"),
                ("name=a,,b", "name"),
                ("name=" + String(repeating: "x", count: 501), "500"),
                ("cpu_cores=" + Array(repeating: "1", count: 101).joined(separator: ","), "100"),
            ]
            for (query, hint) in cases {
                let response = try await send(app, .GET, "/api/v1/assets?\(query)", headers: .bearer(t.alphaToken))
                #expect(response.status == .badRequest, "\(query.prefix(60)): \(response.status)")
                #expect(response.body.string.contains(hint), "\(query.prefix(60)): \(response.body.string.prefix(300))")
            }
        }
    }

    @Test("a saved view keeps a typed filter, refuses a bad one, and the list page applies it",
          arguments: TestDatabase.all)
    func savedViewsAndPage(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in try await LiveServer.with(app) { _ in
            let fleet = try await Self.fleet(app)
            let saved = try await send(app, .POST, "/api/v1/saved-views", headers: .json(fleet.t.alphaToken),
                                       body: #"{"list":"assets","name":"Peu de mémoire","query":"memory_bytes[lt]=8GB"}"#)
            #expect(saved.status == .created, "\(saved.body.string)")
            let bad = try await send(app, .POST, "/api/v1/saved-views", headers: .json(fleet.t.alphaToken),
                                     body: #"{"list":"assets","name":"x","query":"memory_bytes[lt]=lots"}"#)
            #expect(bad.status == .unprocessableEntity)
            let web = WebClient(app)
            try await web.signIn("alice")
            // The *Add a filter* form: a redirect to the list with `field[op]=value`, the other filters kept.
            let added = try await web.get("/assets?type=computer&q=pc&page=3&add_field=memory_bytes&add_op=lt&add_value=8GB")
            #expect(added.status == .seeOther)
            let location = try #require(added.headers.first(name: .location))
            #expect(location.hasPrefix("/assets?"))
            let pairs = try QueryString.pairs(String(location.dropFirst("/assets?".count)))
            #expect(pairs.map { "\($0.0)=\($0.1)" } == ["type=computer", "q=pc", "memory_bytes[lt]=8GB"])
            let page = try await web.get(location)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("PC-01") && !html.contains(">PC-02<"))
            #expect(html.contains("Memory &lt; 8GB"), "the filter shows as a chip")
            #expect(html.contains("href=\"/assets?type=computer&amp;q=pc&amp;sort=name"),
                    "its remove link keeps the other filters and drops it")
            let empty = try await web.get("/assets?manufacturer%5Bnull%5D=true")
            #expect(empty.body.string.contains("Manufacturer is empty") && empty.body.string.contains(">PC-02<"))
            // A bad value added through the form is refused with the reason, like any filter.
            let refused = try await web.get("/assets?memory_bytes%5Blt%5D=lots")
            #expect(refused.status == .badRequest && refused.body.string.contains("8GB"))
        } }
    }
}
