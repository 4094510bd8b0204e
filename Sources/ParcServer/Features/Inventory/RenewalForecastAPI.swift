import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// `GET /api/v1/assets/renewal-forecast?months=12&age_limit_years=5`: the machines, and their cost, that
/// reach the age limit or the end of their warranty in each quarter of the next N months (ParcCore's
/// `RenewalForecast`), for the assets the user may see that have a purchase date.
struct RenewalForecastAPI {
    struct QuarterDTO: Content {
        let quarter: String
        let count: Int
        let age_limit: Int
        let warranty_end: Int
        let cost: Int
        let assets: [Entry]

        struct Entry: Content {
            let asset_id: String
            let date: String
            let reason: String
            let cost: Int
        }
    }

    struct ForecastDTO: Content {
        let months: Int
        let age_limit_years: Int
        let total_count: Int
        let total_cost: Int
        let quarters: [QuarterDTO]
    }

    func register(_ api: APIRoutes) {
        api.on(.GET, "assets/renewal-forecast", summary: "Machines and cost to renew, quarter by quarter", tag: "Inventory",
               query: [
                   .init(name: "months", schema: .integer, description: "How far ahead (1–120, default 12)"),
                   .init(name: "age_limit_years", schema: .integer, description: "Replace after this many years (default 5)"),
                   .init(name: "type", schema: .string(), description: "Asset type (default computer)"),
               ],
               response: .object(["months": .integer, "age_limit_years": .integer, "total_count": .integer,
                                  "total_cost": .integer, "quarters": .array(.object([:], required: []))],
                                 required: ["months", "quarters"]), use: forecast)
    }

    @Sendable func forecast(_ req: Request) async throws -> ForecastDTO {
        try await req.requireAnywhere(.assetsRead)
        func number(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = try? req.query.get(String.self, at: name) else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                throw ParcError.badRequest("invalid_query", "Parameter '\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound).")
            }
            return parsed
        }
        let months = try number("months", default: 12, range: 1...120)
        let ageLimit = try number("age_limit_years", default: 5, range: 1...30)
        let type = (try? req.query.get(String.self, at: "type")) ?? "computer"
        let entities = try await req.entities(for: .assetsRead)
        guard !entities.isEmpty else {
            return ForecastDTO(months: months, age_limit_years: ageLimit, total_count: 0, total_cost: 0, quarters: [])
        }
        let rows = try await (req.db as! any SQLDatabase).select()
            .columns("id", "purchase_date", "warranty_end", "purchase_cost").from("assets")
            .where("entity_id", .in, SQLBind.group(Array(entities))).where("type", .equal, type)
            .where("status", .notIn, SQLBind.group([AssetStatus.retired.rawValue, AssetStatus.disposed.rawValue]))
            .where(SQLColumn("purchase_date"), .isNot, SQLLiteral.null).all()
        func date(_ text: String?) -> Date? {
            guard let text, let day = InventoryDate(iso: text) else { return nil }
            return Calendar(identifier: .gregorian).date(from: DateComponents(
                timeZone: TimeZone(identifier: "UTC"), year: day.year, month: day.month, day: day.day))
        }
        let assets = try rows.compactMap { row -> RenewalAsset? in
            func text(_ column: String) throws -> String? {
                try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
            }
            guard let purchase = date(try text("purchase_date")) else { return nil }
            let cost = try row.decodeNil(column: "purchase_cost") ? 0.0 : row.decode(column: "purchase_cost", as: Double.self)
            return RenewalAsset(id: try row.decode(column: "id", as: UUID.self).uuidString, purchaseDate: purchase,
                                warrantyEnd: date(try text("warranty_end")), cost: Int(cost.rounded()),
                                ageLimitYears: ageLimit)
        }
        let forecast = RenewalForecast(assets: assets, start: req.now, months: months)
        return ForecastDTO(
            months: months, age_limit_years: ageLimit, total_count: forecast.totalCount, total_cost: forecast.totalCost,
            quarters: forecast.quarters.map { quarter in
                QuarterDTO(quarter: quarter.label, count: quarter.count, age_limit: quarter.ageLimitCount,
                           warranty_end: quarter.warrantyEndCount, cost: quarter.totalCost,
                           assets: quarter.entries.map {
                               .init(asset_id: $0.assetID, date: InventoryWidget.day($0.date), reason: $0.reason.rawValue,
                                     cost: $0.cost)
                           })
            })
    }
}
