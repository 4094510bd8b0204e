import Foundation

/// The machines reaching their age limit or the end of their warranty in the next months, by calendar quarter.
///
/// The window runs from `start` (included) for `months` months (excluded), by UTC calendar days. A machine appears
/// once, in the quarter of whichever of its two dates comes first within the window; dates before the window are
/// ignored (the machine is already overdue, which other reports show). Every quarter the window touches is listed,
/// empty ones included, so a chart has no holes.
public struct RenewalForecast: Hashable, Sendable {
    /// The longest forecast, in months (100 years); longer requests are clamped to it.
    public static let maximumMonths = 1200

    /// The first day of the window.
    public let start: Date
    /// The window's length in months, after clamping to 0…``maximumMonths``.
    public let months: Int
    /// The quarters the window touches, in order.
    public let quarters: [RenewalQuarter]

    /// Builds the forecast for `assets` over `months` months from `start`.
    public init(assets: [RenewalAsset], start: Date, months: Int) {
        let months = min(max(months, 0), Self.maximumMonths)
        self.start = start
        self.months = months
        guard months > 0 else {
            quarters = []
            return
        }
        let first = FleetDay(start)
        let end = first.addingMonths(months)
        var byQuarter: [Int: [RenewalQuarter.Entry]] = [:]
        for asset in assets {
            let candidates: [(FleetDay, RenewalReason)] = [
                asset.ageLimitDate.map { (FleetDay($0), .ageLimit) },
                asset.warrantyEnd.map { (FleetDay($0), .warrantyEnd) },
            ].compactMap { $0 }
            guard let (day, reason) = candidates.filter({ $0.0 >= first && $0.0 < end }).min(by: { $0.0 < $1.0 })
            else { continue }
            let entry = RenewalQuarter.Entry(assetID: asset.id, date: day.date, reason: reason, cost: asset.cost)
            byQuarter[Self.quarterIndex(day), default: []].append(entry)
        }
        let last = FleetDay(end.date.addingTimeInterval(-86_400))
        quarters = (Self.quarterIndex(first)...Self.quarterIndex(last)).map { index in
            let entries = (byQuarter[index] ?? []).sorted { ($0.date, $0.assetID) < ($1.date, $1.assetID) }
            return RenewalQuarter(year: index / 4, quarter: index % 4 + 1, entries: entries)
        }
    }

    /// Quarters counted from year 0, so consecutive quarters have consecutive indices.
    private static func quarterIndex(_ day: FleetDay) -> Int { day.year * 4 + (day.month - 1) / 3 }

    /// The number of machines in the whole window.
    public var totalCount: Int { quarters.reduce(0) { $0 + $1.count } }
    /// Their summed cost in cents.
    public var totalCost: Int { quarters.reduce(0) { $0 + $1.totalCost } }
}
