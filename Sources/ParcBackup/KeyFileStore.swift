import Crypto
import Foundation
import _CryptoExtras

/// Creates, opens and manages the key files of a repository: one per passphrase, each holding
/// the same master key encrypted under a key derived from its passphrase with scrypt.
public struct KeyFileStore: Sendable {
    private let storage: any RepositoryStorage
    private let parameters: ScryptParameters
    private let now: @Sendable () -> Date
    private let hostname: String
    private let username: String

    /// Key files in `storage`; new ones use `parameters` and record `hostname`, `username` and `now()`.
    public init(
        storage: any RepositoryStorage,
        parameters: ScryptParameters = .standard,
        hostname: String = ProcessInfo.processInfo.hostName,
        username: String = "",
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.storage = storage
        self.parameters = parameters
        self.hostname = hostname
        self.username = username
        self.now = now
    }

    /// Writes a key file protecting `master` with `passphrase`; returns its ID (the file name).
    @discardableResult
    public func add(master: RepositoryKey, passphrase: String) throws(KeyError) -> ObjectID {
        guard !passphrase.isEmpty else { throw .emptyPassphrase }
        var salt = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let wrapping = try Self.derive(passphrase: passphrase, salt: salt, parameters: parameters)
        let sealed = RepositoryKey.seal(
            master.rawBytes, key: wrapping, context: RepositoryFileKind.key.encryptionContext)
        let file = KeyFile(
            version: 1, created: now(), hostname: hostname, username: username, kdf: "scrypt",
            n: parameters.n, r: parameters.r, p: parameters.p, salt: Data(salt), data: sealed)
        let bytes: Data
        do {
            bytes = try JSONEncoder.repository.encode(file)
        } catch {
            throw .malformedKeyFile(name: "(new)", reason: "could not encode: \(error)")
        }
        let id = ObjectID.hash(bytes)
        do {
            try storage.write(.key, name: id.hex, data: bytes)
        } catch {
            throw .storage(error)
        }
        return id
    }

    /// Opens the repository's master key with `passphrase`, trying every key file.
    ///
    /// Malformed key files are skipped as long as another one opens; if none opens, the error is
    /// ``KeyError/wrongPassphrase`` when at least one key file was well formed.
    public func open(passphrase: String) throws(KeyError) -> (key: RepositoryKey, keyID: ObjectID) {
        let names: [String]
        do {
            names = try storage.list(.key)
        } catch {
            throw .storage(error)
        }
        guard !names.isEmpty else { throw .noKeyFiles }
        var firstProblem: KeyError?
        var sawWellFormed = false
        for name in names {
            do {
                let key = try open(keyNamed: name, passphrase: passphrase)
                guard let id = ObjectID(hex: name) else { continue }
                return (key, id)
            } catch .wrongPassphrase {
                sawWellFormed = true
            } catch {
                if firstProblem == nil { firstProblem = error }
            }
        }
        if sawWellFormed { throw .wrongPassphrase }
        throw firstProblem ?? .wrongPassphrase
    }

    /// Opens the master key with one key file.
    public func open(keyID: ObjectID, passphrase: String) throws(KeyError) -> RepositoryKey {
        try open(keyNamed: keyID.hex, passphrase: passphrase)
    }

    /// Replaces the passphrase of one key: writes a new key file, then removes the old one.
    ///
    /// - Returns: the new key's ID.
    public func changePassphrase(keyID: ObjectID, from oldPassphrase: String, to newPassphrase: String) throws(KeyError)
        -> ObjectID
    {
        let master = try open(keyID: keyID, passphrase: oldPassphrase)
        let newID = try add(master: master, passphrase: newPassphrase)
        do {
            try storage.remove(.key, name: keyID.hex)
        } catch {
            throw .storage(error)
        }
        return newID
    }

    /// Removes a key file; refuses to remove `currentKeyID` (the key in use) or the last key.
    public func remove(keyID: ObjectID, currentKeyID: ObjectID) throws(KeyError) {
        guard keyID != currentKeyID else { throw .refusedRemoval("it is the key in use; open with another passphrase") }
        let names = try keyNames()
        guard names.contains(keyID.hex) else { throw .keyNotFound(keyID.hex) }
        guard names.count > 1 else { throw .refusedRemoval("it is the last key of the repository") }
        do {
            try storage.remove(.key, name: keyID.hex)
        } catch {
            throw .storage(error)
        }
    }

    /// Every key file, decoded (malformed ones are reported with their error instead).
    public func list() throws(KeyError) -> [(id: String, file: Result<KeyFile, KeyError>)] {
        try keyNames().map { name in
            (name, Result { () throws(KeyError) -> KeyFile in try readKeyFile(name) })
        }
    }

    private func keyNames() throws(KeyError) -> [String] {
        do {
            return try storage.list(.key)
        } catch {
            throw .storage(error)
        }
    }

    private func readKeyFile(_ name: String) throws(KeyError) -> KeyFile {
        let bytes: Data
        do {
            bytes = try storage.read(.key, name: name)
        } catch .notFound {
            throw .keyNotFound(name)
        } catch {
            throw .storage(error)
        }
        return try KeyFile.decode(bytes, name: name)
    }

    private func open(keyNamed name: String, passphrase: String) throws(KeyError) -> RepositoryKey {
        let file = try readKeyFile(name)
        let wrapping = try Self.derive(passphrase: passphrase, salt: Array(file.salt), parameters: file.parameters)
        let raw: Data
        do {
            raw = try RepositoryKey.open(file.data, key: wrapping, context: RepositoryFileKind.key.encryptionContext)
        } catch {
            throw .wrongPassphrase
        }
        guard let key = RepositoryKey(rawBytes: Array(raw)) else {
            throw .malformedKeyFile(name: name, reason: "the master key is not 32 bytes")
        }
        return key
    }

    /// scrypt(UTF-8 passphrase, salt, N, r, p) → 32 bytes.
    static func derive(passphrase: String, salt: [UInt8], parameters: ScryptParameters) throws(KeyError) -> SymmetricKey
    {
        do {
            return try KDF.Scrypt.deriveKey(
                from: Array(passphrase.utf8), salt: salt, outputByteCount: 32,
                rounds: parameters.n, blockSize: parameters.r, parallelism: parameters.p)
        } catch {
            throw .derivationFailed(String(describing: error))
        }
    }
}
