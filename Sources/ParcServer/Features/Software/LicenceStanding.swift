import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// A licence with what lists and pages show next to it: its program, the seats assigned, its compliance and the days
/// left before it expires, as seen by the user of the request.
struct LicenceStanding: Sendable {
    let licence: SoftwareLicenceModel
    let software: (name: String, publisher: String?)?
    let assigned: Int
    let compliance: LicenceCompliance
    let daysToExpiry: Int?

    var free: Int? { LicenceSeats.free(seats: licence.seats, assigned: assigned) }

    /// The day licences are judged on: today, in UTC like every fleet date.
    static func today(_ request: Request) -> InventoryDate {
        InventoryDate(iso: UTCDay.text(request.now))!
    }

    /// The standing of each licence, in the given order.
    ///
    /// Compliance counts the installations on assets of the entities the user may see, and pools each licence with
    /// the others of its program and entity (``LicenceCompliance``), which are loaded here whatever the list filters.
    static func load(_ licences: [SoftwareLicenceModel], request: Request) async throws -> [LicenceStanding] {
        guard !licences.isEmpty else { return [] }
        let db = request.db
        let sql = db as! any SQLDatabase
        let ids = licences.map { $0.id! }
        var assigned: [UUID: Int] = [:]
        for batch in ids.chunked(500) {
            for row in try await sql.raw("""
                SELECT licence_id, COUNT(*) AS n FROM software_licence_assignments \
                WHERE licence_id IN (\(binds: Array(batch))) GROUP BY licence_id
                """).all() {
                assigned[try row.decode(column: "licence_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
            }
        }
        let softwareIDs = Array(Set(licences.compactMap(\.softwareID)))
        var pool = licences
        var names: [UUID: (String, String?)] = [:]
        if !softwareIDs.isEmpty {
            let known = Set(ids)
            pool += try await SoftwareLicenceModel.query(on: db).filter(\.$softwareID ~~ softwareIDs)
                .filter(\.$entityID ~~ Array(Set(licences.map(\.entityID)))).all().filter { !known.contains($0.id!) }
            for row in try await sql.select().columns("id", "name", "publisher").from("software")
                .where("id", .in, SQLBind.group(softwareIDs)).all() {
                names[try row.decode(column: "id", as: UUID.self)] = (
                    try row.decode(column: "name", as: String.self),
                    try row.decodeNil(column: "publisher") ? nil : row.decode(column: "publisher", as: String.self))
            }
        }
        let visible = try await request.entities(for: .assetsRead)
        let installations = try await Self.installations(of: pool, in: visible, on: sql)
        let today = Self.today(request)
        let compliance = LicenceCompliance.evaluate(pool.map(\.terms), installations: installations,
                                                    tree: try await request.entityTree(), visible: visible, today: today)
        return licences.map { licence in
            LicenceStanding(licence: licence, software: licence.softwareID.flatMap { names[$0] }.map { ($0.0, $0.1) },
                            assigned: assigned[licence.id!] ?? 0, compliance: compliance[licence.id!]!,
                            daysToExpiry: licence.terms.daysToExpiry(from: today))
        }
    }

    /// Where the licences' programs are installed, per entity: machines for device licences, people (or machines
    /// without an assigned user) for per-user licences. Retired and disposed machines are left out.
    private static func installations(of licences: [SoftwareLicenceModel], in entities: Set<UUID>,
                                      on sql: any SQLDatabase) async throws -> LicenceInstallations {
        var installations = LicenceInstallations()
        guard !entities.isEmpty else { return installations }
        let uncounted = LicenceCompliance.uncountedStatuses.map(\.rawValue)
        // From the programs' versions to their installations to the assets (`CROSS JOIN` keeps that order on
        // SQLite; see `SoftwareCatalogue.Scope`).
        let from: SQLQueryString = """
            FROM software_versions v CROSS JOIN asset_software i CROSS JOIN assets x \
            WHERE i.version_num = v.num AND x.num = i.asset_num AND x.entity_id IN (\(binds: Array(entities))) \
            AND x.status NOT IN (\(binds: uncounted))
            """
        for unit in LicenceUnit.allCases {
            let software = Array(Set(licences.filter { $0.type.unit == unit }.compactMap(\.softwareID)))
            guard !software.isEmpty else { continue }
            switch unit {
            case .device:
                for row in try await sql.raw("""
                    SELECT v.software_id AS software_id, x.entity_id AS entity_id, COUNT(DISTINCT x.id) AS n \(from) \
                    AND v.software_id IN (\(binds: software)) GROUP BY v.software_id, x.entity_id
                    """).all() {
                    installations.add(machines: try row.decode(column: "n", as: Int.self),
                                      of: try row.decode(column: "software_id", as: UUID.self),
                                      in: try row.decode(column: "entity_id", as: UUID.self))
                }
            case .user:
                for row in try await sql.raw("""
                    SELECT DISTINCT v.software_id AS software_id, x.entity_id AS entity_id, \
                    COALESCE(x.assigned_user_id, x.id) AS holder \(from) AND v.software_id IN (\(binds: software))
                    """).all() {
                    installations.add(holder: try row.decode(column: "holder", as: UUID.self),
                                      of: try row.decode(column: "software_id", as: UUID.self),
                                      in: try row.decode(column: "entity_id", as: UUID.self))
                }
            }
        }
        return installations
    }
}
