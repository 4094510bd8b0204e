import Foundation

/// A calendar day in UTC, the unit of the fleet's date rules (depreciation, warranty and renewal dates).
///
/// Fleet dates are days, not instants: a purchase date is the same day wherever the server runs, so every rule reads
/// its `Date` parameters in UTC.
struct FleetDay: Hashable, Comparable, Sendable {
    let year: Int
    let month: Int
    let day: Int

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    init(_ date: Date) {
        let parts = Self.calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// Midnight UTC of the day.
    var date: Date {
        Self.calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    var dayNumber: Int { CivilCalendar.dayNumber(year: year, month: month, day: day) }

    static func isLeapYear(_ year: Int) -> Bool { CivilCalendar.isLeapYear(year) }

    static func daysInYear(_ year: Int) -> Int { isLeapYear(year) ? 366 : 365 }

    static func daysInMonth(_ month: Int, year: Int) -> Int { CivilCalendar.daysInMonth(month, year: year) }

    /// The same day `years` years later; February 29 becomes February 28 in a common year.
    func addingYears(_ years: Int) -> FleetDay {
        let target = year + years
        return FleetDay(year: target, month: month, day: min(day, Self.daysInMonth(month, year: target)))
    }

    /// The same day `months` months later, clamped to the end of a shorter month.
    func addingMonths(_ months: Int) -> FleetDay {
        let index = year * 12 + (month - 1) + months
        let targetYear = Int((Double(index) / 12).rounded(.down))
        let targetMonth = index - targetYear * 12 + 1
        return FleetDay(
            year: targetYear, month: targetMonth,
            day: min(day, Self.daysInMonth(targetMonth, year: targetYear)))
    }

    static func < (lhs: FleetDay, rhs: FleetDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
