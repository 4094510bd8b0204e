import Testing

@testable import ParcCore

@Suite("Base32")
struct Base32Tests {
    /// RFC 4648, section 10.
    static let rfc4648Vectors: [(plain: String, encoded: String)] = [
        ("", ""),
        ("f", "MY======"),
        ("fo", "MZXQ===="),
        ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI======"),
    ]

    @Test("encoding with padding matches the RFC 4648 test vectors", arguments: rfc4648Vectors)
    func encodesRFCVectorsWithPadding(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8), padding: true) == encoded)
    }

    @Test("encoding leaves out padding by default, as otpauth secrets are written", arguments: rfc4648Vectors)
    func encodesWithoutPaddingByDefault(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded.filter { $0 != "=" })
    }

    @Test("decoding the RFC 4648 test vectors gives back the plain text, padded or not", arguments: rfc4648Vectors)
    func decodesRFCVectors(plain: String, encoded: String) {
        #expect(Base32.decode(encoded) == Array(plain.utf8))
        #expect(Base32.decode(encoded.filter { $0 != "=" }) == Array(plain.utf8))
    }

    @Test("a secret typed in lower case with spaces and hyphens decodes like the canonical form")
    func decodesHumanTypedSecret() {
        // setup
        let canonical = Base32.decode("JBSWY3DPEHPK3PXP")

        // MUT
        let typed = Base32.decode("jbsw y3dp-ehpk 3pxp")

        // validate
        #expect(canonical == Array("Hello!".utf8) + [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(typed == canonical)
    }

    @Test("byte sequences of every length up to 40 survive an encode-decode round trip")
    func roundTrips() {
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 151 + length * 7) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
            #expect(Base32.decode(Base32.encode(bytes, padding: true)) == bytes)
        }
    }

    @Test("characters outside the alphabet are rejected", arguments: ["MZXW1", "MZXW8", "MZ.XW", "MZXW6YTBÖ", "MZ_XW"])
    func rejectsInvalidCharacters(input: String) {
        #expect(Base32.decode(input) == nil)
    }

    @Test(
        "character counts that no byte sequence encodes to are rejected",
        arguments: ["M", "MZX", "MZXW6Y", "MZXW6YTBO"]
    )
    func rejectsImpossibleLengths(input: String) {
        #expect(Base32.decode(input) == nil)
    }

    @Test(
        "padding in the middle, of the wrong length or on its own is rejected",
        arguments: ["MY=A", "MY=", "MY=====", "MZXW6YTB=", "====", "MZXW6YQ=="]
    )
    func rejectsMalformedPadding(input: String) {
        #expect(Base32.decode(input) == nil)
    }
}
