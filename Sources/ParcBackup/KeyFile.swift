import Foundation

/// The JSON document stored in `keys/<id>`: the master key encrypted under a passphrase.
public struct KeyFile: Sendable, Hashable, Codable {
    /// Format version: 1.
    public var version: Int
    /// When the key was added (UTC, ISO 8601).
    public var created: Date
    /// The host that added it (informational).
    public var hostname: String
    /// The user that added it (informational).
    public var username: String
    /// Always "scrypt" in version 1.
    public var kdf: String
    /// Scrypt N.
    public var n: Int
    /// Scrypt r.
    public var r: Int
    /// Scrypt p.
    public var p: Int
    /// The scrypt salt, 32 random bytes (base64).
    public var salt: Data
    /// AES-256-GCM of the 32 master-key bytes under the derived key (base64 of nonce ‖ ciphertext ‖ tag).
    public var data: Data

    /// Decodes and validates a key file; every problem is a ``KeyError``.
    public static func decode(_ bytes: Data, name: String) throws(KeyError) -> KeyFile {
        guard bytes.count <= 64 * 1024 else { throw .malformedKeyFile(name: name, reason: "larger than 64 KiB") }
        let file: KeyFile
        do {
            file = try JSONDecoder.repository.decode(KeyFile.self, from: bytes)
        } catch {
            throw .malformedKeyFile(name: name, reason: "not a key file (\(Self.summary(of: error)))")
        }
        guard file.version == 1 else { throw .unsupportedVersion(name: name, version: file.version) }
        guard file.kdf == "scrypt" else {
            throw .malformedKeyFile(name: name, reason: "unknown kdf \(file.kdf.prefix(40))")
        }
        guard 16...64 ~= file.salt.count else {
            throw .malformedKeyFile(name: name, reason: "salt of \(file.salt.count) bytes")
        }
        guard file.data.count == 32 + RepositoryKey.overhead else {
            throw .malformedKeyFile(name: name, reason: "encrypted key of \(file.data.count) bytes, expected 60")
        }
        _ = try ScryptParameters(n: file.n, r: file.r, p: file.p)
        return file
    }

    /// The scrypt parameters (validated by ``decode(_:name:)``).
    public var parameters: ScryptParameters {
        get throws(KeyError) { try ScryptParameters(n: n, r: r, p: p) }
    }

    private static func summary(of error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty
                ? "invalid JSON" : "invalid \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "unreadable"
        }
    }
}
