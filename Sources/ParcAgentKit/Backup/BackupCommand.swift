import ArgumentParser
import Foundation
import ParcBackup

/// `parc-agent backup`: the backup engine as a command, usable alone like restic or Borg.
public struct BackupCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up, restore and check this machine's files in an encrypted, deduplicated repository.",
        discussion: """
            The repository comes from --repo DIR or PARC_BACKUP_REPO; the passphrase from \
            PARC_BACKUP_PASSWORD, --password-file, or a prompt. Exit status: 0 done, 1 failed, \
            3 done with problems (listed), 10 no repository, 11 wrong passphrase, 12 locked, \
            64 bad command line. See docs/backup.md.
            """,
        subcommands: [
            BackupInit.self, BackupRun.self, BackupSnapshots.self, BackupLs.self, BackupDiff.self,
            BackupRestore.self, BackupForget.self, BackupPrune.self, BackupCheck.self, BackupStats.self,
            BackupDrill.self, BackupKey.self, BackupUnlock.self,
        ]
    )

    public init() {}
}

/// Runs a command body, turning its errors into a message on standard error and the documented
/// exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as BackupCLIError {
        Output.warn("parc-agent backup: \(error.message)")
        throw ExitCode(error.exitCode.rawValue)
    } catch let error as RepositoryError {
        let cli = BackupCLIError(error)
        Output.warn("parc-agent backup: \(cli.message)")
        throw ExitCode(cli.exitCode.rawValue)
    } catch let error as LockError {
        let cli = BackupCLIError(error)
        Output.warn("parc-agent backup: \(cli.message)")
        throw ExitCode(cli.exitCode.rawValue)
    }
}

/// The memory cost option of commands that write key files.
struct KDFOptions: ParsableArguments {
    @Option(
        name: .customLong("scrypt-n"),
        help: ArgumentHelp(
            "scrypt cost N as a power of two, with r = 8 and 3 lanes (default 15: 32 MiB, about half a second).",
            valueName: "log2"))
    var scryptN: Int = 15

    func parameters() throws(BackupCLIError) -> ScryptParameters {
        guard (10...22).contains(scryptN) else { throw BackupCLIError("--scrypt-n must be 10…22", exitCode: .usage) }
        do {
            return try ScryptParameters(n: 1 << scryptN, r: 8, p: 3)
        } catch {
            throw BackupCLIError(error.description, exitCode: .usage)
        }
    }
}

struct BackupInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a repository in an empty or new directory.")

    @OptionGroup var options: RepositoryOptions
    @OptionGroup var kdf: KDFOptions

    @Flag(name: .customLong("no-compression"), help: "Store blobs uncompressed (for already compressed data).")
    var noCompression = false

    func run() throws {
        try reportingErrors {
            let url = try options.repositoryURL()
            let manager = FileManager.default
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw BackupCLIError("\(url.path) is a file; give a directory for the repository")
                }
                let storage = LocalRepositoryStorage(root: url)
                if (try? storage.exists(.config, name: "config")) == true {
                    throw BackupCLIError("\(url.path) holds a repository already; nothing was changed")
                }
                let entries = (try? manager.contentsOfDirectory(atPath: url.path)) ?? []
                guard entries.isEmpty else {
                    throw BackupCLIError(
                        "\(url.path) is not empty; give a new or empty directory for the repository")
                }
            }
            let passphrase: String
            if options.passwordFile != nil || ProcessInfo.processInfo.environment["PARC_BACKUP_PASSWORD"] != nil {
                passphrase = try options.passphrase()
            } else {
                passphrase = try PassphraseSource.newPassphrase(file: nil)
            }
            let storage = LocalRepositoryStorage(root: url)
            do {
                try storage.createLayout()
            } catch {
                throw BackupCLIError("cannot create the repository at \(url.path): \(error)")
            }
            let repository = try Repository.initialize(
                storage: storage, passphrase: passphrase, compression: noCompression ? .none : .zstd,
                kdf: try kdf.parameters())
            if options.json {
                Output.json(InitReport(id: repository.config.id.hex, repository: url.path, keyID: repository.keyID.hex))
            } else {
                Output.line("created repository \(repository.config.id.shortHex) at \(url.path)")
                Output.line("Keep the passphrase safe: without it, nobody can read these backups.")
            }
        }
    }

    struct InitReport: Encodable {
        let id: String
        let repository: String
        let keyID: String
        enum CodingKeys: String, CodingKey {
            case id, repository
            case keyID = "key_id"
        }
    }
}

/// A snapshot as `snapshots --json` prints it (the contract scripts rely on).
struct SnapshotJSON: Encodable {
    let id: String
    let shortID: String
    let time: Date
    let hostname: String
    let username: String
    let method: String
    let base: String?
    let full: String?
    let paths: [String]
    let excludes: [String]
    let tags: [String]
    let tree: String
    let summary: SnapshotSummary

    init(_ entry: SnapshotEntry) {
        let snapshot = entry.snapshot
        id = entry.id.hex
        shortID = entry.id.shortHex
        time = snapshot.time
        hostname = snapshot.hostname
        username = snapshot.username
        method = snapshot.method.rawValue
        base = snapshot.base?.hex
        full = snapshot.full?.hex
        paths = snapshot.paths
        excludes = snapshot.excludes
        tags = snapshot.tags
        tree = snapshot.tree.hex
        summary = snapshot.summary
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(shortID, forKey: .shortID)
        try container.encode(time, forKey: .time)
        try container.encode(hostname, forKey: .hostname)
        try container.encode(username, forKey: .username)
        try container.encode(method, forKey: .method)
        // Explicit nulls: scripts read `base` on every snapshot.
        try container.encode(base, forKey: .base)
        try container.encode(full, forKey: .full)
        try container.encode(paths, forKey: .paths)
        try container.encode(excludes, forKey: .excludes)
        try container.encode(tags, forKey: .tags)
        try container.encode(tree, forKey: .tree)
        try container.encode(summary, forKey: .summary)
    }

    enum CodingKeys: String, CodingKey {
        case id, time, hostname, username, method, base, full, paths, excludes, tags, tree, summary
        case shortID = "short_id"
    }
}

struct BackupSnapshots: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots", abstract: "List the snapshots, oldest first.")

    @OptionGroup var options: RepositoryOptions

    @Option(help: "Only the snapshots of this host.") var host: String?
    @Option(help: "Only snapshots with this tag (repeatable).") var tag: [String] = []

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let entries = try repository.snapshots().filter { entry in
                (host == nil || entry.snapshot.hostname == host)
                    && tag.allSatisfy { entry.snapshot.tags.contains($0) }
            }
            if options.json {
                Output.json(entries.map(SnapshotJSON.init))
                return
            }
            guard !entries.isEmpty else {
                Output.line("no snapshot")
                return
            }
            let rows = entries.map { entry -> [String] in
                let snapshot = entry.snapshot
                return [
                    entry.id.shortHex, Self.localTime(snapshot.time), snapshot.hostname, snapshot.method.rawValue,
                    snapshot.base?.shortHex ?? "-", Output.bytes(snapshot.summary.bytes),
                    snapshot.paths.joined(separator: " "),
                ]
            }
            Output.line(Table.render(header: ["ID", "Time", "Host", "Method", "Base", "Size", "Paths"], rows: rows))
            Output.line("\(entries.count) snapshots")
        }
    }

    static func localTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}

/// Aligned text columns.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}

struct BackupUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Remove stale locks (older than 30 minutes, or left by a dead process on this host).")

    @OptionGroup var options: RepositoryOptions
    @Flag(name: .customLong("remove-all"), help: "Remove every lock, live or not (only when sure nothing runs).")
    var removeAll = false

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let names = try RepositoryCall.run { () throws(StorageError) in try repository.storage.list(.lock) }
            var removed = 0
            let host = ProcessInfo.processInfo.hostName
            for name in names {
                guard let id = ObjectID(hex: name) else { continue }
                var stale = true
                if !removeAll, let data = try? repository.loadFile(id, kind: .lock),
                    let lock = try? JSONDecoder().decodeLock(data)
                {
                    stale = LockPolicy.standard.isStale(
                        lock, now: Date(), hostname: host, isProcessRunning: RepositoryLock.isProcessRunning)
                }
                if stale {
                    try RepositoryCall.run { () throws(StorageError) in try repository.storage.remove(.lock, name: name) }
                    removed += 1
                }
            }
            if options.json {
                Output.json(["removed": removed, "remaining": names.count - removed])
            } else {
                Output.line("removed \(removed) lock(s), \(names.count - removed) left")
            }
        }
    }
}

extension JSONDecoder {
    func decodeLock(_ data: Data) throws -> LockFile {
        dateDecodingStrategy = .iso8601
        return try decode(LockFile.self, from: data)
    }
}

/// Wraps storage calls into the CLI's error type.
enum RepositoryCall {
    static func run<T>(_ body: () throws(StorageError) -> T) throws(BackupCLIError) -> T {
        do {
            return try body()
        } catch {
            throw BackupCLIError(RepositoryError.storage(error))
        }
    }
}
