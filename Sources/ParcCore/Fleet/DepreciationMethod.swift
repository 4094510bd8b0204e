/// How an asset's cost is spread over its useful life.
public enum DepreciationMethod: String, Hashable, Sendable, CaseIterable {
    /// Equal annuities; first year prorated by days.
    case linear = "linear"
    /// French "amortissement dégressif": a fixed rate on the net book value, switching to linear when that gives
    /// more; first year prorated by months.
    case decliningBalance = "declining_balance"
}
