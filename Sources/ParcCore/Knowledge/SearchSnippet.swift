import Foundation

/// A short extract of a text around the first place it matches search words, with the matches marked.
///
/// Computed on the text itself rather than by either database, so both engines show the same extracts.
public struct SearchSnippet: Sendable, Equatable {
    /// A piece of the extract, and whether it is a match.
    public struct Part: Sendable, Equatable {
        public let text: String
        public let isMatch: Bool

        public init(_ text: String, isMatch: Bool) {
            self.text = text
            self.isMatch = isMatch
        }
    }

    public let parts: [Part]

    /// The extract of `text` around its first word that starts with one of the (folded) search words, among its
    /// first 3,000 words; the start of the text when none does. About `length` characters, cut at word boundaries,
    /// with `…` where it was cut.
    public init(text: String, terms: KnowledgeSearchTerms, length: Int = 200) {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        var tokens: [(range: Range<String.Index>, match: Bool)] = []
        var firstMatch: Int?
        var index = flat.startIndex
        while index < flat.endIndex {
            guard flat[index].isLetter || flat[index].isNumber else {
                index = flat.index(after: index)
                continue
            }
            var end = index
            while end < flat.endIndex, flat[end].isLetter || flat[end].isNumber { end = flat.index(after: end) }
            let folded = KnowledgeSearchTerms.fold(String(flat[index..<end]))
            let match = terms.words.contains { folded.hasPrefix($0) || (folded.count >= 4 && $0.hasPrefix(folded)) }
            if match && firstMatch == nil { firstMatch = tokens.count }
            tokens.append((index..<end, match))
            index = end
            // Enough words after the first match for any extract; and a match this far in is not worth finding.
            if let firstMatch, tokens.count > firstMatch + length { break }
            if firstMatch == nil && tokens.count > 3_000 { break }
        }
        guard !tokens.isEmpty else {
            parts = flat.isEmpty ? [] : [Part(String(flat.prefix(length)), isMatch: false)]
            return
        }
        // Start a few words before the first match.
        let startToken = max(0, (firstMatch ?? 0) - 6)
        let start = startToken == 0 ? flat.startIndex : tokens[startToken].range.lowerBound
        var end = start
        var parts: [Part] = startToken == 0 ? [] : [Part("…", isMatch: false)]
        var consumed = 0
        var cursor = start
        for token in tokens[startToken...] {
            let gap = String(flat[cursor..<token.range.lowerBound])
            let word = String(flat[token.range])
            if consumed + gap.count + word.count > length, consumed > 0 { break }
            parts.append(Part(gap, isMatch: false))
            parts.append(Part(word, isMatch: token.match))
            consumed += gap.count + word.count
            cursor = token.range.upperBound
            end = cursor
        }
        if end < flat.endIndex {
            let rest = flat[end...]
            if rest.count <= 20 && !rest.contains(where: { $0.isLetter || $0.isNumber }) {
                parts.append(Part(String(rest), isMatch: false))
            } else {
                parts.append(Part(" …", isMatch: false))
            }
        }
        // Merge neighbours of the same kind.
        var merged: [Part] = []
        for part in parts where !part.text.isEmpty {
            if let last = merged.last, last.isMatch == part.isMatch {
                merged[merged.count - 1] = Part(last.text + part.text, isMatch: part.isMatch)
            } else {
                merged.append(part)
            }
        }
        self.parts = merged
    }

    /// The extract as HTML, escaped, with matches in `<mark>`.
    public var html: String {
        parts.map { $0.isMatch ? "<mark>\(SafeMarkdown.escape($0.text))</mark>" : SafeMarkdown.escape($0.text) }.joined()
    }

    /// The extract as plain text.
    public var text: String { parts.map(\.text).joined() }
}
