/// Why a report period was refused; the description says what was wrong and what to send instead.
public enum ReportPeriodError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformedDate(parameter: String, value: String)
    case reversed(from: String, to: String)
    case tooLong(days: Int, limit: Int, interval: ReportInterval?)
    case unknownTimeZone(String)

    public var description: String {
        switch self {
        case let .malformedDate(parameter, value):
            let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
            return "Parameter '\(parameter)' must be a date written YYYY-MM-DD (got '\(shown)')."
        case let .reversed(from, to):
            return "The period starts (\(from)) after it ends (\(to)); swap 'from' and 'to'."
        case let .tooLong(days, limit, interval):
            let unit = interval.map { " by \($0.rawValue)" } ?? ""
            return "The period covers \(days) days; reports\(unit) cover at most \(limit) days. Choose a shorter period"
                + (interval == .day ? " or report by week." : ".")
        case let .unknownTimeZone(name):
            let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
            return "Unknown time zone '\(shown)'; use an IANA name such as Europe/Paris or UTC."
        }
    }
}
