import Foundation

/// A business calendar as people write it and the database stores it: a zone name, ranges per weekday as text
/// (`"monday": ["08:00-12:00", "13:30-17:30"]`), and holidays as `YYYY-MM-DD` (one day) or `MM-DD` (every year).
public struct BusinessCalendarSpec: Hashable, Sendable, Codable {
    public var timeZone: String
    public var week: [String: [String]]
    public var holidays: [String]

    enum CodingKeys: String, CodingKey {
        case timeZone = "time_zone", week, holidays
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        week = try container.decode([String: [String]].self, forKey: .week)
        holidays = try container.decodeIfPresent([String].self, forKey: .holidays) ?? []
    }

    public init(timeZone: String, week: [String: [String]], holidays: [String] = []) {
        self.timeZone = timeZone
        self.week = week
        self.holidays = holidays
    }

    /// Monday to Friday, 08:00–12:00 and 13:30–17:30, in the zone.
    public static func office(timeZone: String) -> BusinessCalendarSpec {
        let day = ["08:00-12:00", "13:30-17:30"]
        return BusinessCalendarSpec(timeZone: timeZone, week: [
            "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day,
        ], holidays: ["01-01", "05-01", "12-25"])
    }

    public static let dayNames: [(String, BusinessWeekday)] = [
        ("monday", .monday), ("tuesday", .tuesday), ("wednesday", .wednesday), ("thursday", .thursday),
        ("friday", .friday), ("saturday", .saturday), ("sunday", .sunday),
    ]

    /// The validated calendar, or an error that names what to fix.
    public func calendar() throws(BusinessCalendarSpecError) -> BusinessCalendar {
        guard let zone = TimeZone(identifier: timeZone) else { throw .unknownTimeZone(timeZone) }
        var ranges: [BusinessWeekday: [WorkingRange]] = [:]
        for (name, texts) in week {
            guard let day = Self.dayNames.first(where: { $0.0 == name })?.1 else { throw .unknownDay(name) }
            ranges[day] = try texts.map { text throws(BusinessCalendarSpecError) in
                guard let range = Self.range(text) else { throw .unreadableRange(name, text) }
                return range
            }
        }
        let days = try holidays.map { text throws(BusinessCalendarSpecError) in
            guard let holiday = Self.holiday(text) else { throw .unreadableHoliday(text) }
            return holiday
        }
        do {
            return try BusinessCalendar(timeZone: zone, workingRanges: ranges, holidays: days)
        } catch {
            throw .invalid(error)
        }
    }

    static func range(_ text: String) -> WorkingRange? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = time(parts[0]), let end = time(parts[1]) else { return nil }
        return WorkingRange(from: start, to: end)
    }

    static func time(_ text: String) -> TimeOfDay? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        return TimeOfDay(hour, minute)
    }

    static func holiday(_ text: String) -> BusinessHoliday? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }) else { return nil }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count else { return nil }
        switch (parts.count, parts.first?.count) {
        case (3, 4): return .date(year: numbers[0], month: numbers[1], day: numbers[2])
        case (2, 2): return .yearly(month: numbers[0], day: numbers[1])
        default: return nil
        }
    }
}

/// Why a calendar was refused.
public enum BusinessCalendarSpecError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownTimeZone(String)
    case unknownDay(String)
    case unreadableRange(String, String)
    case unreadableHoliday(String)
    case invalid(BusinessCalendarError)

    public var description: String {
        switch self {
        case let .unknownTimeZone(zone): "unknown time zone \"\(zone)\"; use an IANA name such as Europe/Paris"
        case let .unknownDay(day): "unknown day \"\(day)\"; use monday … sunday"
        case let .unreadableRange(day, text): "\(day): \"\(text)\" is not a range; write it as 08:00-12:00"
        case let .unreadableHoliday(text): "holiday \"\(text)\" is not a date; write 2026-04-06 for one day or 05-01 for every year"
        case let .invalid(error): "\(error)"
        }
    }
}
