import Foundation
import Testing

@testable import ParcCore

/// "2026-01-15" → midnight UTC of that day.
private func day(_ text: String) throws -> Date {
    try #require(ISO8601DateFormatter().date(from: text + "T00:00:00Z"), "not a day: \(text)")
}

private func asset(_ id: String, bought: String, warranty: String?, cost: Int, limit: Int) throws -> RenewalAsset {
    RenewalAsset(
        id: id, purchaseDate: try day(bought), warrantyEnd: try warranty.map { try day($0) }, cost: cost,
        ageLimitYears: limit)
}

@Suite("Renewal forecast")
struct RenewalForecastTests {
    private func fleet() throws -> [RenewalAsset] {
        [
            try asset("A", bought: "2022-03-10", warranty: "2025-03-10", cost: 100_000, limit: 4),
            try asset("B", bought: "2023-05-01", warranty: "2026-05-01", cost: 80_000, limit: 5),
            try asset("C", bought: "2021-08-20", warranty: "2026-08-01", cost: 120_000, limit: 5),
            try asset("D", bought: "2020-02-29", warranty: nil, cost: 50_000, limit: 6),
            try asset("E", bought: "2023-01-14", warranty: nil, cost: 10, limit: 4),
            try asset("F", bought: "2023-01-15", warranty: nil, cost: 7, limit: 4),
            try asset("G", bought: "2010-01-01", warranty: nil, cost: 9, limit: 0),
            try asset("H", bought: "2022-01-15", warranty: nil, cost: 1_000, limit: 4),
        ]
    }

    @Test("machines are grouped by the calendar quarter of their first due date within the window")
    func grouping() throws {
        let forecast = RenewalForecast(assets: try fleet(), start: try day("2026-01-15"), months: 12)
        #expect(forecast.quarters.map(\.label) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"])
        #expect(forecast.quarters.map { $0.entries.map(\.assetID) } == [["H", "D", "A"], ["B"], ["C"], [], ["E"]])
        #expect(forecast.quarters.map(\.count) == [3, 1, 1, 0, 1])
        #expect(forecast.quarters.map(\.totalCost) == [151_000, 80_000, 120_000, 0, 10])
        #expect(forecast.quarters.map(\.ageLimitCount) == [3, 0, 0, 0, 1])
        #expect(forecast.quarters.map(\.warrantyEndCount) == [0, 1, 1, 0, 0])
        #expect(forecast.totalCount == 6)
        #expect(forecast.totalCost == 351_010)
    }

    @Test("a machine due for both reasons counts once, for the earlier one")
    func once() throws {
        let forecast = RenewalForecast(assets: try fleet(), start: try day("2026-01-15"), months: 12)
        let c = try #require(forecast.quarters.flatMap(\.entries).first { $0.assetID == "C" })
        #expect(c.reason == .warrantyEnd)
        #expect(c.date == (try day("2026-08-01")))
    }

    @Test("a February 29 purchase reaches its age limit on February 28")
    func leapDay() throws {
        let d = try asset("D", bought: "2020-02-29", warranty: nil, cost: 1, limit: 6)
        #expect(d.ageLimitDate == (try day("2026-02-28")))
        #expect(
            try asset("L", bought: "2020-02-29", warranty: nil, cost: 1, limit: 4).ageLimitDate
                == (try day("2024-02-29")))
    }

    @Test("the window includes its first day and excludes the day N months later")
    func bounds() throws {
        let forecast = RenewalForecast(assets: try fleet(), start: try day("2026-01-15"), months: 12)
        let ids = Set(forecast.quarters.flatMap(\.entries).map(\.assetID))
        #expect(ids.contains("H"))
        #expect(ids.contains("E"))
        #expect(!ids.contains("F"))
        #expect(!ids.contains("G"))
    }

    @Test("a window starting on a quarter's first day covers exactly its quarters")
    func alignedWindow() throws {
        let forecast = RenewalForecast(assets: [], start: try day("2026-04-01"), months: 3)
        #expect(forecast.quarters.map(\.label) == ["2026-Q2"])
        #expect(forecast.quarters[0].entries.isEmpty)
    }

    @Test("zero or negative months give an empty forecast and huge ones are clamped to 100 years")
    func hostileMonths() throws {
        let start = try day("2026-01-15")
        #expect(RenewalForecast(assets: try fleet(), start: start, months: 0).quarters.isEmpty)
        #expect(RenewalForecast(assets: try fleet(), start: start, months: -3).months == 0)
        let long = RenewalForecast(assets: try fleet(), start: start, months: Int.max)
        #expect(long.months == 1200)
        #expect(long.quarters.count == 401)
        #expect(long.totalCount == 7)
    }
}
