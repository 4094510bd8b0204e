/// The values a naming pattern's tokens stand for, for one asset.
///
/// The year is a parameter (the year the asset is named, or its purchase year: the caller decides), never read
/// from a clock.
public struct NamingContext: Hashable, Sendable {
    /// The entity code, for `{entity}`.
    public var entityCode: String?
    /// The site code, for `{site}`.
    public var siteCode: String?
    /// The asset type code (such as `PC`, `LT`, `SRV`), for `{type}`.
    public var typeCode: String?
    /// The year, for `{year}` (four digits) and `{yy}` (last two).
    public var year: Int?
    /// The serial number, for `{serial:N}`; normalised (trimmed, upper-cased) before use.
    public var serial: String?

    /// Creates a context; leave out the values the pattern does not use.
    public init(
        entityCode: String? = nil, siteCode: String? = nil, typeCode: String? = nil, year: Int? = nil,
        serial: String? = nil
    ) {
        self.entityCode = entityCode
        self.siteCode = siteCode
        self.typeCode = typeCode
        self.year = year
        self.serial = serial
    }
}
