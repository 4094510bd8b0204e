import Foundation

/// An open repository: its storage, master key and configuration, and the encrypted files in it.
public struct Repository: Sendable {
    /// Where the files are.
    public let storage: any RepositoryStorage
    /// The master key.
    public let key: RepositoryKey
    /// The key file that opened it.
    public let keyID: ObjectID
    /// The decrypted configuration.
    public let config: RepositoryConfig
    /// The zstd dictionaries of small data blobs (format §6a): loaded when the repository was
    /// opened, plus those stored since through this value or a copy of it.
    public let dictionaries: CompressionDictionaries

    /// Largest decompressed repository file (config, index, snapshot, lock) a reader accepts.
    public static let maxFileSize = 512 * 1024 * 1024

    /// Creates a repository in empty `storage`: a master key, its first key file, then the config.
    ///
    /// - Parameter formatVersion: ``RepositoryConfig/currentVersion`` unless older agents that
    ///   read only version 1 must share the repository.
    public static func initialize(
        storage: any RepositoryStorage,
        passphrase: String,
        chunker: ChunkerParameters = .standard,
        compression: CompressionMode = .zstd,
        kdf: ScryptParameters = .standard,
        hostname: String = ProcessInfo.processInfo.hostName,
        formatVersion: Int = RepositoryConfig.currentVersion
    ) throws(RepositoryError) -> Repository {
        guard RepositoryConfig.supportedVersions.contains(formatVersion) else {
            throw .unsupportedVersion(formatVersion)
        }
        do {
            if try storage.exists(.config, name: "config") || !storage.list(.key).isEmpty {
                throw RepositoryError.alreadyInitialized
            }
        } catch let error as RepositoryError {
            throw error
        } catch let error as StorageError {
            throw .storage(error)
        } catch {
            preconditionFailure("unexpected \(error)")
        }
        let key = RepositoryKey.generate()
        let keys = KeyFileStore(storage: storage, parameters: kdf, hostname: hostname)
        let keyID: ObjectID
        do {
            keyID = try keys.add(master: key, passphrase: passphrase)
        } catch {
            throw .key(error)
        }
        let config = RepositoryConfig.generate(chunker: chunker, compression: compression, version: formatVersion)
        let repository = Repository(storage: storage, key: key, keyID: keyID, config: config, dictionaries: .none)
        let json: Data
        do {
            json = try JSONEncoder.repository.encode(config)
        } catch {
            preconditionFailure("a config always encodes: \(error)")
        }
        do {
            try storage.write(.config, name: "config", data: repository.seal(json, kind: .config))
        } catch {
            throw .storage(error)
        }
        return repository
    }

    /// Opens the repository in `storage` with one of its passphrases.
    public static func open(storage: any RepositoryStorage, passphrase: String) throws(RepositoryError) -> Repository {
        let sealedConfig: Data
        do {
            sealedConfig = try storage.read(.config, name: "config")
        } catch .notFound {
            throw .notARepository
        } catch {
            throw .storage(error)
        }
        let opened: (key: RepositoryKey, keyID: ObjectID)
        do {
            opened = try KeyFileStore(storage: storage).open(passphrase: passphrase)
        } catch {
            throw .key(error)
        }
        let json = try unseal(sealedConfig, key: opened.key, kind: .config, name: "config")
        let config: RepositoryConfig
        do {
            config = try JSONDecoder.repository.decode(RepositoryConfig.self, from: json)
        } catch {
            throw .damagedFile(kind: .config, name: "config", reason: "does not decode: \(error)")
        }
        guard RepositoryConfig.supportedVersions.contains(config.version) else {
            throw .unsupportedVersion(config.version)
        }
        guard config.chunkerSeed.count == 32 else {
            throw .damagedFile(
                kind: .config, name: "config", reason: "chunker seed of \(config.chunkerSeed.count) bytes")
        }
        let repository = Repository(
            storage: storage, key: opened.key, keyID: opened.keyID, config: config, dictionaries: .none)
        try repository.loadDictionaries()
        return repository
    }

    private init(
        storage: any RepositoryStorage, key: RepositoryKey, keyID: ObjectID, config: RepositoryConfig,
        dictionaries: CompressionDictionaries
    ) {
        self.storage = storage
        self.key = key
        self.keyID = keyID
        self.config = config
        self.dictionaries = dictionaries
    }

    /// Reads every dictionary file. One that cannot be read does not stop the repository from
    /// opening: it is recorded in ``CompressionDictionaries/problems`` (``Check`` reports it), and
    /// the blobs compressed with it fail to read, each with its ID, while the others read.
    private func loadDictionaries() throws(RepositoryError) {
        let names: [String]
        do {
            names = try storage.list(.dictionary)
        } catch {
            throw .storage(error)
        }
        for name in names {
            guard let id = ObjectID(hex: name) else { continue }
            do {
                let bytes = try loadFile(id, kind: .dictionary)
                do {
                    dictionaries.add(try CompressionDictionary(bytes: bytes), name: name)
                } catch {
                    dictionaries.addProblem(name: name, reason: error.description)
                }
            } catch {
                dictionaries.addProblem(name: name, reason: error.description)
            }
        }
    }

    /// Stores a new dictionary (before any blob compressed with it, format §10); from then on this
    /// repository value and its copies read with it, and writers use it unless the repository
    /// had one already.
    public func store(dictionary: CompressionDictionary) throws(RepositoryError) {
        let id = try saveFile(dictionary.bytes, kind: .dictionary)
        dictionaries.add(dictionary, name: id.hex)
    }

    /// How writers compress new blobs (format §6, §6a).
    public var blobCompressor: BlobCompressor {
        guard config.compression == .zstd else { return .none }
        guard config.usesDictionaries else { return .zstd(level: ZstdCodec.defaultLevel) }
        return .zstd(level: ZstdCodec.blobLevel, dictionary: dictionaries.forWriting)
    }

    /// The key files of this repository (add, change, remove passphrases).
    public func keyFiles(kdf: ScryptParameters = .standard) -> KeyFileStore {
        KeyFileStore(storage: storage, parameters: kdf)
    }

    /// The chunker of this repository.
    public func chunker() throws(RepositoryError) -> ContentDefinedChunker {
        do {
            return try config.makeChunker()
        } catch {
            throw .damagedFile(kind: .config, name: "config", reason: error.description)
        }
    }

    /// A pack writer for this repository.
    public func packWriter() -> PackWriter {
        PackWriter(key: key, compressor: blobCompressor)
    }

    /// Stores a finished pack under its ID; returns the ID and the entries for the index.
    @discardableResult
    public func save(pack writer: consuming PackWriter) throws(RepositoryError) -> (id: ObjectID, entries: [PackEntry]) {
        let pack = writer.finish()
        do {
            try storage.write(.pack, name: pack.id.hex, data: pack.bytes)
        } catch .alreadyExists {
            // The same bytes are there already; nothing to do.
        } catch {
            throw .storage(error)
        }
        return (pack.id, pack.entries)
    }

    /// A reader of one pack.
    public func packReader(_ pack: ObjectID) -> PackReader {
        PackReader(packID: pack, storage: storage, key: key, dictionaries: dictionaries)
    }

    /// Encrypts and stores an index document; returns its ID.
    @discardableResult
    public func save(index: IndexFile) throws(RepositoryError) -> ObjectID {
        try saveFile(index.encoded(), kind: .index)
    }

    /// Reads every index document and builds the in-memory index.
    public func loadIndex() throws(RepositoryError) -> BlobIndex {
        let names: [String]
        do {
            names = try storage.list(.index)
        } catch {
            throw .storage(error)
        }
        var files: [ObjectID: IndexFile] = [:]
        for name in names {
            guard let id = ObjectID(hex: name) else { continue }
            let json = try loadFile(id, kind: .index)
            do {
                files[id] = try IndexFile.decode(json, name: name)
            } catch {
                throw .index(error)
            }
        }
        return BlobIndex(files: files)
    }

    /// Encrypts (and compresses, per the config) a document and stores it under the SHA-256 of
    /// the stored bytes.
    public func saveFile(_ payload: Data, kind: RepositoryFileKind) throws(RepositoryError) -> ObjectID {
        let sealed = seal(payload, kind: kind)
        let id = ObjectID.hash(sealed)
        do {
            try storage.write(kind, name: id.hex, data: sealed)
        } catch .alreadyExists {
            // Identical bytes; a content-addressed write is idempotent.
        } catch {
            throw .storage(error)
        }
        return id
    }

    /// Reads, checks against its name, decrypts and decompresses a stored document.
    public func loadFile(_ id: ObjectID, kind: RepositoryFileKind) throws(RepositoryError) -> Data {
        let sealed: Data
        do {
            sealed = try storage.read(kind, name: id.hex)
        } catch {
            throw .storage(error)
        }
        guard ObjectID.hash(sealed) == id else {
            throw .damagedFile(kind: kind, name: id.hex, reason: "its bytes do not match its name (SHA-256)")
        }
        return try Self.unseal(sealed, key: key, kind: kind, name: id.hex)
    }

    /// Envelope of an encrypted repository file: AES-256-GCM of
    /// (compression u8 ‖ plaintext length u32 LE ‖ payload), with the kind as associated data.
    func seal(_ payload: Data, kind: RepositoryFileKind) -> Data {
        var mode = CompressionMode.none
        var body = payload
        if config.compression == .zstd, payload.count > 64, let compressed = try? ZstdCodec.compress(payload),
            compressed.count < payload.count
        {
            mode = .zstd
            body = compressed
        }
        var plaintext = Data([mode.rawValue])
        let length = UInt32(payload.count)
        for shift in 0..<4 { plaintext.append(UInt8(truncatingIfNeeded: length >> UInt32(8 * shift))) }
        plaintext.append(body)
        return key.seal(plaintext, context: kind.encryptionContext)
    }

    static func unseal(
        _ sealed: Data, key: RepositoryKey, kind: RepositoryFileKind, name: String
    ) throws(RepositoryError) -> Data {
        let plaintext: Data
        do {
            plaintext = try key.open(sealed, context: kind.encryptionContext)
        } catch {
            throw .damagedFile(kind: kind, name: name, reason: error.description)
        }
        let bytes = [UInt8](plaintext.prefix(5))
        guard bytes.count == 5, let mode = CompressionMode(rawValue: bytes[0]) else {
            throw .damagedFile(kind: kind, name: name, reason: "bad envelope")
        }
        let length = Int(PackEntry.read(bytes[...], at: 1, count: 4))
        guard length <= Self.maxFileSize else {
            throw .damagedFile(kind: kind, name: name, reason: "announces \(length) bytes, over the limit")
        }
        let body = plaintext.dropFirst(5)
        switch mode {
        case .none:
            guard body.count == length else { throw .damagedFile(kind: kind, name: name, reason: "length mismatch") }
            return Data(body)
        case .zstd:
            do {
                return try ZstdCodec.decompress(Data(body), expectedSize: length)
            } catch {
                throw .damagedFile(kind: kind, name: name, reason: error.description)
            }
        case .zstdDictionary:
            throw .damagedFile(kind: kind, name: name, reason: "a repository file never uses a dictionary")
        }
    }
}
