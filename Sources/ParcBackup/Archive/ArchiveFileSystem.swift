import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The POSIX calls of the archiver, on raw byte paths: names that are not UTF-8 never go through
/// `String` or `FileManager`, so they survive unchanged.
enum ArchiveFileSystem {
    /// Calls `body` with `path` as a NUL-terminated C string.
    static func withCPath<R, E: Error>(
        _ path: [UInt8], _ body: (UnsafePointer<CChar>) throws(E) -> R
    ) throws(E) -> R {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: path.count + 1)
        defer { buffer.deallocate() }
        path.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: bytes.count) }
        }
        buffer[path.count] = 0
        return try body(buffer)
    }

    /// `lstat`: the entry itself, a symbolic link is not followed.
    static func linkStatus(_ path: [UInt8]) throws(ArchiveSystemError) -> ArchiveFileStatus {
        var info = stat()
        let result = withCPath(path) { lstat($0, &info) }
        if result != 0 { throw .current("lstat") }
        return ArchiveFileStatus(info)
    }

    /// `stat`: follows symbolic links (for the directories above a backed-up path).
    static func status(_ path: [UInt8]) throws(ArchiveSystemError) -> ArchiveFileStatus {
        var info = stat()
        let result = withCPath(path) { stat($0, &info) }
        if result != 0 { throw .current("stat") }
        return ArchiveFileStatus(info)
    }

    /// `fstat` of an open file.
    static func status(descriptor: Int32) throws(ArchiveSystemError) -> ArchiveFileStatus {
        var info = stat()
        if fstat(descriptor, &info) != 0 { throw .current("fstat") }
        return ArchiveFileStatus(info)
    }

    /// The raw names in a directory, without `.` and `..`. Refuses to follow a symbolic link
    /// put in the directory's place since it was examined.
    static func listDirectory(_ path: [UInt8]) throws(ArchiveSystemError) -> [[UInt8]] {
        let descriptor = withCPath(path) { open($0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) }
        if descriptor < 0 { throw .current("open the directory") }
        guard let directory = fdopendir(descriptor) else {
            let error = ArchiveSystemError.current("open the directory")
            close(descriptor)
            throw error
        }
        defer { closedir(directory) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw .current("list the directory") }
                break
            }
            let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self)
            let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
            if length == 1 && name[0] == UInt8(ascii: ".") { continue }
            if length == 2 && name[0] == UInt8(ascii: ".") && name[1] == UInt8(ascii: ".") { continue }
            names.append(Array(UnsafeBufferPointer(start: name, count: length)))
        }
        return names
    }

    /// The target of a symbolic link, raw bytes.
    static func readLink(_ path: [UInt8], sizeHint: UInt64) throws(ArchiveSystemError) -> Data {
        var capacity = Int(min(max(sizeHint, 63), 1 << 20)) + 1
        while true {
            var buffer = [UInt8](repeating: 0, count: capacity)
            let count = withCPath(path) { cPath in
                buffer.withUnsafeMutableBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { readlink(cPath, $0.baseAddress!, capacity) }
                }
            }
            if count < 0 { throw .current("readlink") }
            if count < capacity { return Data(buffer[0..<count]) }
            guard capacity < 1 << 24 else { throw ArchiveSystemError(operation: "readlink", code: ENAMETOOLONG) }
            capacity *= 4
        }
    }

    /// Opens a regular file for reading; does not follow a symbolic link, and does not block
    /// if a FIFO took the file's place.
    static func openFile(_ path: [UInt8]) throws(ArchiveSystemError) -> Int32 {
        let flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK
        #if os(Linux) && (arch(x86_64) || arch(arm64))
            // O_NOATIME (0o1000000 on these architectures; Glibc's module does not export it):
            // reading for a backup should not touch access times. Only the owner or root may ask.
            let descriptor = withCPath(path) { open($0, flags | 0o1_000_000) }
            if descriptor >= 0 { return descriptor }
            if errno != EPERM { throw .current("open") }
        #endif
        let plain = withCPath(path) { open($0, flags) }
        if plain < 0 { throw .current("open") }
        return plain
    }

    // MARK: - Extended attributes

    /// Extended attributes of the entry at `path` (a symbolic link's own), sorted by name; nil
    /// when it has none or the file system does not support them.
    static func extendedAttributes(_ path: [UInt8]) throws(ArchiveSystemError) -> [ExtendedAttribute]? {
        try withCPath(path) { (cPath) throws(ArchiveSystemError) -> [ExtendedAttribute]? in
            try readAttributes(
                list: { XattrCalls.list(path: cPath, into: $0, size: $1) },
                get: { XattrCalls.get(path: cPath, name: $0, into: $1, size: $2) })
        }
    }

    /// Extended attributes of an open file, sorted by name; nil when it has none.
    static func extendedAttributes(descriptor: Int32) throws(ArchiveSystemError) -> [ExtendedAttribute]? {
        try readAttributes(
            list: { XattrCalls.list(descriptor: descriptor, into: $0, size: $1) },
            get: { XattrCalls.get(descriptor: descriptor, name: $0, into: $1, size: $2) })
    }

    private static func readAttributes(
        list: (UnsafeMutablePointer<CChar>?, Int) -> Int,
        get: (UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    ) throws(ArchiveSystemError) -> [ExtendedAttribute]? {
        var names = [CChar]()
        // The list can grow between the two calls: retry on ERANGE.
        for _ in 0..<8 {
            let size = list(nil, 0)
            if size < 0 {
                if isUnsupported(errno) { return nil }
                throw .current("list extended attributes")
            }
            if size == 0 { return nil }
            names = [CChar](repeating: 0, count: size)
            let written = names.withUnsafeMutableBufferPointer { list($0.baseAddress, size) }
            if written >= 0 {
                names.removeSubrange(written...)
                break
            }
            if errno != ERANGE {
                if isUnsupported(errno) { return nil }
                throw .current("list extended attributes")
            }
            names = []
        }
        var attributes: [ExtendedAttribute] = []
        var start = 0
        while start < names.count {
            var end = start
            while end < names.count && names[end] != 0 { end += 1 }
            if end > start {
                let name = Data(names[start..<end].map { UInt8(bitPattern: $0) })
                let cName = Array(names[start...end])
                if let value = try readAttribute(cName, get: get) {
                    attributes.append(ExtendedAttribute(name: name, value: value))
                }
            }
            start = end + 1
        }
        if attributes.isEmpty { return nil }
        return attributes.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    /// One attribute's value; nil if it disappeared since the list was read.
    private static func readAttribute(
        _ cName: [CChar], get: (UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    ) throws(ArchiveSystemError) -> Data? {
        for _ in 0..<8 {
            let size = cName.withUnsafeBufferPointer { get($0.baseAddress!, nil, 0) }
            if size < 0 {
                if errno == ENODATA_OR_NOATTR { return nil }
                throw .current("read an extended attribute")
            }
            var value = Data(count: size)
            let written = value.withUnsafeMutableBytes { bytes in
                cName.withUnsafeBufferPointer { get($0.baseAddress!, bytes.baseAddress, size) }
            }
            if written >= 0 {
                value.count = written
                return value
            }
            if errno == ENODATA_OR_NOATTR { return nil }
            if errno != ERANGE { throw .current("read an extended attribute") }
        }
        throw ArchiveSystemError(operation: "read an extended attribute", code: ERANGE)
    }

    private static func isUnsupported(_ code: Int32) -> Bool {
        code == ENOTSUP || code == EOPNOTSUPP || code == ENOSYS
    }

    #if canImport(Darwin)
        private static let ENODATA_OR_NOATTR = ENOATTR
    #else
        private static let ENODATA_OR_NOATTR = ENODATA
    #endif
}

/// The `*xattr` calls. Swift's Glibc module does not import `<sys/xattr.h>`, so on Linux they are
/// looked up in the C library with `dlsym`; without them, files are read without attributes.
private enum XattrCalls {
    #if canImport(Darwin)
        static func list(path: UnsafePointer<CChar>, into buffer: UnsafeMutablePointer<CChar>?, size: Int) -> Int {
            listxattr(path, buffer, size, XATTR_NOFOLLOW)
        }
        static func get(
            path: UnsafePointer<CChar>, name: UnsafePointer<CChar>, into buffer: UnsafeMutableRawPointer?, size: Int
        ) -> Int {
            getxattr(path, name, buffer, size, 0, XATTR_NOFOLLOW)
        }
        static func list(descriptor: Int32, into buffer: UnsafeMutablePointer<CChar>?, size: Int) -> Int {
            flistxattr(descriptor, buffer, size, 0)
        }
        static func get(
            descriptor: Int32, name: UnsafePointer<CChar>, into buffer: UnsafeMutableRawPointer?, size: Int
        ) -> Int {
            fgetxattr(descriptor, name, buffer, size, 0, 0)
        }
    #else
        typealias PathList = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int) -> Int
        typealias PathGet =
            @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Int) -> Int
        typealias DescriptorList = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int
        typealias DescriptorGet = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Int) -> Int

        struct Functions: @unchecked Sendable {
            let pathList: PathList?
            let pathGet: PathGet?
            let descriptorList: DescriptorList?
            let descriptorGet: DescriptorGet?
        }

        static let functions = Functions(
            pathList: symbol("llistxattr", as: PathList.self),
            pathGet: symbol("lgetxattr", as: PathGet.self),
            descriptorList: symbol("flistxattr", as: DescriptorList.self),
            descriptorGet: symbol("fgetxattr", as: DescriptorGet.self))

        private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
            guard let address = dlsym(nil, name) else { return nil }
            return unsafeBitCast(address, to: type)
        }

        static func list(path: UnsafePointer<CChar>, into buffer: UnsafeMutablePointer<CChar>?, size: Int) -> Int {
            guard let call = functions.pathList else { return unsupported() }
            return call(path, buffer, size)
        }
        static func get(
            path: UnsafePointer<CChar>, name: UnsafePointer<CChar>, into buffer: UnsafeMutableRawPointer?, size: Int
        ) -> Int {
            guard let call = functions.pathGet else { return unsupported() }
            return call(path, name, buffer, size)
        }
        static func list(descriptor: Int32, into buffer: UnsafeMutablePointer<CChar>?, size: Int) -> Int {
            guard let call = functions.descriptorList else { return unsupported() }
            return call(descriptor, buffer, size)
        }
        static func get(
            descriptor: Int32, name: UnsafePointer<CChar>, into buffer: UnsafeMutableRawPointer?, size: Int
        ) -> Int {
            guard let call = functions.descriptorGet else { return unsupported() }
            return call(descriptor, name, buffer, size)
        }

        private static func unsupported() -> Int {
            errno = ENOTSUP
            return -1
        }
    #endif
}
