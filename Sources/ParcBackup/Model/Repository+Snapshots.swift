import Foundation

extension Repository {
    /// Reads one blob through the index: decrypts, decompresses and checks its hash.
    public func loadBlob(_ handle: BlobHandle, index: BlobIndex) throws(RepositoryError) -> Data {
        guard let location = index.location(of: handle) else { throw .missingBlob(handle) }
        do {
            return try packReader(location.pack).readBlob(location.entry)
        } catch {
            throw .pack(error)
        }
    }

    /// Reads and validates a tree blob.
    public func loadTree(_ id: ObjectID, index: BlobIndex) throws(RepositoryError) -> Tree {
        let bytes = try loadBlob(BlobHandle(id: id, type: .tree), index: index)
        do {
            return try Tree.decode(bytes, id: id)
        } catch {
            throw .tree(error)
        }
    }

    /// Stores a snapshot document (after the packs and index it relies on); returns its ID.
    @discardableResult
    public func save(snapshot: Snapshot) throws(RepositoryError) -> ObjectID {
        try saveFile(snapshot.encoded(), kind: .snapshot)
    }

    /// Reads one snapshot.
    public func loadSnapshot(_ id: ObjectID) throws(RepositoryError) -> Snapshot {
        try Snapshot.decode(loadFile(id, kind: .snapshot), name: id.hex)
    }

    /// Every snapshot, oldest first (ties by ID).
    public func snapshots() throws(RepositoryError) -> [SnapshotEntry] {
        let names: [String]
        do {
            names = try storage.list(.snapshot)
        } catch {
            throw .storage(error)
        }
        var entries: [SnapshotEntry] = []
        for name in names {
            guard let id = ObjectID(hex: name) else { continue }
            entries.append(SnapshotEntry(id: id, snapshot: try loadSnapshot(id)))
        }
        return entries.sorted { ($0.snapshot.time, $0.id) < ($1.snapshot.time, $1.id) }
    }

    /// Finds a snapshot by its full ID, a unique prefix of at least 4 hex digits, or `latest`.
    public func findSnapshot(_ reference: String, in entries: [SnapshotEntry]) throws(SnapshotLookupError)
        -> SnapshotEntry
    {
        if reference == "latest" {
            guard let last = entries.last else { throw .noSnapshots }
            return last
        }
        let prefix = reference.lowercased()
        guard prefix.count >= 4, prefix.allSatisfy(\.isHexDigit) else { throw .invalid(reference) }
        let matches = entries.filter { $0.id.hex.hasPrefix(prefix) }
        guard let first = matches.first else { throw .notFound(reference) }
        guard matches.count == 1 else { throw .ambiguous(reference, count: matches.count) }
        return first
    }
}

/// A snapshot reference that designates no single snapshot.
public enum SnapshotLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSnapshots
    case invalid(String)
    case notFound(String)
    case ambiguous(String, count: Int)

    public var description: String {
        switch self {
        case .noSnapshots: "the repository has no snapshot yet"
        case .invalid(let text):
            "\(text.prefix(80)) is not a snapshot ID: give at least 4 hexadecimal digits, or latest"
        case .notFound(let text): "no snapshot ID starts with \(text)"
        case .ambiguous(let text, let count): "\(count) snapshots start with \(text); give more digits"
        }
    }
}
