import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// Raw-byte file system calls for restore and drills. Names are never turned into `String`: they
// go to the kernel as the bytes the snapshot holds, relative to an open directory, so names that
// are not UTF-8 survive and no path is resolved through a symbolic link the restore created.

/// A NUL-terminated copy of raw name or path bytes.
func restoreCString(_ bytes: Data) -> [CChar] {
    var out = [CChar]()
    out.reserveCapacity(bytes.count + 1)
    for byte in bytes { out.append(CChar(bitPattern: byte)) }
    out.append(0)
    return out
}

/// `/`-joined raw path of snapshot components, with a leading `/`.
func restorePath(_ components: [Data]) -> Data {
    var out = Data()
    for component in components {
        out.append(UInt8(ascii: "/"))
        out.append(component)
    }
    return out.isEmpty ? Data("/".utf8) : out
}

enum RestorePOSIX {
    #if os(Linux)
        /// `UTIME_OMIT`: leave that time alone (the C macro does not import).
        static let timeOmit = (1 << 30) - 2
        static let seekData: Int32 = 3
        static let seekHole: Int32 = 4
    #else
        static let timeOmit = -2
        static let seekData: Int32 = 4
        static let seekHole: Int32 = 3
    #endif

    /// Flags of every directory open: never through a symbolic link.
    static let directoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

    /// Opens the directory `name` of `parent` without following a symbolic link; -1 and errno otherwise.
    static func openDirectory(_ parent: Int32, _ name: Data) -> Int32 {
        let cName = restoreCString(name)
        return openat(parent, cName, directoryFlags)
    }

    /// `times` for `futimens`/`utimensat`: access time untouched, modification time `mtime` ns.
    static func times(mtime: Int64) -> [timespec] {
        var seconds = mtime / 1_000_000_000
        var nanoseconds = mtime % 1_000_000_000
        if nanoseconds < 0 {
            seconds -= 1
            nanoseconds += 1_000_000_000
        }
        return [
            timespec(tv_sec: 0, tv_nsec: timeOmit),
            timespec(tv_sec: time_t(seconds), tv_nsec: Int(nanoseconds)),
        ]
    }

    /// Writes all of `buffer` at `offset`; 0 or the errno.
    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int64) -> Int32 {
        var done = 0
        while done < buffer.count {
            let count = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if count == 0 { return EIO }
            done += count
        }
        return 0
    }

    /// The entry type of `name` in `parent` (`S_IFMT` bits), not following a link; nil if absent.
    static func entryType(_ parent: Int32, _ name: [CChar]) -> mode_t? {
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// Removes `name` in `parent` and, for a directory, everything below it; raw names, no link
    /// followed. Returns the first errno met (0 when all is gone).
    static func removeTree(_ parent: Int32, _ name: [CChar]) -> Int32 {
        guard entryType(parent, name) == S_IFDIR else {
            return unlinkat(parent, name, 0) == 0 || errno == ENOENT ? 0 : errno
        }
        let descriptor = openat(parent, name, directoryFlags)
        if descriptor < 0 { return errno }
        guard let stream = fdopendir(descriptor) else {
            let code = errno
            close(descriptor)
            return code
        }
        var children: [[CChar]] = []
        while let entry = readdir(stream) {
            let child: [CChar] = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                var bytes = [CChar]()
                for byte in raw {
                    if byte == 0 { break }
                    bytes.append(CChar(bitPattern: byte))
                }
                bytes.append(0)
                return bytes
            }
            if child == [46, 0] || child == [46, 46, 0] { continue }
            children.append(child)
        }
        var failure: Int32 = 0
        for child in children {
            let code = removeTree(dirfd(stream), child)
            if failure == 0 { failure = code }
        }
        closedir(stream)
        if unlinkat(parent, name, AT_REMOVEDIR) != 0, failure == 0 { failure = errno }
        return failure
    }
}

/// An open directory of the target, closed when the last restore job using it is done.
final class RestoreDirectory: Sendable {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}

/// Opens directories of the target by their snapshot path, one component at a time from the
/// target's descriptor, never through a symbolic link. Keeps the last path open, so walking
/// neighbouring paths costs one `openat` per changed component. One thread only.
final class RestoreDirectoryCursor {
    private let root: Int32
    private var names: [Data] = []
    private var descriptors: [Int32] = []

    init(root: Int32) {
        self.root = root
    }

    deinit {
        for descriptor in descriptors { close(descriptor) }
    }

    /// The descriptor of the directory at `components` (the root for none), or the errno and the
    /// component that failed.
    func open(_ components: ArraySlice<Data>) -> Result<Int32, RestoreDirectoryCursorFailure> {
        var common = 0
        for (index, name) in components.enumerated() {
            guard index < names.count, names[index] == name else { break }
            common += 1
        }
        while names.count > common {
            names.removeLast()
            close(descriptors.removeLast())
        }
        for name in components.dropFirst(common) {
            let descriptor = RestorePOSIX.openDirectory(descriptors.last ?? root, name)
            if descriptor < 0 {
                return .failure(RestoreDirectoryCursorFailure(errno: errno, depth: names.count))
            }
            names.append(name)
            descriptors.append(descriptor)
        }
        return .success(descriptors.last ?? root)
    }
}

/// Why ``RestoreDirectoryCursor/open(_:)`` failed: the errno, at which component.
struct RestoreDirectoryCursorFailure: Error {
    let errno: Int32
    let depth: Int
}

/// The C library's extended-attribute setters. Swift's Glibc module leaves out `<sys/xattr.h>`,
/// so they are looked up once by name in the C library already loaded.
enum RestoreExtendedAttributes {
    typealias SetByDescriptor = @convention(c) (
        Int32, UnsafePointer<CChar>?, UnsafeRawPointer?, Int, Int32
    ) -> Int32
    typealias SetByPath = @convention(c) (
        UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeRawPointer?, Int, Int32
    ) -> Int32

    private static let fsetxattr: SetByDescriptor? = lookup("fsetxattr")
    private static let lsetxattr: SetByPath? = lookup("lsetxattr")

    private static func lookup<Function>(_ name: String) -> Function? {
        guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, name) else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }

    /// `fsetxattr`: 0, or -1 with errno (ENOTSUP when the C library has no such call).
    static func set(descriptor: Int32, name: [CChar], value: Data) -> Int32 {
        guard let fsetxattr else {
            errno = ENOTSUP
            return -1
        }
        return value.withUnsafeBytes { fsetxattr(descriptor, name, $0.baseAddress, $0.count, 0) }
    }

    /// `lsetxattr` (the last component is not followed): 0, or -1 with errno.
    static func set(path: [CChar], name: [CChar], value: Data) -> Int32 {
        guard let lsetxattr else {
            errno = ENOTSUP
            return -1
        }
        return value.withUnsafeBytes { lsetxattr(path, name, $0.baseAddress, $0.count, 0) }
    }
}
