import Foundation
import Testing

@testable import ParcCore

@Suite("Software dictionary and catalogue keys")
struct SoftwareDictionaryTests {
    static func dictionary() throws -> SoftwareDictionary {
        try SoftwareDictionary(rules: [
            SoftwareDictionaryRule(name: .startsWith("Security Update for"), action: .ignore),
            SoftwareDictionaryRule(
                name: .regularExpression("^Mozilla Firefox( \\d+(\\.\\d+)*)?( \\(x(64|86) [a-z-]+\\))?$"),
                action: .rename(name: "Mozilla Firefox", publisher: "Mozilla")),
            SoftwareDictionaryRule(
                name: .equals("firefox-esr"), action: .rename(name: "Mozilla Firefox", publisher: "Mozilla")),
            SoftwareDictionaryRule(
                name: .glob("linux-image-*-amd64"), publisher: .equals("debian"),
                action: .rename(name: "Linux kernel", publisher: nil)),
            SoftwareDictionaryRule(
                name: .contains("redistributable"), publisher: .startsWith("Microsoft"),
                action: .rename(name: nil, publisher: "Microsoft")),
            SoftwareDictionaryRule(name: .regularExpression("(?-i)^KB\\d+$"), action: .ignore),
        ])
    }

    @Test(
        "the first matching rule renames or drops a program; others are kept as reported",
        arguments: [
            ("Security Update for Windows (KB5034441)", "Microsoft Corporation", nil),
            ("security  update FOR office", nil, nil),
            ("Mozilla Firefox 120.0.1 (x64 fr)", "Mozilla", ("Mozilla Firefox", "Mozilla")),
            ("Mozilla Firefox", nil, ("Mozilla Firefox", "Mozilla")),
            ("mozilla firefox 115.6.0esr", "Mozilla", ("mozilla firefox 115.6.0esr", "Mozilla")),
            ("Firefox-ESR", "Debian", ("Mozilla Firefox", "Mozilla")),
            ("linux-image-6.1.0-18-amd64", "Debian", ("Linux kernel", "Debian")),
            ("linux-image-6.1.0-18-amd64", "Ubuntu", ("linux-image-6.1.0-18-amd64", "Ubuntu")),
            ("linux-image-6.1.0-18-amd64", nil, ("linux-image-6.1.0-18-amd64", nil)),
            (
                "Microsoft Visual C++ 2019 X64 Redistributable", "Microsoft Corporation",
                ("Microsoft Visual C++ 2019 X64 Redistributable", "Microsoft")
            ),
            ("KB5034441", nil, nil), ("kb5034441", nil, ("kb5034441", nil)),
            ("adduser", "Debian", ("adduser", "Debian")),
        ] as [(String, String?, (String, String?)?)])
    func apply(name: String, publisher: String?, expected: (String, String?)?) throws {
        let result = try Self.dictionary().apply(name: name, publisher: publisher)
        #expect(result?.name == expected?.0)
        #expect(result?.publisher == expected?.1)
        #expect((result == nil) == (expected == nil))
    }

    @Test("renaming several programs to one name and publisher merges them into one catalogue entry")
    func merge() throws {
        let dictionary = try Self.dictionary()
        let reported = [
            ("Mozilla Firefox 120.0.1 (x64 fr)", "Mozilla Corporation"), ("Mozilla Firefox", nil),
            ("firefox-esr", "Debian"),
        ]
        let keys = Set(
            reported.map { name, publisher in
                let renamed = dictionary.apply(name: name, publisher: publisher)!
                return SoftwareCatalogueKey(name: renamed.name, publisher: renamed.publisher)
            })
        #expect(keys == [SoftwareCatalogueKey(name: "mozilla firefox", publisher: "MOZILLA")])
    }

    @Test("the rules page learns which rule would match")
    func whichRule() throws {
        let dictionary = try Self.dictionary()
        #expect(dictionary.matchingRuleIndex(name: "firefox-esr", publisher: nil) == 2)
        #expect(dictionary.matchingRuleIndex(name: "adduser", publisher: "Debian") == nil)
        #expect(SoftwareDictionary.empty.apply(name: "x", publisher: nil)! == ("x", nil))
        #expect(SoftwareDictionary.empty.matchingRuleIndex(name: "x", publisher: nil) == nil)
    }

    @Test("names and publishers longer than the matched length pass through untouched")
    func longTexts() throws {
        let dictionary = try SoftwareDictionary(rules: [SoftwareDictionaryRule(name: .glob("*"), action: .ignore)])
        let long = String(repeating: "a", count: SoftwareDictionary.maximumMatchedLength + 1)
        #expect(dictionary.apply(name: "short", publisher: nil) == nil)
        #expect(dictionary.apply(name: long, publisher: nil)?.name == long)
        #expect(dictionary.apply(name: "short", publisher: long)?.publisher == long)
    }

    @Test("hostile names against patterns that would make a backtracking engine hang are answered at once")
    func hostileNames() throws {
        let dictionary = try SoftwareDictionary(rules: [
            SoftwareDictionaryRule(name: .regularExpression("(a+)+b"), action: .ignore),
            SoftwareDictionaryRule(name: .regularExpression(".*a.*a.*a.*b"), action: .ignore),
            SoftwareDictionaryRule(name: .glob("*a*a*a*b*"), action: .ignore),
        ])
        let hostile = String(repeating: "a", count: SoftwareDictionary.maximumMatchedLength)
        for _ in 0..<800 { #expect(dictionary.apply(name: hostile, publisher: hostile) != nil) }
    }

    @Test("a bad rule is refused, naming the rule and what is wrong")
    func refused() {
        let valid = SoftwareDictionaryRule(name: .equals("x"), action: .ignore)
        #expect(throws: SoftwareDictionaryError.emptyPattern(rule: 2, field: "name")) {
            try SoftwareDictionary(rules: [valid, SoftwareDictionaryRule(name: .contains(" \t"), action: .ignore)])
        }
        #expect(throws: SoftwareDictionaryError.emptyPattern(rule: 1, field: "publisher")) {
            try SoftwareDictionary(rules: [
                SoftwareDictionaryRule(name: .equals("x"), publisher: .equals(""), action: .ignore)
            ])
        }
        #expect(throws: SoftwareDictionaryError.patternTooLong(rule: 1, field: "name", length: 501)) {
            try SoftwareDictionary(rules: [
                SoftwareDictionaryRule(name: .regularExpression(String(repeating: "a", count: 501)), action: .ignore)
            ])
        }
        #expect(throws: SoftwareDictionaryError.patternTooLong(rule: 1, field: "name", length: 10_000)) {
            try SoftwareDictionary(rules: [
                SoftwareDictionaryRule(name: .glob(String(repeating: "*", count: 10_000)), action: .ignore)
            ])
        }
        #expect(throws: SoftwareDictionaryError.emptyRename(rule: 1)) {
            try SoftwareDictionary(rules: [
                SoftwareDictionaryRule(name: .equals("x"), action: .rename(name: nil, publisher: nil))
            ])
        }
        #expect(throws: SoftwareDictionaryError.emptyRename(rule: 1)) {
            try SoftwareDictionary(rules: [
                SoftwareDictionaryRule(name: .equals("x"), action: .rename(name: " ", publisher: "P"))
            ])
        }
        #expect(throws: SoftwareDictionaryError.renameTooLong(rule: 1, length: 256)) {
            try SoftwareDictionary(rules: [
                SoftwareDictionaryRule(
                    name: .equals("x"), action: .rename(name: String(repeating: "n", count: 256), publisher: nil))
            ])
        }
        #expect(throws: SoftwareDictionaryError.tooManyRules(count: 10_001)) {
            try SoftwareDictionary(rules: Array(repeating: valid, count: 10_001))
        }
        do {
            _ = try SoftwareDictionary(rules: [
                valid, valid, SoftwareDictionaryRule(name: .regularExpression("(a)\\1"), action: .ignore),
            ])
            Issue.record("a backreference was accepted")
        } catch {
            #expect(error.code == "software_dictionary_invalid_regex")
            #expect(
                error.message
                    == "Rule 3: the name regular expression is refused. At character 4: backreferences (\\1, \\k<…>) "
                    + "are not supported.")
        }
    }

    @Test("renames are trimmed; the dictionary's digest follows its rules")
    func trimmingAndFingerprint() throws {
        let dictionary = try SoftwareDictionary(rules: [
            SoftwareDictionaryRule(name: .equals("x"), action: .rename(name: "  Tool \n", publisher: nil))
        ])
        #expect(dictionary.apply(name: "X", publisher: "Maker")! == ("Tool", "Maker"))
        let same = try SoftwareDictionary(rules: dictionary.rules)
        #expect(dictionary.fingerprint == same.fingerprint)
        #expect(dictionary.fingerprint.count == 16)
        #expect(dictionary.fingerprint != SoftwareDictionary.empty.fingerprint)
    }

    @Test("30 rules over the 800 packages of a Debian machine give the same answers as one rule at a time")
    func realisticVolume() throws {
        var rules: [SoftwareDictionaryRule] = []
        for index in 0..<6 {
            rules.append(
                .init(name: .equals("package-\(index * 97)"), action: .rename(name: "Renamed \(index)", publisher: nil))
            )
            rules.append(.init(name: .startsWith("lib\(index)zz"), action: .ignore))
            rules.append(.init(name: .contains("-dbg\(index)"), action: .ignore))
            rules.append(.init(name: .glob("linux-image-*-\(index)"), publisher: .equals("Debian"), action: .ignore))
            rules.append(.init(name: .regularExpression("^python3\\.\(index)+-[a-z]+$"), action: .ignore))
        }
        let dictionary = try SoftwareDictionary(rules: rules)
        let names = (0..<800).map { "package-\($0)" } + ["lib3zzfoo", "x-dbg5", "linux-image-6.1-4", "python3.11-venv"]
        for name in names {
            let expected = try rules.firstIndex { rule in
                try SoftwareDictionary(rules: [rule]).matchingRuleIndex(name: name, publisher: "Debian") != nil
            }
            #expect(dictionary.matchingRuleIndex(name: name, publisher: "Debian") == expected, "\(name)")
        }
        #expect(dictionary.apply(name: "package-97", publisher: "Debian")!.name == "Renamed 1")
        #expect(dictionary.apply(name: "python3.11-venv", publisher: "Debian") == nil)
    }

    @Test(
        "catalogue keys fold case, white space, control characters and Unicode composition",
        arguments: [
            ("  Mozilla\tFIREFOX \u{0}(x64)  ", "mozilla firefox (x64)"), ("Café", "café"), ("Cafe\u{301}", "café"),
            ("CAFÉ", "café"), ("a\u{00A0}\u{2003}b", "a b"), ("\n\r\t", ""), ("ÄRGER  Ünd", "ärger ünd"),
            ("Tool\u{7F}Box", "tool box"),
        ])
    func fold(text: String, expected: String) {
        #expect(SoftwareCatalogueKey.fold(text) == expected)
        #expect(Array(SoftwareCatalogueKey.fold(text).utf8) == Array(expected.utf8))
    }

    @Test("the publisher is part of a program's identity; a missing one is the empty publisher")
    func keys() {
        let firefox = SoftwareCatalogueKey(name: "Mozilla Firefox", publisher: "Mozilla")
        #expect(firefox == SoftwareCatalogueKey(name: " mozilla  firefox", publisher: "MOZILLA"))
        #expect(firefox != SoftwareCatalogueKey(name: "Mozilla Firefox", publisher: "Debian"))
        #expect(SoftwareCatalogueKey(name: "x", publisher: nil) == SoftwareCatalogueKey(name: "x", publisher: "  "))
        #expect(firefox.description == "mozilla firefox|mozilla")
        let sorted = [
            SoftwareCatalogueKey(name: "b", publisher: "a"), SoftwareCatalogueKey(name: "a", publisher: "z"),
            SoftwareCatalogueKey(name: "a", publisher: nil),
        ].sorted()
        #expect(sorted.map(\.description) == ["a|", "a|z", "b|a"])
    }

    @Test("rules survive a round trip through JSON")
    func codable() throws {
        let rules = try Self.dictionary().rules
        let data = try JSONEncoder().encode(rules)
        #expect(try JSONDecoder().decode([SoftwareDictionaryRule].self, from: data) == rules)
        #expect(String(decoding: data, as: UTF8.self).contains(#""kind":"starts_with""#))
    }
}
