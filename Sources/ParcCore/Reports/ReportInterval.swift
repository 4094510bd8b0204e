/// How a report cuts its period: one bucket per local day, per ISO week (Monday to Sunday) or per calendar month.
public enum ReportInterval: String, CaseIterable, Sendable, Codable {
    case day, week, month
}
