/// Exclusion globs of a backup, matched on raw bytes (see ``BackupOptions/excludes``).
///
/// - A pattern without `/` matches an entry's name, at any depth: `*.tmp`, `node_modules`.
/// - A pattern starting with `/` matches the entry's absolute path: `/home/*/.cache`.
/// - A pattern with `/` elsewhere matches the end of the path at a component boundary:
///   `.cache/thumbnails` excludes `/home/ana/.cache/thumbnails`.
/// - `*` matches any bytes but `/`, `?` one byte but `/`, `**` any bytes including `/` (and
///   `/**/` also matches a single `/`), `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`) one byte of a
///   class, `\` makes the next byte literal. A trailing `/` is ignored.
public struct ExcludeRules: Sendable {
    private let namePatterns: [[UInt8]]
    private let pathPatterns: [[UInt8]]

    /// Rules from patterns; empty patterns are ignored.
    public init(_ patterns: [String]) {
        var names: [[UInt8]] = []
        var paths: [[UInt8]] = []
        for pattern in patterns {
            var bytes = Array(pattern.utf8)
            while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
            if bytes.isEmpty { continue }
            if !bytes.contains(UInt8(ascii: "/")) {
                names.append(bytes)
            } else if bytes.first == UInt8(ascii: "/") {
                paths.append(bytes)
            } else {
                paths.append(Array("/**/".utf8) + bytes)
            }
        }
        namePatterns = names
        pathPatterns = paths
    }

    /// Whether no pattern was given.
    public var isEmpty: Bool { namePatterns.isEmpty && pathPatterns.isEmpty }

    /// Whether the entry named `name` at absolute path `path` is excluded.
    public func excludes(name: [UInt8], path: [UInt8]) -> Bool {
        for pattern in namePatterns where Self.matches(pattern: pattern, name) { return true }
        for pattern in pathPatterns where Self.matches(pattern: pattern, path) { return true }
        return false
    }

    /// Whether the glob `pattern` matches all of `text`.
    public static func matches(pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var matcher = GlobMatcher(pattern: pattern, text: text)
        return matcher.match(0, 0)
    }
}

/// Backtracking glob matcher; remembers the (pattern, text) positions that failed, so that
/// patterns with many stars stay polynomial.
private struct GlobMatcher {
    let pattern: [UInt8]
    let text: [UInt8]
    var failed: Set<Int> = []

    init(pattern: [UInt8], text: [UInt8]) {
        self.pattern = pattern
        self.text = text
    }

    private static let star = UInt8(ascii: "*")
    private static let slash = UInt8(ascii: "/")

    mutating func match(_ startPattern: Int, _ startText: Int) -> Bool {
        let key = startPattern &* (text.count + 1) &+ startText
        if failed.contains(key) { return false }
        let result = matchUncached(startPattern, startText)
        if !result { failed.insert(key) }
        return result
    }

    private mutating func matchUncached(_ startPattern: Int, _ startText: Int) -> Bool {
        var i = startPattern
        var j = startText
        while i < pattern.count {
            let byte = pattern[i]
            if byte == Self.star {
                var end = i
                while end < pattern.count && pattern[end] == Self.star { end += 1 }
                if end - i >= 2 {
                    // `**`: anything, `/` included; `/**/` may also stand for a single `/`.
                    if end < pattern.count, pattern[end] == Self.slash, i == 0 || pattern[i - 1] == Self.slash {
                        if match(end + 1, j) { return true }
                    }
                    for next in j...text.count where match(end, next) { return true }
                    return false
                }
                var next = j
                while true {
                    if match(end, next) { return true }
                    if next == text.count || text[next] == Self.slash { return false }
                    next += 1
                }
            }
            guard j < text.count else { return false }
            switch byte {
            case UInt8(ascii: "?"):
                if text[j] == Self.slash { return false }
                i += 1
            case UInt8(ascii: "["):
                if let (matched, next) = matchClass(at: i, byte: text[j]) {
                    if !matched || text[j] == Self.slash { return false }
                    i = next
                } else {
                    if text[j] != byte { return false }
                    i += 1
                }
            case UInt8(ascii: "\\") where i + 1 < pattern.count:
                if text[j] != pattern[i + 1] { return false }
                i += 2
            default:
                if text[j] != byte { return false }
                i += 1
            }
            j += 1
        }
        return j == text.count
    }

    /// Matches `byte` against the class opening at `start`; nil when the class is not closed
    /// (then `[` is literal). Returns whether it matched and the index after `]`.
    private func matchClass(at start: Int, byte: UInt8) -> (Bool, Int)? {
        var index = start + 1
        var negated = false
        if index < pattern.count, pattern[index] == UInt8(ascii: "!") || pattern[index] == UInt8(ascii: "^") {
            negated = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.count {
            var low = pattern[index]
            if low == UInt8(ascii: "]") && !first { return (matched != negated, index + 1) }
            first = false
            if low == UInt8(ascii: "\\"), index + 1 < pattern.count {
                index += 1
                low = pattern[index]
            }
            var high = low
            if index + 2 < pattern.count, pattern[index + 1] == UInt8(ascii: "-"), pattern[index + 2] != UInt8(ascii: "]") {
                high = pattern[index + 2]
                index += 2
            }
            if low <= byte && byte <= high { matched = true }
            index += 1
        }
        return nil
    }
}
