/// Why a list's filter parameters were refused. Every message names the parameter (cut to 40 characters) and says
/// what it accepts.
public enum AssetFilterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No such field; `allowed` lists the fields the list has.
    case unknownField(String, allowed: [String])
    /// The name is not `field` or `field[operator]` (unbalanced brackets, nothing before `[`, too long).
    case malformedParameter(String)
    /// An operator that does not exist, or that the field does not take.
    case unsupportedOperator(parameter: String, operator: String, allowed: [AssetFilterOperator])
    /// No value, or an empty one between commas.
    case emptyValue(parameter: String)
    /// A value that does not read as the field's kind; `expected` says what does.
    case invalidValue(parameter: String, value: String, expected: String)
    /// More values than the operator takes (1), or than a list may hold.
    case tooManyValues(parameter: String, limit: Int)
    /// A value longer than ``AssetFilterParser/maximumValueLength`` characters.
    case valueTooLong(parameter: String, limit: Int)
    /// The same parameter twice.
    case repeatedParameter(String)
    /// More filters than ``AssetFilterParser/maximumFilterCount``.
    case tooManyFilters(limit: Int)

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .unknownField: "asset_filter_unknown_field"
        case .malformedParameter: "asset_filter_malformed_parameter"
        case .unsupportedOperator: "asset_filter_unsupported_operator"
        case .emptyValue: "asset_filter_empty_value"
        case .invalidValue: "asset_filter_invalid_value"
        case .tooManyValues: "asset_filter_too_many_values"
        case .valueTooLong: "asset_filter_value_too_long"
        case .repeatedParameter: "asset_filter_repeated_parameter"
        case .tooManyFilters: "asset_filter_too_many_filters"
        }
    }

    /// What was wrong and what to send instead.
    public var message: String {
        switch self {
        case .unknownField(let field, let allowed):
            "Cannot filter on '\(field.prefix(40))'. Filter on one of: \(allowed.joined(separator: ", "))."
        case .malformedParameter(let name):
            "Parameter '\(name.prefix(40))' is not a filter; write field=value or field[operator]=value, as in "
                + "memory_bytes[lt]=8GB."
        case .unsupportedOperator(let parameter, let op, let allowed):
            "Parameter '\(parameter.prefix(40))': the operator '\(op.prefix(20))' is not available here; use one of "
                + "\(allowed.map(\.rawValue).joined(separator: ", "))."
        case .emptyValue(let parameter):
            "Parameter '\(parameter.prefix(40))' has an empty value; give a value, or several separated by commas."
        case .invalidValue(let parameter, let value, let expected):
            "Parameter '\(parameter.prefix(40))': '\(value.prefix(40))' is not \(expected)."
        case .tooManyValues(let parameter, let limit):
            limit == 1
                ? "Parameter '\(parameter.prefix(40))' takes one value, not a list."
                : "Parameter '\(parameter.prefix(40))' lists more than \(limit) values."
        case .valueTooLong(let parameter, let limit):
            "Parameter '\(parameter.prefix(40))' is longer than \(limit) characters."
        case .repeatedParameter(let name):
            "Parameter '\(name.prefix(40))' is given more than once; give it once, with values separated by commas."
        case .tooManyFilters(let limit):
            "More than \(limit) filters; narrow the list with fewer conditions."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
