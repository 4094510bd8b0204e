/// Reads a pattern into a ``LinearRegexNode`` tree by recursive descent; see ``LinearRegex`` for the syntax.
struct LinearRegexParser {
    /// Groups nest at most this deep, which bounds the parser's and the compiler's recursion.
    static let maximumNesting = 50

    let scalars: [Unicode.Scalar]
    var index = 0
    var depth = 0
    var caseInsensitive: Bool

    init(_ pattern: String, caseInsensitive: Bool) {
        scalars = Array(pattern.unicodeScalars)
        self.caseInsensitive = caseInsensitive
    }

    var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    func scalar(at position: Int) -> Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    func hasPrefix(_ text: String, at position: Int) -> Bool {
        for (offset, scalar) in text.unicodeScalars.enumerated() where self.scalar(at: position + offset) != scalar {
            return false
        }
        return true
    }

    mutating func parse() throws(LinearRegexError) -> LinearRegexNode {
        if hasPrefix("(?i)", at: 0) {
            caseInsensitive = true
            index = 4
        } else if hasPrefix("(?-i)", at: 0) {
            caseInsensitive = false
            index = 5
        }
        let tree = try parseAlternation()
        if index < scalars.count {
            throw LinearRegexError(.malformed, position: index, "this ) closes no group; escape it as \\)")
        }
        return tree
    }

    mutating func parseAlternation() throws(LinearRegexError) -> LinearRegexNode {
        var branches = [try parseConcatenation()]
        while peek == "|" {
            index += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func parseConcatenation() throws(LinearRegexError) -> LinearRegexNode {
        var items: [LinearRegexNode] = []
        while let next = peek, next != "|", next != ")" {
            let atom = try parseAtom()
            items.append(try parseRepetition(of: atom))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    mutating func parseAtom() throws(LinearRegexError) -> LinearRegexNode {
        let start = index
        let current = scalars[index]
        switch current {
        case "(":
            return try parseGroup()
        case "*", "+", "?":
            throw LinearRegexError(
                .malformed, position: start, "\(current) has nothing to repeat; escape it as \\\(current)")
        case "{":
            if braceRepetition(at: index) != nil {
                throw LinearRegexError(.malformed, position: start, "{ has nothing to repeat; escape it as \\{")
            }
            index += 1
            return .scalar("{")
        case "[":
            return try parseBracketExpression()
        case ".":
            index += 1
            return .any
        case "^":
            index += 1
            return .start
        case "$":
            index += 1
            return .end
        case "\\":
            return try parseEscape()
        default:
            index += 1
            return .scalar(literal(current))
        }
    }

    mutating func parseGroup() throws(LinearRegexError) -> LinearRegexNode {
        let start = index
        depth += 1
        guard depth <= Self.maximumNesting else {
            throw LinearRegexError(.tooComplex, position: start, "groups nest more than \(Self.maximumNesting) deep")
        }
        index += 1
        if peek == "?" {
            if hasPrefix("?:", at: index) {
                index += 2
            } else if hasPrefix("?<=", at: index) || hasPrefix("?<!", at: index) || hasPrefix("?=", at: index)
                || hasPrefix("?!", at: index)
            {
                throw LinearRegexError(.unsupported, position: start, "lookaround (?=, ?!, ?<=, ?<!) is not supported")
            } else if hasPrefix("?<", at: index) || hasPrefix("?P<", at: index) {
                index += hasPrefix("?<", at: index) ? 2 : 3
                while let next = peek, next.properties.isAlphabetic || ("0"..."9").contains(next) || next == "_" {
                    index += 1
                }
                guard peek == ">" else {
                    throw LinearRegexError(
                        .malformed, position: start, "a group name must end with >, as in (?<name>…)")
                }
                index += 1
            } else if hasPrefix("?i)", at: index) || hasPrefix("?-i)", at: index) {
                throw LinearRegexError(
                    .unsupported, position: start, "(?i) and (?-i) are only allowed at the very start")
            } else {
                throw LinearRegexError(
                    .unsupported, position: start, "this kind of group is not supported; use (…), (?:…) or (?<name>…)")
            }
        }
        let inner = try parseAlternation()
        guard peek == ")" else { throw LinearRegexError(.malformed, position: start, "this ( is never closed") }
        index += 1
        depth -= 1
        return inner
    }

    /// `{n}`, `{n,}` or `{n,m}` starting at `position`: the bounds and the index after `}`; nil when the text there
    /// is not a repetition (a literal `{`).
    func braceRepetition(at position: Int) -> (min: Int, max: Int?, end: Int)? {
        guard scalar(at: position) == "{" else { return nil }
        var cursor = position + 1
        func number() -> Int? {
            var value = 0
            var digits = 0
            while let next = scalar(at: cursor), ("0"..."9").contains(next) {
                value = min(value * 10 + Int(next.value - 48), 1_000_000)
                digits += 1
                cursor += 1
            }
            return digits > 0 ? value : nil
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if scalar(at: cursor) == "," {
            cursor += 1
            high = number()
        }
        guard scalar(at: cursor) == "}" else { return nil }
        return (low, high, cursor + 1)
    }

    mutating func parseRepetition(of atom: LinearRegexNode) throws(LinearRegexError) -> LinearRegexNode {
        let start = index
        let bounds: (min: Int, max: Int?)
        switch peek {
        case "*":
            bounds = (0, nil)
            index += 1
        case "+":
            bounds = (1, nil)
            index += 1
        case "?":
            bounds = (0, 1)
            index += 1
        case "{":
            guard let brace = braceRepetition(at: index) else { return atom }
            let limit = LinearRegex.maximumRepeatCount
            guard brace.min <= limit, (brace.max ?? 0) <= limit else {
                throw LinearRegexError(.tooComplex, position: start, "repetition counts go up to \(limit)")
            }
            if let max = brace.max, max < brace.min {
                throw LinearRegexError(.malformed, position: start, "{\(brace.min),\(max)} has its bounds reversed")
            }
            bounds = (brace.min, brace.max)
            index = brace.end
        default:
            return atom
        }
        if peek == "?" {
            index += 1  // lazy: the same texts match
        } else if peek == "+" {
            throw LinearRegexError(.unsupported, position: index, "possessive repetition (*+, ++, ?+) is not supported")
        }
        if let next = peek, next == "*" || next == "+" || next == "?" || braceRepetition(at: index) != nil {
            throw LinearRegexError(
                .malformed, position: index, "a repetition cannot be repeated directly; wrap it in (?:…) first")
        }
        return .repetition(atom, min: bounds.min, max: bounds.max)
    }

    mutating func parseEscape() throws(LinearRegexError) -> LinearRegexNode {
        switch scalar(at: index + 1) {
        case "A":
            index += 2
            return .start
        case "z", "Z":
            index += 2
            return .end
        case "b", "B":
            index += 2
            return .wordBoundary(scalars[index - 1] == "b")
        case "Q":
            index += 2
            var literals: [LinearRegexNode] = []
            while index < scalars.count, !hasPrefix("\\E", at: index) {
                literals.append(.scalar(literal(scalars[index])))
                index += 1
            }
            if hasPrefix("\\E", at: index) { index += 2 }
            return .concatenation(literals)
        default:
            switch try parseEscapedCharacter() {
            case .scalar(let scalar): return .scalar(literal(scalar))
            case .item(let item): return .set(LinearRegexCharacterClass(items: [item], negated: false))
            }
        }
    }

    enum EscapedCharacter {
        case scalar(Unicode.Scalar)
        case item(LinearRegexCharacterClass.Item)
    }

    /// An escape that stands for one character or a class of them, outside or inside brackets.
    mutating func parseEscapedCharacter() throws(LinearRegexError) -> EscapedCharacter {
        let start = index
        guard let next = scalar(at: index + 1) else {
            throw LinearRegexError(.malformed, position: start, "the pattern ends with a lone \\; write \\\\ for one")
        }
        index += 2
        switch next {
        case "d": return .item(.digit(negated: false))
        case "D": return .item(.digit(negated: true))
        case "w": return .item(.word(negated: false))
        case "W": return .item(.word(negated: true))
        case "s": return .item(.space(negated: false))
        case "S": return .item(.space(negated: true))
        case "t": return .scalar("\t")
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "e": return .scalar("\u{1B}")
        case "x", "u":
            return .scalar(try parseHexadecimalEscape(start: start, braces: next == "x", digits: next == "x" ? 2 : 4))
        case "1"..."9", "k":
            throw LinearRegexError(.unsupported, position: start, "backreferences (\\1, \\k<…>) are not supported")
        case "p", "P":
            throw LinearRegexError(
                .unsupported, position: start, "Unicode properties (\\p{…}) are not supported; use \\w, \\d or [a-z]")
        default:
            if next.isASCII, next.properties.isAlphabetic || ("0"..."9").contains(next) {
                throw LinearRegexError(
                    .unsupported, position: start,
                    "\\\(next) is not supported; use \\d, \\w, \\s, \\b, or \\ before punctuation")
            }
            return .scalar(next)
        }
    }

    /// `\xHH`, `\x{H…}` or `\uHHHH`, with `index` after the letter.
    mutating func parseHexadecimalEscape(
        start: Int, braces: Bool, digits: Int
    ) throws(LinearRegexError) -> Unicode.Scalar {
        var value: UInt32 = 0
        var count = 0
        let braced = braces && peek == "{"
        if braced { index += 1 }
        while let next = peek, let digit = hexDigit(next) ?? hexLetter(next),
            braced ? count < 6 : count < digits
        {
            value = value << 4 | digit
            count += 1
            index += 1
        }
        if braced {
            guard peek == "}" else {
                throw LinearRegexError(.malformed, position: start, "\\x{…} holds 1 to 6 hexadecimal digits")
            }
            index += 1
        }
        guard count > 0, braced || count == digits, let scalar = Unicode.Scalar(value) else {
            throw LinearRegexError(
                .malformed, position: start, "a character code is \\xHH, \\x{H…} or \\uHHHH with hexadecimal digits")
        }
        return scalar
    }

    func hexDigit(_ scalar: Unicode.Scalar) -> UInt32? {
        ("0"..."9").contains(scalar) ? scalar.value - 48 : nil
    }

    func hexLetter(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }

    mutating func parseBracketExpression() throws(LinearRegexError) -> LinearRegexNode {
        let start = index
        index += 1
        var negated = false
        if peek == "^" {
            negated = true
            index += 1
        }
        var items: [LinearRegexCharacterClass.Item] = []
        var first = true
        while true {
            guard let current = peek else {
                throw LinearRegexError(.malformed, position: start, "this [ is never closed")
            }
            if current == "]", !first {
                index += 1
                break
            }
            if current == "[" {
                throw LinearRegexError(
                    .unsupported, position: index,
                    "[ inside brackets (nested sets, [:alpha:]) is not supported; write \\[")
            }
            first = false
            let low = try parseBracketAtom()
            guard case .scalar(let lowScalar) = low else {
                if case .item(let item) = low { items.append(item) }
                continue
            }
            if peek == "-", let after = scalar(at: index + 1), after != "]" {
                let dash = index
                index += 1
                guard case .scalar(let highScalar) = try parseBracketAtom() else {
                    throw LinearRegexError(.malformed, position: dash, "a range cannot end with \\d, \\w or \\s")
                }
                guard lowScalar.value <= highScalar.value else {
                    throw LinearRegexError(
                        .malformed, position: dash, "the range \(lowScalar)-\(highScalar) is reversed")
                }
                items.append(.range(lowScalar.value, highScalar.value))
            } else {
                items.append(.range(lowScalar.value, lowScalar.value))
            }
        }
        return .set(LinearRegexCharacterClass(items: items, negated: negated))
    }

    mutating func parseBracketAtom() throws(LinearRegexError) -> EscapedCharacter {
        let current = scalars[index]
        guard current == "\\" else {
            index += 1
            return .scalar(current)
        }
        if scalar(at: index + 1) == "b" {
            index += 2
            return .scalar("\u{08}")
        }
        return try parseEscapedCharacter()
    }

    /// A literal as matched: lower-cased when case is ignored (the text is lower-cased too).
    func literal(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        caseInsensitive ? LinearRegexCharacterClass.lowercase(scalar) : scalar
    }
}
