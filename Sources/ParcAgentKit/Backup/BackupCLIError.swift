import ParcBackup

/// The exit statuses of `parc-agent backup` (documented in docs/backup.md; scripts rely on them).
public enum BackupExitCode: Int32, Sendable, CaseIterable {
    /// Done, nothing to report.
    case success = 0
    /// The command failed; nothing (or nothing usable) was done.
    case failure = 1
    /// Done, but with problems: files that could not be read or restored, errors found by `check`,
    /// a failed drill. The output lists them.
    case incomplete = 3
    /// No repository at the given place (or its creation was interrupted).
    case noRepository = 10
    /// Wrong passphrase.
    case wrongPassphrase = 11
    /// Another process holds a conflicting lock.
    case locked = 12
    /// Bad command line (ArgumentParser's EX_USAGE).
    case usage = 64
}

/// A failure of a backup command: a message for people and an exit status for scripts.
public struct BackupCLIError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let exitCode: BackupExitCode

    public init(_ message: String, exitCode: BackupExitCode = .failure) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }

    /// The CLI error for an engine error, with the exit status scripts expect.
    public init(_ error: RepositoryError) {
        switch error {
        case .notARepository:
            self.init(error.description, exitCode: .noRepository)
        case .key(.wrongPassphrase):
            self.init(
                "wrong passphrase: no key of this repository opens with it (check PARC_BACKUP_PASSWORD or --password-file)",
                exitCode: .wrongPassphrase)
        case .key(.noKeyFiles):
            self.init(error.description, exitCode: .noRepository)
        default:
            self.init(error.description)
        }
    }

    /// The CLI error for a lock failure.
    public init(_ error: LockError) {
        switch error {
        case .repository(let inner): self.init(inner)
        default:
            self.init(error.description, exitCode: .locked)
        }
    }
}
