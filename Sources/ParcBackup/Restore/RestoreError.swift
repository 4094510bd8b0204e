#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a restore or a drill could not run at all. Problems with single entries are not errors but
/// ``RestoreIssue``s in the result.
public enum RestoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An option has an impossible value.
    case invalidOptions(String)
    /// The target exists and is not a directory.
    case targetNotADirectory(path: String)
    /// The target could not be created or opened.
    case target(path: String, operation: String, errno: Int32)
    /// An `include` path is not absolute or contains `..`.
    case invalidInclude(path: String, reason: String)
    /// An `include` path names nothing in the snapshot; `snapshotPaths` are the paths it holds.
    case notInSnapshot(path: String, snapshotPaths: [String])
    /// The snapshot's root tree (or a tree on the way to an `include` path) cannot be read.
    case repository(RepositoryError)
    /// Writing into the target became impossible (disk full, quota, read-only file system); the
    /// restore stopped.
    case stopped(path: String, operation: String, errno: Int32)
    /// A drill's sandbox could not be created.
    case sandbox(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .invalidOptions(let reason): "invalid restore options: \(reason)"
        case .targetNotADirectory(let path):
            "the restore target \(path) exists and is not a directory: give a directory (a missing one is created)"
        case .target(let path, let operation, let code):
            "cannot use the restore target \(path): \(operation) failed: \(Self.text(code)); check the path and its permissions"
        case .invalidInclude(let path, let reason): "cannot restore \(path): \(reason)"
        case .notInSnapshot(let path, let paths):
            "\(path) is not in this snapshot: give an absolute path as it was backed up (the snapshot holds \(paths.isEmpty ? "no path" : paths.joined(separator: ", ")))"
        case .repository(let error):
            "cannot read the snapshot: \(error); check the repository, or restore another snapshot"
        case .stopped(let path, let operation, let code):
            "the restore stopped at \(path): \(operation) failed: \(Self.text(code)); free space or make the target writable, then restore again"
        case .sandbox(let path, let operation, let code):
            "cannot create the drill's sandbox in \(path): \(operation) failed: \(Self.text(code)); give a writable directory with free space"
        }
    }

    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
