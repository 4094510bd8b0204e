/// A bracket expression or class escape of a ``LinearRegex``: ranges of scalars and the `\d`, `\w`, `\s` classes,
/// possibly negated.
struct LinearRegexCharacterClass: Sendable, Equatable {
    enum Item: Sendable, Equatable {
        case range(UInt32, UInt32)
        case digit(negated: Bool)
        case word(negated: Bool)
        case space(negated: Bool)
    }

    var items: [Item]
    var negated: Bool

    /// Whether `scalar` is in the class. When case is ignored the text is lower-case, so the scalar's upper-case
    /// form is tried too (`[A-Z]` matches `a`).
    func contains(_ scalar: Unicode.Scalar, caseInsensitive: Bool) -> Bool {
        var found = holds(scalar)
        if !found, caseInsensitive, let upper = Self.uppercase(scalar) { found = holds(upper) }
        return found != negated
    }

    private func holds(_ scalar: Unicode.Scalar) -> Bool {
        for item in items {
            switch item {
            case .range(let low, let high): if scalar.value >= low && scalar.value <= high { return true }
            case .digit(let negated): if Self.isDigit(scalar) != negated { return true }
            case .word(let negated): if Self.isWord(scalar) != negated { return true }
            case .space(let negated): if scalar.properties.isWhitespace != negated { return true }
            }
        }
        return false
    }

    /// `\d`: a decimal digit of any script.
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 48 && scalar.value <= 57 }
        return scalar.properties.numericType == .decimal
    }

    /// `\w`: a letter, mark or decimal digit of any script, or `_`.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 48 && value <= 57) || (value >= 65 && value <= 90) || (value >= 97 && value <= 122)
                || value == 95
        }
        let properties = scalar.properties
        if properties.isAlphabetic || properties.numericType == .decimal { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
        default: return false
        }
    }

    /// The scalar's lower-case form when it is one scalar, else the scalar.
    static func lowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            return scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar
        }
        let mapped = scalar.properties.lowercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first! : scalar
    }

    /// The scalar's upper-case form when it differs and is one scalar.
    static func uppercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        if scalar.isASCII {
            return scalar.value >= 97 && scalar.value <= 122 ? Unicode.Scalar(scalar.value - 32)! : nil
        }
        let mapped = scalar.properties.uppercaseMapping.unicodeScalars
        guard mapped.count == 1, let upper = mapped.first, upper != scalar else { return nil }
        return upper
    }
}
