import ParcCore
import Vapor

/// Why a report request was refused: always a 400. The API answers the English message with a stable code; the
/// reports page shows it in the reader's language.
enum TicketReportInputError: Error, Sendable {
    case unknownReport(String)
    case period(ReportPeriodError)
    /// Any other parameter: the English message says which and what it takes.
    case parameter(String)

    var parcError: ParcError {
        switch self {
        case let .unknownReport(name):
            .badRequest("unknown_report", "Unknown report '\(name.prefix(40))'; use one of \(TicketReportKind.names).")
        case let .period(error): .badRequest("invalid_period", error.description)
        case let .parameter(message): .badRequest("invalid_query", message)
        }
    }

    func localized(_ req: Request) -> String {
        switch self {
        case .unknownReport: return req.t("reports.error.unknown_report")
        case let .period(error):
            switch error {
            case let .malformedDate(parameter, _): return req.t("reports.error.malformed_date", req.t("reports.\(parameter)"))
            case let .reversed(from, to): return req.t("reports.error.reversed", from, to)
            case let .tooLong(days, limit, interval):
                return req.t(interval == .day ? "reports.error.too_long_daily" : "reports.error.too_long", String(days),
                             String(limit))
            case .unknownTimeZone: return req.t("reports.error.time_zone")
            }
        case let .parameter(message): return req.t("reports.error.parameter", message)
        }
    }
}
