import Foundation

/// The software dictionary: ordered rules (``SoftwareDictionaryRule``) that rename, merge or drop programs before
/// they reach an asset and the shared catalogue. The first rule whose conditions hold decides; a program no rule
/// matches is kept as reported.
///
/// Building a dictionary checks and compiles every rule once, so applying it to an inventory costs one fold of each
/// name and publisher and a few comparisons per rule. Regular expressions are ``LinearRegex`` patterns, matched in
/// time linear in the text whatever the pattern (NSRegularExpression backtracks, has no time limit, and takes seconds
/// over one 256-character name with a pattern as plain as `.*a.*a.*b`; see docs/decisions/0025). Names and publishers
/// over ``maximumMatchedLength`` bytes are matched by no rule: no real program has one, and it bounds the work a
/// hostile agent can cause.
public struct SoftwareDictionary: Sendable {
    /// The most rules a dictionary holds.
    public static let maximumRuleCount = 10_000
    /// The longest condition value, in characters.
    public static let maximumPatternLength = 500
    /// The longest new name or publisher, in characters.
    public static let maximumRenameLength = 255
    /// Names or publishers longer than this, in UTF-8 bytes, are matched by no rule.
    public static let maximumMatchedLength = 256

    /// The rules, in order.
    public let rules: [SoftwareDictionaryRule]
    let compiled: [CompiledRule]

    /// A dictionary with no rules: every program is kept as reported.
    public static let empty = try! SoftwareDictionary(rules: [])

    /// Checks and compiles `rules`; throws the first problem, naming the rule.
    public init(rules: [SoftwareDictionaryRule]) throws(SoftwareDictionaryError) {
        guard rules.count <= Self.maximumRuleCount else { throw .tooManyRules(count: rules.count) }
        var compiled: [CompiledRule] = []
        compiled.reserveCapacity(rules.count)
        for (offset, rule) in rules.enumerated() {
            let number = offset + 1
            let name = try Matcher(rule.name, rule: number, field: "name")
            let publisher = try rule.publisher.map { (condition) throws(SoftwareDictionaryError) in
                try Matcher(condition, rule: number, field: "publisher")
            }
            var action = rule.action
            if case .rename(let newName, let newPublisher) = rule.action {
                let name = newName?.trimmingCharacters(in: .whitespacesAndNewlines)
                let publisher = newPublisher?.trimmingCharacters(in: .whitespacesAndNewlines)
                guard name != nil || publisher != nil, name?.isEmpty != true, publisher?.isEmpty != true else {
                    throw .emptyRename(rule: number)
                }
                let longest = max(name?.count ?? 0, publisher?.count ?? 0)
                guard longest <= Self.maximumRenameLength else { throw .renameTooLong(rule: number, length: longest) }
                action = .rename(name: name, publisher: publisher)
            }
            compiled.append(CompiledRule(name: name, publisher: publisher, action: action))
        }
        self.rules = rules
        self.compiled = compiled
    }

    /// The program's name and publisher after the dictionary: renamed by the first matching rule, unchanged when
    /// none matches, nil when the matching rule ignores it.
    public func apply(name: String, publisher: String?) -> (name: String, publisher: String?)? {
        guard let index = matchingRuleIndex(name: name, publisher: publisher) else { return (name, publisher) }
        switch compiled[index].action {
        case .ignore:
            return nil
        case .rename(let newName, let newPublisher):
            return (newName ?? name, newPublisher ?? publisher)
        }
    }

    /// The position (0-based) in ``rules`` of the first rule that matches, or nil; for the rules page's "which rule
    /// would match".
    public func matchingRuleIndex(name: String, publisher: String?) -> Int? {
        guard !compiled.isEmpty, name.utf8.count <= Self.maximumMatchedLength,
            (publisher?.utf8.count ?? 0) <= Self.maximumMatchedLength
        else { return nil }
        let nameText = MatchedText(name)
        let publisherText = publisher.map(MatchedText.init)
        for (index, rule) in compiled.enumerated() {
            guard rule.name.matches(nameText) else { continue }
            if let condition = rule.publisher {
                guard let publisherText, condition.matches(publisherText) else { continue }
            }
            return index
        }
        return nil
    }

    /// A digest of the rules (16 hexadecimal digits): the server stores it with the software it imported, and
    /// re-applies the dictionary to an asset whose digest differs even when its inventory did not change.
    public var fingerprint: String { FNV1a64.hex(FingerprintEncoder.digest(of: rules)) }

    /// One rule, compiled.
    struct CompiledRule: Sendable {
        let name: Matcher
        let publisher: Matcher?
        let action: SoftwareDictionaryRule.Action
    }

    /// A text to match, with its folded form and, made when a rule first needs them, its characters and scalars.
    final class MatchedText {
        let raw: String
        let folded: [UInt8]
        lazy var rawScalars: [Unicode.Scalar] = Array(raw.unicodeScalars)
        lazy var lowercasedScalars: [Unicode.Scalar] = Array(raw.lowercased().unicodeScalars)

        init(_ raw: String) {
            self.raw = raw
            folded = Array(SoftwareCatalogueKey.fold(raw).utf8)
        }
    }

    /// One condition, compiled.
    enum Matcher: Sendable {
        case equals([UInt8])
        case startsWith([UInt8])
        case contains([UInt8])
        case glob(GlobPattern)
        case regularExpression(LinearRegex)

        init(_ condition: SoftwareDictionaryRule.Condition, rule: Int, field: String) throws(SoftwareDictionaryError) {
            let length = condition.value.count
            guard length <= SoftwareDictionary.maximumPatternLength else {
                throw .patternTooLong(rule: rule, field: field, length: length)
            }
            let folded = SoftwareCatalogueKey.fold(condition.value)
            guard !folded.isEmpty else { throw .emptyPattern(rule: rule, field: field) }
            switch condition.kind {
            case .equals: self = .equals(Array(folded.utf8))
            case .startsWith: self = .startsWith(Array(folded.utf8))
            case .contains: self = .contains(Array(folded.utf8))
            case .glob:
                guard let pattern = try? GlobPattern(folded) else {
                    throw .patternTooLong(rule: rule, field: field, length: length)
                }
                self = .glob(pattern)
            case .regularExpression:
                do {
                    self = .regularExpression(try LinearRegex(condition.value, caseInsensitive: true))
                } catch {
                    throw .invalidRegularExpression(rule: rule, field: field, reason: error.message)
                }
            }
        }

        /// Whether `needle` occurs in `haystack`, both valid UTF-8, so a match starts and ends on scalar boundaries.
        static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
            guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
            var start = 0
            let last = haystack.count - needle.count
            while start <= last {
                if haystack[start] == first, haystack[(start + 1)..<(start + needle.count)].elementsEqual(needle[1...])
                {
                    return true
                }
                start += 1
            }
            return false
        }

        func matches(_ text: MatchedText) -> Bool {
            switch self {
            case .equals(let value): return text.folded == value
            case .startsWith(let value): return text.folded.starts(with: value)
            case .contains(let value): return Self.find(value, in: text.folded)
            case .glob(let pattern): return pattern.matches(lowercasedUTF8: text.folded)
            case .regularExpression(let expression):
                return expression.matches(
                    scalars: expression.isCaseInsensitive ? text.lowercasedScalars : text.rawScalars)
            }
        }
    }
}
