import Foundation

/// One slice of a report's period, `[start, end)` as instants, named the way people read it: `2026-12-01`,
/// `2026-W49` (ISO week), `2026-12`.
public struct ReportBucket: Hashable, Sendable {
    public let start: Date
    public let end: Date
    public let label: String

    public init(start: Date, end: Date, label: String) {
        self.start = start
        self.end = end
        self.label = label
    }
}
