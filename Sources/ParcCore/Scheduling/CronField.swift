/// One of the five fields of a ``CronExpression``, in the order they are written.
public enum CronField: Int, Sendable, Hashable, CaseIterable {
    case minute = 1
    case hour
    case dayOfMonth
    case month
    case dayOfWeek

    /// The field's 1-based position in the expression, as error messages cite it.
    public var position: Int { rawValue }

    /// The field's name as crontab(5) writes it: `minute`, `hour`, `day-of-month`, `month`, `day-of-week`.
    public var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values the field accepts as written; in ``dayOfWeek`` both 0 and 7 mean Sunday.
    public var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Three-letter names the field accepts (upper case), each with its number.
    var names: [String: Int] {
        switch self {
        case .month:
            ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
             "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12]
        case .dayOfWeek:
            ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
        case .minute, .hour, .dayOfMonth:
            [:]
        }
    }

    /// "field 2 (hour)" — how messages name the field.
    var label: String { "field \(position) (\(name))" }

    /// What a user may write in the field, for messages.
    var accepted: String {
        switch self {
        case .month: "a number 1–12 or a name JAN–DEC"
        case .dayOfWeek: "a number 0–7 (0 and 7 are Sunday) or a name SUN–SAT"
        case .minute, .hour, .dayOfMonth: "a number \(range.lowerBound)–\(range.upperBound)"
        }
    }
}
