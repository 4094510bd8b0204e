import Foundation
import ParcBackup
import Testing

@Suite("Blob encryption")
struct RepositoryKeyTests {
    let key = RepositoryKey.generate()
    let context = Array("parc-backup v1 test".utf8)

    @Test("sealed bytes open back to the plaintext, and the same plaintext seals differently each time")
    func roundTrip() throws {
        let plaintext = Data(TestBytes.random(5000))
        let sealed = key.seal(plaintext, context: context)
        #expect(sealed.count == plaintext.count + RepositoryKey.overhead)
        #expect(try key.open(sealed, context: context) == plaintext)
        #expect(key.seal(plaintext, context: context) != sealed)
        #expect(try key.open(key.seal(Data(), context: context), context: context) == Data())
    }

    @Test("a flipped byte anywhere in a sealed object fails authentication")
    func flippedByte() {
        let sealed = key.seal(Data(TestBytes.random(200)), context: context)
        for position in [0, 11, 12, 100, sealed.count - 1] {
            var tampered = sealed
            tampered[position] ^= 0x01
            #expect(throws: SealError.authenticationFailed) { try key.open(tampered, context: context) }
        }
    }

    @Test("a truncated sealed object, another context or another key is refused")
    func truncatedOrMisplaced() {
        let sealed = key.seal(Data(TestBytes.random(200)), context: context)
        #expect(throws: SealError.authenticationFailed) { try key.open(sealed.dropLast(), context: context) }
        #expect(throws: SealError.tooShort(byteCount: 10)) { try key.open(sealed.prefix(10), context: context) }
        #expect(throws: SealError.authenticationFailed) { try key.open(sealed, context: Array("other".utf8)) }
        #expect(throws: SealError.authenticationFailed) { try RepositoryKey.generate().open(sealed, context: context) }
    }
}
