/// One fiscal (calendar) year of a ``Depreciation`` schedule. Amounts are in cents.
public struct DepreciationYear: Hashable, Sendable {
    /// The calendar year.
    public let year: Int
    /// Net book value on January 1 (or on the start date in the first year).
    public let openingValue: Int
    /// The depreciation charged this year.
    public let annuity: Int
    /// Net book value on December 31.
    public let closingValue: Int
    /// The method that gave the annuity: `.linear` for a declining-balance year after the switch.
    public let method: DepreciationMethod

    /// Creates a schedule line.
    public init(year: Int, openingValue: Int, annuity: Int, closingValue: Int, method: DepreciationMethod) {
        self.year = year
        self.openingValue = openingValue
        self.annuity = annuity
        self.closingValue = closingValue
        self.method = method
    }
}
