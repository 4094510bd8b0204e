import Fluent
import Foundation
import ParcCore
import ParcInventory
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// A response read from a real socket.
struct WireResponse: Sendable {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: ByteBuffer
}

func json(_ response: WireResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
}

/// The app serving HTTP on a loopback port for the duration of `body`, so the server sees real peer
/// addresses (the agent paths check them). Vapor's `.running` tester starts a server per request, and
/// a server cannot start twice.
struct LiveServer: Sendable {
    let app: Application
    let port: Int

    static func with(_ app: Application, _ body: (LiveServer) async throws -> Void) async throws {
        // Many agents at once on a busy test machine: enough connections, and patience for a slow answer.
        app.http.client.configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        app.http.client.configuration.timeout = .init(connect: .seconds(60), read: .seconds(300))
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        do {
            try await body(LiveServer(app: app, port: port))
        } catch {
            await app.server.shutdown()
            throw error
        }
        await app.server.shutdown()
    }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: Data? = nil) async throws
        -> WireResponse
    {
        let response = try await app.client.send(method, headers: headers,
                                                 to: URI(string: "http://127.0.0.1:\(port)\(path)")) { request in
            if let body { request.body = ByteBuffer(bytes: body) }
        }
        return WireResponse(status: response.status, headers: response.headers, body: response.body ?? ByteBuffer())
    }
}

/// One in-memory exchange with a binary body (no peer address).
func sendData(_ app: Application, _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: Data)
    async throws -> TestingHTTPResponse
{
    var captured: TestingHTTPResponse?
    try await app.testing().test(method, path, headers: headers, body: ByteBuffer(bytes: body)) { captured = $0 }
    return captured!
}

/// The inventory fixtures (../shared/fixtures, copied under Tests/ParcInventoryTests/Fixtures).
enum InventoryFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ParcInventoryTests/Fixtures")

    static func data(_ path: String) throws -> Data { try Data(contentsOf: root.appendingPathComponent(path)) }

    static func names(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path).sorted()
    }

    /// The FusionInventory capture of a Debian machine with ~800 packages.
    static var fusionDebian: Data {
        get throws { try data("agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml") }
    }

    /// An XML inventory with another identity: host name, serial, device id and every MAC address replaced.
    static func relabel(_ xml: Data, index: Int) -> Data {
        var text = String(decoding: xml, as: UTF8.self)
        let suffix = String(format: "%06d", index)
        for (pattern, replacement) in [
            ("<NAME>vm</NAME>", "<NAME>pc-\(suffix)</NAME>"),
            ("<SSN>[^<]*</SSN>", "<SSN>SN\(suffix)</SSN>"),
            ("<DEVICEID>[^<]*</DEVICEID>", "<DEVICEID>pc-\(suffix)-2026-11-29-10-52-28</DEVICEID>"),
        ] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        let macs = Set(text.matches(of: /<MACADDR>([0-9a-f:]{17})<\/MACADDR>/).map { String($0.output.1) })
        for (position, mac) in macs.sorted().enumerated() where mac != "00:00:00:00:00:00" {
            let new = String(format: "00:16:3e:%02x:%02x:%02x", (index >> 8) & 0xFF, index & 0xFF, position)
            text = text.replacingOccurrences(of: mac, with: new)
        }
        return Data(text.utf8)
    }
}

/// Database facts the ingestion tests assert on.
struct InventoryDatabase {
    let app: Application
    var sql: any SQLDatabase { app.db as! any SQLDatabase }

    func count(_ table: String) async throws -> Int {
        let row = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()
        return try row?.decode(column: "n", as: Int.self) ?? -1
    }

    /// Row counts of every inventory table, to prove a refused body changed nothing.
    func counts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["assets", "asset_components", "software", "software_versions", "asset_software",
                      "asset_match_keys", "audit_log"] {
            counts[table] = try await count(table)
        }
        return counts
    }

    func assets() async throws -> [AssetModel] { try await AssetModel.query(on: app.db).sort(\.$name).all() }

    func software(of asset: UUID) async throws -> [String] {
        try await sql.select().column(SQLColumn("name", table: "software"))
            .column(SQLColumn("version", table: "software_versions"))
            .from("asset_software")
            .join("assets", on: SQLColumn("num", table: "assets"), .equal, SQLColumn("asset_num", table: "asset_software"))
            .join("software_versions", on: SQLColumn("num", table: "software_versions"), .equal,
                  SQLColumn("version_num", table: "asset_software"))
            .join("software", on: SQLColumn("id", table: "software"), .equal,
                  SQLColumn("software_id", table: "software_versions"))
            .where(SQLColumn("id", table: "assets"), .equal, SQLBind(asset)).all()
            .map { "\(try $0.decode(column: "name", as: String.self)) \(try $0.decode(column: "version", as: String.self))" }
            .sorted()
    }

    /// "asset name / kind" → rows, for messages.
    func componentCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await sql.select().column(SQLColumn("name", table: "assets"))
            .column(SQLColumn("kind", table: "asset_components")).from("asset_components")
            .join("assets", on: SQLColumn("id", table: "assets"), .equal, SQLColumn("asset_id", table: "asset_components"))
            .all() {
            counts["\(try row.decode(column: "name", as: String.self)) / \(try row.decode(column: "kind", as: String.self))",
                   default: 0] += 1
        }
        return counts
    }

    func components(of asset: UUID, kind: String) async throws -> [String] {
        try await sql.select().column("label").from("asset_components").where("asset_id", .equal, asset)
            .where("kind", .equal, kind).orderBy("position").all()
            .map { try $0.decode(column: "label", as: String.self) }
    }
}
