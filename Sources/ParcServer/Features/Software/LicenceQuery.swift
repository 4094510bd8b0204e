import Fluent
import FluentKit
import FluentSQL
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The licence list shared by the API, the pages and the dashboard: scoped to the entities the user may see, filtered,
/// sorted and paged.
///
/// Compliance is computed, not stored (it moves with every inventory), so the filters on it and the sort by it run
/// over the licences that pass the stored filters. An entity holds licences by the hundred, not by the million.
struct LicenceQuery: ListFilterParsing {
    static let spec = ListQuerySpec(
        sortable: ["name", "licence_type", "seats", "assigned", "expires_on", "created_at", "compliance"],
        filterable: ["entity_id", "software_id", "licence_type", "compliance", "expiring_within_days", "asset_id",
                     "user_id"],
        defaultSort: [.init("name")], passthrough: ["format"])

    static let filterDescriptions: [(String, String)] = [
        ("entity_id", "An entity and its sub-entities"), ("software_id", "Covers this catalogue program"),
        ("licence_type", "\(LicenceType.allCases.map(\.rawValue).joined(separator: ", ")) (commas: any of)"),
        ("compliance", "\(LicenceComplianceStatus.allCases.map(\.rawValue).joined(separator: ", ")) (commas: any of)"),
        ("expiring_within_days", "Still valid, last day within this many days"),
        ("asset_id", "Holds a seat for this asset"), ("user_id", "Holds a seat for this account"),
    ]

    let request: Request
    let query: ListQuery

    /// Every licence that matches, before paging (for the total, the CSV export and the dashboard).
    func all() async throws -> [LicenceStanding] {
        let filters = query.filters
        let expiring: Int? = try filters["expiring_within_days"].map { text in
            guard let days = Int(text), (0...36_500).contains(days) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'expiring_within_days' must be a number of days.")
            }
            return days
        }
        let statuses = try filters["compliance"].map {
            Set(try Self.values($0, "compliance", allowed: LicenceComplianceStatus.allCases.map(\.rawValue)))
        }
        let entities = try await request.listEntities(for: .assetsRead, entityFilter: filters["entity_id"])
        guard !entities.isEmpty else { return [] }
        var builder = SoftwareLicenceModel.query(on: request.db).scoped(to: entities, \.$entityID)
        if let text = filters["software_id"] {
            builder = builder.filter(\.$softwareID == (try Self.uuid(text, "software_id")))
        }
        if let text = filters["licence_type"] {
            let types = try Self.values(text, "licence_type", allowed: LicenceType.allCases.map(\.rawValue))
            builder = builder.filter(\.$licenceType ~~ types)
        }
        for (parameter, column) in [("asset_id", "asset_id"), ("user_id", "user_id")] {
            guard let text = filters[parameter] else { continue }
            let holder = try Self.uuid(text, parameter)
            let held = try await (request.db as! any SQLDatabase).select().column("licence_id")
                .from("software_licence_assignments").where(SQLColumn(column), .equal, SQLBind(holder)).all()
                .map { try $0.decode(column: "licence_id", as: UUID.self) }
            guard !held.isEmpty else { return [] }
            builder = builder.filter(\.$id ~~ held)
        }
        if let text = query.search {
            // The same literal match on both engines (`%` and `_` are text, not wildcards).
            let matches = ["name", "supplier", "order_number"].map {
                ContainsText.condition($0, table: SoftwareLicenceModel.schema, text) as any SQLExpression
            }
            builder = builder.filter(.sql(SQLGroupExpression(
                matches.dropFirst().reduce(matches[0]) { SQLBinaryExpression($0, .or, $1) })))
        }
        var standings = try await LicenceStanding.load(try await builder.all(), request: request)
        if let expiring {
            standings = standings.filter { ($0.daysToExpiry ?? -1) >= 0 && ($0.daysToExpiry ?? -1) <= expiring }
        }
        if let statuses { standings = standings.filter { statuses.contains($0.compliance.status.rawValue) } }
        return standings.sorted(by: ordering)
    }

    /// One page, and how many match in all.
    func page() async throws -> (total: Int, items: [LicenceStanding]) {
        let matching = try await all()
        return (matching.count, Array(matching.dropFirst(query.offset).prefix(query.perPage)))
    }

    /// The list's order: the sort keys in turn, then the id (so that pages never overlap).
    private func ordering(_ lhs: LicenceStanding, _ rhs: LicenceStanding) -> Bool {
        for key in query.sort {
            let order = Self.compare(lhs, rhs, key.field)
            if order != 0 { return key.descending ? order > 0 : order < 0 }
        }
        return lhs.licence.id!.uuidString < rhs.licence.id!.uuidString
    }

    /// -1, 0 or 1. Missing values (no seat limit, no expiry) sort last in ascending order.
    private static func compare(_ lhs: LicenceStanding, _ rhs: LicenceStanding, _ field: String) -> Int {
        func order<T: Comparable>(_ left: T?, _ right: T?) -> Int {
            switch (left, right) {
            case let (left?, right?): left < right ? -1 : (left > right ? 1 : 0)
            case (nil, nil): 0
            case (nil, _): 1
            case (_, nil): -1
            }
        }
        switch field {
        case "licence_type": return order(lhs.licence.licenceType, rhs.licence.licenceType)
        case "seats": return order(lhs.licence.seats, rhs.licence.seats)
        case "assigned": return order(lhs.assigned, rhs.assigned)
        case "expires_on": return order(lhs.licence.expiresOn, rhs.licence.expiresOn)
        case "created_at": return order(lhs.licence.createdAt, rhs.licence.createdAt)
        case "compliance": return order(lhs.compliance.status.rawValue, rhs.compliance.status.rawValue)
        default: return order(lhs.licence.name.lowercased(), rhs.licence.name.lowercased())
        }
    }
}
