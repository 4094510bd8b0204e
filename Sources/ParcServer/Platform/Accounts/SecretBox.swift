import Crypto
import Foundation
import NIOConcurrencyHelpers

/// Encrypts secrets that Parc must be able to read back (a mailbox's password), at rest in the database, under the
/// server's key (decision 0048): AES-256-GCM, a random nonce per value, and the owning row named as associated
/// data, so a ciphertext copied into another row does not decrypt.
///
/// The key is `PARC_SECRET_KEY` (base64 of 32 bytes) when set, which every instance sharing a PostgreSQL database
/// needs; otherwise `secret.key` in the data directory, created on first use, readable by its owner only. A
/// database dump without the key reveals no password.
final class SecretBox: Sendable {
    enum SecretBoxError: Error, CustomStringConvertible {
        case invalidKey(String)
        case keyFileUnusable(String)
        case undecryptable

        var description: String {
            switch self {
            case .invalidKey(let detail):
                "the server's secret key is invalid (\(detail)); PARC_SECRET_KEY must be the base64 of 32 random "
                    + "bytes, e.g. from `openssl rand -base64 32`"
            case .keyFileUnusable(let detail):
                "the server's secret key file cannot be used (\(detail)); check the data directory's permissions"
            case .undecryptable:
                "a stored secret cannot be decrypted with this server's key: the key changed (another PARC_SECRET_KEY "
                    + "or secret.key than when it was saved); restore the key or enter the secret again"
            }
        }
    }

    static let prefix = "v1."

    private let source: @Sendable () throws -> SymmetricKey
    private let cached = NIOLockedValueBox<SymmetricKey?>(nil)

    /// A box whose key comes from `configuredKey` (base64), else from the key file in `dataDirectory`.
    init(configuredKey: String?, dataDirectory: URL) {
        source = {
            if let configuredKey {
                return try Self.decodeKey(configuredKey)
            }
            return try Self.loadOrCreateKeyFile(dataDirectory.appendingPathComponent("secret.key"))
        }
    }

    /// Encrypts `secret` for the row named by `context` (e.g. `mailbox:<id>`).
    func seal(_ secret: String, context: String) throws -> String {
        let sealed = try AES.GCM.seal(Data(secret.utf8), using: try key(), authenticating: Data(context.utf8))
        guard let combined = sealed.combined else {
            throw SecretBoxError.undecryptable
        }
        return Self.prefix + combined.base64EncodedString()
    }

    /// Decrypts a value from ``seal(_:context:)`` for the same `context`.
    func open(_ stored: String, context: String) throws -> String {
        guard stored.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count)))
        else {
            throw SecretBoxError.undecryptable
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            let plain = try AES.GCM.open(box, using: try key(), authenticating: Data(context.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch let error as SecretBoxError {
            throw error
        } catch {
            throw SecretBoxError.undecryptable
        }
    }

    private func key() throws -> SymmetricKey {
        if let key = cached.withLockedValue({ $0 }) {
            return key
        }
        let key = try source()
        cached.withLockedValue { $0 = key }
        return key
    }

    static func decodeKey(_ text: String) throws -> SymmetricKey {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SecretBoxError.invalidKey("not base64")
        }
        guard data.count == 32 else {
            throw SecretBoxError.invalidKey("\(data.count) bytes instead of 32")
        }
        return SymmetricKey(data: data)
    }

    /// Reads the key file, or creates it when missing: written to a private (0600) temporary file first, then
    /// published with a hard link, which fails if the name exists; two processes racing to create it therefore
    /// agree on the one that won, and the key is never readable by others, even for a moment.
    private static func loadOrCreateKeyFile(_ file: URL) throws -> SymmetricKey {
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            return try decodeKey(text)
        }
        let manager = FileManager.default
        try? manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.path + ".\(UUID().uuidString).tmp"
        defer { try? manager.removeItem(atPath: temporary) }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard manager.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw SecretBoxError.keyFileUnusable("cannot create a file in \(file.deletingLastPathComponent().path)")
        }
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } catch {
            throw SecretBoxError.keyFileUnusable("cannot write \(temporary): \(error)")
        }
        do {
            try manager.linkItem(atPath: temporary, toPath: file.path)
            return key
        } catch {
            // Another process published its key first: use that one.
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw SecretBoxError.keyFileUnusable("cannot create \(file.path): \(error)")
            }
            return try decodeKey(text)
        }
    }
}
