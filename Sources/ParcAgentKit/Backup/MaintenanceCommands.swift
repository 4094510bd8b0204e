import ArgumentParser
import Foundation
import ParcBackup

extension BackupCLIError {
    /// The CLI error for a maintenance error, with the lock and repository exit statuses.
    init(_ error: MaintenanceError) {
        switch error {
        case .repository(let inner): self.init(inner)
        case .lock(let inner): self.init(inner)
        default: self.init(error.description)
        }
    }
}

/// Runs a maintenance call, mapping its errors.
func maintenance<T>(_ body: () throws(MaintenanceError) -> T) throws(BackupCLIError) -> T {
    do {
        return try body()
    } catch {
        throw BackupCLIError(error)
    }
}

struct BackupLs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List the files of a snapshot (or of one directory in it).")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: "Snapshot ID, unique prefix, or latest.") var snapshot: String
    @Argument(help: "An absolute path inside the snapshot (default: everything).") var path: String?
    @Flag(name: .shortAndLong, help: "Descend into subdirectories (default when no path is given).")
    var recursive = false

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let (entry, index) = try loadSnapshot(snapshot, in: repository)
            let nodes: [ListedNode] = try maintenance { () throws(MaintenanceError) in
                if let path {
                    try repository.listNodes(in: entry.snapshot, under: path, recursive: recursive, index: index)
                } else {
                    try repository.listNodes(in: entry.snapshot, index: index)
                }
            }
            if options.json {
                Output.json(nodes.map(\.record))
            } else {
                for node in nodes { Output.line(node.line()) }
            }
        }
    }
}

struct BackupDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed between two snapshots: + added, - removed, M content, U metadata only.")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: "The older snapshot.") var first: String
    @Argument(help: "The newer snapshot.") var second: String

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let entries = try repository.snapshots()
            let (from, to): (SnapshotEntry, SnapshotEntry)
            do throws(SnapshotLookupError) {
                from = try repository.findSnapshot(first, in: entries)
                to = try repository.findSnapshot(second, in: entries)
            } catch {
                throw BackupCLIError(error.description)
            }
            let index = try repository.loadIndex()
            let diff = try maintenance { () throws(MaintenanceError) in
                try repository.diff(from: from.snapshot, to: to.snapshot, index: index)
            }
            if options.json {
                struct DiffJSON: Encodable {
                    let from: String
                    let to: String
                    let changes: [DiffChangeRecord]
                    let totals: DiffTotals
                }
                Output.json(
                    DiffJSON(from: from.id.hex, to: to.id.hex, changes: diff.changes.map(\.record), totals: diff.totals))
                return
            }
            for change in diff.changes { Output.line(change.line) }
            let totals = diff.totals
            Output.line(
                "\(totals.added) added (\(Output.bytes(totals.addedBytes))), \(totals.removed) removed "
                    + "(\(Output.bytes(totals.removedBytes))), \(totals.contentChanged) changed, "
                    + "\(totals.metadataChanged) with metadata changes only")
        }
    }
}

/// The retention options of `forget` (also used by the daemon through ``RetentionPolicy``).
struct RetentionOptions: ParsableArguments {
    @Option(name: .customLong("keep-last"), help: "Keep the N newest snapshots.") var keepLast: Int = 0
    @Option(name: .customLong("keep-hourly"), help: "Keep the newest of each of the last N hours.") var keepHourly: Int = 0
    @Option(name: .customLong("keep-daily"), help: "Keep the newest of each of the last N days.") var keepDaily: Int = 0
    @Option(name: .customLong("keep-weekly"), help: "Keep the newest of each of the last N weeks.") var keepWeekly: Int = 0
    @Option(name: .customLong("keep-monthly"), help: "Keep the newest of each of the last N months.")
    var keepMonthly: Int = 0
    @Option(name: .customLong("keep-yearly"), help: "Keep the newest of each of the last N years.") var keepYearly: Int = 0
    @Option(
        name: .customLong("keep-within"),
        help: ArgumentHelp("Keep every snapshot within this duration of the newest (e.g. 36h, 10d, 2w3d).", valueName: "duration"))
    var keepWithin: String?
    @Option(name: .customLong("keep-tag"), help: "Keep snapshots with this tag (repeatable).") var keepTags: [String] = []
    @Flag(name: .customLong("group-by-host"), help: "Group snapshots by host only (default: host and paths).")
    var groupByHost = false

    func policy() throws(BackupCLIError) -> RetentionPolicy {
        var within: TimeInterval?
        if let keepWithin {
            guard let parsed = RetentionPolicy.parseDuration(keepWithin) else {
                throw BackupCLIError(
                    "--keep-within \(keepWithin) is not a duration; write it like 12h, 10d or 2w3d (units w, d, h, m for minutes, s)", exitCode: .usage)
            }
            within = parsed
        }
        let policy = RetentionPolicy(
            keepLast: keepLast, keepHourly: keepHourly, keepDaily: keepDaily, keepWeekly: keepWeekly,
            keepMonthly: keepMonthly, keepYearly: keepYearly, keepWithin: within, keepTags: Set(keepTags),
            grouping: groupByHost ? .host : .hostAndPaths)
        do {
            try policy.validate()
        } catch {
            throw BackupCLIError(error.description, exitCode: .usage)
        }
        return policy
    }
}

struct BackupForget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove snapshots by retention rules or by ID (their data goes at the next prune).")

    @OptionGroup var options: RepositoryOptions
    @OptionGroup var retention: RetentionOptions
    @Option(help: "Only the snapshots of this host.") var host: String?
    @Option(name: .customLong("tag"), help: "Only snapshots with this tag (repeatable).") var tags: [String] = []
    @Flag(name: .customLong("dry-run"), help: "Say what would be removed; remove nothing.") var dryRun = false
    @Flag(help: "Prune after forgetting.") var prune = false
    @Argument(help: "Snapshot IDs to remove (instead of retention rules).") var snapshots: [String] = []

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let report: ForgetReport
            if snapshots.isEmpty {
                let policy = try retention.policy()
                let filter = SnapshotFilter(hostnames: host.map { [$0] } ?? [], tags: Set(tags))
                report = try maintenance { () throws(MaintenanceError) in
                    try repository.forget(policy: policy, filter: filter, dryRun: dryRun)
                }
            } else {
                let entries = try repository.snapshots()
                var ids: [ObjectID] = []
                for reference in snapshots {
                    do throws(SnapshotLookupError) {
                        ids.append(try repository.findSnapshot(reference, in: entries).id)
                    } catch {
                        throw BackupCLIError(error.description)
                    }
                }
                report = try maintenance { () throws(MaintenanceError) in
                    try repository.forget(snapshots: ids, dryRun: dryRun)
                }
            }
            var pruneReport: PruneReport?
            if prune && !dryRun && !report.removed.isEmpty {
                pruneReport = try maintenance { () throws(MaintenanceError) in try repository.prune() }
            }
            if options.json {
                struct Decision: Encodable {
                    let id: String
                    let time: Date
                    let keep: Bool
                    let reasons: [String]
                }
                struct ForgetJSON: Encodable {
                    let dryRun: Bool
                    let removed: [String]
                    let remaining: Int
                    let decisions: [Decision]
                    let prune: PruneReport?
                    enum CodingKeys: String, CodingKey {
                        case removed, remaining, decisions, prune
                        case dryRun = "dry_run"
                    }
                }
                let decisions = (report.plan?.groups ?? []).flatMap(\.decisions).map {
                    Decision(
                        id: $0.entry.id.hex, time: $0.entry.snapshot.time, keep: $0.keep,
                        reasons: $0.reasons.map(\.description))
                }
                Output.json(
                    ForgetJSON(
                        dryRun: dryRun, removed: report.removed.map(\.hex), remaining: report.remaining,
                        decisions: decisions, prune: pruneReport))
                return
            }
            for group in report.plan?.groups ?? [] {
                let paths = group.key.paths.map { " " + $0.joined(separator: " ") } ?? ""
                Output.line("\(group.key.hostname)\(paths):")
                for decision in group.decisions {
                    Output.line(
                        "  \(decision.keep ? "keep  " : "remove") \(decision.entry.id.shortHex) "
                            + "\(BackupSnapshots.localTime(decision.entry.snapshot.time)) "
                            + "\(decision.entry.snapshot.method.rawValue)"
                            + (decision.keep ? "  (\(decision.reasons.map(\.description).joined(separator: ", ")))" : ""))
                }
            }
            Output.line(
                (dryRun ? "would remove " : "removed ") + "\(report.removed.count) snapshot(s); \(report.remaining) remain")
            if let pruneReport { Output.line(BackupPrune.describe(pruneReport)) }
        }
    }
}

struct BackupPrune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Delete the data that no snapshot uses, repacking partly used packs.")

    @OptionGroup var options: RepositoryOptions
    @Option(
        name: .customLong("max-unused"),
        help: "Share of unused bytes left in partly used packs, 0–100 % (default 5).")
    var maxUnused: Double = 5
    @Flag(name: .customLong("dry-run"), help: "Say what would be deleted; delete nothing.") var dryRun = false

    func run() throws {
        try reportingErrors {
            guard (0...100).contains(maxUnused) else {
                throw BackupCLIError("--max-unused must be between 0 and 100", exitCode: .usage)
            }
            let repository = try options.open()
            let report = try maintenance { () throws(MaintenanceError) in
                try repository.prune(PruneOptions(maxUnused: maxUnused / 100, dryRun: dryRun))
            }
            if options.json { Output.json(report) } else { Output.line(Self.describe(report)) }
        }
    }

    static func describe(_ report: PruneReport) -> String {
        (report.dryRun ? "would remove " : "removed ")
            + "\(report.removedPacks) pack(s) (\(Output.bytes(report.removedBytes))), repacked \(report.repackedPacks) "
            + "(\(report.repackedBlobs) blobs kept), kept \(report.keptPacks); frees "
            + "\(Output.bytes(UInt64(max(0, report.freedBytes)))) in \(Output.duration(report.durationSeconds))"
    }
}

struct BackupCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the repository's structure, and with --read-data every byte; name what damage affects.")

    @OptionGroup var options: RepositoryOptions
    @Flag(name: .customLong("read-data"), help: "Read and verify every blob (reads the whole repository).")
    var readData = false
    @Flag(name: .customLong("no-lock"), help: "Take no lock (read-only media).") var noLock = false

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let report = try maintenance { () throws(MaintenanceError) in
                try repository.check(CheckOptions(readData: readData, noLock: noLock))
            }
            if options.json { Output.json(report) } else { Output.line(report.summary) }
            if !report.isHealthy { throw ExitCode(BackupExitCode.incomplete.rawValue) }
        }
    }
}

struct BackupStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Sizes: restore size, unique data, stored bytes, compression and deduplication.")

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let stats = try maintenance { () throws(MaintenanceError) in try repository.stats() }
            if options.json {
                struct StatsJSON: Encodable {
                    let stats: RepositoryStats
                    func encode(to encoder: any Encoder) throws {
                        try stats.encode(to: encoder)
                        var container = encoder.container(keyedBy: Keys.self)
                        try container.encode(stats.compressionRatio, forKey: .compressionRatio)
                        try container.encode(stats.deduplicationRatio, forKey: .deduplicationRatio)
                    }
                    enum Keys: String, CodingKey {
                        case compressionRatio, deduplicationRatio
                    }
                }
                Output.json(StatsJSON(stats: stats))
                return
            }
            Output.line("snapshots:           \(stats.snapshots)")
            Output.line("files in snapshots:  \(stats.files)")
            Output.line("restore size:        \(Output.bytes(stats.restoreSize))")
            Output.line("unique data:         \(Output.bytes(stats.uniqueRawBytes)) in \(stats.uniqueBlobs) blobs")
            Output.line("stored on disk:      \(Output.bytes(stats.storedBytes)) in \(stats.packs) packs")
            Output.line(String(format: "compression ratio:   %.2f", stats.compressionRatio))
            Output.line(String(format: "deduplication ratio: %.2f", stats.deduplicationRatio))
        }
    }
}
