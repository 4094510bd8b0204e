/// A naming plan such as `{entity}-{type}-{seq:4}`: parses the pattern, checks names against it and proposes names.
///
/// Tokens: `{entity}`, `{site}`, `{type}`, `{year}`, `{yy}`, `{seq:N}` (N from 1 to 9, at most one per pattern) and
/// `{serial:N}` (N from 1 to 64); everything else is literal text. Braces cannot appear literally. Names are compared
/// case-insensitively, as host names are.
public struct NamingPattern: Hashable, Sendable, CustomStringConvertible {
    /// The longest pattern accepted, in characters.
    public static let maximumLength = 255
    /// The widths `{seq:N}` accepts: up to 9 digits, so every sequence number fits an `Int` on any platform.
    public static let sequenceWidths = 1...9
    /// The lengths `{serial:N}` accepts.
    public static let serialLengths = 1...64

    /// The pattern as written.
    public let source: String
    /// The parsed pieces, in order; adjacent literal text is merged.
    public let tokens: [NamingToken]

    /// Parses `source`.
    ///
    /// - Throws: ``NamingPatternError`` for an empty or too long pattern, an unbalanced brace, an unknown token, a
    ///   width out of range, or a second `{seq:N}`.
    public init(_ source: String) throws(NamingPatternError) {
        guard !source.isEmpty else { throw .empty }
        let length = source.count
        guard length <= Self.maximumLength else { throw .tooLong(length: length) }
        var tokens: [NamingToken] = []
        var literal = ""
        var tokenText: String?
        var tokenStart = 0
        var hasSequence = false
        for (position, character) in source.enumerated() {
            if var text = tokenText {
                switch character {
                case "{": throw .unbalancedBrace(position: position)
                case "}":
                    let token = try Self.token(text, position: tokenStart)
                    if case .sequence = token {
                        if hasSequence { throw .duplicateSequence(position: tokenStart) }
                        hasSequence = true
                    }
                    if !literal.isEmpty {
                        tokens.append(.literal(literal))
                        literal = ""
                    }
                    tokens.append(token)
                    tokenText = nil
                default:
                    text.append(character)
                    tokenText = text
                }
            } else {
                switch character {
                case "{":
                    tokenText = ""
                    tokenStart = position
                case "}": throw .unbalancedBrace(position: position)
                default: literal.append(character)
                }
            }
        }
        if tokenText != nil { throw .unbalancedBrace(position: tokenStart) }
        if !literal.isEmpty { tokens.append(.literal(literal)) }
        self.source = source
        self.tokens = tokens
    }

    /// The pattern as written.
    public var description: String { source }

    /// The width of the `{seq:N}` token, or nil when the pattern has none.
    public var sequenceWidth: Int? {
        for token in tokens {
            if case .sequence(let width) = token { return width }
        }
        return nil
    }

    private static func token(_ text: String, position: Int) throws(NamingPatternError) -> NamingToken {
        switch text {
        case "entity": return .entity
        case "site": return .site
        case "type": return .type
        case "year": return .year
        case "yy": return .shortYear
        default: break
        }
        for (name, range) in [("seq", sequenceWidths), ("serial", serialLengths)] {
            guard text == name || text.hasPrefix(name + ":") else { continue }
            let digits = text.dropFirst(name.count + 1)
            guard digits.count <= 3, digits.allSatisfy(Self.isASCIIDigit), let width = Int(digits),
                range.contains(width)
            else { throw .widthOutOfRange(token: text, allowed: range, position: position) }
            return name == "seq" ? .sequence(width: width) : .serial(length: width)
        }
        throw .unknownToken(text, position: position)
    }

    /// Whether the character is one of 0–9 (not other scripts' digits, which host names cannot hold).
    static func isASCIIDigit(_ character: Character) -> Bool { character.isASCII && character.isWholeNumber }
}
