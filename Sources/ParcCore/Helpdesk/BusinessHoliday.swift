/// A whole day off, a date in the business calendar's time zone.
public enum BusinessHoliday: Hashable, Sendable, Codable, CustomStringConvertible {
    /// One date, such as Easter Monday 2026-04-06.
    case date(year: Int, month: Int, day: Int)
    /// The same date every year, such as 1 May or 25 December; 29 February only counts in leap years.
    case yearly(month: Int, day: Int)

    /// Whether it falls on this date.
    public func matches(year: Int, month: Int, day: Int) -> Bool {
        switch self {
        case .date(let y, let m, let d): y == year && m == month && d == day
        case .yearly(let m, let d): m == month && d == day
        }
    }

    /// Whether the month and day exist (in some year, for yearly holidays).
    public var isValid: Bool {
        switch self {
        case .date(let year, let month, let day):
            (1...12).contains(month) && (1...Self.daysIn(month: month, year: year)).contains(day)
        case .yearly(let month, let day):
            (1...12).contains(month) && (1...Self.daysIn(month: month, year: 2000)).contains(day)
        }
    }

    /// "2026-04-06" or "every 05-01".
    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return switch self {
        case .date(let year, let month, let day): "\(year)-\(two(month))-\(two(day))"
        case .yearly(let month, let day): "every \(two(month))-\(two(day))"
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
