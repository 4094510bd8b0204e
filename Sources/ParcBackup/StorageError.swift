/// Why the storage under a repository failed.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such file.
    case notFound(path: String)
    /// The file exists already (repository files are never overwritten).
    case alreadyExists(path: String)
    /// A read past the end of the file.
    case outOfRange(path: String, offset: Int64, length: Int, fileSize: Int64)
    /// The operating system refused an operation.
    case io(path: String, operation: String, errno: Int32)
    /// A file name that is not a repository name (path separators, dots…).
    case invalidName(String)

    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file"
        case .alreadyExists(let path): "\(path): already exists"
        case .outOfRange(let path, let offset, let length, let size):
            "\(path): cannot read \(length) bytes at offset \(offset), the file has \(size) bytes (truncated?)"
        case .io(let path, let operation, let code):
            "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        case .invalidName(let name): "invalid repository file name \(name.prefix(80))"
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
