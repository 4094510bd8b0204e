import ArgumentParser
import Foundation
import ParcBackup

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options every `parc-agent backup` command shares: where the repository is, how to get the
/// passphrase, and how to print.
public struct RepositoryOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("repo"),
        help: ArgumentHelp("The repository directory (or set PARC_BACKUP_REPO).", valueName: "dir"))
    public var repo: String?

    @Option(
        name: .customLong("password-file"),
        help: ArgumentHelp(
            "A file whose first line is the passphrase (else PARC_BACKUP_PASSWORD, else a prompt).",
            valueName: "file"))
    public var passwordFile: String?

    @Flag(name: .long, help: "Print JSON on standard output, for scripts; no progress.")
    public var json = false

    @Flag(name: .shortAndLong, help: "No progress display.")
    public var quiet = false

    public init() {}

    /// The repository directory from `--repo` or `PARC_BACKUP_REPO`.
    public func repositoryURL(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BackupCLIError)
        -> URL
    {
        guard let path = repo ?? environment["PARC_BACKUP_REPO"], !path.isEmpty else {
            throw BackupCLIError(
                "no repository given: pass --repo DIR or set PARC_BACKUP_REPO", exitCode: .usage)
        }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The storage of the repository directory.
    public func storage() throws(BackupCLIError) -> LocalRepositoryStorage {
        LocalRepositoryStorage(root: try repositoryURL())
    }

    /// The passphrase: `--password-file`, then `PARC_BACKUP_PASSWORD`, then a prompt on the terminal.
    public func passphrase(
        prompt: String = "Repository passphrase: ",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(BackupCLIError) -> String {
        if let passwordFile { return try PassphraseSource.readFile(passwordFile) }
        if let value = environment["PARC_BACKUP_PASSWORD"] {
            guard !value.isEmpty else { throw BackupCLIError("PARC_BACKUP_PASSWORD is set but empty") }
            return value
        }
        return try PassphraseSource.prompt(prompt)
    }

    /// Opens the repository with the passphrase.
    public func open() throws(BackupCLIError) -> Repository {
        let storage = try storage()
        let secret = try passphrase()
        do {
            return try Repository.open(storage: storage, passphrase: secret)
        } catch {
            throw BackupCLIError(error)
        }
    }

    /// Whether to draw progress on standard error.
    public var showsProgress: Bool { !json && !quiet && isatty(STDERR_FILENO) == 1 }
}

/// Reading passphrases from files and terminals.
public enum PassphraseSource {
    /// The first line of `path` (without its line ending).
    public static func readFile(_ path: String) throws(BackupCLIError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BackupCLIError("cannot read the password file \(path): check that it exists and is readable")
        }
        guard data.count <= 64 * 1024, let text = String(data: data, encoding: .utf8) else {
            throw BackupCLIError("the password file \(path) is not a UTF-8 text file of at most 64 KiB")
        }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let passphrase = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        guard !passphrase.isEmpty else { throw BackupCLIError("the password file \(path) starts with an empty line") }
        return passphrase
    }

    /// Asks on the terminal without echo; fails when there is no terminal.
    public static func prompt(_ text: String) throws(BackupCLIError) -> String {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard tty >= 0 else {
            throw BackupCLIError(
                "no passphrase: set PARC_BACKUP_PASSWORD or pass --password-file (there is no terminal to ask on)")
        }
        defer { close(tty) }
        var original = termios()
        tcgetattr(tty, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSAFLUSH, &silent)
        defer {
            tcsetattr(tty, TCSAFLUSH, &original)
            _ = "\n".withCString { write(tty, $0, 1) }
        }
        _ = text.withCString { write(tty, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
            if bytes.count > 4096 { break }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard let passphrase = String(bytes: bytes, encoding: .utf8), !passphrase.isEmpty else {
            throw BackupCLIError("empty passphrase")
        }
        return passphrase
    }

    /// A new passphrase: `--new-password-file`, `PARC_BACKUP_NEW_PASSWORD`, or asked twice.
    public static func newPassphrase(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        fallback: String? = nil
    ) throws(BackupCLIError) -> String {
        if let file { return try readFile(file) }
        if let value = environment["PARC_BACKUP_NEW_PASSWORD"], !value.isEmpty { return value }
        if let fallback { return fallback }
        let first = try prompt("New passphrase: ")
        let second = try prompt("Same passphrase again: ")
        guard first == second else { throw BackupCLIError("the two passphrases differ; nothing was changed") }
        return first
    }
}
