import Foundation

/// The days a report covers, from `from` to `to` inclusive, as calendar days in one time zone, and how they cut
/// into days, ISO weeks or months (docs/helpdesk-reports.md).
///
/// Buckets are whole: a weekly report over Wednesday 2 to Tuesday 15 covers the ISO weeks of both ends, Monday to
/// Sunday, so each bar of a chart stands for the same length of time. Bucket edges are local midnights turned into
/// instants in the zone, so a day that loses an hour to daylight saving is 23 hours long, and a week or a month
/// starts at the same wall-clock moment whatever the season.
public struct ReportPeriod: Hashable, Sendable {
    /// Day numbers (days since 1970-01-01) of the first and last day, inclusive.
    public let firstDay: Int
    public let lastDay: Int
    public let timeZone: TimeZone

    /// The longest period any report covers: three years and a day for leap years.
    public static let maximumDays = 1_096
    /// The longest period reported day by day.
    public static let maximumDailyDays = 366

    public init(firstDay: Int, lastDay: Int, timeZone: TimeZone) {
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.timeZone = timeZone
    }

    /// Reads `from` and `to` (`YYYY-MM-DD`, either may be missing) in `timeZone`. Without `to` the period ends
    /// today (the day of `now` in the zone); without `from` it covers `defaultDays` days up to `to`.
    public static func parse(from: String?, to: String?, timeZone: TimeZone, now: Date, defaultDays: Int,
                             interval: ReportInterval?) throws(ReportPeriodError) -> ReportPeriod {
        let last = try to.map { text throws(ReportPeriodError) in try day(text, parameter: "to") }
            ?? dayNumber(of: now, in: timeZone)
        let first = try from.map { text throws(ReportPeriodError) in try day(text, parameter: "from") }
            ?? last - (defaultDays - 1)
        guard first <= last else { throw .reversed(from: iso(first), to: iso(last)) }
        let days = last - first + 1
        let limit = interval == .day ? maximumDailyDays : maximumDays
        if days > limit { throw .tooLong(days: days, limit: limit, interval: interval == .day ? .day : nil) }
        return ReportPeriod(firstDay: first, lastDay: last, timeZone: timeZone)
    }

    /// The instant the first day starts and the one the last day ends.
    public var start: Date { Self.midnight(firstDay, in: timeZone) }
    public var end: Date { Self.midnight(lastDay + 1, in: timeZone) }

    public var fromText: String { Self.iso(firstDay) }
    public var toText: String { Self.iso(lastDay) }

    /// The period cut into whole buckets, oldest first.
    public func buckets(_ interval: ReportInterval) -> [ReportBucket] {
        var result: [ReportBucket] = []
        var day = Self.bucketStart(of: firstDay, interval)
        while day <= lastDay {
            let next: Int
            switch interval {
            case .day: next = day + 1
            case .week: next = day + 7
            case .month:
                let (year, month, _) = CivilCalendar.date(dayNumber: day)
                next = month == 12 ? CivilCalendar.dayNumber(year: year + 1, month: 1, day: 1)
                    : CivilCalendar.dayNumber(year: year, month: month + 1, day: 1)
            }
            result.append(ReportBucket(start: Self.midnight(day, in: timeZone), end: Self.midnight(next, in: timeZone),
                                       label: Self.label(day, interval)))
            day = next
        }
        return result
    }

    /// The first day of the bucket holding `day`: itself, the Monday of its ISO week, the first of its month.
    public static func bucketStart(of day: Int, _ interval: ReportInterval) -> Int {
        switch interval {
        case .day: return day
        case .week: return day - isoWeekdayIndex(day)
        case .month:
            let (year, month, _) = CivilCalendar.date(dayNumber: day)
            return CivilCalendar.dayNumber(year: year, month: month, day: 1)
        }
    }

    /// `2026-12-01`, `2026-W49`, `2026-12`.
    public static func label(_ day: Int, _ interval: ReportInterval) -> String {
        switch interval {
        case .day: return iso(day)
        case .week:
            let (weekYear, week) = isoWeek(day)
            return "\(pad(weekYear, 4))-W\(pad(week, 2))"
        case .month: return String(iso(day).prefix(7))
        }
    }

    /// The ISO 8601 week-numbering year and week of a day: weeks start on Monday, and week 1 is the one that holds
    /// the year's first Thursday (so 2026-12-31 is in 2026-W53 and 2027-01-01 too; 2024-12-30 is in 2025-W01).
    public static func isoWeek(_ day: Int) -> (year: Int, week: Int) {
        let thursday = day - isoWeekdayIndex(day) + 3
        let year = CivilCalendar.date(dayNumber: thursday).year
        let ordinal = thursday - CivilCalendar.dayNumber(year: year, month: 1, day: 1)
        return (year, ordinal / 7 + 1)
    }

    /// 0 for Monday … 6 for Sunday.
    static func isoWeekdayIndex(_ day: Int) -> Int {
        (CivilCalendar.weekday(dayNumber: day) + 6) % 7
    }

    /// The day holding `instant` in `timeZone`.
    public static func dayNumber(of instant: Date, in timeZone: TimeZone) -> Int {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: instant)
        return CivilCalendar.split(localSeconds: seconds).dayNumber
    }

    /// The first instant of the day in `timeZone` (where midnight does not exist, the moment the day starts).
    public static func midnight(_ day: Int, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let (year, month, dayOfMonth) = CivilCalendar.date(dayNumber: day)
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth, hour: 12))!
        return calendar.startOfDay(for: noon)
    }

    /// `YYYY-MM-DD` of a day number.
    public static func iso(_ day: Int) -> String {
        let (year, month, dayOfMonth) = CivilCalendar.date(dayNumber: day)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))"
    }

    /// The day number of a strict `YYYY-MM-DD` (a real date, years 1900–9999).
    static func day(_ text: String, parameter: String) throws(ReportPeriodError) -> Int {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)),
              let month = Int(String(decoding: bytes[5..<7], as: UTF8.self)),
              let day = Int(String(decoding: bytes[8..<10], as: UTF8.self)),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }),
              year >= 1900, (1...12).contains(month), (1...CivilCalendar.daysInMonth(month, year: year)).contains(day)
        else { throw .malformedDate(parameter: parameter, value: text) }
        return CivilCalendar.dayNumber(year: year, month: month, day: day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
