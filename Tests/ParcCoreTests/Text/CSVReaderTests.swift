import Foundation
import Testing

@testable import ParcCore

@Suite("CSV reader")
struct CSVReaderTests {
    func read(_ text: String, limits: CSVReadLimits = .imports) throws -> CSVTable {
        try CSVReader(limits: limits).read(Array(text.utf8))
    }

    func fields(_ text: String) throws -> [[String]] { try read(text).records.map(\.fields) }

    @Test("quotes, doubled quotes, delimiters and line breaks inside quotes, CRLF, LF and CR line ends")
    func rfc4180() throws {
        #expect(try fields("a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n") == [["a", "b", "c"], ["1", "x,y", "say \"hi\""]])
        #expect(try fields("a,b\n\"two\nlines\",\"crlf\r\ninside\"\n") == [["a", "b"], ["two\nlines", "crlf\r\ninside"]])
        #expect(try fields("a,b\rc,d\r") == [["a", "b"], ["c", "d"]])
        #expect(try fields("a,b") == [["a", "b"]])
        #expect(try fields("a,,\n,,") == [["a", "", ""], ["", "", ""]])
        #expect(try fields("\"\",x\n") == [["", "x"]])
        #expect(try fields("a\n\nb\n") == [["a"], [""], ["b"]])
        #expect(try read("a\n\nb\n").records[1].isBlank)
    }

    @Test("records know their row number and the line they start on, across line breaks inside quotes")
    func positions() throws {
        let table = try read("h1,h2\n\"a\nb\nc\",x\ny,z\n")
        #expect(table.records.map(\.number) == [1, 2, 3])
        #expect(table.records.map(\.line) == [1, 2, 5])
    }

    @Test("the delimiter is the one the header uses most: comma, semicolon (French Excel) or tab")
    func delimiterSniffing() throws {
        let french = try read("nom;statut;commentaire\nPC-01;deployed;\"a, b; c\"\n")
        #expect(french.delimiter == ";")
        #expect(french.records[1].fields == ["PC-01", "deployed", "a, b; c"])
        #expect(try read("a\tb\n1\t2").delimiter == "\t")
        #expect(try read("name\nx,y").delimiter == ",")
        // A delimiter inside a quoted header field does not count.
        let quoted = try read("\"a;b;c\",d\n1,2")
        #expect(quoted.delimiter == "," && quoted.records[0].fields == ["a;b;c", "d"])
    }

    @Test("a UTF-8 byte order mark is skipped; Windows-1252 and UTF-16 with a byte order mark are read")
    func encodings() throws {
        let bom = try CSVReader().read([0xEF, 0xBB, 0xBF] + Array("nom;lieu\nPC;Salle é\n".utf8))
        #expect(bom.encoding == .utf8 && bom.records[0].fields == ["nom", "lieu"] && bom.records[1].fields[1] == "Salle é")
        // "Bâtiment €" in Windows-1252: â is 0xE2, € is 0x80.
        let latin = try CSVReader().read(Array("nom;lieu\nPC;B".utf8) + [0xE2] + Array("timent ".utf8) + [0x80])
        #expect(latin.encoding == .windows1252 && latin.records[1].fields[1] == "Bâtiment €")
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("a\tb\nc\té".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let table = try CSVReader().read(utf16)
        #expect(table.encoding == .utf16LittleEndian && table.records.map(\.fields) == [["a", "b"], ["c", "é"]])
        let bigEndian: [UInt8] = [0xFE, 0xFF] + Array("x,y".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(try CSVReader().read(bigEndian).records[0].fields == ["x", "y"])
    }

    @Test("malformed input is refused with the line at fault")
    func malformed() {
        #expect(throws: CSVReadError.unterminatedQuote(line: 2)) { try read("a,b\n\"open,x\ny,z\n") }
        #expect(throws: CSVReadError.textAfterClosingQuote(line: 1)) { try read("\"abc\"def,x") }
        #expect(throws: CSVReadError.quoteInUnquotedField(line: 3)) { try read("a\nb\n5\" screen\n") }
        #expect(throws: CSVReadError.empty) { try read("") }
        #expect(throws: CSVReadError.empty) { try read("\r\n\n") }
        #expect(throws: CSVReadError.empty) { try CSVReader().read([0xEF, 0xBB, 0xBF]) }
        // A truncated file: the last quoted field lost its end.
        #expect(throws: CSVReadError.unterminatedQuote(line: 2)) { try read("id,comment\n1,\"long text cut") }
        #expect(CSVReadError.unterminatedQuote(line: 7).description.contains("Line 7"))
        #expect(CSVReadError.unterminatedQuote(line: 7).line == 7)
    }

    @Test("binary and undecodable input is refused")
    func hostileBytes() {
        #expect(throws: CSVReadError.binary) { try CSVReader().read(Array("a,b\n".utf8) + [0, 1, 2]) }
        // UTF-16 without its byte order mark reads as UTF-8 full of NULs.
        #expect(throws: CSVReadError.binary) { try CSVReader().read(Array("ab".utf16).flatMap { [UInt8($0), UInt8(0)] }) }
        // 0x81 is undefined in Windows-1252.
        #expect(throws: CSVReadError.undecodable) { try CSVReader().read([0x61, 0x81, 0x62]) }
        // UTF-16 with an odd number of bytes, and with a lone surrogate.
        #expect(throws: CSVReadError.undecodable) { try CSVReader().read([0xFF, 0xFE, 0x61]) }
        #expect(throws: CSVReadError.undecodable) { try CSVReader().read([0xFF, 0xFE, 0x00, 0xD8, 0x61, 0x00]) }
    }

    @Test("oversized input, fields, records and rows are refused before they cost memory")
    func limits() throws {
        let small = CSVReadLimits(maximumBytes: 1_000, maximumRecords: 3, maximumFields: 4, maximumFieldBytes: 10)
        #expect(throws: CSVReadError.tooLarge(limit: 1_000)) { try read(String(repeating: "a", count: 1_001), limits: small) }
        #expect(throws: CSVReadError.tooManyRecords(limit: 3)) { try read("a\nb\nc\nd\n", limits: small) }
        #expect(throws: CSVReadError.tooManyFields(line: 2, limit: 4)) { try read("a\n1,2,3,4,5\n", limits: small) }
        #expect(throws: CSVReadError.fieldTooLong(line: 2, limit: 10)) { try read("a\n12345678901\n", limits: small) }
        #expect(throws: CSVReadError.fieldTooLong(line: 1, limit: 10)) {
            try read("\"123456\n78901\"\n", limits: small)
        }
        #expect(try read("1234567890,x", limits: small).records[0].fields[0] == "1234567890")
        // A huge field within the byte limit but over the field limit, unquoted and quoted.
        let huge = String(repeating: "x", count: 70_000)
        #expect(throws: CSVReadError.fieldTooLong(line: 2, limit: 64 << 10)) { try read("a\n" + huge) }
        #expect(throws: CSVReadError.fieldTooLong(line: 2, limit: 64 << 10)) { try read("a\n\"" + huge + "\"") }
        #expect(throws: CSVReadError.tooLarge(limit: 5 << 20)) {
            try CSVReader().read([UInt8](repeating: UInt8(ascii: "a"), count: (5 << 20) + 1))
        }
    }

    @Test("a file of only delimiters and quotes is read without blowing up")
    func pathological() throws {
        let commas = String(repeating: ",", count: 63)
        #expect(try read(commas).records[0].fields.count == 64)
        #expect(throws: CSVReadError.tooManyFields(line: 1, limit: 64)) { try read(commas + ",") }
        let quotes = "\"" + String(repeating: "\"\"", count: 10_000) + "\""
        #expect(try read(quotes).records[0].fields[0] == String(repeating: "\"", count: 10_000))
        #expect(throws: CSVReadError.unterminatedQuote(line: 1)) { try read(String(repeating: "\"", count: 10_001)) }
    }
}
