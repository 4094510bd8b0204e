import Foundation

/// When a helpdesk works: a time zone, several working ranges per weekday, and holidays.
///
/// Working ranges and holidays are wall-clock times and dates in ``timeZone``. Within a day the ranges are
/// half-open (`08:00–12:00` contains 08:00, not 12:00); ranges may touch (12:00–14:00 after 08:00–12:00) but not
/// overlap.
public struct BusinessCalendar: Hashable, Sendable {
    /// The zone in which ranges and holidays are read.
    public let timeZone: TimeZone
    /// Working ranges per weekday, sorted by start; a weekday that is absent is not worked.
    public let workingRanges: [BusinessWeekday: [WorkingRange]]
    /// Days off.
    public let holidays: [BusinessHoliday]

    /// A validated calendar.
    ///
    /// Refuses times outside 00:00–24:00, empty or reversed ranges, overlapping ranges on one day, holidays on
    /// dates that do not exist, and a week without any working time.
    public init(
        timeZone: TimeZone,
        workingRanges: [BusinessWeekday: [WorkingRange]],
        holidays: [BusinessHoliday] = []
    ) throws(BusinessCalendarError) {
        var sorted: [BusinessWeekday: [WorkingRange]] = [:]
        for day in BusinessWeekday.allCases {
            let ranges = (workingRanges[day] ?? []).sorted { $0.start < $1.start }
            for range in ranges {
                for time in [range.start, range.end] where !time.isValid { throw .invalidTime(day, time) }
                guard range.start < range.end else { throw .reversedRange(day, range) }
            }
            for (previous, next) in zip(ranges, ranges.dropFirst()) where next.start < previous.end {
                throw .overlappingRanges(day, previous, next)
            }
            if !ranges.isEmpty { sorted[day] = ranges }
        }
        guard !sorted.isEmpty else { throw .noWorkingTime }
        for holiday in holidays where !holiday.isValid { throw .invalidHoliday(holiday) }
        self.timeZone = timeZone
        self.workingRanges = sorted
        self.holidays = holidays
    }

    /// The working ranges of a weekday, sorted; empty when it is not worked.
    public func ranges(on weekday: BusinessWeekday) -> [WorkingRange] {
        workingRanges[weekday] ?? []
    }

    /// Whether this date (in ``timeZone``) is a holiday.
    public func isHoliday(year: Int, month: Int, day: Int) -> Bool {
        holidays.contains { $0.matches(year: year, month: month, day: day) }
    }

    /// The length of one business day, for durations given in days: the nominal working time of the longest
    /// weekday (8 hours for 08:00–12:00 and 13:30–17:30).
    public var standardDaySeconds: Int {
        workingRanges.values.map { $0.reduce(0) { $0 + $1.nominalSeconds } }.max() ?? 0
    }
}
