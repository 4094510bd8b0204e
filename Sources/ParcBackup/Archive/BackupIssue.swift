import Foundation

/// Something a backup run could not save as it found it. The run goes on; the snapshot's
/// `summary.errors` counts the issues.
public struct BackupIssue: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The entry could not be opened, listed or read (permissions, I/O error…); it is not
        /// in the snapshot (a directory is saved with its metadata and no entries).
        case unreadable
        /// The file changed while it was read, twice in a row; it was not stored torn (see
        /// ``Archiver`` for what the snapshot holds instead).
        case changedWhileRead
        /// Extended attributes could not be read; the entry is saved without them.
        case attributesUnreadable
    }

    /// The kind of problem.
    public var kind: Kind
    /// The entry's absolute path for people (bytes that are not UTF-8 as `\xNN`).
    public var path: String
    /// What went wrong, in words.
    public var message: String

    /// An issue.
    public init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// `/etc/shadow: open failed: Permission denied`.
    public var description: String { "\(path): \(message)" }
}
