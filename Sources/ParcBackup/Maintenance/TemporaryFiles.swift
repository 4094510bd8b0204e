import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A temporary file (`.tmp-…`) left in a repository directory by a write that was interrupted.
public struct TemporaryFile: Sendable, Hashable {
    /// Its path relative to the repository root, e.g. `data/3f/.tmp-1b2c…`.
    public let path: String
    /// When it was last modified.
    public let modified: Date
    /// Its size in bytes.
    public let size: Int64

    /// A temporary file.
    public init(path: String, modified: Date, size: Int64) {
        self.path = path
        self.modified = modified
        self.size = size
    }
}

/// Storage that can find and remove the temporary files interrupted writes leave (format §1:
/// names starting with `.` are ignored by readers and may be deleted by prune after a day).
public protocol TemporaryFileCleaning: RepositoryStorage {
    /// Every temporary file in the repository's directories.
    func temporaryFiles() throws(StorageError) -> [TemporaryFile]
    /// Deletes one temporary file found by ``temporaryFiles()``.
    func removeTemporaryFile(_ file: TemporaryFile) throws(StorageError)
}

extension LocalRepositoryStorage: TemporaryFileCleaning {
    /// The directories writes create temporaries in: the root (config), keys, index,
    /// snapshots, locks and the 256 pack directories.
    private var layoutDirectories: [String] {
        ["", "keys", "index", "snapshots", "locks", "data"] + (0..<256).map { "data/" + String(format: "%02x", $0) }
    }

    public func temporaryFiles() throws(StorageError) -> [TemporaryFile] {
        var found: [TemporaryFile] = []
        for directory in layoutDirectories {
            let path = directory.isEmpty ? root.path : root.appendingPathComponent(directory).path
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
            for name in names where name.hasPrefix(".tmp-") {
                var info = stat()
                let full = path + "/" + name
                guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                #if canImport(Darwin)
                    let seconds = Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
                #else
                    let seconds = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                #endif
                found.append(
                    TemporaryFile(
                        path: directory.isEmpty ? name : directory + "/" + name,
                        modified: Date(timeIntervalSince1970: seconds), size: Int64(info.st_size)))
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    public func removeTemporaryFile(_ file: TemporaryFile) throws(StorageError) {
        let components = file.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let name = components.last, name.hasPrefix(".tmp-"), !name.contains("/"),
            layoutDirectories.contains(components.dropLast().joined(separator: "/"))
        else { throw .invalidName(file.path) }
        let full = root.appendingPathComponent(file.path).path
        if unlink(full) != 0 {
            throw errno == ENOENT ? .notFound(path: file.path) : .io(path: full, operation: "unlink", errno: errno)
        }
    }
}
