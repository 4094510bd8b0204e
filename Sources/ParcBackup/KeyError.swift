/// Why a key file could not be created, opened or changed.
public enum KeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The repository has no key file (not a repository, or every key was removed).
    case noKeyFiles
    /// No key file opens with this passphrase.
    case wrongPassphrase
    /// A key file is not valid JSON of the expected shape.
    case malformedKeyFile(name: String, reason: String)
    /// A key file of a format version this program does not read.
    case unsupportedVersion(name: String, version: Int)
    /// Scrypt parameters outside the accepted bounds.
    case kdfParametersOutOfRange(n: Int, r: Int, p: Int)
    /// The key derivation itself failed.
    case derivationFailed(String)
    /// No key file with this ID.
    case keyNotFound(String)
    /// Removing this key would leave the repository without any key, or remove the key in use.
    case refusedRemoval(String)
    /// The passphrase is empty.
    case emptyPassphrase
    /// The key storage failed.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .noKeyFiles: "no key file in the repository: is this a Parc backup repository?"
        case .wrongPassphrase: "wrong passphrase: no key of this repository opens with it"
        case .malformedKeyFile(let name, let reason): "key file \(name) is malformed: \(reason)"
        case .unsupportedVersion(let name, let version):
            "key file \(name) has format version \(version); this version of Parc reads version 1"
        case .kdfParametersOutOfRange(let n, let r, let p):
            "scrypt parameters N=\(n) r=\(r) p=\(p) are outside the accepted bounds "
                + "(N a power of two in 2^10…2^22, r 1…32, p 1…16, at most 1 GiB)"
        case .derivationFailed(let reason): "key derivation failed: \(reason)"
        case .keyNotFound(let id): "no key \(id) in this repository"
        case .refusedRemoval(let reason): "key not removed: \(reason)"
        case .emptyPassphrase: "the passphrase is empty"
        case .storage(let error): error.description
        }
    }
}
