#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How collectors read the machine's files: every absolute path is looked up under ``root`` (`/` on the machine, a
/// temporary tree in tests), with plain POSIX calls, because an inventory reads a few thousand small files and
/// Foundation's file APIs cost an allocation and an error object each.
///
/// Reads are bounded (a `limit` per file), refuse anything that is not a regular file (a FIFO planted where a file
/// is expected would block a read for ever), and never throw: a collector gets ``Read/missing``,
/// ``Read/denied`` or ``Read/failed(_:)`` and decides whether that is worth a note.
public struct SystemFiles: Sendable {
    /// What reading a file gave.
    public enum Read: Sendable, Equatable {
        /// The file's bytes.
        case bytes([UInt8])
        /// No such file (or a parent is not a directory).
        case missing
        /// Permission denied: root-only files such as `/sys/class/dmi/id/product_serial`.
        case denied
        /// Anything else: an I/O error, a file too large, not a regular file. The text says which.
        case failed(String)
    }

    /// Why a file could not be read.
    public enum Failure: Sendable, Equatable {
        /// No such file (or a parent is not a directory).
        case missing
        /// Permission denied.
        case denied
        /// Anything else; the text says what.
        case failed(String)
    }

    /// The directory under which absolute paths are looked up; `/` on the machine.
    public let root: String
    /// Reads a file (its path under ``root`` already applied) piece by piece, at most `limit` bytes, handing each
    /// piece to `body`; the failure, or nil once the whole file was read. Every read goes through it: tests
    /// replace it to simulate a root-only file, which root itself can always read.
    public var streamFile:
        @Sendable (_ fullPath: String, _ limit: Int, _ body: (UnsafeRawBufferPointer) -> Void) -> Failure?

    /// Files under `root`, read with POSIX calls.
    public init(root: String = "/") {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        streamFile = { SystemFiles.posixStream($0, limit: $1, $2) }
    }

    /// The path of `path` (absolute, as on the machine) under ``root``.
    public func fullPath(_ path: String) -> String {
        root == "/" ? path : root + path
    }

    /// Reads `path`, at most `limit` bytes (a longer file is ``Read/failed(_:)``).
    public func read(_ path: String, limit: Int = 1 << 16) -> Read {
        var bytes: [UInt8] = []
        switch streamFile(fullPath(path), limit, { bytes.append(contentsOf: $0) }) {
        case nil: return .bytes(bytes)
        case .missing: return .missing
        case .denied: return .denied
        case .failed(let problem): return .failed(problem)
        }
    }

    /// Reads `path` piece by piece (64 KiB at a time), for files too large to hold whole, such as dpkg's database.
    public func stream(_ path: String, limit: Int, _ body: (UnsafeRawBufferPointer) -> Void) -> Failure? {
        streamFile(fullPath(path), limit, body)
    }

    /// The file's bytes, or nil whatever went wrong.
    public func bytes(_ path: String, limit: Int = 1 << 16) -> [UInt8]? {
        if case .bytes(let bytes) = read(path, limit: limit) { return bytes }
        return nil
    }

    /// The file as text (invalid UTF-8 replaced), trimmed of white space and control characters; nil when it
    /// cannot be read or holds nothing. What sysfs attributes (`/sys/class/net/eth0/mtu`) want.
    public func value(_ path: String) -> String? {
        bytes(path).flatMap { InventoryText.clean(String(decoding: $0, as: UTF8.self)) }
    }

    /// The names in a directory, sorted, without `.` and `..`; nil when it cannot be listed.
    public func list(_ path: String) -> [String]? {
        guard let directory = opendir(fullPath(path)) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether something exists at `path` (following links).
    public func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(fullPath(path), &info) == 0
    }

    /// Whether `path` is a directory (following links).
    public func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(fullPath(path), &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The target of the symbolic link at `path`, as written in the link; nil when it is not a link.
    public func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(fullPath(path), &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` with every link resolved, as a path on the machine (under ``root``); nil when it does not exist or
    /// leads outside ``root``.
    public func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(fullPath(path), nil) else { return nil }
        defer { free(resolved) }
        let text = String(cString: resolved)
        if root == "/" { return text }
        guard text == root || text.hasPrefix(root + "/") else { return nil }
        return text == root ? "/" : String(text.dropFirst(root.count))
    }

    /// The last modification of `path`, in seconds since 1970 (UTC); nil when it cannot be read.
    public func modificationTime(_ path: String) -> Int? {
        var info = stat()
        guard stat(fullPath(path), &info) == 0 else { return nil }
        #if canImport(Darwin)
            return Int(info.st_mtimespec.tv_sec)
        #else
            return Int(info.st_mtim.tv_sec)
        #endif
    }

    /// Reads a regular file with `open`/`read`, non-blocking so that a FIFO cannot hang the inventory, in 64 KiB
    /// pieces: memory holds one piece, whatever the file's size.
    static func posixStream(_ fullPath: String, limit: Int, _ body: (UnsafeRawBufferPointer) -> Void) -> Failure? {
        let descriptor = open(fullPath, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT, ENOTDIR: return .missing
            case EACCES, EPERM: return .denied
            default: return .failed(String(cString: strerror(errno)))
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failed(String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failed("not a regular file") }
        // /proc and /sys report a size of 0 or 4096 whatever they hold: read until the end, up to the limit.
        let chunkSize = 64 << 10
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        var total = 0
        while true {
            let received = systemRead(descriptor, chunk, chunkSize)
            if received < 0 {
                if errno == EINTR { continue }
                return .failed(String(cString: strerror(errno)))
            }
            if received == 0 { return nil }
            total += received
            guard total <= limit else { return .failed("larger than \(limit) bytes") }
            body(UnsafeRawBufferPointer(start: chunk, count: received))
        }
    }
}

/// POSIX `read`, which the method `SystemFiles.read(_:limit:)` hides inside the type.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
    #else
        Darwin.read(descriptor, buffer, count)
    #endif
}
