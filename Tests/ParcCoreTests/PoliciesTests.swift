import Foundation
import Testing
@testable import ParcCore

@Suite("Accounts, audit, text and retry policies")
struct PoliciesTests {
    @Test("passwords: length in characters and bytes, not the login, no control characters")
    func passwords() {
        let policy = PasswordPolicy()
        #expect(policy.check("correct horse", login: "x") == nil)
        #expect(policy.check("short", login: "x") == .tooShort(minimum: 10))
        #expect(policy.check(String(repeating: "é", count: 40), login: "x") == .tooLong(maximumBytes: 72))
        #expect(policy.check("Admin12345", login: "admin12345") == .sameAsLogin)
        #expect(policy.check("tab\tinside!!", login: "x") == .invalidCharacters)
    }

    @Test("login throttling: free attempts, then a doubling lockout up to the cap")
    func throttle() {
        let policy = LoginThrottlePolicy()
        let now = Date(timeIntervalSince1970: 1_000_000)
        let four = (1...4).map { now.addingTimeInterval(Double(-$0)) }
        #expect(policy.lockedUntil(failures: four, now: now) == nil)
        let five = four + [now]
        #expect(policy.lockedUntil(failures: five, now: now) == now.addingTimeInterval(30))
        let seven = five + [now.addingTimeInterval(-5), now.addingTimeInterval(-6)]
        #expect(policy.lockedUntil(failures: seven, now: now) == now.addingTimeInterval(120))
        let flood = (0..<500).map { now.addingTimeInterval(Double(-$0)) }
        #expect(policy.lockedUntil(failures: flood, now: now) == now.addingTimeInterval(3600))
        let old = (0..<10).map { now.addingTimeInterval(Double(-1000 - $0)) }
        #expect(policy.lockedUntil(failures: old, now: now) == nil, "failures outside the window do not count")
    }

    @Test("field changes list differences, with secrets redacted")
    func changes() {
        let changes = FieldChange.between(["name": "A", "code": nil, "password": "h1"],
                                          ["name": "B", "code": "X", "password": "h2", "comment": nil],
                                          secrets: ["password"])
        #expect(changes == [
            FieldChange(field: "code", before: nil, after: "X"),
            FieldChange(field: "name", before: "A", after: "B"),
            FieldChange(field: "password", before: FieldChange.redacted, after: FieldChange.redacted),
        ])
    }

    @Test("text templates fill placeholders, escape values, and refuse unknown or unterminated ones")
    func templates() throws {
        let template = TextTemplate("Bonjour {{ name }}, ticket {{ref}} — {{name}}")
        #expect(template.placeholders == ["name", "ref"])
        #expect(try template.render(["name": "<Ana>", "ref": "T-1"], escape: { $0.replacingOccurrences(of: "<", with: "&lt;") })
            == "Bonjour &lt;Ana>, ticket T-1 — &lt;Ana>")
        #expect(throws: TextTemplate.RenderError.unknownPlaceholder("ref")) { try template.render(["name": "x"]) }
        #expect(throws: TextTemplate.RenderError.unterminatedPlaceholder) { try TextTemplate("a {{b").render([:]) }
    }

    @Test("retries back off exponentially up to a cap, then give up")
    func retries() {
        let schedule = RetrySchedule(maxAttempts: 4, firstDelay: 60, maxDelay: 200)
        let now = Date(timeIntervalSince1970: 0)
        #expect(schedule.nextAttempt(afterFailures: 1, now: now) == now.addingTimeInterval(60))
        #expect(schedule.nextAttempt(afterFailures: 2, now: now) == now.addingTimeInterval(120))
        #expect(schedule.nextAttempt(afterFailures: 3, now: now) == now.addingTimeInterval(200))
        #expect(schedule.nextAttempt(afterFailures: 4, now: now) == nil)
    }

    @Test("CSV quotes what needs it and neutralises formulas")
    func csv() {
        #expect(CSV.row(["a", "b,c", "say \"hi\"", "=1+1", "-2", "line\nbreak"])
            == "a,\"b,c\",\"say \"\"hi\"\"\",'=1+1,'-2,\"line\nbreak\"\r\n")
    }

    @Test("CSV export neutralises formulas hidden behind a combining mark, a line end or a semicolon")
    func csvHostileCells() {
        #expect(CSV.cell("=\u{301}1+1") == "'=\u{301}1+1")
        #expect(CSV.cell("\r\n=1") == "\"'\r\n=1\"")
        #expect(CSV.cell("@SUM(A1)") == "'@SUM(A1)")
        // Read with ; as the delimiter, the cell must not split into one that starts with =.
        #expect(CSV.cell("x;=HYPERLINK(\"http://e.example\")") == "\"x;=HYPERLINK(\"\"http://e.example\"\")\"")
        #expect(CSV.cell("tab\there") == "\"tab\there\"")
        #expect(CSV.cell("plain 'quoted' text") == "plain 'quoted' text")
    }

    @Test("a neutralised cell reads back to its value on import; other apostrophes stay")
    func csvImportedValue() throws {
        for value in ["=1+1", "-5", "+33 1 23 45 67 89", "@home", "plain", "'quoted'", "", "'", "a;b", "x\r\ny"] {
            let line = CSV.row(["id", value])
            let read = try CSVReader().read(Array(line.utf8)).records[0].fields[1]
            #expect(CSV.importedValue(read) == value, "\(value)")
        }
        #expect(CSV.importedValue("'-5") == "-5")
        #expect(CSV.importedValue("'abc") == "'abc")
    }

    @Test("Accept-Language picks the best supported language by quality, then order")
    func languages() {
        #expect(Language.negotiate(acceptLanguage: "fr-FR,fr;q=0.9,en;q=0.8") == .fr)
        #expect(Language.negotiate(acceptLanguage: "de, en;q=0.5, fr;q=0.7") == .fr)
        #expect(Language.negotiate(acceptLanguage: "de") == nil)
        #expect(Language.negotiate(acceptLanguage: "fr;q=0, en") == .en)
        #expect(Language.negotiate(acceptLanguage: nil) == nil)
        #expect(Language.negotiate(acceptLanguage: String(repeating: "x", count: 2000)) == nil)
    }
}
