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
        api.on(.GET, "assets/:id/depreciation", summary: "Depreciation plan of an asset and its value at a date",
               tag: "Inventory", query: [
                   .init(name: "method", schema: .string(enumValues: DepreciationMethod.allCases.map(\.rawValue)),
                         description: "linear (default) or declining_balance"),
                   .init(name: "years", schema: .integer, description: "Useful life in years (default 5)"),
                   .init(name: "at", schema: .string(format: "date"), description: "Value at this date (default today)"),
               ],
               response: .object(["method": .string(), "cost": .string(), "duration_years": .integer,
                                  "at": .string(format: "date"), "value_at": .string(),
                                  "schedule": .array(.object([:], required: []))],
                                 required: ["method", "cost", "value_at", "schedule"]), use: depreciation)
    }

    struct DepreciationDTO: Content {
        struct Year: Content {
            let year: Int
            let opening_value: Double
            let annuity: Double
            let closing_value: Double
            let method: String
        }

        let method: String
        let cost: Double
        let duration_years: Int
        let at: String
        let value_at: Double
        let schedule: [Year]
    }

    /// Amounts in cents for the rules (whole numbers), in currency units in the answer.
    @Sendable func depreciation(_ req: Request) async throws -> DepreciationDTO {
        guard let asset = try await AssetModel.find(req.parameters.get("id", as: UUID.self), on: req.db) else {
            throw ParcError.notFound("asset")
        }
        try await req.require(.assetsRead, in: asset.entityID)
        guard let purchase = asset.purchaseDate.flatMap({ InventoryDate(iso: $0) }), let cost = asset.purchaseCost else {
            throw ParcError(.unprocessableEntity, code: "no_purchase",
                            "The asset has no purchase date or cost; set them (PATCH purchase_date, purchase_cost) first.")
        }
        let methodText = (try? req.query.get(String.self, at: "method")) ?? DepreciationMethod.linear.rawValue
        guard let method = DepreciationMethod(rawValue: methodText) else {
            throw ParcError.badRequest("invalid_query", "Parameter 'method' is linear or declining_balance.")
        }
        let yearsText = (try? req.query.get(String.self, at: "years")) ?? "5"
        guard let years = Int(yearsText) else {
            throw ParcError.badRequest("invalid_query", "Parameter 'years' must be a whole number of years.")
        }
        let atText = (try? req.query.get(String.self, at: "at")) ?? UTCDay.text(req.now)
        guard let atDay = InventoryDate(iso: atText) else {
            throw ParcError.badRequest("invalid_query", "Parameter 'at' must be a date as YYYY-MM-DD.")
        }
        func date(_ day: InventoryDate) -> Date { UTCDay.date(day) ?? req.now }
        let plan: Depreciation
        do {
            plan = try Depreciation(method: method, cost: Int((cost * 100).rounded()), purchaseDate: date(purchase),
                                    durationYears: years)
        } catch {
            throw ParcError(.unprocessableEntity, code: error.code, error.message)
        }
        let units = { (cents: Int) in Double(cents) / 100 }
        return DepreciationDTO(
            method: method.rawValue, cost: units(plan.cost), duration_years: years, at: atText,
            value_at: units(plan.value(at: date(atDay))),
            schedule: plan.schedule.map {
                .init(year: $0.year, opening_value: units($0.openingValue), annuity: units($0.annuity),
                      closing_value: units($0.closingValue), method: $0.method.rawValue)
            })
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
        func date(_ text: String?) -> Date? { text.flatMap { InventoryDate(iso: $0) }.flatMap(UTCDay.date) }
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
                               .init(asset_id: $0.assetID, date: UTCDay.text($0.date), reason: $0.reason.rawValue,
                                     cost: $0.cost)
                           })
            })
    }
}
