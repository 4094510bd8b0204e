import Foundation
import Testing

@testable import ParcCore

/// Shared fixtures of the helpdesk tests; the same calendar as in docs/helpdesk-sla.md.
enum HelpdeskFixtures {
    static let paris = TimeZone(identifier: "Europe/Paris")!

    /// Europe/Paris, Monday to Friday 08:00–12:00 and 13:30–17:30; 1 May and 25 December every year, Easter Monday
    /// 2026-04-06.
    static let office: BusinessCalendar = {
        let day = [
            WorkingRange(from: TimeOfDay(8), to: TimeOfDay(12)),
            WorkingRange(from: TimeOfDay(13, 30), to: TimeOfDay(17, 30)),
        ]
        let weekdays: [BusinessWeekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
        return try! BusinessCalendar(
            timeZone: paris,
            workingRanges: Dictionary(uniqueKeysWithValues: weekdays.map { ($0, day) }),
            holidays: [.yearly(month: 5, day: 1), .yearly(month: 12, day: 25), .date(year: 2026, month: 4, day: 6)]
        )
    }()

    /// Europe/Paris, every day 00:00–24:00: business time is elapsed time.
    static let allDay: BusinessCalendar = try! BusinessCalendar(
        timeZone: paris,
        workingRanges: Dictionary(
            uniqueKeysWithValues: BusinessWeekday.allCases.map {
                ($0, [WorkingRange(from: TimeOfDay(0), to: TimeOfDay(24))])
            }
        )
    )

    static let officeCalculator = SLADeadlineCalculator(calendar: office)
    static let allDayCalculator = SLADeadlineCalculator(calendar: allDay)
}

/// "2026-03-29T03:00:00+02:00" → the instant it names.
func helpdeskInstant(_ text: String) throws -> Date {
    try #require(ISO8601DateFormatter().date(from: text), "not an ISO 8601 instant: \(text)")
}

/// The instant as a Paris wall-clock time with its offset: "2026-03-29T03:00:00+02:00".
func paris(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = HelpdeskFixtures.paris
    return formatter.string(from: date)
}
