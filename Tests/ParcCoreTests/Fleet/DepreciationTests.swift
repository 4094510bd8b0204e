import Foundation
import Testing

@testable import ParcCore

/// "2024-07-01" → midnight UTC of that day.
private func day(_ text: String) throws -> Date {
    try #require(ISO8601DateFormatter().date(from: text + "T00:00:00Z"), "not a day: \(text)")
}

private func rows(_ plan: Depreciation) -> [[Int]] {
    plan.schedule.map { [$0.year, $0.openingValue, $0.annuity, $0.closingValue] }
}

@Suite("Depreciation")
struct DepreciationTests {
    @Test("linear depreciation bought on January 1 spreads the cost over exactly the duration, without drift")
    func linearFullYears() throws {
        let plan = try Depreciation(method: .linear, cost: 100_000, purchaseDate: day("2024-01-01"), durationYears: 3)
        #expect(
            rows(plan) == [
                [2024, 100_000, 33_333, 66_667], [2025, 66_667, 33_334, 33_333], [2026, 33_333, 33_333, 0],
            ])
    }

    @Test("linear depreciation prorates the first year by days and ends with the remainder one year later")
    func linearProrata() throws {
        // 1 200.00 € over 3 years from 2024-07-01: 184 of 366 days in 2024.
        let plan = try Depreciation(method: .linear, cost: 120_000, purchaseDate: day("2024-07-01"), durationYears: 3)
        #expect(
            rows(plan) == [
                [2024, 120_000, 20_109, 99_891], [2025, 99_891, 40_000, 59_891], [2026, 59_891, 40_000, 19_891],
                [2027, 19_891, 19_891, 0],
            ])
        #expect(plan.schedule.allSatisfy { $0.method == .linear })
    }

    @Test("the linear value at a date accrues the year's annuity by days")
    func linearValue() throws {
        let plan = try Depreciation(method: .linear, cost: 120_000, purchaseDate: day("2024-07-01"), durationYears: 3)
        #expect(plan.value(at: try day("2024-01-01")) == 120_000)
        #expect(plan.value(at: try day("2024-07-01")) == 120_000)
        #expect(plan.value(at: try day("2024-10-01")) == 109_945)
        #expect(plan.value(at: try day("2025-01-01")) == 99_891)
        #expect(plan.value(at: try day("2025-07-02")) == 79_946)
        #expect(plan.value(at: try day("2027-12-31")) > 0)
        #expect(plan.value(at: try day("2028-01-01")) == 0)
        #expect(plan.value(at: try day("2100-01-01")) == 0)
    }

    @Test("declining balance uses the French coefficients by duration")
    func coefficients() {
        #expect(Depreciation.decliningCoefficient(durationYears: 2) == nil)
        #expect(Depreciation.decliningCoefficient(durationYears: 3) == 1.25)
        #expect(Depreciation.decliningCoefficient(durationYears: 4) == 1.25)
        #expect(Depreciation.decliningCoefficient(durationYears: 5) == 1.75)
        #expect(Depreciation.decliningCoefficient(durationYears: 6) == 1.75)
        #expect(Depreciation.decliningCoefficient(durationYears: 7) == 2.25)
        #expect(Depreciation.decliningCoefficient(durationYears: 40) == 2.25)
    }

    @Test("declining balance prorates the first year by months and switches to linear when linear gives more")
    func declining() throws {
        // 10 000.00 € over 5 years bought 2024-04-15: rate 35 %, 9 months in 2024 (April counts in full).
        let plan = try Depreciation(
            method: .decliningBalance, cost: 1_000_000, purchaseDate: day("2024-04-15"), durationYears: 5)
        #expect(
            rows(plan) == [
                [2024, 1_000_000, 262_500, 737_500], [2025, 737_500, 258_125, 479_375],
                [2026, 479_375, 167_781, 311_594], [2027, 311_594, 155_797, 155_797], [2028, 155_797, 155_797, 0],
            ])
        #expect(
            plan.schedule.map(\.method) == [.decliningBalance, .decliningBalance, .decliningBalance, .linear, .linear])
    }

    @Test("a 3-year declining plan switches to linear in its second year")
    func decliningThreeYears() throws {
        let plan = try Depreciation(
            method: .decliningBalance, cost: 300_000, purchaseDate: day("2025-01-10"), durationYears: 3)
        #expect(
            rows(plan) == [
                [2025, 300_000, 125_000, 175_000], [2026, 175_000, 87_500, 87_500], [2027, 87_500, 87_500, 0],
            ])
    }

    @Test("the declining value in the first year accrues from the first of the purchase month")
    func decliningValue() throws {
        let plan = try Depreciation(
            method: .decliningBalance, cost: 1_000_000, purchaseDate: day("2024-04-15"), durationYears: 5)
        #expect(plan.value(at: try day("2024-04-15")) == 1_000_000)
        #expect(plan.value(at: try day("2024-04-16")) == 985_682)
        #expect(plan.value(at: try day("2026-01-01")) == 479_375)
        #expect(plan.value(at: try day("2029-01-01")) == 0)
    }

    @Test("every schedule adds up to the cost and chains its opening and closing values")
    func invariants() throws {
        for method in DepreciationMethod.allCases {
            for duration in [3, 4, 5, 6, 7, 10, 100] {
                for start in ["2024-01-01", "2024-02-29", "2023-12-31", "2025-06-17"] {
                    for cost in [0, 1, 99_999, 123_456_789_012] {
                        let plan = try Depreciation(
                            method: method, cost: cost, purchaseDate: day(start), durationYears: duration)
                        #expect(plan.schedule.reduce(0) { $0 + $1.annuity } == cost)
                        #expect(plan.schedule.last?.closingValue == 0)
                        #expect(
                            plan.schedule.allSatisfy {
                                $0.annuity >= 0 && $0.openingValue - $0.annuity == $0.closingValue
                            })
                        #expect(
                            zip(plan.schedule, plan.schedule.dropFirst()).allSatisfy {
                                $0.closingValue == $1.openingValue
                            })
                    }
                }
            }
        }
    }

    @Test("bad plans are refused with a typed error")
    func errors() throws {
        let date = try day("2024-01-01")
        #expect(throws: DepreciationError.negativeCost(-1)) {
            try Depreciation(method: .linear, cost: -1, purchaseDate: date, durationYears: 3)
        }
        for years in [0, -5, 101, Int.max, Int.min] {
            #expect(throws: DepreciationError.durationOutOfRange(years)) {
                try Depreciation(method: .linear, cost: 1, purchaseDate: date, durationYears: years)
            }
        }
        #expect(throws: DepreciationError.decliningBalanceTooShort(2)) {
            try Depreciation(method: .decliningBalance, cost: 1, purchaseDate: date, durationYears: 2)
        }
        #expect(DepreciationError.decliningBalanceTooShort(2).message.contains("use linear"))
    }
}
