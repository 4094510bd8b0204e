import Foundation
import ParcBackup
import Testing

@Suite("Object IDs")
struct ObjectIDTests {
    @Test("an ID prints as 64 hex digits, parses back, and sorts like its bytes")
    func hexRoundTrip() throws {
        let id = ObjectID.hash(Data("abc".utf8))
        #expect(id.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ObjectID(hex: id.hex) == id)
        #expect(ObjectID(hex: id.hex.uppercased()) == id)
        #expect(ObjectID(bytes: id.bytes) == id)
        let low = try #require(ObjectID(bytes: [UInt8](repeating: 0, count: 31) + [1]))
        let high = try #require(ObjectID(bytes: [1] + [UInt8](repeating: 0, count: 31)))
        #expect(low < high)
    }

    @Test("wrong lengths and non-hex digits are not IDs")
    func invalid() {
        #expect(ObjectID(hex: "abc") == nil)
        #expect(ObjectID(hex: String(repeating: "g", count: 64)) == nil)
        #expect(ObjectID(hex: String(repeating: "é", count: 32)) == nil)
        #expect(ObjectID(bytes: [1, 2, 3]) == nil)
    }
}
