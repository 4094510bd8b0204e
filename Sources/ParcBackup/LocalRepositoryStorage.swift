import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Repository storage in a local directory or a mounted share.
///
/// Writes go to a temporary file in the target directory, are flushed with `fsync`, renamed into
/// place (`link` + `unlink`, so an existing file is never replaced), and the directory is
/// flushed too: after a crash a file is either complete or absent.
public struct LocalRepositoryStorage: RepositoryStorage {
    /// The repository's root directory.
    public let root: URL

    /// Storage rooted at `root`; the directories are created by ``createLayout()``.
    public init(root: URL) {
        self.root = root
    }

    /// Creates the root and the fixed subdirectories (data/00 … data/ff included).
    public func createLayout() throws(StorageError) {
        var directories = [""]
        for kind in RepositoryFileKind.allCases where kind != .config { directories.append(kind.directory) }
        for value in 0..<256 { directories.append("data/" + String(format: "%02x", value)) }
        for directory in directories {
            let path = absolute(directory)
            if mkdir(path, 0o700) != 0 && errno != EEXIST { throw .io(path: path, operation: "mkdir", errno: errno) }
        }
    }

    public func read(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Data {
        let size = try size(kind, name: name)
        guard size <= Int64(Int.max) else {
            throw .outOfRange(path: try repositoryPath(kind, name: name), offset: 0, length: .max, fileSize: size)
        }
        return try read(kind, name: name, offset: 0, length: Int(size))
    }

    public func read(
        _ kind: RepositoryFileKind, name: String, offset: Int64, length: Int
    ) throws(StorageError) -> Data {
        let relative = try repositoryPath(kind, name: name)
        let path = absolute(relative)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            throw errno == ENOENT ? .notFound(path: relative) : .io(path: path, operation: "open", errno: errno)
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) != 0 { throw .io(path: path, operation: "fstat", errno: errno) }
        let fileSize = Int64(info.st_size)
        // Checked before allocating, so a hostile length never turns into a huge buffer.
        guard offset >= 0, length >= 0, offset <= fileSize, Int64(length) <= fileSize - offset else {
            throw .outOfRange(path: relative, offset: offset, length: length, fileSize: fileSize)
        }
        var data = Data(count: length)
        var done = 0
        var failure: Int32 = 0
        data.withUnsafeMutableBytes { buffer in
            while done < length {
                let count = pread(descriptor, buffer.baseAddress! + done, length - done, off_t(offset) + off_t(done))
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if count == 0 { return }
                done += count
            }
        }
        if failure != 0 { throw .io(path: path, operation: "read", errno: failure) }
        guard done == length else {
            throw .outOfRange(path: relative, offset: offset, length: length, fileSize: offset + Int64(done))
        }
        return data
    }

    public func size(_ kind: RepositoryFileKind, name: String) throws(StorageError) -> Int64 {
        let relative = try repositoryPath(kind, name: name)
        var info = stat()
        if stat(absolute(relative), &info) != 0 {
            throw errno == ENOENT
                ? .notFound(path: relative) : .io(path: absolute(relative), operation: "stat", errno: errno)
        }
        return Int64(info.st_size)
    }

    public func write(_ kind: RepositoryFileKind, name: String, data: Data) throws(StorageError) {
        let folder = (absolute(try repositoryPath(kind, name: name)) as NSString).deletingLastPathComponent
        let stream = try LocalRepositoryFileStream(storage: self, kind: kind, folder: folder)
        do {
            try stream.append(data)
            try stream.commit(name: name)
        } catch {
            stream.abandon()
            throw error
        }
    }

    /// A file written to a temporary name in its kind's directory (`data/` for packs), then
    /// committed like ``write(_:name:data:)``: a pack never sits in memory whole.
    public func stream(_ kind: RepositoryFileKind) throws(StorageError) -> any RepositoryFileStream {
        try LocalRepositoryFileStream(storage: self, kind: kind, folder: absolute(kind.directory))
    }

    public func list(_ kind: RepositoryFileKind) throws(StorageError) -> [String] {
        if kind == .config { return (try exists(.config, name: "config")) ? ["config"] : [] }
        var directories = [kind.directory]
        if kind == .pack { directories = (0..<256).map { "data/" + String(format: "%02x", $0) } }
        var names = [String]()
        for directory in directories {
            let path = absolute(directory)
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                if FileManager.default.fileExists(atPath: path) {
                    throw .io(path: path, operation: "list", errno: EACCES)
                }
                continue
            }
            names += entries.filter { !$0.hasPrefix(".") }
        }
        return names.sorted()
    }

    public func remove(_ kind: RepositoryFileKind, name: String) throws(StorageError) {
        let relative = try repositoryPath(kind, name: name)
        let path = absolute(relative)
        if unlink(path) != 0 {
            throw errno == ENOENT ? .notFound(path: relative) : .io(path: path, operation: "unlink", errno: errno)
        }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    func absolute(_ relative: String) -> String {
        relative.isEmpty ? root.path : root.appendingPathComponent(relative).path
    }

    func syncDirectory(_ path: String) throws(StorageError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor < 0 { throw .io(path: path, operation: "open directory", errno: errno) }
        defer { close(descriptor) }
        // Some network file systems refuse fsync on a directory; the rename is then as durable as
        // that file system makes it.
        if fsync(descriptor) != 0 && errno != EINVAL && errno != ENOTSUP {
            throw .io(path: path, operation: "fsync directory", errno: errno)
        }
    }
}

/// A temporary file in the repository, committed with `fsync`, `link` to its final name (which
/// fails rather than replace), `unlink` of the temporary name and `fsync` of the directory.
final class LocalRepositoryFileStream: RepositoryFileStream {
    private let storage: LocalRepositoryStorage
    private let kind: RepositoryFileKind
    private let temporary: String
    private var descriptor: Int32
    /// Where the next ``append(_:)`` writes.
    private var appended: Int64 = 0

    /// A temporary file in `folder` (an absolute path inside the repository).
    init(storage: LocalRepositoryStorage, kind: RepositoryFileKind, folder: String) throws(StorageError) {
        self.storage = storage
        self.kind = kind
        temporary = folder + "/.tmp-" + UUID().uuidString.lowercased()
        var opened = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if opened < 0 && errno == ENOENT {
            // A directory of the layout is missing (a repository created by hand, or damaged):
            // recreate the layout rather than fail the backup.
            try storage.createLayout()
            opened = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        if opened < 0 { throw .io(path: temporary, operation: "create", errno: errno) }
        descriptor = opened
    }

    deinit {
        if descriptor >= 0 { abandon() }
    }

    func append(_ data: Data) throws(StorageError) {
        try write(data, at: appended)
        appended += Int64(data.count)
    }

    func write(_ data: Data, at offset: Int64) throws(StorageError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let count = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += count
            }
        }
        if failure != 0 { throw .io(path: temporary, operation: "write", errno: failure) }
    }

    func commit(name: String) throws(StorageError) {
        let relative = try repositoryPath(kind, name: name)
        let path = storage.absolute(relative)
        var failure: (String, Int32)?
        if fsync(descriptor) != 0 { failure = ("fsync", errno) }
        if failure == nil, kind == .pack {
            // The pack is on disk: its pages leave the page cache now instead of pushing out the
            // machine's working set. A backup writes hundreds of MB it will not read again, and the
            // next pack reuses the pages just freed: after other programs had filled the page cache,
            // copying into other pages made a first backup's system time three times longer
            // (decision 0087).
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        }
        if close(descriptor) != 0, failure == nil { failure = ("close", errno) }
        descriptor = -1
        if let (operation, code) = failure {
            unlink(temporary)
            throw .io(path: path, operation: operation, errno: code)
        }
        // link fails with EEXIST instead of silently replacing, unlike rename.
        if link(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw code == EEXIST ? .alreadyExists(path: relative) : .io(path: path, operation: "link", errno: code)
        }
        unlink(temporary)
        try storage.syncDirectory((path as NSString).deletingLastPathComponent)
    }

    func abandon() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(temporary)
    }
}
