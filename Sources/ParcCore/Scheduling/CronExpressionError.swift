/// Why a string is not a schedulable ``CronExpression``.
///
/// Each case is one problem and keeps its name across releases, so callers and tests can match on it; the
/// ``description`` says what is wrong and what to write instead, in words a technician can act on.
public enum CronExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing but whitespace.
    case empty
    /// Longer than ``CronExpression/maximumLength`` bytes; `length` is the UTF-8 byte count.
    case tooLong(length: Int, maximum: Int)
    /// A character outside ASCII at a 1-based `position` (counted in Unicode scalars).
    case nonASCIICharacter(Unicode.Scalar, position: Int)
    /// An ASCII character that cron syntax never uses (control characters, `?`, `#`, …).
    case invalidCharacter(Unicode.Scalar, position: Int)
    /// `@reboot`: it means "at start-up", which has no next date.
    case rebootNotSchedulable
    /// An `@` word that is not one of the supported macros.
    case unknownMacro(String)
    /// A macro followed by more text, such as `@daily 5`.
    case macroWithFields(String)
    /// Not exactly five fields.
    case wrongFieldCount(Int)
    /// A list with an empty item: `1,,2`, `,5` or `5,`.
    case emptyListItem(CronField)
    /// A list longer than ``CronExpression/maximumListItems``.
    case tooManyListItems(CronField, count: Int, maximum: Int)
    /// Neither a number nor a name the field accepts.
    case invalidValue(CronField, String)
    /// A number outside the field's range.
    case valueOutOfRange(CronField, String)
    /// A range without exactly two ends: `1-`, `-5`, `1-2-3`.
    case malformedRange(CronField, String)
    /// A range whose first value is greater than its second, such as `22-2`.
    case reversedRange(CronField, String)
    /// A step that is missing or not a number: `*/`, `*/x`, `1/2/3`.
    case invalidStep(CronField, String)
    /// `*/0` and friends.
    case zeroStep(CronField)
    /// A step larger than the field's span, which could only ever match its first value.
    case stepOutOfRange(CronField, String)
    /// The day-of-month field names no day that the month field's months have (`0 0 30 2 *`), and the
    /// day-of-week field is `*`, so the schedule would never run.
    case neverFires(dayOfMonth: String, month: String)

    public var description: String {
        switch self {
        case .empty:
            return "the cron expression is empty; write five fields (minute hour day-of-month month day-of-week), "
                + "e.g. \"0 3 * * *\" for 03:00 every day, or a macro such as \"@daily\""
        case .tooLong(let length, let maximum):
            return "the cron expression is \(length) bytes long, over the \(maximum) allowed; a schedule fits in "
                + "five short fields, e.g. \"*/15 8-18 * * MON-FRI\""
        case .nonASCIICharacter(let scalar, let position):
            return "character \(position) (\(Self.codePoint(scalar))) is not ASCII; write the fields with digits, "
                + "the names JAN–DEC and SUN–SAT, and * , - /"
        case .invalidCharacter(let scalar, let position):
            let hint = scalar == "?" ? " (for \"any day\", write *)" : ""
            return "character \(position) (\(Self.shown(scalar))) is not allowed in a cron expression\(hint); "
                + "write the fields with digits, the names JAN–DEC and SUN–SAT, and * , - /"
        case .rebootNotSchedulable:
            return "@reboot means \"when the machine starts\", which is not a schedule and has no next date; write a "
                + "time-based expression such as \"@daily\" or \"0 3 * * *\""
        case .unknownMacro(let macro):
            return "\"\(macro)\" is not a known macro; write one of @yearly, @annually, @monthly, @weekly, @daily, "
                + "@midnight, @hourly, or five fields"
        case .macroWithFields(let macro):
            return "\"\(macro)\" stands alone; remove what follows it, or write five fields instead"
        case .wrongFieldCount(let count):
            let hint = count > 5
                ? "; Parc's cron has no seconds or year field"
                : ", e.g. \"0 3 * * *\" for 03:00 every day"
            return "expected 5 fields (minute hour day-of-month month day-of-week) but found \(count)\(hint)"
        case .emptyListItem(let field):
            return "\(field.label): a list has an empty item; separate values with single commas, e.g. \"1,15,30\""
        case .tooManyListItems(let field, let count, let maximum):
            return "\(field.label): \(count) list items, over the \(maximum) allowed; use a range or a step instead, "
                + "e.g. \"0-30\" or \"*/5\""
        case .invalidValue(let field, let text):
            return "\(field.label): \"\(text)\" is not a valid value; write \(field.accepted)"
        case .valueOutOfRange(let field, let text):
            return "\(field.label): \(text) is out of range \(field.range.lowerBound)–\(field.range.upperBound)"
        case .malformedRange(let field, let text):
            return "\(field.label): \"\(text)\" is not a range; write both ends separated by one dash, e.g. "
                + "\"\(field.range.lowerBound)-\(field.range.lowerBound + 4)\""
        case .reversedRange(let field, let text):
            return "\(field.label): range \"\(text)\" runs backwards and cron ranges do not wrap around; write the "
                + "smaller value first, or a list of two ranges such as \"\(Self.wrapAroundList(text, field))\""
        case .invalidStep(let field, let text):
            return "\(field.label): \"\(text)\" has no valid step; write one whole number after a single /, "
                + "e.g. \"*/5\""
        case .zeroStep(let field):
            return "\(field.label): a step of 0 never advances; write a step of at least 1, e.g. \"*/5\""
        case .stepOutOfRange(let field, let text):
            let span = field.range.upperBound - field.range.lowerBound
            return "\(field.label): step \(text) is out of range 1–\(span)"
        case .neverFires(let dayOfMonth, let month):
            return "day-of-month \"\(dayOfMonth)\" names no day that month \"\(month)\" has, so this schedule would "
                + "never run; choose days the months have (February has at most 29; April, June, September and "
                + "November 30)"
        }
    }

    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Printable ASCII as itself, anything else (control characters) as its code point.
    private static func shown(_ scalar: Unicode.Scalar) -> String {
        (0x21...0x7E).contains(scalar.value) ? String(scalar) : codePoint(scalar)
    }

    /// `22-2` in the hour field becomes `22-23,0-2`: the wrap-around the user most likely meant.
    private static func wrapAroundList(_ range: String, _ field: CronField) -> String {
        let ends = range.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2 else { return range }
        let usesNames = ends.allSatisfy { $0.allSatisfy(\.isLetter) }
        let (first, last): (String, String) =
            switch (field, usesNames) {
            case (.month, true): ("JAN", "DEC")
            case (.dayOfWeek, true): ("SUN", "SAT")
            case (.dayOfWeek, false): ("0", "6")
            default: (String(field.range.lowerBound), String(field.range.upperBound))
            }
        return "\(ends[0])-\(last),\(first)-\(ends[1])"
    }
}
