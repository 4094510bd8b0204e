/// One stretch of working time within a day, from `start` (included) to `end` (excluded), wall-clock.
public struct WorkingRange: Hashable, Sendable, Codable, CustomStringConvertible {
    /// When work starts.
    public let start: TimeOfDay
    /// When work stops; after `start`.
    public let end: TimeOfDay

    /// A working range such as 08:00–12:00; ``BusinessCalendar`` refuses it if `end` is not after `start`.
    public init(from start: TimeOfDay, to end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    /// Its nominal length in seconds (wall clock; a daylight-saving change on that day makes the real one differ).
    public var nominalSeconds: Int { (end.minuteOfDay - start.minuteOfDay) * 60 }

    /// "08:00–12:00".
    public var description: String { "\(start)–\(end)" }
}
