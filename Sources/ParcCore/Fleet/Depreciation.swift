import Foundation

/// The depreciation plan of an asset: its yearly schedule and its net book value at any date.
///
/// Amounts are integer cents so that a schedule always adds up to the cost exactly. Fiscal years are calendar years
/// and dates are read in UTC (see docs/fleet-rules.md for worked examples).
///
/// - Linear: the annual charge is cost ÷ duration. The first year is prorated by days, from the purchase date
///   (included) to December 31, over the days of that year; a purchase after January 1 therefore spreads over
///   `duration + 1` calendar years, the last one taking what is left. Cumulated charges are rounded, not each
///   annuity, so rounding never drifts.
/// - Declining balance (French "dégressif"): rate = coefficient ÷ duration, coefficient 1.25 for 3–4 years, 1.75 for
///   5–6 years and 2.25 beyond. Each year charges rate × net book value; the first year is prorated by months,
///   counting the purchase month in full. When the linear charge on the remaining years (net book value ÷ years
///   left, the first year counting as a whole year) is higher, the plan switches to it for good. The plan lasts
///   exactly `duration` calendar years; the last one takes the remaining value.
public struct Depreciation: Hashable, Sendable {
    /// The method of the plan.
    public let method: DepreciationMethod
    /// The cost, excluding tax, in cents.
    public let cost: Int
    /// The purchase (commissioning) date.
    public let purchaseDate: Date
    /// The useful life in years.
    public let durationYears: Int
    /// The yearly schedule, in calendar order.
    public let schedule: [DepreciationYear]

    /// Builds the plan.
    ///
    /// - Throws: ``DepreciationError`` for a negative cost, a duration outside 1…100 years, or a declining-balance
    ///   plan shorter than 3 years.
    public init(method: DepreciationMethod, cost: Int, purchaseDate: Date, durationYears: Int)
        throws(DepreciationError)
    {
        guard cost >= 0 else { throw .negativeCost(cost) }
        guard (1...100).contains(durationYears) else { throw .durationOutOfRange(durationYears) }
        let start = FleetDay(purchaseDate)
        switch method {
        case .linear:
            schedule = Self.linearSchedule(cost: cost, start: start, duration: durationYears)
        case .decliningBalance:
            guard let coefficient = Self.decliningCoefficient(durationYears: durationYears) else {
                throw .decliningBalanceTooShort(durationYears)
            }
            schedule = Self.decliningSchedule(
                cost: cost, start: start, duration: durationYears, coefficient: coefficient)
        }
        self.method = method
        self.cost = cost
        self.purchaseDate = purchaseDate
        self.durationYears = durationYears
    }

    /// The French declining-balance coefficient for a useful life: 1.25 (3–4 years), 1.75 (5–6), 2.25 (over 6);
    /// nil under 3 years, where declining balance is not allowed.
    public static func decliningCoefficient(durationYears: Int) -> Double? {
        switch durationYears {
        case ..<3: nil
        case 3...4: 1.25
        case 5...6: 1.75
        default: 2.25
        }
    }

    /// The net book value, in cents, at the start of `date`'s day (UTC).
    ///
    /// Before the purchase date it is the cost; within a year the year's annuity accrues evenly over the days of
    /// the year's depreciation period (from the purchase date, or the first of the purchase month for declining
    /// balance, in the first year); after the plan it is 0.
    public func value(at date: Date) -> Int {
        let day = FleetDay(date)
        let purchase = FleetDay(purchaseDate)
        guard day > purchase, let first = schedule.first, let last = schedule.last else { return cost }
        if day.year > last.year { return 0 }
        guard let entry = schedule.first(where: { $0.year == day.year }) else { return cost }
        let periodStart: FleetDay =
            entry.year == first.year
            ? (method == .linear ? purchase : FleetDay(year: purchase.year, month: purchase.month, day: 1))
            : FleetDay(year: entry.year, month: 1, day: 1)
        let periodEnd = FleetDay(year: entry.year + 1, month: 1, day: 1).dayNumber
        let elapsed = Double(day.dayNumber - periodStart.dayNumber)
        let fraction = elapsed / Double(periodEnd - periodStart.dayNumber)
        return entry.openingValue - Int((Double(entry.annuity) * fraction).rounded(.toNearestOrAwayFromZero))
    }

    private static func linearSchedule(cost: Int, start: FleetDay, duration: Int) -> [DepreciationYear] {
        let daysLeft = FleetDay(year: start.year + 1, month: 1, day: 1).dayNumber - start.dayNumber
        let firstFraction = Double(daysLeft) / Double(FleetDay.daysInYear(start.year))
        let years = firstFraction >= 1 ? duration : duration + 1
        var result: [DepreciationYear] = []
        var charged = 0
        for index in 0..<years {
            let elapsedYears = min(Double(duration), firstFraction + Double(index))
            let cumulated =
                index == years - 1
                ? cost : Int((Double(cost) * elapsedYears / Double(duration)).rounded(.toNearestOrAwayFromZero))
            let annuity = cumulated - charged
            result.append(
                DepreciationYear(
                    year: start.year + index, openingValue: cost - charged, annuity: annuity,
                    closingValue: cost - cumulated, method: .linear))
            charged = cumulated
        }
        return result
    }

    private static func decliningSchedule(cost: Int, start: FleetDay, duration: Int, coefficient: Double)
        -> [DepreciationYear]
    {
        let rate = coefficient / Double(duration)
        let firstYearShare = Double(13 - start.month) / 12
        var result: [DepreciationYear] = []
        var bookValue = cost
        var switched = false
        for index in 0..<duration {
            let share = index == 0 ? firstYearShare : 1
            let yearsLeft = duration - index
            let declining = Double(bookValue) * rate * share
            let linear = Double(bookValue) / Double(yearsLeft) * share
            if !switched && linear > declining { switched = true }
            let annuity: Int =
                index == duration - 1
                ? bookValue : Int((switched ? linear : declining).rounded(.toNearestOrAwayFromZero))
            result.append(
                DepreciationYear(
                    year: start.year + index, openingValue: bookValue, annuity: annuity,
                    closingValue: bookValue - annuity, method: switched ? .linear : .decliningBalance))
            bookValue -= annuity
        }
        return result
    }
}
