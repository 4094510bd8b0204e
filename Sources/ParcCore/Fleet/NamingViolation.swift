/// Why a name breaks a naming plan. Comparison is case-insensitive throughout.
public enum NamingViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name is empty or blank.
    case empty
    /// The pattern needs a context value the asset lacks, so no name can conform.
    case missingContext(token: String)
    /// The name does not start with the fixed part before the sequence.
    case wrongPrefix(expected: String)
    /// The name does not end with the fixed part after the sequence.
    case wrongSuffix(expected: String)
    /// The part where the sequence goes is not exactly `width` ASCII digits.
    case badSequence(found: String, width: Int)
    /// The pattern has no sequence and the name differs from the only name it gives.
    case mismatch(expected: String)

    /// What is wrong with the name, for a report.
    public var message: String {
        switch self {
        case .empty: "The name is empty."
        case .missingContext(let token): "The asset has no \(token) value, which the naming pattern needs."
        case .wrongPrefix(let expected): "The name should start with \"\(expected)\"."
        case .wrongSuffix(let expected): "The name should end with \"\(expected)\"."
        case .badSequence(let found, let width):
            "\"\(found)\" should be a \(width)-digit sequence number, zero-padded."
        case .mismatch(let expected): "The name should be \"\(expected)\"."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
