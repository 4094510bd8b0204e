/// One condition of an asset list, read from a query parameter by ``AssetFilterParser``: `memory_bytes[lt]=8GB` is
/// field `memory_bytes`, operator `lt`, value 8 000 000 000 bytes. The filters of one request all hold (and).
///
/// Values are typed (``AssetFilterValue``); a list of several means any of them (`status=deployed,in_stock`:
/// operator `in`; `status[ne]=retired,disposed`: none of them; `name[like]=PC-*,LT-*`: either pattern).
public struct AssetFilter: Hashable, Sendable {
    /// The field, as the server declared it.
    public var field: String
    /// The comparison.
    public var op: AssetFilterOperator
    /// The values: one for `lt`, `le`, `gt`, `ge`, `before`, `after`, `null`; one or more for the others.
    public var values: [AssetFilterValue]

    /// A filter.
    public init(field: String, op: AssetFilterOperator, values: [AssetFilterValue]) {
        self.field = field
        self.op = op
        self.values = values
    }

    /// The query parameter that reads back into this filter (for next-page links and saved searches):
    /// `("memory_bytes[lt]", "8000000000")`, `("status", "deployed,in_stock")` for `in` of several values.
    public var parameter: (name: String, value: String) {
        let bare = op == .eq || (op == .in && values.count > 1)
        let name = bare ? field : field + "[" + op.rawValue + "]"
        return (name, values.map(\.description).joined(separator: ","))
    }

    /// `pattern`, a ``AssetFilterOperator/like`` wildcard pattern, as a SQL `LIKE` pattern with `\` as its escape
    /// (`LIKE ? ESCAPE '\'`): `*` becomes `%`, `?` becomes `_`, and the `%`, `_` and `\` the pattern holds are
    /// escaped so they match themselves. `PC-*_old` → `PC-%\_old`.
    public static func sqlLikePattern(_ pattern: String) -> String {
        var result = ""
        result.reserveCapacity(pattern.utf8.count + 4)
        for character in pattern {
            switch character {
            case "*": result.append("%")
            case "?": result.append("_")
            case "%", "_", "\\":
                result.append("\\")
                result.append(character)
            default: result.append(character)
            }
        }
        return result
    }
}
