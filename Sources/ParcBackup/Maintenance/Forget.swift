import Foundation

/// Which snapshots a policy-driven `forget` considers; the others are left alone. Empty sets
/// select everything.
public struct SnapshotFilter: Sendable, Hashable {
    /// Only snapshots of these hosts.
    public var hostnames: Set<String>
    /// Only snapshots carrying at least one of these tags.
    public var tags: Set<String>
    /// Only snapshots whose paths are exactly these (order ignored).
    public var paths: Set<String>

    /// A filter; the default selects every snapshot.
    public init(hostnames: Set<String> = [], tags: Set<String> = [], paths: Set<String> = []) {
        self.hostnames = hostnames
        self.tags = tags
        self.paths = paths
    }

    /// Whether the snapshot is selected.
    public func matches(_ snapshot: Snapshot) -> Bool {
        (hostnames.isEmpty || hostnames.contains(snapshot.hostname))
            && (tags.isEmpty || !tags.isDisjoint(with: snapshot.tags))
            && (paths.isEmpty || Set(snapshot.paths) == paths)
    }
}

/// What `forget` did (or, in a dry run, would do).
public struct ForgetReport: Sendable, Hashable {
    /// Whether nothing was removed because it was a dry run.
    public let dryRun: Bool
    /// The policy's decisions, with reasons; nil when snapshots were named explicitly.
    public let plan: RetentionPlan?
    /// The snapshots removed (or to remove), sorted by ID.
    public let removed: [ObjectID]
    /// How many snapshots the repository holds afterwards (before, in a dry run).
    public let remaining: Int
}

extension Repository {
    /// Applies a retention policy: removes the snapshot files the policy does not keep. The data
    /// they used stays until `prune`.
    ///
    /// Takes an exclusive lock (a shared one for a dry run, which writes nothing else). Snapshots
    /// outside `filter` are neither kept nor removed by the policy; they are left alone.
    ///
    /// - Throws: ``MaintenanceError/retention(_:)`` for an empty policy (it would remove every
    ///   snapshot), a lock or repository error otherwise.
    public func forget(
        policy: RetentionPolicy, filter: SnapshotFilter = SnapshotFilter(), dryRun: Bool = false
    ) throws(MaintenanceError) -> ForgetReport {
        do {
            try policy.validate()
        } catch {
            throw .retention(error)
        }
        let lock = try maintenanceLock(exclusive: !dryRun, operation: "forget")
        defer { lock?.release() }
        let entries: [SnapshotEntry]
        do {
            entries = try snapshots()
        } catch {
            throw .repository(error)
        }
        let plan: RetentionPlan
        do {
            plan = try policy.apply(to: entries.filter { filter.matches($0.snapshot) })
        } catch {
            throw .retention(error)
        }
        let removed = plan.removed.map(\.id).sorted()
        if !dryRun { try removeSnapshotFiles(removed) }
        return ForgetReport(
            dryRun: dryRun, plan: plan, removed: removed, remaining: entries.count - (dryRun ? 0 : removed.count))
    }

    /// Removes the named snapshots (full IDs; resolve prefixes with ``findSnapshot(_:in:)``).
    ///
    /// The snapshot files are not decoded, so a damaged snapshot can be forgotten too. Every ID
    /// must exist, or nothing is removed.
    public func forget(snapshots ids: [ObjectID], dryRun: Bool = false) throws(MaintenanceError) -> ForgetReport {
        let lock = try maintenanceLock(exclusive: !dryRun, operation: "forget")
        defer { lock?.release() }
        let names: Set<String>
        do {
            names = Set(try storage.list(.snapshot))
        } catch {
            throw .repository(.storage(error))
        }
        let wanted = Array(Set(ids)).sorted()
        let unknown = wanted.filter { !names.contains($0.hex) }
        guard unknown.isEmpty else { throw .unknownSnapshots(unknown) }
        if !dryRun { try removeSnapshotFiles(wanted) }
        let total = names.filter { ObjectID(hex: $0) != nil }.count
        return ForgetReport(dryRun: dryRun, plan: nil, removed: wanted, remaining: total - (dryRun ? 0 : wanted.count))
    }

    private func removeSnapshotFiles(_ ids: [ObjectID]) throws(MaintenanceError) {
        for id in ids {
            do {
                try storage.remove(.snapshot, name: id.hex)
            } catch .notFound {
                // Removed meanwhile (another forget before our lock was taken): the goal is met.
            } catch {
                throw .repository(.storage(error))
            }
        }
    }
}
