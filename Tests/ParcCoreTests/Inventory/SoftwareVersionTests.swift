import Foundation
import Testing

@testable import ParcCore

@Suite("Software versions")
struct SoftwareVersionTests {
    @Test(
        "versions order as dpkg orders them",
        arguments: [
            ("119.0.1", "120.0"), ("120.0", "120.0.1"), ("120", "120.0"), ("1.9", "1.10"),
            ("5.36.0-7", "5.36.0-7+deb12u1"),
            ("5.36.0-7+deb12u1", "5.36.0-8"), ("3.0", "1:2.6-3"), ("2.0~rc1", "2.0"), ("2.0~rc1", "2.0~rc2"),
            ("1.0~~", "1.0~"), ("1.0", "1.0rc1"), ("1.0", "1.0a"), ("1.0A", "1.0a"), ("1.0a", "1.0+"), ("1.0", "1.0."),
            ("0.9", "1.0-0ubuntu1"), ("1.0-1", "1.0-1ubuntu1"), ("1.0-0ubuntu1", "1.0-1"), ("9", "10"),
            ("10.0.19045.3570", "10.0.22621.1"), ("1.2.3-beta", "1.2.3-rc"), ("0:1.0", "1:0.1"), ("a", "b"), ("1", "a"),
            ("~", "1"), ("0~1", "0"), ("1.0~beta", "1.0-1"), ("2:1.0", "10:0.1"),
        ])
    func order(lower: String, higher: String) throws {
        let low = try SoftwareVersion(parsing: lower)
        let high = try SoftwareVersion(parsing: higher)
        #expect(low < high)
        #expect(!(high < low))
        #expect(low != high)
        #expect(low.sortKey < high.sortKey)
    }

    @Test(
        "versions that dpkg calls equal are equal, with equal hashes and sort keys",
        arguments: [
            ("1.01", "1.1"), ("1.0-0", "1.0"), ("0:1.0", "1.0"), ("00:1.0", "1.0"), ("1.0-00", "1.0-0"),
            ("1.000", "1.0"),
            (" 120.0 ", "120.0"),
        ])
    func equal(first: String, second: String) throws {
        let one = try SoftwareVersion(parsing: first)
        let other = try SoftwareVersion(parsing: second)
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)
        #expect(one.sortKey == other.sortKey)
        #expect(!(one < other) && !(other < one))
    }

    @Test("a version splits into epoch, upstream and revision")
    func parts() throws {
        let debian = try SoftwareVersion(parsing: "1:2.6-3")
        #expect(debian.epoch == "1")
        #expect(debian.upstream == "2.6")
        #expect(debian.revision == "3")
        let security = try SoftwareVersion(parsing: "5.36.0-7+deb12u1")
        #expect(security.upstream == "5.36.0")
        #expect(security.revision == "7+deb12u1")
        let plain = try SoftwareVersion(parsing: "120.0.1")
        #expect(plain.epoch == "0")
        #expect(plain.revision == nil)
        #expect(plain.description == "120.0.1")
        #expect(try SoftwareVersion(parsing: "a:2").upstream == "a:2")
        #expect(try SoftwareVersion(parsing: "1:").upstream == "1:")
        #expect(try SoftwareVersion(parsing: "-1").upstream == "-1")
        #expect(try SoftwareVersion(parsing: "1.0-").revision == nil)
        #expect(try SoftwareVersion(parsing: "10.0.19045 Build 3570").upstream == "10.0.19045 Build 3570")
    }

    @Test("the sort key orders every short version as dpkg's own algorithm does")
    func exhaustiveAgainstReference() throws {
        // Every text of 1 to 3 characters over digits, separators, tilde and letters: 399 texts, 159,201 pairs.
        let alphabet = ["0", "1", ".", "~", "a", "-", ":"]
        var texts = alphabet
        for _ in 0..<2 {
            texts += texts.filter { $0.count == texts.last!.count }.flatMap { text in alphabet.map { text + $0 } }
        }
        let versions = texts.compactMap { SoftwareVersion($0) }
        #expect(versions.count == 399)
        for first in versions {
            for second in versions {
                let expected = Self.dpkgCompare(first, second)
                #expect((first < second) == (expected < 0), "\(first) vs \(second)")
                #expect((first == second) == (expected == 0), "\(first) vs \(second)")
                #expect((first.sortKey < second.sortKey) == (expected < 0), "\(first) vs \(second)")
            }
        }
    }

    @Test("malformed, oversized and hostile versions are refused with what is wrong")
    func refused() {
        #expect(throws: SoftwareVersionError.empty) { try SoftwareVersion(parsing: "") }
        #expect(throws: SoftwareVersionError.empty) { try SoftwareVersion(parsing: " \t ") }
        #expect(throws: SoftwareVersionError.tooLong(length: 129)) {
            try SoftwareVersion(parsing: String(repeating: "1", count: 129))
        }
        #expect(throws: SoftwareVersionError.tooLong(length: 1_000_000)) {
            try SoftwareVersion(parsing: String(repeating: "1.", count: 500_000))
        }
        #expect(throws: SoftwareVersionError.invalidCharacter("é")) { try SoftwareVersion(parsing: "1.0é") }
        #expect(throws: SoftwareVersionError.invalidCharacter("\u{0}")) { try SoftwareVersion(parsing: "1\u{0}0") }
        #expect(throws: SoftwareVersionError.numberTooLong(digits: 41)) {
            try SoftwareVersion(parsing: "1." + String(repeating: "9", count: 41))
        }
        #expect(SoftwareVersion(String(repeating: "0", count: 100) + "1") != nil)
        #expect(SoftwareVersionError.invalidCharacter("\u{0}").message.hasSuffix("not U+0."))
        #expect(SoftwareVersionError.invalidCharacter("é").message.hasSuffix("not 'é'."))
    }

    @Test("versions encode as their text")
    func codable() throws {
        let versions = try ["1:2.6-3", "120.0.1"].map { try SoftwareVersion(parsing: $0) }
        let data = try JSONEncoder().encode(versions)
        #expect(String(decoding: data, as: UTF8.self) == #"["1:2.6-3","120.0.1"]"#)
        #expect(try JSONDecoder().decode([SoftwareVersion].self, from: data).map(\.text) == ["1:2.6-3", "120.0.1"])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([SoftwareVersion].self, from: Data(#"[""]"#.utf8))
        }
    }

    // MARK: Reference: dpkg's verrevcmp (lib/dpkg/version.c), transcribed.

    static func order(_ character: UInt8?) -> Int {
        guard let character else { return 0 }
        if SoftwareVersion.isDigit(character) { return 0 }
        if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(character)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(character)
        {
            return Int(character)
        }
        if character == UInt8(ascii: "~") { return -1 }
        return Int(character) + 256
    }

    static func verrevcmp(_ first: String, _ second: String) -> Int {
        let a = Array(first.utf8)
        let b = Array(second.utf8)
        var i = 0
        var j = 0
        func at(_ bytes: [UInt8], _ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        while i < a.count || j < b.count {
            var firstDifference = 0
            while (at(a, i).map { !SoftwareVersion.isDigit($0) } ?? false)
                || (at(b, j).map { !SoftwareVersion.isDigit($0) } ?? false)
            {
                let ac = order(at(a, i))
                let bc = order(at(b, j))
                if ac != bc { return ac - bc }
                i += 1
                j += 1
            }
            while at(a, i) == UInt8(ascii: "0") { i += 1 }
            while at(b, j) == UInt8(ascii: "0") { j += 1 }
            while let x = at(a, i), let y = at(b, j), SoftwareVersion.isDigit(x), SoftwareVersion.isDigit(y) {
                if firstDifference == 0 { firstDifference = Int(x) - Int(y) }
                i += 1
                j += 1
            }
            if let x = at(a, i), SoftwareVersion.isDigit(x) { return 1 }
            if let y = at(b, j), SoftwareVersion.isDigit(y) { return -1 }
            if firstDifference != 0 { return firstDifference }
        }
        return 0
    }

    static func dpkgCompare(_ first: SoftwareVersion, _ second: SoftwareVersion) -> Int {
        let epochs = verrevcmp(first.epoch, second.epoch)
        if epochs != 0 { return epochs }
        let upstreams = verrevcmp(first.upstream, second.upstream)
        if upstreams != 0 { return upstreams }
        return verrevcmp(first.revision ?? "", second.revision ?? "")
    }
}
