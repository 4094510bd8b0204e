/// Why a naming pattern cannot be parsed, or no name can be produced from it.
///
/// Positions are character offsets (0-based) into the pattern.
public enum NamingPatternError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The pattern is empty.
    case empty
    /// The pattern is longer than ``NamingPattern/maximumLength`` characters.
    case tooLong(length: Int)
    /// A `{` is never closed, or a `}` or `{` appears where it cannot.
    case unbalancedBrace(position: Int)
    /// The token between braces is not one of the known ones.
    case unknownToken(String, position: Int)
    /// A `{seq:N}` or `{serial:N}` width is missing, not a number, or outside its range.
    case widthOutOfRange(token: String, allowed: ClosedRange<Int>, position: Int)
    /// The pattern holds more than one `{seq:N}`.
    case duplicateSequence(position: Int)
    /// The context lacks a value a token needs (entity, site, type, year or serial).
    case missingContext(token: String)
    /// Every sequence number of the width is taken.
    case sequenceExhausted(width: Int)
    /// The pattern has no `{seq:N}` and the only name it gives is taken.
    case nameTaken(String)

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .empty: "naming_pattern_empty"
        case .tooLong: "naming_pattern_too_long"
        case .unbalancedBrace: "naming_pattern_unbalanced_brace"
        case .unknownToken: "naming_pattern_unknown_token"
        case .widthOutOfRange: "naming_pattern_width_out_of_range"
        case .duplicateSequence: "naming_pattern_duplicate_sequence"
        case .missingContext: "naming_pattern_missing_context"
        case .sequenceExhausted: "naming_pattern_sequence_exhausted"
        case .nameTaken: "naming_pattern_name_taken"
        }
    }

    /// What was wrong and what to do instead.
    public var message: String {
        switch self {
        case .empty:
            "The naming pattern is empty; write one such as {entity}-{type}-{seq:4}."
        case .tooLong(let length):
            "The naming pattern has \(length) characters; keep it to \(NamingPattern.maximumLength)."
        case .unbalancedBrace(let position):
            "Unbalanced brace at character \(position + 1); every { needs a matching } and braces cannot nest."
        case .unknownToken(let token, let position):
            "Unknown token {\(token)} at character \(position + 1); use {entity}, {site}, {type}, {year}, {yy}, "
                + "{seq:N} or {serial:N}."
        case .widthOutOfRange(let token, let allowed, let position):
            "{\(token)} at character \(position + 1) needs a width from \(allowed.lowerBound) to "
                + "\(allowed.upperBound), as in {seq:4}."
        case .duplicateSequence(let position):
            "A second {seq:N} at character \(position + 1); a pattern holds at most one sequence."
        case .missingContext(let token):
            "The pattern uses {\(token)} but the asset has no \(token) value; fill it in before naming the asset."
        case .sequenceExhausted(let width):
            "All \(width)-digit sequence numbers are taken; widen {seq:\(width)} in the naming pattern."
        case .nameTaken(let name):
            "The pattern gives only one name, \(name), and it is taken; add {seq:N} or {serial:N} to the pattern."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
