import Foundation

/// A standard five-field cron schedule: `minute hour day-of-month month day-of-week`.
///
/// ## Syntax
///
/// Each field is `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from `a` to the end of the field), or
/// a comma-separated list of those. Months may be written `JAN`–`DEC` and weekdays `SUN`–`SAT`, in any case; in the
/// day-of-week field both 0 and 7 are Sunday. The macros `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily`
/// (`@midnight`) and `@hourly` stand for their usual five fields. `@reboot` is rejected: "at start-up" has no next
/// date. Anything else — more or fewer fields, seconds, Quartz's `?`, `L` or `#`, non-ASCII text, more than
/// ``maximumLength`` bytes or ``maximumListItems`` list items — fails with a ``CronExpressionError`` that says what
/// to write instead.
///
/// Days follow Vixie cron: when both day fields are restricted (neither starts with `*`), a day matches if EITHER
/// matches, so `0 0 13 * FRI` runs on every 13th and on every Friday. When one starts with `*` (including a step such
/// as `*/2`), both must match.
///
/// A schedule that can never run because its days do not exist in its months (`0 0 30 2 *`, `0 0 31 4,6 *`) is
/// rejected when parsed (``CronExpressionError/neverFires(dayOfMonth:month:)``) rather than found empty later. Every
/// expression that parses runs at least once every 40 years (the worst case is February 29 on one weekday, such as
/// `0 0 29 2 */7`), which ``nextDate(after:in:)``'s search horizon covers.
///
/// ## Time zones and daylight saving
///
/// Fields are matched against the wall clock of the zone passed to ``nextDate(after:in:)``. Where that wall clock
/// jumps, the hour field decides what happens:
///
/// - **Every-hour jobs** — the hour field matches all 24 hours (`*`, `*/1`, `0-23`, and so `@hourly`) — follow
///   elapsed time: they run once in every real hour (or minute, or quarter…) across a change. A wall-clock time that
///   does not exist is skipped, because the hours on both sides of the gap already cover that stretch of real time;
///   a wall-clock time that happens twice runs at both occurrences. In Paris, `0 * * * *` runs at 01:00 CET then
///   03:00 CEST on 2026-03-29 (23 runs that day), and at 02:00 CEST then 02:00 CET on 2026-10-25 (25 runs).
/// - **Wall-clock jobs** — any other hour field: a fixed hour, a list, a range, or a step such as `*/2`, and the
///   other macros — run once per wall-clock slot. A time that does not exist that day (it is in the spring-forward
///   gap) runs once, at the first instant after the gap; several such times, and a matching time right at the end
///   of the gap, all collapse into that single run. A time that happens twice (the fall-back overlap) runs only at
///   its first occurrence. In Paris, `30 2 * * *` runs at 03:00 CEST on 2026-03-29 and at 02:30 CEST (not again at
///   02:30 CET) on 2026-10-25; `0 */2 * * *` still runs twelve times each of those days (03:00 stands in for 02:00).
///
/// This follows Vixie cron, which tells the two kinds apart by whether the minute or the hour field starts with `*`.
/// Here only the hour field decides, by what it matches: `*/5 2 * * *` is a wall-clock job, so on the
/// spring-forward day it runs once at 03:00 instead of not at all, and `0 0-23 * * *` behaves like `0 * * * *`. In
/// zones that shift by 30 minutes (Australia/Lord_Howe) the same rules apply to the half hour skipped or repeated.
///
/// Two expressions are equal when they are written the same way, ignoring the amount of whitespace between
/// fields; `@daily` and `0 0 * * *` are different values with the same schedule. Encodes as its string.
public struct CronExpression: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The longest expression accepted, in UTF-8 bytes; real schedules are far shorter.
    public static let maximumLength = 256
    /// The most comma-separated items one field may hold (the minute field has 60 values).
    public static let maximumListItems = 60

    /// The expression as written, trimmed, with fields separated by single spaces.
    public let source: String

    let minutes: CronValueSet
    let hours: CronValueSet
    let daysOfMonth: CronValueSet
    let months: CronValueSet
    /// 0 = Sunday … 6 = Saturday; a written 7 is stored as 0.
    let daysOfWeek: CronValueSet
    /// Vixie's rule: true when neither day field starts with `*`, so a day matches if either field matches.
    let daysMatchEitherField: Bool

    /// Parses `string`, or throws a ``CronExpressionError`` that says what is wrong and what to write instead.
    public init(_ string: String) throws(CronExpressionError) {
        self = try Self.parse(string)
    }

    init(
        source: String,
        minutes: CronValueSet,
        hours: CronValueSet,
        daysOfMonth: CronValueSet,
        months: CronValueSet,
        daysOfWeek: CronValueSet,
        daysMatchEitherField: Bool
    ) {
        self.source = source
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.daysMatchEitherField = daysMatchEitherField
    }

    public var description: String { source }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.source == rhs.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            try self.init(string)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: container.codingPath,
                    debugDescription: error.description,
                    underlyingError: error
                )
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(source)
    }

    /// Whether the wall-clock minute of `date` in `timeZone` matches every field (seconds are ignored).
    ///
    /// This is the plain field test; it does not apply the daylight-saving rules, so a run moved to the end of a
    /// spring-forward gap does not "match". Use ``nextDate(after:in:)`` to find when a job runs.
    public func matches(_ date: Date, in timeZone: TimeZone) -> Bool {
        let instant = date.timeIntervalSince1970
        guard instant.isFinite, abs(instant) < 1e15 else { return false }
        let local = Int((instant + Double(timeZone.secondsFromGMT(for: date))).rounded(.down))
        let (dayNumber, secondOfDay) = CivilCalendar.split(localSeconds: local)
        let (_, month, day) = CivilCalendar.date(dayNumber: dayNumber)
        return minutes.contains(secondOfDay % 3600 / 60)
            && hours.contains(secondOfDay / 3600)
            && months.contains(month)
            && dayMatches(day: day, dayNumber: dayNumber)
    }

    func dayMatches(day: Int, dayNumber: Int) -> Bool {
        let dayOfMonthMatches = daysOfMonth.contains(day)
        let dayOfWeekMatches = daysOfWeek.contains(CivilCalendar.weekday(dayNumber: dayNumber))
        return daysMatchEitherField
            ? dayOfMonthMatches || dayOfWeekMatches
            : dayOfMonthMatches && dayOfWeekMatches
    }
}
