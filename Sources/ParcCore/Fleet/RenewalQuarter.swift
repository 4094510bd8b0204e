import Foundation

/// The machines of one calendar quarter of a ``RenewalForecast``.
public struct RenewalQuarter: Hashable, Sendable {
    /// One machine due for renewal in the quarter.
    public struct Entry: Hashable, Sendable {
        /// The asset's identifier.
        public let assetID: String
        /// The day its first reason falls due.
        public let date: Date
        /// The reason falling due first within the forecast window.
        public let reason: RenewalReason
        /// Its cost in cents.
        public let cost: Int
    }

    /// The calendar year.
    public let year: Int
    /// The quarter, 1 to 4.
    public let quarter: Int
    /// The machines, by date then identifier.
    public let entries: [Entry]

    /// "2026-Q3".
    public var label: String { "\(year)-Q\(quarter)" }
    /// How many machines are due in the quarter.
    public var count: Int { entries.count }
    /// How many of them reach their age limit first.
    public var ageLimitCount: Int { entries.count { $0.reason == .ageLimit } }
    /// How many of them see their warranty end first.
    public var warrantyEndCount: Int { entries.count { $0.reason == .warrantyEnd } }
    /// Their summed cost in cents.
    public var totalCost: Int { entries.reduce(0) { $0 + $1.cost } }
}
