import Foundation
import ParcBackup
import Testing

@Suite("Key files")
struct KeyFileStoreTests {
    let storage = InMemoryRepositoryStorage()
    var keys: KeyFileStore { KeyFileStore(storage: storage, parameters: .fastForTests, hostname: "test-host") }

    @Test("a key file opens with its passphrase and gives back the master key")
    func createAndOpen() throws {
        let master = RepositoryKey.generate()
        let id = try keys.add(master: master, passphrase: "correct horse battery staple")
        let opened = try keys.open(passphrase: "correct horse battery staple")
        #expect(opened.keyID == id)
        let sealed = master.seal(Data("probe".utf8), context: [1])
        #expect(try opened.key.open(sealed, context: [1]) == Data("probe".utf8))
        let file = try KeyFile.decode(try storage.read(.key, name: id.hex), name: id.hex)
        #expect(file.kdf == "scrypt" && file.n == 1024 && file.r == 8 && file.p == 1 && file.salt.count == 32)
        #expect(file.hostname == "test-host")
    }

    @Test("a wrong passphrase is a wrongPassphrase error")
    func wrongPassphrase() throws {
        try keys.add(master: .generate(), passphrase: "right")
        #expect(throws: KeyError.wrongPassphrase) { try keys.open(passphrase: "wrong") }
        #expect(throws: KeyError.wrongPassphrase) { try keys.open(passphrase: "Right") }
        #expect(throws: KeyError.emptyPassphrase) { try keys.add(master: .generate(), passphrase: "") }
    }

    @Test("an empty key directory says there is no key")
    func noKeys() {
        #expect(throws: KeyError.noKeyFiles) { try keys.open(passphrase: "anything") }
    }

    @Test("a second passphrase opens the same master key, and each key can be removed but the last")
    func twoKeys() throws {
        let master = RepositoryKey.generate()
        let first = try keys.add(master: master, passphrase: "first passphrase")
        let second = try keys.add(master: master, passphrase: "second passphrase")
        let sealed = master.seal(Data("x".utf8), context: [])
        #expect(try keys.open(passphrase: "first passphrase").key.open(sealed, context: []) == Data("x".utf8))
        let viaSecond = try keys.open(passphrase: "second passphrase")
        #expect(viaSecond.keyID == second)
        #expect(try viaSecond.key.open(sealed, context: []) == Data("x".utf8))
        #expect(throws: KeyError.self) { try keys.remove(keyID: second, currentKeyID: second) }
        try keys.remove(keyID: first, currentKeyID: second)
        #expect(throws: KeyError.wrongPassphrase) { try keys.open(passphrase: "first passphrase") }
        #expect(try keys.list().count == 1)
    }

    @Test("after a passphrase change the new one opens the key and the old one no longer does")
    func changePassphrase() throws {
        let master = RepositoryKey.generate()
        let id = try keys.add(master: master, passphrase: "old passphrase")
        let newID = try keys.changePassphrase(keyID: id, from: "old passphrase", to: "new passphrase")
        #expect(newID != id)
        #expect(try keys.open(passphrase: "new passphrase").keyID == newID)
        #expect(throws: KeyError.wrongPassphrase) { try keys.open(passphrase: "old passphrase") }
        #expect(throws: KeyError.wrongPassphrase) {
            try keys.changePassphrase(keyID: newID, from: "old passphrase", to: "other")
        }
        #expect(try storage.list(.key) == [newID.hex])
    }

    @Test("garbage key files are refused with malformedKeyFile, and a good key next to them still opens")
    func garbageKeyFiles() throws {
        let garbage: [Data] = [
            Data(TestBytes.random(300)),
            Data("{}".utf8),
            Data(#"{"version":1,"kdf":"scrypt"}"#.utf8),
            Data(String(repeating: "[", count: 100_000).utf8),
        ]
        for (index, bytes) in garbage.enumerated() {
            #expect(throws: KeyError.self) { try KeyFile.decode(bytes, name: "g\(index)") }
            try storage.write(.key, name: "0\(index)", data: bytes)
        }
        #expect {
            try keys.open(passphrase: "anything")
        } throws: { error in
            if case .malformedKeyFile = error as? KeyError { return true }
            return false
        }
        try keys.add(master: .generate(), passphrase: "good")
        #expect(try keys.open(passphrase: "good").keyID.hex.count == 64)
        #expect(throws: KeyError.wrongPassphrase) { try keys.open(passphrase: "bad") }
    }

    @Test("a key file asking for absurd scrypt costs is refused before deriving anything")
    func hostileKDFParameters() throws {
        let id = try keys.add(master: .generate(), passphrase: "p")
        let original = try storage.read(.key, name: id.hex)
        var json = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
        for (field, value) in [("n", 1 << 40), ("n", 1000), ("r", 100_000), ("p", 0)] {
            var hostile = json
            hostile[field] = value
            let bytes = try JSONSerialization.data(withJSONObject: hostile)
            #expect(throws: KeyError.self) { try KeyFile.decode(bytes, name: "hostile") }
        }
        json["data"] = Data(count: 10).base64EncodedString()
        #expect(throws: KeyError.self) {
            try KeyFile.decode(try JSONSerialization.data(withJSONObject: json), name: "short")
        }
        #expect(throws: KeyError.self) { try ScryptParameters(n: 1 << 22, r: 32, p: 1) }
    }

    @Test("the standard scrypt cost (N=2^15, r=8, p=3: 32 MiB) creates and opens a key")
    func standardParameters() throws {
        let standard = KeyFileStore(storage: storage, parameters: .standard)
        let id = try standard.add(master: .generate(), passphrase: "standard")
        #expect(try standard.open(keyID: id, passphrase: "standard").seal(Data(), context: []).count == 28)
        let file = try KeyFile.decode(try storage.read(.key, name: id.hex), name: id.hex)
        #expect(file.n == 1 << 15 && file.r == 8 && file.p == 3)
    }
}
