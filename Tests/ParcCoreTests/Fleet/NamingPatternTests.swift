import Testing

@testable import ParcCore

private let paris = NamingContext(entityCode: "PAR", siteCode: "HQ", typeCode: "PC", year: 2026, serial: "5cg1234abc")

private func parseError(_ pattern: String) -> NamingPatternError? {
    do {
        _ = try NamingPattern(pattern)
        return nil
    } catch {
        return error
    }
}

@Suite("Naming pattern parsing")
struct NamingPatternParsingTests {
    @Test("a pattern parses into its tokens and literal text")
    func parses() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:4}")
        #expect(pattern.tokens == [.entity, .literal("-"), .type, .literal("-"), .sequence(width: 4)])
        #expect(pattern.sequenceWidth == 4)
        let all = try NamingPattern("{site}{year}{yy}x{serial:6}")
        #expect(all.tokens == [.site, .year, .shortYear, .literal("x"), .serial(length: 6)])
        #expect(all.sequenceWidth == nil)
    }

    @Test("unknown tokens are refused with their position")
    func unknown() {
        #expect(parseError("PC-{foo}") == .unknownToken("foo", position: 3))
        #expect(parseError("{}") == .unknownToken("", position: 0))
        #expect(parseError("{Entity}") == .unknownToken("Entity", position: 0))
        #expect(parseError("{séquence:4}") == .unknownToken("séquence:4", position: 0))
    }

    @Test("unbalanced or nested braces are refused")
    func braces() {
        #expect(parseError("ab{entity") == .unbalancedBrace(position: 2))
        #expect(parseError("ab}") == .unbalancedBrace(position: 2))
        #expect(parseError("{ent{ity}}") == .unbalancedBrace(position: 4))
        #expect(parseError("{") == .unbalancedBrace(position: 0))
        #expect(parseError("}") == .unbalancedBrace(position: 0))
    }

    @Test(
        "a sequence or serial width that is missing, not a number or out of range is refused",
        arguments: [
            "{seq:0}", "{seq:10}", "{seq:99999999999999999999999}", "{seq}", "{seq:}", "{seq:-1}", "{seq:+4}",
            "{seq:４}", "{seq: 4}", "{serial:0}", "{serial:65}", "{serial}",
        ])
    func widths(pattern: String) {
        guard case .widthOutOfRange = parseError(pattern) else {
            Issue.record("\(pattern) was not refused for its width")
            return
        }
    }

    @Test("the widths at the ends of their ranges are accepted")
    func widthBounds() throws {
        #expect(try NamingPattern("{seq:1}").sequenceWidth == 1)
        #expect(try NamingPattern("{seq:9}").sequenceWidth == 9)
        #expect(try NamingPattern("{serial:64}").tokens == [.serial(length: 64)])
    }

    @Test("a second sequence token is refused")
    func duplicateSequence() {
        #expect(parseError("{seq:2}-{seq:3}") == .duplicateSequence(position: 8))
    }

    @Test("empty and overlong patterns are refused; 255 characters are accepted")
    func lengths() throws {
        #expect(parseError("") == .empty)
        #expect(parseError(String(repeating: "a", count: 10_000)) == .tooLong(length: 10_000))
        #expect(parseError(String(repeating: "{seq:4}", count: 10_000)) == .tooLong(length: 70_000))
        #expect(
            try NamingPattern(String(repeating: "é", count: 255)).tokens == [
                .literal(String(repeating: "é", count: 255))
            ])
    }

    @Test("error messages say what to do")
    func messages() {
        #expect(NamingPatternError.unknownToken("foo", position: 3).message.contains("use {entity}"))
        #expect(NamingPatternError.sequenceExhausted(width: 4).message.contains("widen {seq:4}"))
        #expect(NamingPatternError.duplicateSequence(position: 0).code == "naming_pattern_duplicate_sequence")
    }
}

@Suite("Naming pattern matching")
struct NamingPatternMatchingTests {
    @Test("a conforming name matches, whatever its case")
    func matches() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:4}")
        #expect(pattern.matches("PAR-PC-0042", context: paris))
        #expect(pattern.matches("par-pc-0042", context: paris))
    }

    @Test("validation says why a name breaks the plan")
    func violations() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:4}")
        #expect(pattern.validate("PAR-PC-42", context: paris) == .badSequence(found: "42", width: 4))
        #expect(pattern.validate("PAR-PC-00042", context: paris) == .badSequence(found: "00042", width: 4))
        #expect(pattern.validate("LYO-PC-0001", context: paris) == .wrongPrefix(expected: "PAR-PC-"))
        #expect(pattern.validate("PAR-PC-١٢٣٤", context: paris) == .badSequence(found: "١٢٣٤", width: 4))
        #expect(pattern.validate("PAR-PC-00a1", context: paris) == .badSequence(found: "00A1", width: 4))
        #expect(pattern.validate("", context: paris) == .empty)
        #expect(pattern.validate(" \t", context: paris) == .empty)
        #expect(
            pattern.validate("PAR-PC-0001", context: NamingContext(entityCode: "PAR")) == .missingContext(token: "type")
        )
        #expect(NamingViolation.wrongPrefix(expected: "PAR-PC-").message == "The name should start with \"PAR-PC-\".")
    }

    @Test("site, two-digit year and serial suffix are filled from the context")
    func suffixTokens() throws {
        let pattern = try NamingPattern("{site}{yy}-{seq:3}-{serial:4}")
        #expect(try pattern.suggestNext(existing: [], context: paris) == "HQ26-001-4ABC")
        #expect(pattern.matches("hq26-017-4abc", context: paris))
        #expect(pattern.validate("HQ26-017-XXXX", context: paris) == .wrongSuffix(expected: "-4ABC"))
        var junk = paris
        junk.serial = "To be filled by O.E.M."
        #expect(pattern.validate("HQ26-017-4ABC", context: junk) == .missingContext(token: "serial"))
    }

    @Test("years are zero-padded, and a year beyond 9999 is missing context")
    func years() throws {
        let pattern = try NamingPattern("{year}/{yy}-{seq:2}")
        #expect(try pattern.suggestNext(existing: [], context: NamingContext(year: 7)) == "0007/07-01")
        #expect(throws: NamingPatternError.missingContext(token: "year")) {
            try pattern.suggestNext(existing: [], context: NamingContext(year: 10_000))
        }
    }

    @Test("unicode literals match case-insensitively and across normalisation forms")
    func unicode() throws {
        let pattern = try NamingPattern("Café-{seq:2}")
        #expect(pattern.matches("CAFÉ-01", context: NamingContext()))
        #expect(pattern.matches("Cafe\u{301}-01", context: NamingContext()))
        #expect(pattern.matches("🖥️Café-01", context: NamingContext()) == false)
    }

    @Test("a name of 100 000 characters is rejected without trouble")
    func hugeName() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:4}")
        let name = "PAR-PC-" + String(repeating: "9", count: 100_000)
        #expect(
            pattern.validate(name, context: paris)
                == .badSequence(found: String(repeating: "9", count: 100_000), width: 4))
    }
}

@Suite("Naming pattern suggestions")
struct NamingPatternSuggestionTests {
    @Test("the next name follows the highest sequence of the same prefix, leaving gaps unfilled")
    func next() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:4}")
        let existing = ["PAR-PC-0001", "PAR-PC-0007", "par-pc-0003", "PAR-LT-0050", "PAR-PC-12", "PAR-PC-0002-old"]
        #expect(try pattern.suggestNext(existing: existing, context: paris) == "PAR-PC-0008")
        #expect(try pattern.suggestNext(existing: [], context: paris) == "PAR-PC-0001")
    }

    @Test("a full sequence is reported instead of overflowing its width")
    func exhausted() throws {
        #expect(throws: NamingPatternError.sequenceExhausted(width: 1)) {
            try NamingPattern("X{seq:1}").suggestNext(existing: ["X9"], context: NamingContext())
        }
        #expect(throws: NamingPatternError.sequenceExhausted(width: 9)) {
            try NamingPattern("{seq:9}").suggestNext(existing: ["999999999"], context: NamingContext())
        }
        #expect(
            try NamingPattern("{seq:9}").suggestNext(existing: ["999999998"], context: NamingContext()) == "999999999")
    }

    @Test("a pattern without sequence gives its one name while it is free")
    func noSequence() throws {
        let pattern = try NamingPattern("{entity}-{serial:6}")
        #expect(try pattern.suggestNext(existing: ["OTHER"], context: paris) == "PAR-234ABC")
        #expect(throws: NamingPatternError.nameTaken("PAR-234ABC")) {
            try pattern.suggestNext(existing: ["par-234abc"], context: paris)
        }
    }

    @Test("missing context is reported when suggesting")
    func missing() throws {
        #expect(throws: NamingPatternError.missingContext(token: "entity")) {
            try NamingPattern("{entity}-{seq:3}").suggestNext(existing: [], context: NamingContext(entityCode: "  "))
        }
    }
}

@Suite("Naming pattern rename proposals")
struct RenameProposalTests {
    @Test("non-conforming names get collision-free names in name order, and blocked ones say why")
    func proposal() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:4}")
        var laptop = paris
        laptop.typeCode = "LT"
        let assets = [
            ("zeta", paris), ("alpha", paris), ("PAR-PC-0002", paris), ("alpha", laptop),
            ("beta", NamingContext(entityCode: "PAR")),
        ]
        let existing = ["PAR-PC-0002", "PAR-PC-0003", "PAR-LT-0001", "zeta", "alpha", "alpha", "beta"]
        let result = pattern.renameProposal(for: assets.map { (name: $0.0, context: $0.1) }, existing: existing)
        #expect(result.map(\.currentName) == ["alpha", "alpha", "beta", "zeta"])
        #expect(result.map(\.proposedName) == ["PAR-PC-0004", "PAR-LT-0002", nil, "PAR-PC-0005"])
        #expect(result[2].blocker == .missingContext(token: "type"))
        #expect(result[0].violation == .wrongPrefix(expected: "PAR-PC-"))
    }

    @Test("the proposal does not depend on the order of the assets")
    func deterministic() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:3}")
        let names = ["pc-bob", "PC-Alice", "desk12", "Ünïcode", "pc-alice", "📠"]
        let assets = names.map { (name: $0, context: paris) }
        let forward = pattern.renameProposal(for: assets, existing: names)
        let backward = pattern.renameProposal(for: assets.reversed(), existing: names.reversed())
        #expect(forward == backward)
        #expect(forward.map(\.currentName) == ["PC-Alice", "desk12", "pc-alice", "pc-bob", "Ünïcode", "📠"])
        #expect(Set(forward.compactMap(\.proposedName)).count == 6)
    }

    @Test("a pattern without sequence proposes a name once and blocks the collision")
    func collisions() throws {
        let pattern = try NamingPattern("{entity}-{serial:4}")
        let first = NamingContext(entityCode: "PAR", serial: "X1234")
        let second = NamingContext(entityCode: "PAR", serial: "Y1234")
        let result = pattern.renameProposal(
            for: [(name: "a", context: first), (name: "b", context: second)], existing: [])
        #expect(result.map(\.proposedName) == ["PAR-1234", nil])
        #expect(result[1].blocker == .nameTaken("PAR-1234"))
    }

    @Test("10 000 offenders fill a 4-digit sequence and the last one is told it is exhausted")
    func many() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:4}")
        let assets = (0..<10_000).map { (name: "host\($0)", context: paris) }
        let result = pattern.renameProposal(for: assets, existing: [])
        #expect(result.count == 10_000)
        #expect(result.compactMap(\.proposedName).count == 9_999)
        #expect(Set(result.compactMap(\.proposedName)).count == 9_999)
        #expect(result.last?.blocker == .sequenceExhausted(width: 4))
        #expect(result.first?.proposedName == "PAR-PC-0001")
    }

    @Test("conforming names produce no proposal")
    func empty() throws {
        let pattern = try NamingPattern("{entity}-{type}-{seq:4}")
        #expect(pattern.renameProposal(for: [(name: "PAR-PC-0001", context: paris)], existing: []).isEmpty)
    }
}
