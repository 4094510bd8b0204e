import Testing

@testable import ParcCore

@Suite("Linear-time regular expressions")
struct LinearRegexTests {
    @Test(
        "the common syntax matches as ICU and PCRE do",
        arguments: [
            ("firefox", "Mozilla Firefox (x64 fr)", true), ("^firefox", "Mozilla Firefox", false),
            ("^Mozilla Firefox", "mozilla firefox 120", true), ("^Mozilla Firefox$", "Mozilla Firefox 120", false),
            ("Firefox \\d+", "Firefox 120.0", true), ("Firefox \\d+$", "Firefox 120.0", false),
            ("^Microsoft Visual C\\+\\+ 20(15|17|19|22)", "Microsoft Visual C++ 2019 X64", true),
            ("^Microsoft Visual C\\+\\+ 20(15|17|19|22)", "Microsoft Visual C++ 2013 X64", false),
            ("^linux-image-[0-9.]+-\\d+-amd64$", "linux-image-6.1.0-18-amd64", true),
            ("^linux-image-[0-9.]+-\\d+-amd64$", "linux-image-amd64", false),
            ("^python3\\.\\d{1,2}$", "python3.11", true),
            ("^python3\\.\\d{1,2}$", "python3.111", false), ("colou?r", "color", true), ("colou?r", "colour", true),
            ("colou?r", "colouur", false), ("^a{2,3}$", "aa", true), ("^a{2,3}$", "aaaa", false),
            ("^a{2,}$", "aaaaa", true),
            ("^a{2}$", "aa", true), ("^(?:ab)+$", "ababab", true), ("^(?:ab)+$", "ababa", false),
            ("^(?<kb>KB\\d+)$", "KB5034441", true), ("\\bx64\\b", "Runtime (x64)", true),
            ("\\bx64\\b", "Runtimex64", false),
            ("\\Bx64", "Runtimex64", true), ("[^a-z]", "abc", false), ("[^a-z]", "ab1", true), ("[A-Z]", "abc", true),
            ("[]x]", "]", true), ("[a-]", "-", true), ("[\\]]", "]", true), ("[\\d.]+", "1.2", true),
            ("\\s", "a b", true), ("\\S", "   ", false), ("\\W", "abc_1", false), ("\\w", "é", true),
            ("^.{3}$", "héé", true), ("^\\x41\\u0042\\x{43}$", "abc", true), ("\\Q1.0 (x)\\E", "Tool 1.0 (x)", true),
            ("\\Q1.0\\E", "1x0", false), ("^\\Aab\\z", "ab", true), ("a|b|c", "xxc", true),
            ("^(a|b)*c$", "ababc", true),
            ("^$", "", true), ("", "anything", true), ("x*", "", true), ("a.c", "a\nc", true),
            ("(?-i)^Abc$", "abc", false),
            ("(?-i)^Abc$", "Abc", true), ("(?i)ABC", "xabcx", true), ("^(a*)*$", "aaaa", true),
            ("^(a*)*b$", "aaaa", false),
            ("{", "a{b", true), ("a{,2}", "a{,2}", true), ("a{x}", "a{x}", true), ("^é+$", "ÉÉé", true),
            ("^Ärger$", "ärger", true), ("^Straße$", "STRASSE", false),
        ])
    func matching(pattern: String, text: String, expected: Bool) throws {
        #expect(try LinearRegex(pattern).matches(text) == expected, "\(pattern) on \(text)")
    }

    @Test("case is ignored by default and kept on request")
    func caseSensitivity() throws {
        #expect(try LinearRegex("^abc$").matches("ABC"))
        #expect(try !LinearRegex("^abc$", caseInsensitive: false).matches("ABC"))
        #expect(try LinearRegex("(?i)^abc$", caseInsensitive: false).matches("ABC"))
        #expect(try !LinearRegex("[a-c]+$", caseInsensitive: false).matches("ABC"))
    }

    @Test(
        "what the engine cannot run in linear time, or does not know, is refused at its position",
        arguments: [
            ("(a)\\1", LinearRegexError.Code.unsupported, 3), ("\\k<x>", .unsupported, 0), ("(?=a)", .unsupported, 0),
            ("(?!a)", .unsupported, 0), ("x(?<=a)", .unsupported, 1), ("(?<!a)", .unsupported, 0),
            ("(?>a)", .unsupported, 0), ("a*+", .unsupported, 2), ("a(?i)b", .unsupported, 1),
            ("\\p{L}", .unsupported, 0), ("[[:alpha:]]", .unsupported, 1), ("\\y", .unsupported, 0),
            ("*a", .malformed, 0), ("a**", .malformed, 2), ("a{2}{3}", .malformed, 4), ("+", .malformed, 0),
            ("(ab", .malformed, 0), ("ab)", .malformed, 2), ("[ab", .malformed, 0), ("[z-a]", .malformed, 2),
            ("[a-\\d]", .malformed, 2), ("a{3,2}", .malformed, 1), ("ab\\", .malformed, 2), ("\\x4", .malformed, 0),
            ("\\x{110000}", .malformed, 0), ("\\uZZZZ", .malformed, 0), ("(?<n", .malformed, 0), ("{2}", .malformed, 0),
            ("a{101}", .tooComplex, 1), ("(?:a{100}){100}", .tooComplex, 0),
        ])
    func refused(pattern: String, code: LinearRegexError.Code, position: Int) {
        do {
            _ = try LinearRegex(pattern)
            Issue.record("\(pattern) was accepted")
        } catch {
            #expect(error.code == code, "\(pattern): \(error.message)")
            #expect(error.position == position, "\(pattern): \(error.message)")
        }
    }

    @Test("errors say where and what to write instead")
    func messages() {
        #expect(throws: LinearRegexError.self) { try LinearRegex("(a)\\1") }
        do {
            _ = try LinearRegex("Firefox (x64")
        } catch {
            #expect(error.message == "At character 9: this ( is never closed.")
            #expect(error.code.rawValue == "regex_malformed")
        }
    }

    @Test("oversized and deeply nested patterns are refused before they cost anything")
    func limits() {
        #expect(throws: LinearRegexError.self) { try LinearRegex(String(repeating: "a", count: 501)) }
        #expect(throws: LinearRegexError.self) {
            try LinearRegex(String(repeating: "(", count: 51) + "a" + String(repeating: ")", count: 51))
        }
        #expect(throws: Never.self) {
            try LinearRegex(String(repeating: "(", count: 50) + "a" + String(repeating: ")", count: 50))
        }
        #expect(throws: Never.self) { try LinearRegex(String(repeating: "a", count: 500)) }
    }

    @Test("patterns that make backtracking engines run for hours answer at once on long hostile texts")
    func catastrophicBacktracking() throws {
        let texts = [String(repeating: "a", count: 20_000), String(repeating: "a", count: 20_000) + "!"]
        for pattern in ["(a+)+b", "(a|aa)*c", ".*a.*a.*a.*a.*b", "(x+x+)+y", "(a*)*b", "(.*)*z", "^(a|aa)*$"] {
            let regex = try LinearRegex(pattern)
            let found = texts.map { regex.matches($0) }
            #expect(found == [false, false] || (pattern == "^(a|aa)*$" && found == [true, false]), "\(pattern)")
        }
        #expect(try !LinearRegex("^(\\w+\\s?)*$").matches(String(repeating: "word ", count: 5_000) + "!"))
        #expect(try LinearRegex("^(\\w+\\s?)*$").matches(String(repeating: "word ", count: 5_000)))
    }
}
