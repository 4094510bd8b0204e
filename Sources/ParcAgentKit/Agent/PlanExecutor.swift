import Foundation
import ParcBackup
import ParcCore

/// Carries out a server's backup plan on this machine with the backup engine: backups with the
/// scheduled method, retention, restore drills; and turns each into the report the server expects.
public struct PlanExecutor: Sendable {
    /// Where the repositories' passphrases are: `<directory>/<repository id>.password`.
    public let passwordsDirectory: String
    /// Used when a repository has no passphrase file (for a machine with one repository).
    public let fallbackPassphrase: String?
    /// Where drills make their sandboxes.
    public let sandboxParent: String

    public init(passwordsDirectory: String, fallbackPassphrase: String?, sandboxParent: String = NSTemporaryDirectory()) {
        self.passwordsDirectory = passwordsDirectory
        self.fallbackPassphrase = fallbackPassphrase
        self.sandboxParent = sandboxParent
    }

    /// The passphrase of a plan's repository, or an error saying where to put it.
    func passphrase(for plan: AgentAPI.Plan) throws(AgentError) -> String {
        let file = passwordsDirectory + "/" + plan.repository.id + ".password"
        if FileManager.default.fileExists(atPath: file) {
            do {
                return try PassphraseSource.readFile(file)
            } catch {
                throw AgentError(error.message)
            }
        }
        if let fallbackPassphrase { return fallbackPassphrase }
        throw AgentError(
            "no passphrase for repository \(plan.repository.name): write it to \(file) (mode 600); "
                + "the server never holds repository passphrases")
    }

    /// Opens the plan's repository, creating it when its directory is missing or empty.
    func openRepository(for plan: AgentAPI.Plan) throws(AgentError) -> Repository {
        let secret = try passphrase(for: plan)
        let url = URL(fileURLWithPath: plan.repository.location, isDirectory: true)
        let storage = LocalRepositoryStorage(root: url)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        if entries.isEmpty {
            do {
                try storage.createLayout()
                return try Repository.initialize(storage: storage, passphrase: secret)
            } catch {
                throw AgentError("cannot create the repository at \(url.path): \(error)")
            }
        }
        do {
            return try Repository.open(storage: storage, passphrase: secret)
        } catch {
            throw AgentError("cannot open the repository at \(url.path): \(error)")
        }
    }

    /// Runs one backup of the plan and reports it (never throws: a failure is a report too).
    public func backup(
        _ plan: AgentAPI.Plan, method: ScheduledBackupMethod, shouldStop: (@Sendable () -> Bool)? = nil
    ) -> AgentAPI.RunReport {
        let started = Date()
        var report = AgentAPI.RunReport(
            planID: plan.id, repositoryID: plan.repository.id, snapshotID: nil, method: method.rawValue,
            startedAt: started, finishedAt: started, status: "failed", files: 0, directories: 0, bytes: 0,
            newBytes: 0, storedBytes: 0, errors: 0, errorMessages: [], repositorySizeBytes: nil)
        do throws(AgentError) {
            let repository = try openRepository(for: plan)
            let options = BackupOptions(
                paths: plan.paths, excludes: plan.excludes, oneFileSystem: plan.oneFileSystem,
                method: BackupMethod(rawValue: method.rawValue) ?? .incremental, tags: ["plan:" + plan.id])
            let result: BackupResult
            do {
                result = try Archiver(repository: repository, options: options, shouldStop: shouldStop).run()
            } catch {
                throw AgentError(error.description)
            }
            let summary = result.snapshot.summary
            report.snapshotID = result.snapshotID.hex
            report.method = result.snapshot.method.rawValue
            report.status = result.issues.isEmpty ? "success" : "partial"
            report.files = summary.files
            report.directories = summary.directories
            report.bytes = summary.bytes
            report.newBytes = summary.newBytes
            report.storedBytes = summary.storedBytes
            report.errors = result.issues.count
            report.errorMessages = result.issues.prefix(50).map(\.description)
            if let retention = applyRetention(plan, repository: repository) {
                report.errorMessages.append(retention)
            }
            report.repositorySizeBytes = Self.directorySize(plan.repository.location)
        } catch {
            report.errors = max(report.errors, 1)
            report.errorMessages = [error.description]
        }
        report.finishedAt = Date()
        return report
    }

    /// Forgets the snapshots of this plan's host that the plan's retention does not keep, then
    /// prunes when something was forgotten. Returns a problem to report, or nil.
    func applyRetention(_ plan: AgentAPI.Plan, repository: Repository) -> String? {
        let rules = plan.retention
        let policy = RetentionPolicy(
            keepLast: rules.keepLast ?? 0, keepHourly: rules.keepHourly ?? 0, keepDaily: rules.keepDaily ?? 0,
            keepWeekly: rules.keepWeekly ?? 0, keepMonthly: rules.keepMonthly ?? 0, keepYearly: rules.keepYearly ?? 0)
        guard !policy.isEmpty else { return nil }
        do {
            let filter = SnapshotFilter(hostnames: [MachineFacts.hostname], tags: ["plan:" + plan.id])
            let forgotten = try repository.forget(policy: policy, filter: filter)
            if !forgotten.removed.isEmpty { _ = try repository.prune() }
            return nil
        } catch {
            return "retention not applied: \(error.description)"
        }
    }

    /// Runs a restore drill on the plan's latest snapshot of this host.
    public func drill(_ plan: AgentAPI.Plan) -> AgentAPI.DrillReport {
        let started = Date()
        var report = AgentAPI.DrillReport(
            planID: plan.id, repositoryID: plan.repository.id, snapshotID: nil, startedAt: started,
            finishedAt: started, filesChecked: 0, bytesChecked: 0, failures: [], passed: false)
        do throws(AgentError) {
            let repository = try openRepository(for: plan)
            let index: BlobIndex
            let snapshots: [SnapshotEntry]
            do {
                index = try repository.loadIndex()
                snapshots = try repository.snapshots()
            } catch {
                throw AgentError(error.description)
            }
            guard
                let latest = snapshots.last(where: {
                    $0.snapshot.hostname == MachineFacts.hostname && $0.snapshot.tags.contains("plan:" + plan.id)
                })
            else {
                throw AgentError("no snapshot of this plan to test yet")
            }
            report.snapshotID = latest.id.hex
            let sample: DrillOptions.Sample = plan.drill.sample <= 0 ? .all : .count(plan.drill.sample)
            let result: DrillResult
            do {
                result = try Drill(
                    repository: repository, index: index, snapshot: latest.snapshot,
                    options: DrillOptions(sample: sample, sandboxParent: sandboxParent)
                ).run()
            } catch {
                throw AgentError(error.description)
            }
            report.filesChecked = result.filesChecked
            report.bytesChecked = result.bytesChecked
            report.failures = result.failures.prefix(200).map { .init(path: $0.path, reason: $0.reason) }
            report.passed = result.passed
        } catch {
            report.failures = [.init(path: plan.repository.location, reason: error.description)]
            report.passed = false
        }
        report.finishedAt = Date()
        return report
    }

    /// Bytes of every file under a directory.
    static func directorySize(_ path: String) -> UInt64? {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return nil }
        var total: UInt64 = 0
        while let name = walker.nextObject() as? String {
            if let size = walker.fileAttributes?[.size] as? NSNumber,
                walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular
            {
                total += size.uint64Value
            }
            _ = name
        }
        return total
    }
}
