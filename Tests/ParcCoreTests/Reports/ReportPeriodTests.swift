import Foundation
import Testing

@testable import ParcCore

@Suite("Report periods: days, ISO weeks and months in a time zone")
struct ReportPeriodTests {
    let paris = TimeZone(identifier: "Europe/Paris")!
    let utc = TimeZone(identifier: "UTC")!

    private func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    private func period(_ from: String?, _ to: String?, _ zone: TimeZone, interval: ReportInterval? = .week,
                        now: String = "2026-12-10T12:00:00Z") throws -> ReportPeriod {
        try ReportPeriod.parse(from: from, to: to, timeZone: zone, now: instant(now), defaultDays: 84,
                               interval: interval)
    }

    @Test("ISO weeks: Monday to Sunday, week 1 holds the first Thursday, week-years differ from calendar years")
    func isoWeeks() {
        func week(_ y: Int, _ m: Int, _ d: Int) -> String {
            ReportPeriod.label(CivilCalendar.dayNumber(year: y, month: m, day: d), .week)
        }
        #expect(week(2026, 12, 1) == "2026-W49")
        #expect(week(2026, 12, 31) == "2026-W53", "2026 starts on a Thursday: 53 weeks")
        #expect(week(2027, 1, 3) == "2026-W53", "Sunday 3 January 2027 still ends 2026's last week")
        #expect(week(2027, 1, 4) == "2027-W01")
        #expect(week(2024, 12, 30) == "2025-W01", "Monday 30 December 2024 opens 2025's first week")
        #expect(week(2021, 1, 1) == "2020-W53")
        #expect(week(2026, 3, 29) == "2026-W13" && week(2026, 3, 30) == "2026-W14", "Sunday ends the week")
    }

    @Test("weekly buckets are whole ISO weeks from local midnight to local midnight, across a DST change")
    func weeklyBucketsInParis() throws {
        // Wednesday 25 March to Tuesday 31 March 2026; clocks go forward on Sunday 29 March.
        let buckets = try period("2026-03-25", "2026-03-31", paris).buckets(.week)
        #expect(buckets.map(\.label) == ["2026-W13", "2026-W14"])
        #expect(buckets[0].start == instant("2026-03-22T23:00:00Z"), "Monday 23 March 00:00 +01:00")
        #expect(buckets[0].end == instant("2026-03-29T22:00:00Z"), "Monday 30 March 00:00 +02:00")
        #expect(buckets[0].end.timeIntervalSince(buckets[0].start) == 7 * 86_400 - 3_600, "the week lost an hour")
        #expect(buckets[1].start == buckets[0].end && buckets[1].end == instant("2026-04-05T22:00:00Z"))
    }

    @Test("daily buckets follow the zone: 29 March 2026 lasts 23 hours in Paris, 25 October 25 hours")
    func dailyBucketsAcrossDST() throws {
        let spring = try period("2026-03-29", "2026-03-29", paris, interval: .day).buckets(.day)
        #expect(spring.map(\.label) == ["2026-03-29"])
        #expect(spring[0].end.timeIntervalSince(spring[0].start) == 23 * 3_600)
        let autumn = try period("2026-10-25", "2026-10-26", paris, interval: .day).buckets(.day)
        #expect(autumn.count == 2 && autumn[0].end.timeIntervalSince(autumn[0].start) == 25 * 3_600)
        #expect(autumn[1].start == instant("2026-10-25T23:00:00Z"))
    }

    @Test("monthly buckets start on the first of the month at local midnight; February of a leap year")
    func monthlyBuckets() throws {
        let buckets = try period("2028-01-15", "2028-03-02", paris, interval: .month).buckets(.month)
        #expect(buckets.map(\.label) == ["2028-01", "2028-02", "2028-03"])
        #expect(buckets[0].start == instant("2027-12-31T23:00:00Z"))
        #expect(buckets[1].start == instant("2028-01-31T23:00:00Z"))
        #expect(buckets[1].end.timeIntervalSince(buckets[1].start) == 29 * 86_400)
        #expect(buckets[2].end == instant("2028-03-31T22:00:00Z"), "April starts at midnight summer time")
        let december = try period("2026-12-05", "2027-01-02", utc, interval: .month).buckets(.month)
        #expect(december.map(\.label) == ["2026-12", "2027-01"])
    }

    @Test("the same instant is in different days, weeks and periods in different zones")
    func zonesMatter() throws {
        // Sunday 2026-12-06 23:30 UTC is Monday 00:30 in Paris.
        let moment = instant("2026-12-06T23:30:00Z")
        #expect(ReportPeriod.dayNumber(of: moment, in: utc) == CivilCalendar.dayNumber(year: 2026, month: 12, day: 6))
        #expect(ReportPeriod.dayNumber(of: moment, in: paris) == CivilCalendar.dayNumber(year: 2026, month: 12, day: 7))
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        // Without `to`, the period ends "today" in the zone: 2026-12-10 20:00 UTC is already the 11th in Tokyo.
        let today = try period(nil, nil, tokyo, now: "2026-12-10T20:00:00Z")
        #expect(today.toText == "2026-12-11" && today.fromText == "2026-09-19", "84 days up to today")
        #expect(try period(nil, nil, utc, now: "2026-12-10T20:00:00Z").toText == "2026-12-10")
    }

    @Test("bad periods are refused with a message that says what to send")
    func badInput() throws {
        #expect(throws: ReportPeriodError.reversed(from: "2026-12-10", to: "2026-12-01")) {
            try period("2026-12-10", "2026-12-01", utc)
        }
        for bad in ["2026-13-01", "2026-02-30", "2026-2-3", "26-12-01", "2026/12/01", "2026-12-01T00:00:00Z", "",
                    "２０２６-12-01", "-026-12-01", "1899-12-31", "2026-12-0a", String(repeating: "9", count: 10_000)] {
            #expect(throws: ReportPeriodError.self) { try period(bad, "2026-12-31", utc) }
        }
        #expect(throws: ReportPeriodError.malformedDate(parameter: "to", value: "yesterday")) {
            try period("2026-12-01", "yesterday", utc)
        }
        #expect(throws: ReportPeriodError.tooLong(days: 1_097, limit: 1_096, interval: nil)) {
            try period("2024-01-01", "2027-01-01", utc)
        }
        #expect(try period("2024-01-02", "2027-01-01", utc).lastDay - period("2024-01-02", "2027-01-01", utc).firstDay == 1_095)
        #expect(throws: ReportPeriodError.tooLong(days: 367, limit: 366, interval: .day)) {
            try period("2026-01-01", "2027-01-02", utc, interval: .day)
        }
        let message = ReportPeriodError.malformedDate(parameter: "from", value: String(repeating: "x", count: 500))
            .description
        #expect(message.count < 120 && message.contains("YYYY-MM-DD"))
        #expect(ReportPeriodError.reversed(from: "2026-12-10", to: "2026-12-01").description.contains("swap"))
    }

    @Test("a one-day period makes one bucket of each kind; a year makes 52 or 53 weeks")
    func bucketCounts() throws {
        let one = try period("2026-12-09", "2026-12-09", utc)
        #expect(one.buckets(.day).count == 1 && one.buckets(.week).count == 1 && one.buckets(.month).count == 1)
        #expect(one.buckets(.week)[0].label == "2026-W50")
        #expect(try period("2026-01-01", "2026-12-31", utc).buckets(.week).count == 53)
        #expect(try period("2025-01-01", "2025-12-31", utc).buckets(.week).count == 53,
                "2025-01-01 is in 2025-W01, which starts on 2024-12-30; 2025-12-31 is in 2026-W01")
        #expect(try period("2025-01-06", "2025-12-28", utc).buckets(.week).count == 51)
    }
}
