/// Where an asset stands in its life, from purchase order to disposal.
///
/// The cases are declared in lifecycle order and compare in that order (`ordered < inStock < … < disposed`), so
/// lists and dashboards can sort by status. The order says nothing about which moves are allowed: see
/// ``AssetLifecycle``.
public enum AssetStatus: String, CaseIterable, Comparable, Hashable, Sendable {
    /// Ordered from a supplier, not yet received.
    case ordered = "ordered"
    /// Received and stored, assigned to no one.
    case inStock = "in_stock"
    /// In service with a user or at a location.
    case deployed = "deployed"
    /// Out of service while being repaired.
    case inRepair = "in_repair"
    /// Lent to someone until a due date.
    case loaned = "loaned"
    /// Out of service for good, awaiting disposal.
    case retired = "retired"
    /// Resold, donated or recycled: no longer in the fleet. Final.
    case disposed = "disposed"

    /// The position of the status in the lifecycle, starting at 0 for ``ordered``.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// Whether the asset is still a working machine of the fleet: retired and disposed assets are not (no backup
    /// plan applies to them, for one).
    public var isInService: Bool { self != .retired && self != .disposed }

    /// Compares statuses by their position in the lifecycle.
    public static func < (lhs: AssetStatus, rhs: AssetStatus) -> Bool { lhs.rank < rhs.rank }
}
