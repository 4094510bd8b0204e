import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// The software and licence tests' world: the tenancy (root › Alpha › Alpha Lyon, root › Beta), an observer on Alpha,
/// and machines inventoried through the agents' path with the programs each has, placed by entity rules.
///
/// | machine   | entity     | programs                                     |
/// |-----------|------------|----------------------------------------------|
/// | alpha-pc1 | Alpha      | Office 1.0, Firefox 120.0                    |
/// | alpha-pc2 | Alpha      | Office 1.0                                   |
/// | alpha-pc3 | Alpha      | Office 1.1 (retired later by some tests)     |
/// | lyon-pc1  | Alpha Lyon | Office 2.0                                   |
/// | beta-pc1  | Beta       | Office 1.0, BetaCAD 3.0                      |
struct SoftwareWorld {
    let app: Application
    let t: Tenancy
    let lyon: EntityModel
    let observer: UserModel
    let observerToken: String
    let assets: [String: UUID]
    let software: [String: UUID]

    static let machines: [(String, [(String, String, String)])] = [
        ("alpha-pc1", [("Office", "1.0", "Bureautique SA"), ("Firefox", "120.0", "Mozilla")]),
        ("alpha-pc2", [("Office", "1.0", "Bureautique SA")]),
        ("alpha-pc3", [("Office", "1.1", "Bureautique SA")]),
        ("lyon-pc1", [("Office", "2.0", "Bureautique SA")]),
        ("beta-pc1", [("Office", "1.0", "Bureautique SA"), ("BetaCAD", "3.0", "Beta Tools")]),
    ]

    static func inventory(_ name: String, _ programs: [(String, String, String)]) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "deviceid": "\(name)-2026-11-30-10-00-00", "action": "inventory",
            "content": [
                "versionclient": "GLPI-Agent_v1.11", "hardware": ["name": name],
                "softwares": programs.map { ["name": $0.0, "version": $0.1, "publisher": $0.2, "arch": "x86_64"] },
            ] as [String: Any],
        ])
    }

    static func make(_ app: Application, _ live: LiveServer) async throws -> SoftwareWorld {
        let t = try await Tenancy.make(app)
        let lyon = EntityModel(parentID: t.alpha.id, name: "Alpha Lyon", code: "LYO")
        try await lyon.create(on: app.db)
        let audit = AuditLog(system: "test", now: app.parc.clock.now())
        let service = AccountService(application: app)
        let observer = try await service.create(.init(login: "olga", displayName: "Olga", email: "olga@example.org",
                                                      password: Tenancy.password, entityID: t.alpha.id!, role: .observer,
                                                      recursive: true), audit: audit)
        let observerToken = try await service.createToken(for: observer, name: "test", expiresAt: nil, audit: audit).1
        for (pattern, entity) in [("lyon-*", lyon.id!), ("alpha-*", t.alpha.id!), ("beta-*", t.beta.id!)] {
            let rule = try await send(app, .POST, "/api/v1/inventory/entity-rules", headers: .json(t.superToken),
                                      body: #"{"name":"\#(pattern)","entity_id":"\#(entity)","host_pattern":"\#(pattern)"}"#)
            #expect(rule.status == .created, "\(rule.body.string)")
        }
        for (name, programs) in machines {
            let response = try await live.send(.POST, "/", headers: ["Content-Type": "application/json"],
                                               body: try inventory(name, programs))
            #expect(response.status == .ok, "\(name): \(response.body.string)")
        }
        let sql = app.db as! any SQLDatabase
        var assets: [String: UUID] = [:]
        for row in try await sql.select().columns("id", "name").from("assets").all() {
            assets[try row.decode(column: "name", as: String.self)] = try row.decode(column: "id", as: UUID.self)
        }
        var software: [String: UUID] = [:]
        for row in try await sql.select().columns("id", "name").from("software").all() {
            software[try row.decode(column: "name", as: String.self)] = try row.decode(column: "id", as: UUID.self)
        }
        let world = SoftwareWorld(app: app, t: t, lyon: lyon, observer: observer, observerToken: observerToken,
                                  assets: assets, software: software)
        #expect(assets.count == machines.count, "\(assets.keys.sorted())")
        for (name, entity) in [("alpha-pc1", t.alpha.id!), ("lyon-pc1", lyon.id!), ("beta-pc1", t.beta.id!)] {
            #expect(try await AssetModel.find(assets[name], on: app.db)?.entityID == entity, "\(name) placed by its rule")
        }
        return world
    }

    /// Creates a licence through the API and returns its JSON.
    func licence(_ token: String, _ body: String, status: HTTPResponseStatus = .created) async throws -> [String: Any] {
        let response = try await send(app, .POST, "/api/v1/licences", headers: .json(token), body: body)
        #expect(response.status == status, "\(response.body.string)")
        return try json(response)
    }

    func assign(_ token: String, _ licence: String, asset: String? = nil, user: UUID? = nil) async throws
        -> TestingHTTPResponse
    {
        var fields: [String] = []
        if let asset { fields.append(#""asset_id":"\#(assets[asset]?.uuidString ?? asset)""#) }
        if let user { fields.append(#""user_id":"\#(user)""#) }
        return try await send(app, .POST, "/api/v1/licences/\(licence)/assignments", headers: .json(token),
                              body: "{" + fields.joined(separator: ",") + "}")
    }

    func get(_ token: String, _ path: String) async throws -> TestingHTTPResponse {
        try await send(app, .GET, path, headers: .bearer(token))
    }

    /// The items of a list answer.
    func items(_ token: String, _ path: String) async throws -> [[String: Any]] {
        let response = try await get(token, path)
        #expect(response.status == .ok, "\(path): \(response.body.string)")
        return try json(response)["items"] as? [[String: Any]] ?? []
    }

    /// Actions of an object's history, oldest first.
    func history(_ id: Any) async throws -> [String] {
        try await AuditEntryModel.query(on: app.db).filter(\.$objectID == "\(id)").sort(\.$createdAt).all().map(\.action)
    }
}
