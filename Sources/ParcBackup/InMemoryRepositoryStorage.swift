import Foundation

/// Repository storage in memory, for tests and dry runs.
public final class InMemoryRepositoryStorage: RepositoryStorage, @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: Data] = [:]

    /// An empty storage.
    public init() {}

    public func read(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Data {
        let path = try repositoryPath(kind, name: name)
        guard let data = lock.withLock({ files[path] }) else { throw .notFound(path: path) }
        return data
    }

    public func read(
        _ kind: RepositoryFileKind, name: String, offset: Int64, length: Int
    ) throws(StorageError) -> Data {
        let path = try repositoryPath(kind, name: name)
        let data = try read(kind, name: name)
        guard offset >= 0, length >= 0, offset <= Int64(data.count), Int64(length) <= Int64(data.count) - offset else {
            throw .outOfRange(path: path, offset: offset, length: length, fileSize: Int64(data.count))
        }
        let start = data.startIndex + Int(offset)
        return data.subdata(in: start..<start + length)
    }

    public func size(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Int64 {
        Int64(try read(kind, name: name).count)
    }

    public func write(_ kind: RepositoryFileKind, name: String, data: Data) throws(StorageError) {
        let path = try repositoryPath(kind, name: name)
        let inserted = lock.withLock { () -> Bool in
            if files[path] != nil { return false }
            files[path] = data
            return true
        }
        if !inserted { throw .alreadyExists(path: path) }
    }

    public func list(_ kind: RepositoryFileKind) throws(StorageError) -> [String] {
        let prefix = kind == .config ? "" : kind.directory + "/"
        return lock.withLock {
            files.keys.filter { path in
                kind == .config ? path == "config" : path.hasPrefix(prefix)
            }
            .map { path in String(path.split(separator: "/").last ?? "") }
            .sorted()
        }
    }

    public func remove(_ kind: RepositoryFileKind, name: String) throws(StorageError) {
        let path = try repositoryPath(kind, name: name)
        let removed = lock.withLock { files.removeValue(forKey: path) }
        if removed == nil { throw .notFound(path: path) }
    }

    /// Replaces a file's bytes in place, bypassing the write-once rule: tests use it to simulate
    /// corruption and truncation.
    public func overwrite(_ kind: RepositoryFileKind, name: String, data: Data) throws(StorageError) {
        let path = try repositoryPath(kind, name: name)
        lock.withLock { files[path] = data }
    }
}
