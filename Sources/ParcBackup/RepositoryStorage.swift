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
    /// A file of `kind` written piece by piece and named at the end (packs, whose name is the
    /// hash of their bytes). The same guarantees as ``write(_:name:data:)`` once committed.
    func stream(_ kind: RepositoryFileKind) throws(StorageError) -> any RepositoryFileStream
}

/// A repository file being written piece by piece; see ``RepositoryStorage/stream(_:)``.
public protocol RepositoryFileStream: AnyObject {
    /// Appends bytes.
    func append(_ data: Data) throws(StorageError)
    /// Writes bytes at `offset`, growing the file as needed. Several threads may write at once,
    /// each to its own range (a pack's blobs are written side by side); not mixed with `append`.
    func write(_ data: Data, at offset: Int64) throws(StorageError)
    /// Makes the file complete and durable under `name`; fails with
    /// ``StorageError/alreadyExists(path:)`` if that file exists (then call ``abandon()``).
    func commit(name: String) throws(StorageError)
    /// Drops what was written.
    func abandon()
}

/// A stream kept in memory and written with ``RepositoryStorage/write(_:name:data:)`` at commit:
/// the default for storages without a cheaper way.
public final class BufferedRepositoryFileStream: RepositoryFileStream {
    private let storage: any RepositoryStorage
    private let kind: RepositoryFileKind
    /// Guards `buffer` (positioned writes come from several threads).
    private let lock = NSLock()
    private var buffer = Data()

    public init(storage: any RepositoryStorage, kind: RepositoryFileKind) {
        self.storage = storage
        self.kind = kind
    }

    public func append(_ data: Data) throws(StorageError) {
        lock.withLock { buffer.append(data) }
    }

    public func write(_ data: Data, at offset: Int64) throws(StorageError) {
        precondition(offset >= 0 && offset <= Int64(Int.max - data.count), "a write at offset \(offset)")
        let start = Int(offset)
        lock.withLock {
            if buffer.count < start + data.count { buffer.count = start + data.count }
            buffer.replaceSubrange(start..<start + data.count, with: data)
        }
    }

    public func commit(name: String) throws(StorageError) {
        let bytes = lock.withLock { buffer }
        try storage.write(kind, name: name, data: bytes)
        lock.withLock { buffer = Data() }
    }

    public func abandon() {
        lock.withLock { buffer = Data() }
    }
}

extension RepositoryStorage {
    /// By default a stream is buffered in memory and written at commit.
    public func stream(_ kind: RepositoryFileKind) throws(StorageError) -> any RepositoryFileStream {
        BufferedRepositoryFileStream(storage: self, kind: kind)
    }

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
