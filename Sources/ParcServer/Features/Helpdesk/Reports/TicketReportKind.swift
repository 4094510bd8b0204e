import ParcCore

/// The helpdesk reports (docs/helpdesk-reports.md), by the name the API and the pages use.
enum TicketReportKind: String, CaseIterable, Sendable {
    case backlog
    case createdSolved = "created-solved"
    case timeToResolve = "time-to-resolve"
    case slaCompliance = "sla-compliance"
    case timeSpent = "time-spent"

    /// How the report cuts its period by default; nil for reports that do not cut it.
    var defaultInterval: ReportInterval? {
        switch self {
        case .backlog, .createdSolved: .week
        case .slaCompliance: .month
        case .timeToResolve, .timeSpent: nil
        }
    }

    /// The period shown when none is asked: twelve weeks, or six months for monthly compliance.
    var defaultDays: Int { self == .slaCompliance ? 183 : 84 }

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
