import Crypto
import Foundation

/// The repository's master key: 256 random bits that encrypt every blob and repository file with
/// AES-256-GCM.
///
/// Sealed form: nonce (12 random bytes) ‖ ciphertext ‖ tag (16 bytes). The caller's context
/// bytes are authenticated as associated data, so a blob cannot be passed off as another blob,
/// nor an index as a snapshot.
public struct RepositoryKey: Sendable {
    /// The AES-256 key.
    let key: SymmetricKey

    /// Nonce and tag bytes added to every sealed object.
    public static let overhead = 28

    /// A fresh random key.
    public static func generate() -> RepositoryKey {
        RepositoryKey(key: SymmetricKey(size: .bits256))
    }

    /// A key from its 32 raw bytes (as stored, encrypted, in key files).
    public init?(rawBytes: [UInt8]) {
        guard rawBytes.count == 32 else { return nil }
        self.key = SymmetricKey(data: rawBytes)
    }

    init(key: SymmetricKey) {
        self.key = key
    }

    /// The 32 raw key bytes.
    var rawBytes: [UInt8] {
        key.withUnsafeBytes { Array($0) }
    }

    /// Encrypts `plaintext`, authenticating `context` with it.
    public func seal<Plaintext: DataProtocol>(_ plaintext: Plaintext, context: [UInt8]) -> Data {
        Self.seal(plaintext, key: key, context: context)
    }

    /// Decrypts and authenticates `sealed` with `context`.
    public func open<Sealed: DataProtocol>(_ sealed: Sealed, context: [UInt8]) throws(SealError) -> Data {
        try Self.open(sealed, key: key, context: context)
    }

    static func seal<Plaintext: DataProtocol>(_ plaintext: Plaintext, key: SymmetricKey, context: [UInt8]) -> Data {
        do {
            let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: context)
            guard let combined = box.combined else { preconditionFailure("a 12-byte nonce always has a combined form") }
            return combined
        } catch {
            // Only reachable with an invalid key size, which this type never holds.
            preconditionFailure("AES-GCM seal failed: \(error)")
        }
    }

    static func open<Sealed: DataProtocol>(
        _ sealed: Sealed, key: SymmetricKey, context: [UInt8]
    ) throws(SealError) -> Data {
        guard sealed.count >= overhead else { throw .tooShort(byteCount: sealed.count) }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return try AES.GCM.open(box, using: key, authenticating: context)
        } catch {
            throw .authenticationFailed
        }
    }
}
