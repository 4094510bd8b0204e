import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call while reading the backed-up file system: which operation, and `errno`.
struct ArchiveSystemError: Error, Sendable, Equatable {
    /// What was attempted, in words (`open`, `read`, `list the directory`…).
    var operation: String
    /// The `errno` value.
    var code: Int32

    /// `open failed: Permission denied`.
    var message: String { "\(operation) failed: \(String(cString: strerror(code)))" }

    /// The current `errno` for `operation`.
    static func current(_ operation: String) -> ArchiveSystemError {
        ArchiveSystemError(operation: operation, code: errno)
    }
}
