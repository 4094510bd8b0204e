/// The kinds of files a repository holds, each in its own directory.
public enum RepositoryFileKind: String, Sendable, CaseIterable {
    /// `config`: the repository's identity, format version and chunker settings.
    case config
    /// `keys/<id>`: the master key encrypted under one passphrase.
    case key
    /// `data/<2 hex>/<id>`: pack files holding encrypted blobs.
    case pack
    /// `index/<id>`: which blob lives where.
    case index
    /// `snapshots/<id>`: one backup run.
    case snapshot
    /// `locks/<id>`: who is using the repository.
    case lock
    /// `dictionaries/<id>`: zstd dictionaries for small data blobs (format version 3).
    case dictionary

    /// The directory under the repository root (empty for `config`).
    public var directory: String {
        switch self {
        case .config: ""
        case .key: "keys"
        case .pack: "data"
        case .index: "index"
        case .snapshot: "snapshots"
        case .lock: "locks"
        case .dictionary: "dictionaries"
        }
    }

    /// Associated data authenticated with each encrypted file of this kind, so one kind of
    /// file can never be substituted for another.
    public var encryptionContext: [UInt8] {
        Array("parc-backup v1 \(rawValue)".utf8)
    }
}
