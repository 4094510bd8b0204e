/// A wall-clock time in a business calendar's zone, 00:00 to 24:00 (24:00 ends a range at midnight).
public struct TimeOfDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 0–24.
    public let hour: Int
    /// 0–59.
    public let minute: Int

    /// A time of day; ``BusinessCalendar`` refuses one outside 00:00–24:00.
    public init(_ hour: Int, _ minute: Int = 0) {
        self.hour = hour
        self.minute = minute
    }

    /// Minutes since midnight.
    public var minuteOfDay: Int { hour * 60 + minute }

    /// Whether this is a time between 00:00 and 24:00 inclusive.
    public var isValid: Bool { (0...59).contains(minute) && ((0...23).contains(hour) || hour == 24 && minute == 0) }

    /// "08:00".
    public var description: String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// Earlier first.
    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minuteOfDay < rhs.minuteOfDay }
}
