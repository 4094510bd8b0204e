import Foundation

/// The words of a knowledge-base search, made safe for both full-text engines (decision 0042).
///
/// Text is folded the same way when it is indexed and when it is searched — lower case, accents removed, so that
/// "etiquette" finds "étiquette" — and cut into words of letters and digits. Everything else (quotes, operators,
/// parentheses) is dropped, so no search text can be read as query syntax by SQLite FTS5 or PostgreSQL. The last
/// word is matched as a prefix: suggestions work while the person is still typing it.
public struct KnowledgeSearchTerms: Sendable, Equatable {
    /// At most this many words are kept; a question is rarely longer, and each word costs the engine a lookup.
    public static let maximumWords = 12
    /// Longer "words" are cut (nobody searches for a 100-letter word; a hash or a serial fits).
    public static let maximumWordLength = 64

    public let words: [String]

    public init(_ text: String) {
        var words: [String] = []
        for word in Self.fold(String(text.prefix(1000))).split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            words.append(String(word.prefix(Self.maximumWordLength)))
            if words.count == Self.maximumWords { break }
        }
        self.words = words
    }

    public var isEmpty: Bool { words.isEmpty }

    /// Lower case without diacritics: the form both the index and the search see.
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "æ", with: "ae")
    }

    /// An FTS5 `MATCH` expression: every word, each quoted, the last one as a prefix.
    public var fts5Match: String {
        words.enumerated().map { index, word in
            "\"\(word)\"" + (index == words.count - 1 ? "*" : "")
        }.joined(separator: " ")
    }

    /// A `to_tsquery` text: every word, the last one as a prefix.
    public var tsQuery: String {
        words.enumerated().map { index, word in
            word + (index == words.count - 1 ? ":*" : "")
        }.joined(separator: " & ")
    }
}
