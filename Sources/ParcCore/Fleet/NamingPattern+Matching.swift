import Foundation

extension NamingPattern {
    /// A pattern with its context filled in: the fixed text before and after the sequence.
    struct ResolvedPattern: Hashable {
        /// The text before `{seq:N}`, or the whole name when the pattern has no sequence.
        let prefix: String
        /// The sequence width, nil without `{seq:N}`.
        let width: Int?
        /// The text after `{seq:N}`.
        let suffix: String

        /// The upper-cased prefix and suffix, under which names are compared.
        var key: String { prefix.uppercased() + "\u{0}" + suffix.uppercased() }

        func name(sequence: Int) -> String {
            guard let width else { return prefix }
            let digits = String(sequence)
            return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits + suffix
        }

        /// The sequence number `name` carries, or why it does not conform.
        func sequence(in name: String) -> Result<Int, NamingViolation> {
            let upper = name.uppercased()
            let upperPrefix = prefix.uppercased()
            let upperSuffix = suffix.uppercased()
            guard let width else {
                return upper == upperPrefix ? .success(0) : .failure(.mismatch(expected: prefix))
            }
            guard upper.hasPrefix(upperPrefix) else { return .failure(.wrongPrefix(expected: prefix)) }
            let rest = upper.dropFirst(upperPrefix.count)
            guard rest.hasSuffix(upperSuffix) else { return .failure(.wrongSuffix(expected: suffix)) }
            let middle = rest.dropLast(upperSuffix.count)
            guard middle.count == width, middle.allSatisfy(NamingPattern.isASCIIDigit), let number = Int(middle)
            else {
                return .failure(.badSequence(found: String(middle), width: width))
            }
            return .success(number)
        }
    }

    /// Fills the pattern's tokens from `context`.
    func resolve(_ context: NamingContext) throws(NamingPatternError) -> ResolvedPattern {
        var before = ""
        var after = ""
        var width: Int?
        for token in tokens {
            let text: String
            switch token {
            case .literal(let literal): text = literal
            case .entity: text = try Self.code(context.entityCode, token: "entity")
            case .site: text = try Self.code(context.siteCode, token: "site")
            case .type: text = try Self.code(context.typeCode, token: "type")
            case .year, .shortYear:
                guard let year = context.year, (0...9999).contains(year) else { throw .missingContext(token: "year") }
                let digits = token == .year ? String(year) : String(year % 100)
                let padding = (token == .year ? 4 : 2) - digits.count
                text = String(repeating: "0", count: max(0, padding)) + digits
            case .serial(let length):
                guard let raw = context.serial, let serial = SerialNumber(raw) else {
                    throw .missingContext(token: "serial")
                }
                text = String(serial.value.suffix(length))
            case .sequence(let sequenceWidth):
                width = sequenceWidth
                continue
            }
            if width == nil { before += text } else { after += text }
        }
        return ResolvedPattern(prefix: before, width: width, suffix: after)
    }

    private static func code(_ value: String?, token: String) throws(NamingPatternError) -> String {
        guard let code = value?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
            throw .missingContext(token: token)
        }
        return code
    }

    /// Why `name` breaks the plan for an asset with `context`, or nil when it conforms.
    public func validate(_ name: String, context: NamingContext) -> NamingViolation? {
        guard !name.allSatisfy(\.isWhitespace) else { return .empty }
        let resolved: ResolvedPattern
        do {
            resolved = try resolve(context)
        } catch {
            if case .missingContext(let token) = error { return .missingContext(token: token) }
            return .missingContext(token: "?")
        }
        switch resolved.sequence(in: name) {
        case .success: return nil
        case .failure(let violation): return violation
        }
    }

    /// Whether `name` conforms to the plan for an asset with `context`.
    public func matches(_ name: String, context: NamingContext) -> Bool {
        validate(name, context: context) == nil
    }
}
