/// How an asset filter compares a field with its values; written after the field name in brackets
/// (`memory_bytes[lt]=8GB`), `eq` when there are none. Raw values are the URL spelling and are stable.
public enum AssetFilterOperator: String, CaseIterable, Hashable, Sendable, Codable {
    /// Equal to the value, or to any of them (`status=deployed,in_stock` reads as `in`).
    case eq = "eq"
    /// Equal to none of the values.
    case ne = "ne"
    /// Less than the value.
    case lt = "lt"
    /// Less than or equal to the value.
    case le = "le"
    /// Greater than the value.
    case gt = "gt"
    /// Greater than or equal to the value.
    case ge = "ge"
    /// Matches one of the wildcard patterns (`*` any run, `?` one character), ignoring case (`name[like]=PC-*`).
    case like = "like"
    /// Equal to one of the values.
    case `in` = "in"
    /// Before the instant (`last_inventory_at[before]=30d`: not seen for 30 days).
    case before = "before"
    /// After the instant.
    case after = "after"
    /// Unknown (`[null]=true`) or known (`[null]=false`).
    case isNull = "null"

    /// Whether the operator takes exactly one value.
    var takesOneValue: Bool {
        switch self {
        case .lt, .le, .gt, .ge, .before, .after, .isNull: true
        case .eq, .ne, .like, .in: false
        }
    }
}
