import Foundation

extension CronExpression {
    /// How many years ahead ``nextDate(after:in:)`` looks before answering nil: more than the 40-year worst case of
    /// any expression the parser accepts (February 29 on one weekday, `0 0 29 2 */7`).
    public static let searchHorizonYears = 50

    /// The instants the search accepts and answers with: years 0001 to 9999 (with a day's margin for any offset).
    private static let supportedInstants: ClosedRange<Double> =
        Double(CivilCalendar.dayNumber(year: 1, month: 1, day: 2) * 86_400)
        ... Double(CivilCalendar.dayNumber(year: 9999, month: 12, day: 30) * 86_400)

    /// The first time strictly after `date` at which the job runs, reading the fields as wall-clock time in
    /// `timeZone` and applying the daylight-saving rules in the type's documentation.
    ///
    /// The search jumps from one matching month, day, hour and minute to the next, one stretch of constant UTC
    /// offset at a time, so its cost depends on how many days it rejects, not on how many minutes it spans. It
    /// returns nil when nothing runs within ``searchHorizonYears`` years, which for an expression the parser accepts
    /// only happens near the end of the supported range (year 9999), or when `date` lies outside years 1–9999.
    public func nextDate(after date: Date, in timeZone: TimeZone) -> Date? {
        let start = date.timeIntervalSince1970
        guard Self.supportedInstants.contains(start) else { return nil }
        let horizon = min(
            start + Double(Self.searchHorizonYears) * 31_556_952,  // Gregorian mean year in seconds
            Self.supportedInstants.upperBound
        )
        let timeline = ZoneOffsetTimeline(zone: timeZone)
        let followsElapsedTime = hours.containsAll(of: CronField.hour.range)

        var offset = timeline.offset(at: start)
        // Local minutes are whole; the first one strictly after `start`.
        var lowerLocal = Self.minute(atOrBefore: start + Double(offset)) + 60
        if !followsElapsedTime,
            let transition = timeline.latestTransition(atOrBefore: start, notBefore: start - 2 * 86_400)
        {
            let previousOffset = timeline.offset(at: transition - 1)
            if previousOffset > offset {
                // `start` is just after a fall-back: the repeated wall-clock times have had their first occurrence.
                lowerLocal = max(lowerLocal, Self.minute(atOrAfter: transition + Double(previousOffset)))
            }
        }

        var segmentStart = start
        while true {
            let transition = timeline.nextTransition(after: segmentStart).flatMap { $0 < horizon ? $0 : nil }
            let segmentEnd = transition ?? horizon
            let localEnd = Self.second(atOrAfter: segmentEnd + Double(offset))
            if let local = firstLocalMatch(from: lowerLocal, before: localEnd) {
                return Date(timeIntervalSince1970: Double(local - offset))
            }
            guard let transition else { return nil }

            let newOffset = timeline.offset(at: transition)
            let oldWallClockEnd = transition + Double(offset)
            let newWallClockStart = transition + Double(newOffset)
            if followsElapsedTime {
                // Every instant of the new stretch is after `start`; skipped wall-clock times are simply absent.
                lowerLocal = Self.minute(atOrAfter: newWallClockStart)
            } else if newOffset > offset {
                let gapStart = max(lowerLocal, Self.minute(atOrAfter: oldWallClockEnd))
                let gapEnd = Self.second(atOrAfter: newWallClockStart)
                if firstLocalMatch(from: gapStart, before: gapEnd) != nil {
                    return Date(timeIntervalSince1970: transition)
                }
                lowerLocal = max(lowerLocal, Self.minute(atOrAfter: newWallClockStart))
            } else {
                // Fall back: the repeated wall-clock times ran at their first occurrence, before the transition.
                lowerLocal = max(lowerLocal, Self.minute(atOrAfter: oldWallClockEnd))
            }
            offset = newOffset
            segmentStart = transition
        }
    }

    /// Up to `limit` consecutive run times after `date`, for previews: each is ``nextDate(after:in:)`` of the one
    /// before. Fewer only when the runs reach the end of year 9999; none when `limit` is not positive.
    public func dates(after date: Date, in timeZone: TimeZone, limit: Int) -> [Date] {
        var dates: [Date] = []
        var cursor = date
        while dates.count < limit, let next = nextDate(after: cursor, in: timeZone) {
            dates.append(next)
            cursor = next
        }
        return dates
    }

    /// The first wall-clock minute in `lower..<upper` (seconds since 1970-01-01T00:00 wall clock, `lower` a whole
    /// minute) that matches every field, skipping whole months, days and hours that cannot match.
    func firstLocalMatch(from lower: Int, before upper: Int) -> Int? {
        guard lower < upper else { return nil }
        var (dayNumber, secondOfDay) = CivilCalendar.split(localSeconds: lower)
        var (year, month, day) = CivilCalendar.date(dayNumber: dayNumber)
        var hour = secondOfDay / 3600
        var minute = secondOfDay % 3600 / 60

        func moveToNextDay() {
            dayNumber += 1
            (hour, minute) = (0, 0)
            day += 1
            if day > CivilCalendar.daysInMonth(month, year: year) {
                day = 1
                month += 1
                if month > 12 { (year, month) = (year + 1, 1) }
            }
        }

        // Every pass moves forward by at least one hour, so `upper` ends the loop.
        while dayNumber * 86_400 < upper {
            guard months.contains(month) else {
                if let next = months.first(atLeast: month + 1) {
                    month = next
                } else {
                    (year, month) = (year + 1, months.min ?? 1)
                }
                (day, hour, minute) = (1, 0, 0)
                dayNumber = CivilCalendar.dayNumber(year: year, month: month, day: 1)
                continue
            }
            guard dayMatches(day: day, dayNumber: dayNumber) else {
                if !daysMatchEitherField, !daysOfMonth.contains(day) {
                    // Both fields must match: skip to the day before the next listed day of this month (or to the
                    // month's last day), so that moving one day on lands on it.
                    let pastMonth = CivilCalendar.daysInMonth(month, year: year) + 1
                    let skipped = min(daysOfMonth.first(atLeast: day + 1) ?? pastMonth, pastMonth) - day - 1
                    dayNumber += skipped
                    day += skipped
                }
                moveToNextDay()
                continue
            }
            guard let matchingHour = hours.first(atLeast: hour) else {
                moveToNextDay()
                continue
            }
            if matchingHour != hour { (hour, minute) = (matchingHour, 0) }
            guard let matchingMinute = minutes.first(atLeast: minute) else {
                (hour, minute) = (hour + 1, 0)
                continue
            }
            let candidate = dayNumber * 86_400 + hour * 3600 + matchingMinute * 60
            return candidate < upper ? candidate : nil
        }
        return nil
    }

    private static func minute(atOrBefore seconds: Double) -> Int {
        Int((seconds / 60).rounded(.down)) * 60
    }

    private static func minute(atOrAfter seconds: Double) -> Int {
        Int((seconds / 60).rounded(.up)) * 60
    }

    private static func second(atOrAfter seconds: Double) -> Int {
        Int(seconds.rounded(.up))
    }
}
