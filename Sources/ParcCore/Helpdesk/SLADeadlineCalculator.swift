import Foundation

/// Business-time arithmetic on a ``BusinessCalendar``: deadlines and the working time between two instants.
///
/// Business time is real elapsed time inside working ranges. A range's ends are wall-clock times in the calendar's
/// zone, turned into instants on each date; so a range that spans a daylight-saving change lasts an hour more or
/// less, while 08:00–12:00 stays 4 hours on every day. A wall-clock time that does not exist (02:30 on the day
/// clocks go forward) stands for the moment of the change; one that happens twice stands for its first occurrence.
public struct SLADeadlineCalculator: Hashable, Sendable {
    /// The calendar the arithmetic follows.
    public let calendar: BusinessCalendar
    /// The calendar zone's offsets, shared by every calculator of the zone.
    private let offsets: ZoneOffsetTable

    /// A calculator over `calendar`.
    public init(calendar: BusinessCalendar) {
        self.calendar = calendar
        self.offsets = ZoneOffsetTable.shared(calendar.timeZone)
    }

    public static func == (lhs: SLADeadlineCalculator, rhs: SLADeadlineCalculator) -> Bool {
        lhs.calendar == rhs.calendar
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(calendar)
    }

    /// When the business clock starts for something that happens at `instant`: the instant itself inside working
    /// time, otherwise the next opening.
    public func clockStart(at instant: Date) -> Date {
        adding(seconds: 0, to: instant)
    }

    /// The instant at which `duration` of business time has elapsed since `start`.
    public func deadline(adding duration: BusinessDuration, to start: Date) -> Date {
        adding(seconds: TimeInterval(duration.seconds(in: calendar)), to: start)
    }

    /// The instant at which `seconds` of business time have elapsed since `start`.
    ///
    /// Outside working time the clock starts at the next opening. A deadline that falls exactly at the end of a
    /// range is that end (17:30), not the next opening. Zero seconds give ``clockStart(at:)``.
    public func adding(seconds: TimeInterval, to start: Date) -> Date {
        let from = start.timeIntervalSince1970
        var remaining = max(seconds, 0)
        var day = localDay(of: from)
        while true {
            for interval in intervals(onDay: day) where interval.end > from {
                let begin = max(interval.start, from)
                let available = interval.end - begin
                if remaining <= available { return Date(timeIntervalSince1970: begin + remaining) }
                remaining -= available
            }
            day += 1
        }
    }

    /// The business time between two instants; zero when `end` is not after `start`.
    public func businessTime(from start: Date, to end: Date) -> TimeInterval {
        let from = start.timeIntervalSince1970
        let to = end.timeIntervalSince1970
        guard to > from else { return 0 }
        var total: TimeInterval = 0
        for day in localDay(of: from)...localDay(of: to) {
            for interval in intervals(onDay: day) {
                let overlap = min(interval.end, to) - max(interval.start, from)
                if overlap > 0 { total += overlap }
            }
        }
        return total
    }

    // MARK: - Wall clock

    /// The working intervals of a local date (days since 1970-01-01 in the calendar's zone), as Unix instants.
    private func intervals(onDay day: Int) -> [(start: TimeInterval, end: TimeInterval)] {
        let date = CivilCalendar.date(dayNumber: day)
        if calendar.isHoliday(year: date.year, month: date.month, day: date.day) { return [] }
        // 1970-01-01 was a Thursday (ISO 4).
        let isoWeekday = ((day + 3) % 7 + 7) % 7 + 1
        let ranges = calendar.ranges(on: BusinessWeekday(rawValue: isoWeekday)!)
        return ranges.compactMap { range in
            let start = instant(localSeconds: day * 86_400 + range.start.minuteOfDay * 60)
            let end = instant(localSeconds: day * 86_400 + range.end.minuteOfDay * 60)
            return end > start ? (start, end) : nil
        }
    }

    private func offset(at instant: TimeInterval) -> Int {
        offsets.offset(at: instant)
    }

    private func localDay(of instant: TimeInterval) -> Int {
        let local = Int(instant.rounded(.down)) + offset(at: instant)
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }

    /// The instant a wall-clock time names: its first occurrence if it happens twice, the moment of the change if
    /// it falls in a gap.
    private func instant(localSeconds local: Int) -> TimeInterval {
        let before = offset(at: TimeInterval(local - 86_400))
        let after = offset(at: TimeInterval(local + 86_400))
        // An offset is valid when the instant it gives reads back as this wall-clock time; of two, the earlier.
        var earliest: Int?
        if offset(at: TimeInterval(local - before)) == before { earliest = local - before }
        if after != before, offset(at: TimeInterval(local - after)) == after {
            earliest = min(earliest ?? Int.max, local - after)
        }
        if let earliest { return TimeInterval(earliest) }
        if let change = offsets.nextTransition(after: TimeInterval(local - max(before, after))) {
            return change
        }
        return TimeInterval(local - before)
    }
}
