/// A day of the week, numbered as ISO 8601 does (Monday 1 … Sunday 7).
public enum BusinessWeekday: Int, CaseIterable, Hashable, Comparable, Sendable, Codable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// Monday first.
    public static func < (lhs: BusinessWeekday, rhs: BusinessWeekday) -> Bool { lhs.rawValue < rhs.rawValue }
}
