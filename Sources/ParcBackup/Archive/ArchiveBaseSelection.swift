/// Which earlier snapshot an incremental or differential run compares with.
enum ArchiveBaseSelection {
    /// The latest snapshot of `hostname` over the same (merged, normalised) paths: of any method
    /// for an incremental run, a full one for a differential run; nil for a full run or when
    /// there is none. `entries` are oldest first, as ``Repository/snapshots()`` returns them.
    static func base(
        for method: BackupMethod, hostname: String, paths: [[[UInt8]]], in entries: [SnapshotEntry]
    ) -> SnapshotEntry? {
        guard method != .full else { return nil }
        let wanted = ArchivePathPlan.merged(paths)
        return entries.last { entry in
            entry.snapshot.hostname == hostname && (method == .incremental || entry.snapshot.method == .full)
                && normalised(entry.snapshot.paths) == wanted
        }
    }

    /// The full snapshot at the head of the chain a run based on `base` belongs to.
    static func chainHead(of base: SnapshotEntry) -> ObjectID {
        base.snapshot.method == .full ? base.id : base.snapshot.full ?? base.id
    }

    private static func normalised(_ paths: [String]) -> [[[UInt8]]]? {
        var components: [[[UInt8]]] = []
        for path in paths {
            guard let parts = try? ArchivePathPlan.components(path) else { return nil }
            components.append(parts)
        }
        return ArchivePathPlan.merged(components)
    }
}
