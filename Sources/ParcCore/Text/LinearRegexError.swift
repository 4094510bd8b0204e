/// Why a pattern was refused: a stable code, the 0-based character position, and what was wrong.
public struct LinearRegexError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of refusal. Raw values are stable codes.
    public enum Code: String, Hashable, Sendable {
        case tooLong = "regex_too_long"
        case malformed = "regex_malformed"
        case unsupported = "regex_unsupported"
        case tooComplex = "regex_too_complex"
    }

    /// What kind of refusal.
    public let code: Code
    /// The character position (0-based) where the problem is.
    public let position: Int
    /// What was wrong and what to write instead.
    public let message: String

    init(_ code: Code, position: Int, _ problem: String) {
        self.code = code
        self.position = position
        message = "At character \(position + 1): \(problem)."
    }

    /// The ``message``.
    public var description: String { message }
}
