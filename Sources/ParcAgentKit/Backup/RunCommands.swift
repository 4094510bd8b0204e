import ArgumentParser
import Foundation
import ParcBackup

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT and SIGTERM ask a long command to stop cleanly (the engine polls the flag).
final class StopRequest: @unchecked Sendable {
    static let shared = StopRequest()
    private let lock = NSLock()
    private var requested = false
    private var sources: [any DispatchSourceSignal] = []

    var isRequested: Bool { lock.withLock { requested } }

    func request() { lock.withLock { requested = true } }

    /// Catches SIGINT and SIGTERM from now on.
    func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                self?.request()
                Output.warn("parc-agent: stopping cleanly… (the repository stays valid)")
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }
}

struct BackupRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Back up absolute paths into a new snapshot.",
        discussion: """
            full reads every file; incremental reads the files changed since the latest snapshot of \
            this host and these paths; differential those changed since the latest full. With no \
            such snapshot, the run is a full one (and says so).
            """)

    @OptionGroup var options: RepositoryOptions
    @Option(help: "full, incremental or differential.") var method: BackupMethod = .incremental
    @Option(name: .customLong("exclude"), help: ArgumentHelp("A glob to leave out (repeatable).", valueName: "glob"))
    var excludes: [String] = []
    @Option(
        name: .customLong("exclude-file"),
        help: ArgumentHelp("A file of globs, one per line (# comments).", valueName: "file"))
    var excludeFiles: [String] = []
    @Flag(name: .customLong("one-file-system"), help: "Do not cross into other file systems.")
    var oneFileSystem = false
    @Option(name: .customLong("tag"), help: "A label recorded in the snapshot (repeatable).") var tags: [String] = []
    @Option(help: "The hostname recorded (default: this machine's).") var host: String?
    @Option(help: "Files read at once (default: the number of processors).") var threads: Int?
    @Argument(help: "Absolute paths to back up.") var paths: [String] = []

    func run() throws {
        try reportingErrors {
            var globs = excludes
            for file in excludeFiles {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw BackupCLIError("cannot read the exclude file \(file)")
                }
                globs += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            }
            let repository = try options.open()
            var backup = BackupOptions(paths: paths, excludes: globs, oneFileSystem: oneFileSystem, method: method, tags: tags)
            if let host { backup.hostname = host }
            if let threads {
                guard threads >= 1 else { throw BackupCLIError("--threads must be at least 1", exitCode: .usage) }
                backup.threads = threads
            }
            let result = try Self.execute(repository: repository, backup: backup, options: options)
            Self.print(result, options: options)
            if !result.issues.isEmpty { throw ExitCode(BackupExitCode.incomplete.rawValue) }
        }
    }

    /// Runs the archiver with progress and clean stop on SIGINT/SIGTERM.
    static func execute(repository: Repository, backup: BackupOptions, options: RepositoryOptions) throws
        -> BackupResult
    {
        let line = ProgressLine(enabled: options.showsProgress)
        StopRequest.shared.install()
        let archiver = Archiver(
            repository: repository, options: backup,
            progress: { report in
                line.update(
                    ProgressLine.describe(
                        files: report.filesDone, bytes: report.bytesDone, totalBytes: report.bytesTotal,
                        elapsed: report.elapsed, current: report.currentPath))
            },
            shouldStop: { StopRequest.shared.isRequested })
        defer { line.finish() }
        do {
            return try archiver.run()
        } catch .cancelled {
            throw BackupCLIError(BackupError.cancelled.description, exitCode: .failure)
        } catch .locked(let lock) {
            throw BackupCLIError(lock)
        } catch .repository(let error) {
            throw BackupCLIError(
                BackupError.repository(error).description, exitCode: BackupCLIError(error).exitCode)
        } catch {
            throw BackupCLIError(error.description)
        }
    }

    struct RunJSON: Encodable {
        let snapshot: SnapshotJSON
        let fellBackToFull: Bool
        let issues: [IssueJSON]
        enum CodingKeys: String, CodingKey {
            case snapshot, issues
            case fellBackToFull = "fell_back_to_full"
        }
    }

    struct IssueJSON: Encodable {
        let path: String
        let kind: String
        let message: String
    }

    static func print(_ result: BackupResult, options: RepositoryOptions) {
        let summary = result.snapshot.summary
        if options.json {
            Output.json(
                RunJSON(
                    snapshot: SnapshotJSON(SnapshotEntry(id: result.snapshotID, snapshot: result.snapshot)),
                    fellBackToFull: result.fellBackToFull,
                    issues: result.issues.map { IssueJSON(path: $0.path, kind: $0.kind.rawValue, message: $0.message) }))
            return
        }
        for issue in result.issues { Output.warn("warning: \(issue.path): \(issue.message)") }
        if result.fellBackToFull {
            Output.line("no earlier snapshot to compare with: this run was a full one")
        }
        if options.quiet && result.issues.isEmpty { return }
        Output.line(
            "snapshot \(result.snapshotID.shortHex) saved (\(result.snapshot.method.rawValue)): "
                + "\(summary.files) files, \(summary.directories) directories, \(Output.bytes(summary.bytes)); "
                + "read \(summary.filesRead) files (\(Output.bytes(summary.bytesRead))), "
                + "added \(Output.bytes(summary.newBytes)) (\(Output.bytes(summary.storedBytes)) stored) "
                + "in \(Output.duration(summary.durationSeconds))"
                + (result.issues.isEmpty ? "" : "; \(result.issues.count) problem(s) listed above"))
    }
}

extension BackupMethod: ExpressibleByArgument {}

/// Holds a shared lock on the repository while `body` runs, so that no prune removes what it reads.
func withSharedLock<T>(_ repository: Repository, operation: String, _ body: () throws -> T) throws -> T {
    let lock: RepositoryLock
    do {
        lock = try RepositoryLock.acquire(repository, exclusive: false, operation: operation)
    } catch {
        throw BackupCLIError(error)
    }
    defer { try? lock.release() }
    return try body()
}

/// Loads the index and finds a snapshot by reference.
func loadSnapshot(_ reference: String, in repository: Repository) throws -> (SnapshotEntry, BlobIndex) {
    let entries = try repository.snapshots()
    let entry: SnapshotEntry
    do throws(SnapshotLookupError) {
        entry = try repository.findSnapshot(reference, in: entries)
    } catch {
        throw BackupCLIError(error.description)
    }
    return (entry, try repository.loadIndex())
}

struct BackupRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a snapshot, a subtree or one file under a target directory.",
        discussion: """
            Each backed-up absolute path is recreated under --target (/etc/hosts → TARGET/etc/hosts). \
            Existing files are left alone (and listed) unless --overwrite.
            """)

    @OptionGroup var options: RepositoryOptions
    @Argument(help: "Snapshot ID, unique prefix, or latest.") var snapshot: String
    @Option(help: ArgumentHelp("The directory to restore into.", valueName: "dir")) var target: String
    @Option(name: .customLong("include"), help: ArgumentHelp("Only this absolute path (repeatable).", valueName: "path"))
    var include: [String] = []
    @Flag(name: .customLong("dry-run"), help: "List what would be restored; write nothing.") var dryRun = false
    @Flag(help: "Replace existing files in the target.") var overwrite = false
    @Flag(name: .customLong("no-verify"), help: "Skip the SHA-256 check of each restored file.") var noVerify = false
    @Option(help: "Files restored at once (default: the number of processors).") var threads: Int?

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let (entry, index) = try loadSnapshot(snapshot, in: repository)
            var restore = RestoreOptions(
                target: target, include: include, dryRun: dryRun, verify: !noVerify,
                overwrite: overwrite ? .always : .never)
            if let threads { restore.threads = max(1, threads) }
            let line = ProgressLine(enabled: options.showsProgress)
            StopRequest.shared.install()
            let restorer = Restorer(
                repository: repository, index: index, snapshot: entry.snapshot, options: restore,
                progress: { report in
                    line.update(
                        ProgressLine.describe(
                            files: report.files, bytes: report.bytes, totalBytes: report.expectedBytes,
                            elapsed: report.elapsedSeconds, current: report.currentPath ?? ""))
                })
            let result: RestoreResult = try withSharedLock(repository, operation: "restore") {
                do throws(RestoreError) {
                    return try restorer.run()
                } catch {
                    line.finish()
                    throw BackupCLIError(error.description)
                }
            }
            line.finish()
            Self.print(result, snapshot: entry, options: options, dryRun: dryRun)
            if !result.issues.isEmpty { throw ExitCode(BackupExitCode.incomplete.rawValue) }
        }
    }

    struct RestoreJSON: Encodable {
        let snapshot: String
        let dryRun: Bool
        let files: Int
        let directories: Int
        let symlinks: Int
        let hardLinks: Int
        let specialFiles: Int
        let bytes: UInt64
        let durationSeconds: Double
        let planned: [Planned]?
        let issues: [Problem]
        let notes: [Problem]

        struct Planned: Encodable {
            let path: String
            let type: String
            let size: UInt64
            let hardLinkTo: String?
            enum CodingKeys: String, CodingKey {
                case path, type, size
                case hardLinkTo = "hard_link_to"
            }
        }

        struct Problem: Encodable {
            let path: String
            let message: String
        }

        enum CodingKeys: String, CodingKey {
            case snapshot, files, directories, symlinks, bytes, planned, issues, notes
            case dryRun = "dry_run"
            case hardLinks = "hard_links"
            case specialFiles = "special_files"
            case durationSeconds = "duration_seconds"
        }
    }

    static func print(_ result: RestoreResult, snapshot: SnapshotEntry, options: RepositoryOptions, dryRun: Bool) {
        if options.json {
            Output.json(
                RestoreJSON(
                    snapshot: snapshot.id.hex, dryRun: dryRun, files: result.files, directories: result.directories,
                    symlinks: result.symlinks, hardLinks: result.hardLinks, specialFiles: result.specialFiles,
                    bytes: result.bytes, durationSeconds: result.durationSeconds,
                    planned: dryRun
                        ? result.planned.map {
                            .init(path: $0.path, type: $0.type.rawValue, size: $0.size, hardLinkTo: $0.hardLinkTo)
                        } : nil,
                    issues: result.issues.map { .init(path: $0.path, message: $0.message) },
                    notes: result.notes.map { .init(path: $0.path, message: $0.message) }))
            return
        }
        if dryRun {
            for entry in result.planned {
                Output.line(
                    "\(entry.type.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                        + "\(String(entry.size).padding(toLength: 12, withPad: " ", startingAt: 0)) \(entry.path)"
                        + (entry.hardLinkTo.map { " => \($0)" } ?? ""))
            }
        }
        for note in result.notes { Output.warn("note: \(note.path): \(note.message)") }
        for issue in result.issues { Output.warn("error: \(issue.path): \(issue.message)") }
        if options.quiet && result.issues.isEmpty { return }
        let verb = dryRun ? "would restore" : "restored"
        Output.line(
            "\(verb) \(result.files) files, \(result.directories) directories, \(Output.bytes(result.bytes)) "
                + "from snapshot \(snapshot.id.shortHex) in \(Output.duration(result.durationSeconds))"
                + (result.issues.isEmpty ? "" : "; \(result.issues.count) problem(s) listed above"))
    }
}

struct BackupDrill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Restore test: restore a sample of a snapshot into a sandbox and compare with the recorded hashes.")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: "Snapshot ID, unique prefix, or latest.") var snapshot: String = "latest"
    @Option(help: "How many files to restore and compare (default 100).") var sample: Int?
    @Flag(help: "Every file of the snapshot.") var all = false
    @Option(help: "Seed of the random draw (to repeat a drill).") var seed: UInt64?
    @Option(help: ArgumentHelp("Where to create the sandbox (default: the temporary directory).", valueName: "dir"))
    var sandbox: String?

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let (entry, index) = try loadSnapshot(snapshot, in: repository)
            let result = try withSharedLock(repository, operation: "drill") {
                try Self.execute(
                    repository: repository, index: index, snapshot: entry.snapshot,
                    sample: all ? .all : .count(sample ?? 100), seed: seed, sandbox: sandbox,
                    progress: options.showsProgress)
            }
            if options.json {
                Output.json(DrillJSON(result, snapshot: entry.id))
            } else {
                for failure in result.failures { Output.warn("FAILED: \(failure.path): \(failure.reason)") }
                Output.line(
                    "drill of snapshot \(entry.id.shortHex): \(result.filesChecked) of \(result.filesInSnapshot) files "
                        + "(\(Output.bytes(result.bytesChecked))) restored and compared in "
                        + "\(Output.duration(result.durationSeconds)): "
                        + (result.passed ? "passed" : "FAILED, \(result.failures.count) file(s)")
                        + " (seed \(result.seed))")
            }
            if !result.passed { throw ExitCode(BackupExitCode.incomplete.rawValue) }
        }
    }

    static func execute(
        repository: Repository, index: BlobIndex, snapshot: Snapshot, sample: DrillOptions.Sample, seed: UInt64?,
        sandbox: String?, progress: Bool
    ) throws -> DrillResult {
        var drillOptions = DrillOptions(sample: sample)
        if let seed { drillOptions.seed = seed }
        if let sandbox { drillOptions.sandboxParent = sandbox }
        let line = ProgressLine(enabled: progress)
        defer { line.finish() }
        do throws(RestoreError) {
            return try Drill(
                repository: repository, index: index, snapshot: snapshot, options: drillOptions,
                progress: { report in
                    line.update(
                        ProgressLine.describe(
                            files: report.files, bytes: report.bytes, totalBytes: nil, elapsed: report.elapsedSeconds,
                            current: report.currentPath ?? ""))
                }
            ).run()
        } catch {
            throw BackupCLIError(error.description)
        }
    }

    struct DrillJSON: Encodable {
        let snapshot: String
        let passed: Bool
        let filesInSnapshot: Int
        let filesChecked: Int
        let bytesChecked: UInt64
        let seed: UInt64
        let durationSeconds: Double
        let failures: [Failure]

        struct Failure: Encodable {
            let path: String
            let reason: String
        }

        init(_ result: DrillResult, snapshot: ObjectID) {
            self.snapshot = snapshot.hex
            passed = result.passed
            filesInSnapshot = result.filesInSnapshot
            filesChecked = result.filesChecked
            bytesChecked = result.bytesChecked
            seed = result.seed
            durationSeconds = result.durationSeconds
            failures = result.failures.map { Failure(path: $0.path, reason: $0.reason) }
        }

        enum CodingKeys: String, CodingKey {
            case snapshot, passed, seed, failures
            case filesInSnapshot = "files_in_snapshot"
            case filesChecked = "files_checked"
            case bytesChecked = "bytes_checked"
            case durationSeconds = "duration_seconds"
        }
    }
}
