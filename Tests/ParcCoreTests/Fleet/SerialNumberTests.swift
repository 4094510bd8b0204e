import Testing

@testable import ParcCore

@Suite("Serial numbers")
struct SerialNumberTests {
    @Test(
        "firmware placeholders and blanks are junk, whatever their case",
        arguments: [
            "To be filled by O.E.M.", "to be filled by o.e.m.", "System Serial Number", "Default string", "0",
            "00000000", "None", "N/A", "n/a", "Not Specified", "123456789", "", "   ", "\t\n", "XXXXXXXX", "ffffffff",
            "  Default String  ", "----", "...", "Chassis Serial Number", "unknown", "1111111111",
        ])
    func junk(serial: String) {
        #expect(SerialNumber.isJunk(serial))
        #expect(SerialNumber(serial) == nil)
    }

    @Test(
        "real serials are not junk",
        arguments: ["C02XK1JHJG5J", "5CG1234ABC", "VMware-42 1a 2b 3c", "PF2ABCDE", "00000001", "12345678901", "Ab"])
    func real(serial: String) {
        #expect(!SerialNumber.isJunk(serial))
    }

    @Test("normalising trims white space and upper-cases")
    func normalize() {
        #expect(SerialNumber.normalize("  c02xk1jhjg5j\n") == "C02XK1JHJG5J")
        #expect(SerialNumber("\u{0}5cg1234abc ")?.value == "5CG1234ABC")
    }

    @Test("unicode serials are normalised and a repeated accented letter is junk")
    func unicode() {
        #expect(SerialNumber.normalize("straße-é1") == "STRASSE-É1")
        #expect(SerialNumber.isJunk("ééé"))
        #expect(!SerialNumber.isJunk("日本123"))
        #expect(SerialNumber.isJunk("\u{00A0}\u{2003}"))
    }

    @Test("a serial of 100 000 characters is handled")
    func huge() {
        #expect(SerialNumber.isJunk(String(repeating: "0", count: 100_000)))
        #expect(!SerialNumber.isJunk(String(repeating: "AB", count: 50_000)))
    }
}
