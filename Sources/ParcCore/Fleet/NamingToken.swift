/// One piece of a parsed ``NamingPattern``.
public enum NamingToken: Hashable, Sendable {
    /// Text copied as is.
    case literal(String)
    /// `{entity}`: the entity code.
    case entity
    /// `{site}`: the site code.
    case site
    /// `{type}`: the asset type code.
    case type
    /// `{year}`: the year on four digits.
    case year
    /// `{yy}`: the last two digits of the year.
    case shortYear
    /// `{seq:N}`: the sequence number, zero-padded to N digits.
    case sequence(width: Int)
    /// `{serial:N}`: the last N characters of the normalised serial (all of it when shorter).
    case serial(length: Int)
}
