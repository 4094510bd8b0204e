import Foundation

/// Where a running backup stands; handed to the progress callback of ``Archiver`` about twice
/// a second, and once at the end.
public struct BackupProgressReport: Sendable, Hashable {
    /// Files done so far (read, found unchanged, or given up with an issue), and their bytes.
    public var filesDone: Int
    public var bytesDone: UInt64
    /// Files and bytes to do in all: nil until the whole tree has been walked.
    public var filesTotal: Int?
    public var bytesTotal: UInt64?
    /// The file being read most recently, for display (non-UTF-8 bytes as `\xNN`).
    public var currentPath: String
    /// Time since the run started.
    public var elapsed: TimeInterval

    /// A report.
    public init(
        filesDone: Int, bytesDone: UInt64, filesTotal: Int?, bytesTotal: UInt64?, currentPath: String,
        elapsed: TimeInterval
    ) {
        self.filesDone = filesDone
        self.bytesDone = bytesDone
        self.filesTotal = filesTotal
        self.bytesTotal = bytesTotal
        self.currentPath = currentPath
        self.elapsed = elapsed
    }
}
