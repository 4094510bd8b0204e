/// Why a repository could not be created, opened, read or written.
public enum RepositoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `init` on a directory that holds a repository already.
    case alreadyInitialized
    /// No config file: not a repository, or its creation was interrupted.
    case notARepository
    /// A key problem (wrong passphrase…).
    case key(KeyError)
    /// A storage problem.
    case storage(StorageError)
    /// A repository file whose bytes do not match its name, fail authentication or do not decode.
    case damagedFile(kind: RepositoryFileKind, name: String, reason: String)
    /// A repository of a format version this program does not read.
    case unsupportedVersion(Int)
    /// An index problem.
    case index(IndexError)
    /// A pack problem.
    case pack(PackError)
    /// A blob that a tree or snapshot names is in no index.
    case missingBlob(BlobHandle)
    /// A tree blob that does not decode.
    case tree(TreeError)

    public var description: String {
        switch self {
        case .alreadyInitialized: "a repository exists here already"
        case .notARepository: "no repository here (no config file); create one with `parc-agent backup init`"
        case .key(let error): error.description
        case .storage(let error): error.description
        case .damagedFile(let kind, let name, let reason): "\(kind.rawValue) file \(name) is damaged: \(reason)"
        case .unsupportedVersion(let version):
            "repository format version \(version); this version of Parc reads version 1"
        case .index(let error): error.description
        case .pack(let error): error.description
        case .missingBlob(let handle): "\(handle.type.name) blob \(handle.id.hex) is in no index (missing from the repository)"
        case .tree(let error): error.description
        }
    }
}
