/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), with no time zone.
///
/// Shared by the cron search, SLA business time and fleet dates: they work on wall-clock days as plain integers,
/// where going through `Calendar` for every step would cost an allocation and a lock. Algorithms from Howard
/// Hinnant, "chrono-Compatible Low-Level Date Algorithms".
enum CivilCalendar {
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The longest a month can be in any year (February: 29).
    static func maximumDaysInMonth(_ month: Int) -> Int {
        month == 2 ? 29 : daysInMonth(month, year: 2001)
    }

    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func date(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Sunday … 6 = Saturday, as cron numbers weekdays.
    static func weekday(dayNumber: Int) -> Int {
        // 1970-01-01 was a Thursday (4).
        let remainder = (dayNumber + 4) % 7
        return remainder >= 0 ? remainder : remainder + 7
    }

    /// Splits seconds since 1970-01-01T00:00 (wall clock) into a day number and the second of that day, rounding
    /// towards the past so that times before 1970 land on the right day.
    static func split(localSeconds: Int) -> (dayNumber: Int, secondOfDay: Int) {
        let secondOfDay = ((localSeconds % 86_400) + 86_400) % 86_400
        return ((localSeconds - secondOfDay) / 86_400, secondOfDay)
    }
}
