/// A shell-style wildcard pattern, compared case-insensitively: `*` stands for any run of characters (none
/// included), `?` for exactly one character, and everything else for itself. `pc-lyon-*` matches `PC-Lyon-042`;
/// `*firefox*` matches `Mozilla Firefox (x64 fr)`.
///
/// There is no escape and no character class: host names and software names never need a literal `*` or `?`, and
/// a pattern stays readable by anyone who has used a shell. Both sides are lower-cased and compared as UTF-8, a
/// `?` taking one Unicode scalar. Matching takes time proportional to the text's length times the pattern's
/// (segments between stars are found leftmost first, which is exact for these patterns), never exponential;
/// callers bound the text they match.
public struct GlobPattern: Hashable, Sendable, CustomStringConvertible {
    /// The longest pattern accepted, in characters.
    public static let maximumLength = 500

    /// The pattern as written.
    public let pattern: String
    /// The lower-cased pattern split at its stars, as UTF-8 bytes, ``anyScalar`` standing for `?`.
    let segments: [[UInt16]]
    /// How many scalars each segment matches.
    let segmentLengths: [Int]
    /// Whether the pattern starts with `*` (the first segment may start anywhere).
    let floatsAtStart: Bool
    /// Whether the pattern ends with `*` (the last segment may end anywhere).
    let floatsAtEnd: Bool

    static let anyScalar: UInt16 = 0x100

    /// Reads `pattern`; throws when it is empty or longer than ``maximumLength`` characters.
    public init(_ pattern: String) throws(GlobPatternError) {
        guard !pattern.isEmpty else { throw .empty }
        let length = pattern.count
        guard length <= Self.maximumLength else { throw .tooLong(length: length) }
        self.pattern = pattern
        var segments: [[UInt16]] = [[]]
        for byte in pattern.lowercased().utf8 {
            switch byte {
            case UInt8(ascii: "*"): if !segments[segments.count - 1].isEmpty { segments.append([]) }
            case UInt8(ascii: "?"): segments[segments.count - 1].append(Self.anyScalar)
            default: segments[segments.count - 1].append(UInt16(byte))
            }
        }
        if segments.count > 1, segments[segments.count - 1].isEmpty { segments.removeLast() }
        self.segments = segments
        segmentLengths = segments.map { segment in
            segment.count { $0 == Self.anyScalar || !Self.isContinuation(UInt8(truncatingIfNeeded: $0)) }
        }
        floatsAtStart = pattern.hasPrefix("*")
        floatsAtEnd = pattern.hasSuffix("*")
    }

    /// The pattern as written.
    public var description: String { pattern }

    /// Whether `text` matches the whole pattern, ignoring case.
    public func matches(_ text: String) -> Bool {
        matches(lowercasedUTF8: Array(text.lowercased().utf8))
    }

    /// Whether `text`, lower-cased UTF-8 already, matches.
    func matches(lowercasedUTF8 text: [UInt8]) -> Bool {
        guard floatsAtStart || floatsAtEnd || segments.count > 1 else {
            return Self.end(of: segments[0], in: text, at: 0) == text.count
        }
        var low = 0
        var high = text.count
        var middle = segments.indices[...]
        if !floatsAtStart, let first = middle.first {
            guard let end = Self.end(of: segments[first], in: text, at: 0) else { return false }
            low = end
            middle = middle.dropFirst()
        }
        if !floatsAtEnd, let last = middle.last {
            // The last segment ends the text: it starts as many scalars before the end as it matches.
            var start = high
            for _ in 0..<segmentLengths[last] {
                guard start > low else { return false }
                start -= 1
                while start > low, Self.isContinuation(text[start]) { start -= 1 }
            }
            guard Self.end(of: segments[last], in: text, at: start) == high else { return false }
            high = start
            middle = middle.dropLast()
        }
        // Each remaining segment sits between two stars: its leftmost place leaves the most room to the ones after.
        for segment in middle {
            var start = low
            var found = false
            while start <= high {
                if let end = Self.end(of: segments[segment], in: text, at: start), end <= high {
                    low = end
                    found = true
                    break
                }
                start += 1
                while start < high, Self.isContinuation(text[start]) { start += 1 }
            }
            guard found else { return false }
        }
        return true
    }

    /// Where `segment` ends when it matches `text` from `start`, else nil.
    static func end(of segment: [UInt16], in text: [UInt8], at start: Int) -> Int? {
        var index = start
        for element in segment {
            guard index < text.count else { return nil }
            if element == anyScalar {
                index += 1
                while index < text.count, isContinuation(text[index]) { index += 1 }
            } else {
                guard text[index] == UInt8(truncatingIfNeeded: element) else { return nil }
                index += 1
            }
        }
        return index
    }

    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}

extension GlobPattern: Codable {
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(from: decoder) { try GlobPattern($0) }
    }

    public func encode(to encoder: any Encoder) throws {
        try TextCoding.encode(description, to: encoder)
    }
}
