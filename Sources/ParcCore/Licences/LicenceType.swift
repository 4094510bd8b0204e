/// How a software licence is sold, which says what its seats count and what an assignment names.
///
/// | type           | seats count | an assignment names                  | seats        |
/// |----------------|-------------|--------------------------------------|--------------|
/// | per seat       | machines    | an asset, a user, or both            | required     |
/// | per device     | machines    | an asset (and optionally its user)   | required     |
/// | per user       | people      | a user (and optionally their asset)  | required     |
/// | site           | machines    | an asset, a user, or both            | optional cap |
/// | subscription   | machines    | an asset, a user, or both            | required     |
///
/// A site licence without a seat count covers every machine of its entity. The raw values are stable (API, database).
public enum LicenceType: String, CaseIterable, Hashable, Sendable, Codable {
    case perSeat = "per_seat"
    case perDevice = "per_device"
    case perUser = "per_user"
    case site = "site"
    case subscription = "subscription"

    /// What the seats count.
    public var unit: LicenceUnit { self == .perUser ? .user : .device }

    /// Whether the licence must say how many seats it holds (only a site licence may leave it open).
    public var requiresSeats: Bool { self != .site }

    /// Checks that an assignment names what this type of licence is assigned to.
    ///
    /// - Throws: ``LicenceRuleError/holderRequired(_:)`` when a per-device licence names no asset, a per-user licence
    ///   no user, or any licence neither.
    public func checkHolder(asset: Bool, user: Bool) throws(LicenceRuleError) {
        switch self {
        case .perDevice where !asset: throw .holderRequired(self)
        case .perUser where !user: throw .holderRequired(self)
        default: if !asset && !user { throw .holderRequired(self) }
        }
    }

    /// Whether an assignment naming these holders fits this type.
    public func accepts(asset: Bool, user: Bool) -> Bool {
        do {
            try checkHolder(asset: asset, user: user)
            return true
        } catch {
            return false
        }
    }
}
