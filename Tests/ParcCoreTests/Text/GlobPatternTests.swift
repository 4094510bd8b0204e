import Foundation
import Testing

@testable import ParcCore

@Suite("Wildcard patterns")
struct GlobPatternTests {
    @Test(
        "a star stands for any run, a question mark for one character, case ignored",
        arguments: [
            ("pc-lyon-*", "PC-Lyon-042", true), ("pc-lyon-*", "pc-lyon-", true), ("pc-lyon-*", "pc-paris-1", false),
            ("pc-lyon-*", "xpc-lyon-1", false), ("*firefox*", "Mozilla Firefox (x64 fr)", true),
            ("*firefox*", "Thunderbird", false), ("*", "", true), ("*", "anything", true), ("**", "x", true),
            ("pc-??", "pc-12", true), ("pc-??", "pc-1", false), ("pc-??", "pc-123", false), ("a*b*c", "abc", true),
            ("a*b*c", "aXbYc", true), ("a*b*c", "acb", false), ("a*b*c", "abcc", true), ("a*b", "a", false),
            ("a*a", "a", false), ("a*a", "aa", true), ("*.lyon.example.com", "pc1.LYON.example.com", true),
            ("*.lyon.example.com", "lyon.example.com", false), ("exact", "exact", true), ("exact", "exactly", false),
            ("?", "é", true), ("??", "é", false), ("café-*", "CAFÉ-01", true), ("*-?", "db-é", true),
            ("*é*", "Éric", true), ("a?c", "a🙂c", true), ("*?", "", false), ("*?*", "x", true),
        ])
    func matching(pattern: String, text: String, expected: Bool) throws {
        #expect(try GlobPattern(pattern).matches(text) == expected)
    }

    @Test("empty and oversized patterns are refused")
    func refused() throws {
        #expect(throws: GlobPatternError.empty) { try GlobPattern("") }
        #expect(throws: GlobPatternError.tooLong(length: 501)) { try GlobPattern(String(repeating: "a", count: 501)) }
        #expect(try GlobPattern(String(repeating: "*", count: 500)).matches("x"))
        #expect(GlobPatternError.empty.code == "glob_pattern_empty")
        #expect(GlobPatternError.tooLong(length: 501).message.contains("keep it to 500"))
    }

    @Test("a hostile text against many stars ends, and says no")
    func hostile() throws {
        let pattern = try GlobPattern(String(repeating: "*a", count: 200) + "*b")
        #expect(!pattern.matches(String(repeating: "a", count: 100_000)))
        #expect(pattern.matches(String(repeating: "a", count: 300) + "b"))
        let floating = try GlobPattern(String(repeating: "*a", count: 200) + "*b*")
        #expect(!floating.matches(String(repeating: "a", count: 100_000)))
    }

    @Test("patterns encode as their text")
    func codable() throws {
        let pattern = try GlobPattern("pc-*")
        let data = try JSONEncoder().encode([pattern])
        #expect(try JSONDecoder().decode([GlobPattern].self, from: data) == [pattern])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([GlobPattern].self, from: Data(#"[""]"#.utf8)) }
    }
}
