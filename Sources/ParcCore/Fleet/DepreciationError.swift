/// Why a ``Depreciation`` plan cannot be built.
public enum DepreciationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The cost is negative.
    case negativeCost(Int)
    /// The duration is outside 1…100 years.
    case durationOutOfRange(Int)
    /// Declining balance needs a useful life of at least 3 years (French tax rule).
    case decliningBalanceTooShort(Int)

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .negativeCost: "depreciation_negative_cost"
        case .durationOutOfRange: "depreciation_duration_out_of_range"
        case .decliningBalanceTooShort: "depreciation_declining_too_short"
        }
    }

    /// What was wrong and what to do instead.
    public var message: String {
        switch self {
        case .negativeCost(let cents):
            "The cost (\(cents) cents) is negative; enter the purchase cost excluding tax, zero or more."
        case .durationOutOfRange(let years):
            "A useful life of \(years) years is not supported; enter between 1 and 100 years."
        case .decliningBalanceTooShort(let years):
            "Declining balance needs a useful life of at least 3 years, not \(years); use linear depreciation."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
