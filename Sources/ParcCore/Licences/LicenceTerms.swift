import Foundation

/// What the licence rules need to know of one licence: where it is held, which program it covers, how it counts, how
/// many seats it holds and until when.
public struct LicenceTerms: Hashable, Sendable {
    public let id: UUID
    /// The entity that holds the licence; it covers that entity and its sub-entities.
    public let entityID: UUID
    /// The catalogue program the licence covers; nil when it names none (its installations cannot be counted).
    public let softwareID: UUID?
    public let type: LicenceType
    /// nil: no limit (a site licence without a cap).
    public let seats: Int?
    /// The last day the licence is valid; nil when it does not expire.
    public let expiresOn: InventoryDate?

    public init(id: UUID, entityID: UUID, softwareID: UUID?, type: LicenceType, seats: Int?, expiresOn: InventoryDate?) {
        self.id = id
        self.entityID = entityID
        self.softwareID = softwareID
        self.type = type
        self.seats = seats
        self.expiresOn = expiresOn
    }

    /// Whether the licence is past its last valid day.
    public func isExpired(on today: InventoryDate) -> Bool { expiresOn.map { $0 < today } ?? false }

    /// Days from `today` to the last valid day: 0 on that day, negative once expired, nil when it does not expire.
    public func daysToExpiry(from today: InventoryDate) -> Int? { expiresOn.map { $0.dayNumber - today.dayNumber } }

    /// Whether the licence is still valid but its last day falls within `days` days of `today`.
    public func expires(within days: Int, from today: InventoryDate) -> Bool {
        guard let left = daysToExpiry(from: today) else { return false }
        return left >= 0 && left <= days
    }

    /// Licences with the same key share their seats: same program, same entity, same unit.
    struct PoolKey: Hashable {
        let softwareID: UUID
        let entityID: UUID
        let unit: LicenceUnit
    }

    var poolKey: PoolKey? { softwareID.map { PoolKey(softwareID: $0, entityID: entityID, unit: type.unit) } }

    /// Checks the terms of a licence as given: seat count for its type, expiry not before purchase, cost.
    ///
    /// Returns every problem found, so that a form can show them all at once.
    public static func problems(type: LicenceType, seats: Int?, purchasedOn: InventoryDate?, expiresOn: InventoryDate?,
                                cost: Double?) -> [LicenceRuleError] {
        var problems: [LicenceRuleError] = []
        do { try LicenceSeats.validate(seats, type: type) } catch { problems.append(error) }
        if let purchasedOn, let expiresOn, expiresOn < purchasedOn { problems.append(.expiryBeforePurchase) }
        if let cost, !(cost >= 0 && cost <= 1e12) { problems.append(.costOutOfRange) }
        return problems
    }
}
