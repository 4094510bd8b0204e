/// The in-memory index: for every blob of the repository, where it is stored.
///
/// Used by backup to skip blobs the repository has already (deduplication) and by restore to find
/// them. When two packs hold the same blob (two writers raced), the first one added is used.
public struct BlobIndex: Sendable {
    private var locations: [BlobHandle: BlobLocation] = [:]
    private var packEntries: [ObjectID: [PackEntry]] = [:]

    /// An empty index.
    public init() {}

    /// The index described by the repository's index documents (keyed by file ID), leaving out
    /// the documents that another one supersedes.
    public init(files: [ObjectID: IndexFile]) {
        let superseded = Set(files.values.flatMap(\.supersedes))
        for id in files.keys.sorted() where !superseded.contains(id) {
            for pack in files[id]?.packs ?? [] {
                add(pack: pack.id, entries: pack.blobs.map(\.entry))
            }
        }
    }

    /// Records the blobs of a pack.
    public mutating func add(pack: ObjectID, entries: [PackEntry]) {
        packEntries[pack, default: []].append(contentsOf: entries)
        for entry in entries {
            let handle = BlobHandle(id: entry.id, type: entry.type)
            if locations[handle] == nil { locations[handle] = BlobLocation(pack: pack, entry: entry) }
        }
    }

    /// Where the blob is, or nil if the repository does not have it.
    public func location(of handle: BlobHandle) -> BlobLocation? {
        locations[handle]
    }

    /// Whether the repository has the blob.
    public func contains(_ handle: BlobHandle) -> Bool {
        locations[handle] != nil
    }

    /// Number of distinct blobs.
    public var blobCount: Int { locations.count }

    /// The packs the index knows.
    public var packIDs: Set<ObjectID> { Set(packEntries.keys) }

    /// The blobs recorded for one pack (for `check` to name what a damaged pack held).
    public func entries(inPack pack: ObjectID) -> [PackEntry] {
        packEntries[pack] ?? []
    }

    /// The serialized form: packs sorted by ID, blobs in pack order.
    public func indexFile(supersedes: [ObjectID] = []) -> IndexFile {
        let packs = packEntries.keys.sorted().map { id in
            IndexFile.Pack(
                id: id, blobs: (packEntries[id] ?? []).sorted { $0.offset < $1.offset }.map(IndexFile.Blob.init))
        }
        return IndexFile(supersedes: supersedes, packs: packs)
    }
}
