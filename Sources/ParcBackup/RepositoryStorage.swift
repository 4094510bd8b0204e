import Foundation

/// Where a repository's files live: a local directory, a mounted share, or memory in tests.
///
/// Files are immutable once written; `write` must be atomic and durable (a reader never sees a
/// partial file, and after `write` returns the file survives a crash).
public protocol RepositoryStorage: Sendable {
    /// The whole file.
    func read(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Data
    /// `length` bytes from `offset`; fails with ``StorageError/outOfRange(path:offset:length:fileSize:)``
    /// rather than returning fewer.
    func read(_ kind: RepositoryFileKind, name: String, offset: Int64, length: Int) throws(StorageError) -> Data
    /// The file's size in bytes.
    func size(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Int64
    /// Creates the file atomically and durably; fails if it exists.
    func write(_ kind: RepositoryFileKind, name: String, data: Data) throws(StorageError)
    /// The names of the files of a kind, sorted.
    func list(_ kind: RepositoryFileKind) throws(StorageError) -> [String]
    /// Deletes the file.
    func remove(_ kind: RepositoryFileKind, name: String) throws(StorageError)
}

extension RepositoryStorage {
    /// Whether the file exists.
    public func exists(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Bool {
        do {
            _ = try size(kind, name: name)
            return true
        } catch .notFound {
            return false
        }
    }
}

/// The relative path of a repository file; shared by every storage so error messages agree.
func repositoryPath(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> String {
    let allowed = name.utf8.allSatisfy { byte in
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
    guard allowed, !name.isEmpty, name.utf8.count <= 128 else { throw .invalidName(name) }
    switch kind {
    case .config: return "config"
    case .pack: return "data/\(name.prefix(2))/\(name)"
    default: return "\(kind.directory)/\(name)"
    }
}
