/// How a backup run ended, as the agent reports it. Raw values are stored and sent on the wire.
public enum BackupRunStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// Every selected file was saved.
    case success
    /// A snapshot was written, but some files could not be read (see the run's error messages).
    case partial
    /// No usable snapshot was written.
    case failed

    /// Whether the run left a recovery point: a snapshot that restores (at least most of) the data.
    /// A partial run counts — its snapshot restores everything but the files it lists as failed —
    /// so one locked file does not turn a machine red; the fleet view still shows it as partial.
    public var isRecoveryPoint: Bool { self != .failed }
}

/// The kind of backup a run made. Raw values are stored and sent on the wire.
public enum BackupRunMethod: String, Sendable, Codable, CaseIterable, Hashable {
    case full, incremental, differential
}
