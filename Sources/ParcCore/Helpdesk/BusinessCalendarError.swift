/// Why a business calendar was refused.
public enum BusinessCalendarError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A time outside 00:00–24:00.
    case invalidTime(BusinessWeekday, TimeOfDay)
    /// A range whose end is not after its start.
    case reversedRange(BusinessWeekday, WorkingRange)
    /// Two ranges of the same day share some time.
    case overlappingRanges(BusinessWeekday, WorkingRange, WorkingRange)
    /// A holiday on a date that does not exist.
    case invalidHoliday(BusinessHoliday)
    /// No working time on any day: no deadline could ever be reached.
    case noWorkingTime

    /// What was wrong and what to do.
    public var description: String {
        switch self {
        case .invalidTime(let day, let time):
            "\(day): \(time) is not a time of day; use 00:00 to 24:00"
        case .reversedRange(let day, let range):
            "\(day): the range \(range) ends before it starts or is empty; give a start earlier than the end"
        case .overlappingRanges(let day, let first, let second):
            "\(day): the ranges \(first) and \(second) overlap; merge them or make them follow each other"
        case .invalidHoliday(let holiday):
            "the holiday \(holiday) is not a real date; check the month and day"
        case .noWorkingTime:
            "the calendar has no working time on any day; give at least one working range"
        }
    }
}
