/// Why a wildcard pattern was refused.
public enum GlobPatternError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The pattern is empty.
    case empty
    /// The pattern is longer than ``GlobPattern/maximumLength`` characters.
    case tooLong(length: Int)

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .empty: "glob_pattern_empty"
        case .tooLong: "glob_pattern_too_long"
        }
    }

    /// What was wrong and what to do instead.
    public var message: String {
        switch self {
        case .empty:
            "The wildcard pattern is empty; write one such as pc-lyon-* (* for any characters, ? for one)."
        case .tooLong(let length):
            "The wildcard pattern has \(length) characters; keep it to \(GlobPattern.maximumLength)."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
