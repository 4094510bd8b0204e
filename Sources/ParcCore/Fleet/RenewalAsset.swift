import Foundation

/// What the renewal forecast needs to know about one machine.
public struct RenewalAsset: Hashable, Sendable {
    /// The asset's identifier, echoed in the forecast.
    public let id: String
    /// The purchase date; the age limit counts from it.
    public let purchaseDate: Date
    /// The last day of the warranty, if known.
    public let warrantyEnd: Date?
    /// The cost in cents, taken as the replacement cost.
    public let cost: Int
    /// The age in years at which the machine is replaced; 0 or less for no age limit.
    public let ageLimitYears: Int

    /// Creates a forecast input.
    public init(id: String, purchaseDate: Date, warrantyEnd: Date?, cost: Int, ageLimitYears: Int) {
        self.id = id
        self.purchaseDate = purchaseDate
        self.warrantyEnd = warrantyEnd
        self.cost = cost
        self.ageLimitYears = ageLimitYears
    }

    /// The day the machine reaches its age limit: the purchase day `ageLimitYears` later (February 29 → 28).
    public var ageLimitDate: Date? {
        ageLimitYears > 0 ? FleetDay(purchaseDate).addingYears(ageLimitYears).date : nil
    }
}
