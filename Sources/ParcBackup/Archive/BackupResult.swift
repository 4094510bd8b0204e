import Foundation

/// What a finished backup run wrote.
public struct BackupResult: Sendable {
    /// The ID of the new snapshot (its file name under `snapshots/`).
    public var snapshotID: ObjectID
    /// The snapshot document, summary included.
    public var snapshot: Snapshot
    /// Entries that could not be saved as found, in the order they were met.
    public var issues: [BackupIssue]
    /// An incremental or differential run found no snapshot to compare with (same hostname,
    /// same paths) and read everything: the snapshot records method `full`.
    public var fellBackToFull: Bool

    /// A result.
    public init(snapshotID: ObjectID, snapshot: Snapshot, issues: [BackupIssue], fellBackToFull: Bool) {
        self.snapshotID = snapshotID
        self.snapshot = snapshot
        self.issues = issues
        self.fellBackToFull = fellBackToFull
    }
}
