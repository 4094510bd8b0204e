import Foundation

/// One difference between two snapshots.
public struct DiffChange: Sendable, Hashable {
    /// How an entry differs.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Only in the second snapshot.
        case added
        /// Only in the first snapshot.
        case removed
        /// A file whose content (or a link whose target, a device whose number) changed.
        case contentChanged = "content"
        /// Same content, other metadata (mode, owner, times, extended attributes).
        case metadataChanged = "metadata"
    }

    /// How it differs.
    public let kind: Kind
    /// Its absolute path inside the snapshots, raw bytes.
    public let path: Data
    /// The node in the first and in the second snapshot.
    public let before: Node?
    public let after: Node?
    /// For changed entries, the metadata fields that differ (`mode`, `uid`, `gid`, `user`,
    /// `group`, `mtime`, `xattrs`).
    public let metadataFields: [String]

    /// The path for people (non-UTF-8 bytes as `\xNN`).
    public var displayPath: String { Node.display(path) }

    /// `+` added, `-` removed, `M` content changed, `U` metadata only.
    public var marker: String {
        switch kind {
        case .added: "+"
        case .removed: "-"
        case .contentChanged: "M"
        case .metadataChanged: "U"
        }
    }

    /// `M    /etc/hosts`, as a diff prints it.
    public var line: String {
        let fields = metadataFields.isEmpty ? "" : "  (" + metadataFields.joined(separator: ", ") + ")"
        return marker + "    " + displayPath + ((after ?? before)?.type == .dir ? "/" : "") + fields
    }

    /// The structured form (for JSON).
    public var record: DiffChangeRecord {
        DiffChangeRecord(
            change: kind, path: displayPath, type: (after ?? before)?.type.rawValue ?? "",
            sizeBefore: before?.size, sizeAfter: after?.size, metadataFields: metadataFields)
    }
}

/// A difference in a form for JSON.
public struct DiffChangeRecord: Sendable, Hashable, Codable {
    /// `added`, `removed`, `content`, `metadata`.
    public var change: DiffChange.Kind
    /// Full path inside the snapshots (non-UTF-8 bytes as `\xNN`).
    public var path: String
    /// The node type (`file`, `dir`…): after the change, or before it for a removal.
    public var type: String
    /// Sizes in the first and second snapshot (absent where the entry is absent).
    public var sizeBefore: UInt64?
    public var sizeAfter: UInt64?
    /// The metadata fields that differ.
    public var metadataFields: [String]

    private enum CodingKeys: String, CodingKey {
        case change, path, type
        case sizeBefore = "size_before"
        case sizeAfter = "size_after"
        case metadataFields = "metadata_fields"
    }
}

/// Counts of a diff.
public struct DiffTotals: Sendable, Hashable, Codable {
    /// Entries added, removed, with content changed, with metadata changed only.
    public var added = 0
    public var removed = 0
    public var contentChanged = 0
    public var metadataChanged = 0
    /// Sizes of the files added and removed.
    public var addedBytes: UInt64 = 0
    public var removedBytes: UInt64 = 0

    /// Zero totals.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case added, removed
        case contentChanged = "content_changed"
        case metadataChanged = "metadata_changed"
        case addedBytes = "added_bytes"
        case removedBytes = "removed_bytes"
    }
}

/// The differences between two snapshots, by path.
public struct SnapshotDiff: Sendable, Hashable {
    /// Every difference, depth first in name order (a directory before what it holds).
    public var changes: [DiffChange] = []
    /// Their counts.
    public var totals = DiffTotals()
    /// Trees read, and subtrees skipped because both snapshots share them (same tree ID).
    public var treesLoaded = 0
    public var subtreesSkipped = 0
}

extension Repository {
    /// Compares two snapshots: what was added, removed, changed in content or in metadata only.
    /// Subtrees with the same tree ID in both are equal and not read.
    ///
    /// A file's content differs when its blobs, size or content hash differ; a symbolic link's
    /// when its target does; a device's when its number does. An entry whose type changed is
    /// reported removed, then added. Inode, device ID, link count and ctime are not compared:
    /// they change with every copy without changing what a restore writes.
    public func diff(from first: Snapshot, to second: Snapshot, index: BlobIndex) throws(MaintenanceError)
        -> SnapshotDiff
    {
        var result = SnapshotDiff()
        try compareTrees(first.tree, second.tree, at: maintenanceRootPath, index: index, into: &result)
        return result
    }

    private func compareTrees(
        _ first: ObjectID, _ second: ObjectID, at path: Data, index: BlobIndex, into result: inout SnapshotDiff
    ) throws(MaintenanceError) {
        if first == second {
            result.subtreesSkipped += 1
            return
        }
        let before = try maintenanceLoadTree(first, index: index).nodes
        let after = try maintenanceLoadTree(second, index: index).nodes
        result.treesLoaded += 2
        var i = 0
        var j = 0
        while i < before.count || j < after.count {
            if j == after.count || (i < before.count && before[i].name.lexicographicallyPrecedes(after[j].name)) {
                try report(
                    .removed, before[i], at: maintenanceJoinPath(path, before[i].name), index: index, into: &result)
                i += 1
            } else if i == before.count || after[j].name.lexicographicallyPrecedes(before[i].name) {
                try report(.added, after[j], at: maintenanceJoinPath(path, after[j].name), index: index, into: &result)
                j += 1
            } else {
                let (old, new) = (before[i], after[j])
                let child = maintenanceJoinPath(path, old.name)
                if old.type != new.type {
                    try report(.removed, old, at: child, index: index, into: &result)
                    try report(.added, new, at: child, index: index, into: &result)
                } else {
                    let fields = metadataDifferences(old, new)
                    if contentDiffers(old, new) {
                        result.changes.append(
                            DiffChange(
                                kind: .contentChanged, path: child, before: old, after: new, metadataFields: fields))
                        result.totals.contentChanged += 1
                    } else if !fields.isEmpty {
                        result.changes.append(
                            DiffChange(
                                kind: .metadataChanged, path: child, before: old, after: new, metadataFields: fields))
                        result.totals.metadataChanged += 1
                    }
                    if let a = old.subtree, let b = new.subtree {
                        try compareTrees(a, b, at: child, index: index, into: &result)
                    }
                }
                i += 1
                j += 1
            }
        }
    }

    /// Reports a node added or removed, and everything below it.
    private func report(
        _ kind: DiffChange.Kind, _ node: Node, at path: Data, index: BlobIndex, into result: inout SnapshotDiff
    ) throws(MaintenanceError) {
        result.changes.append(
            DiffChange(
                kind: kind, path: path, before: kind == .removed ? node : nil, after: kind == .added ? node : nil,
                metadataFields: []))
        if kind == .added {
            result.totals.added += 1
            if node.type == .file { result.totals.addedBytes += node.size }
        } else {
            result.totals.removed += 1
            if node.type == .file { result.totals.removedBytes += node.size }
        }
        guard let subtree = node.subtree else { return }
        let tree = try maintenanceLoadTree(subtree, index: index)
        result.treesLoaded += 1
        for child in tree.nodes {
            try report(kind, child, at: maintenanceJoinPath(path, child.name), index: index, into: &result)
        }
    }
}

private func contentDiffers(_ old: Node, _ new: Node) -> Bool {
    switch old.type {
    case .file:
        old.content != new.content || old.size != new.size || old.contentSHA256 != new.contentSHA256
            || old.sparse != new.sparse
    case .symlink: old.target != new.target
    case .chardev, .blockdev: old.device != new.device
    case .dir, .fifo, .socket: false
    }
}

private func metadataDifferences(_ old: Node, _ new: Node) -> [String] {
    var fields: [String] = []
    if old.mode != new.mode { fields.append("mode") }
    if old.uid != new.uid { fields.append("uid") }
    if old.gid != new.gid { fields.append("gid") }
    if old.user != new.user { fields.append("user") }
    if old.group != new.group { fields.append("group") }
    if old.mtime != new.mtime { fields.append("mtime") }
    if (old.xattrs ?? []) != (new.xattrs ?? []) { fields.append("xattrs") }
    return fields
}
