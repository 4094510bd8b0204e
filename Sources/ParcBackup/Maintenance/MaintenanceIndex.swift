import Foundation

/// The index as maintenance sees it: every index file (damaged ones set aside), and every copy of
/// every blob rather than only the first, so that prune can pick copies and check can tell a blob
/// lost from a blob with a sound duplicate.
struct MaintenanceIndex: Sendable {
    /// Index files that decoded, by ID.
    var files: [ObjectID: IndexFile] = [:]
    /// Index files that could not be read, with the reason.
    var damaged: [(id: ObjectID, error: RepositoryError)] = []
    /// Names in `index/` that are not IDs (ignored by readers).
    var foreignNames: [String] = []
    /// Files that no other file supersedes, in file-ID order (the order readers use).
    var activeFiles: [ObjectID] = []
    /// Files present but superseded by another (left by an interrupted prune).
    var supersededFiles: [ObjectID] = []
    /// Every pack of the active files, in the order first met, with its entries in pack order.
    var packOrder: [ObjectID] = []
    var packs: [ObjectID: [PackEntry]] = [:]
    /// Every copy of every blob, in reader order.
    var locations: [BlobHandle: [BlobLocation]] = [:]

    /// Reads every index file. With `tolerant`, damaged files are collected in ``damaged``;
    /// otherwise the first one throws.
    static func load(_ repository: Repository, tolerant: Bool) throws(RepositoryError) -> MaintenanceIndex {
        var index = MaintenanceIndex()
        let names: [String]
        do {
            names = try repository.storage.list(.index)
        } catch {
            throw .storage(error)
        }
        for name in names {
            guard let id = ObjectID(hex: name) else {
                index.foreignNames.append(name)
                continue
            }
            do throws(RepositoryError) {
                let json = try repository.loadFile(id, kind: .index)
                do {
                    index.files[id] = try IndexFile.decode(json, name: name)
                } catch {
                    throw .index(error)
                }
            } catch {
                if !tolerant { throw error }
                index.damaged.append((id, error))
            }
        }
        let superseded = Set(index.files.values.flatMap(\.supersedes))
        for id in index.files.keys.sorted() {
            if superseded.contains(id) {
                index.supersededFiles.append(id)
                continue
            }
            index.activeFiles.append(id)
            for pack in index.files[id]?.packs ?? [] {
                index.add(pack: pack.id, entries: pack.blobs.map(\.entry))
            }
        }
        return index
    }

    /// Records a pack's entries; a pack listed twice keeps one line per distinct entry.
    mutating func add(pack: ObjectID, entries: [PackEntry]) {
        var existing = packs[pack] ?? []
        if packs[pack] == nil { packOrder.append(pack) }
        let known = Set(existing)
        for entry in entries where !known.contains(entry) {
            existing.append(entry)
            locations[BlobHandle(id: entry.id, type: entry.type), default: []].append(
                BlobLocation(pack: pack, entry: entry))
        }
        packs[pack] = existing.sorted { $0.offset < $1.offset }
    }

    /// All the IDs of files in `index/`, damaged ones included.
    var allFileIDs: [ObjectID] {
        (Array(files.keys) + damaged.map(\.id)).sorted()
    }

    /// The index readers build (first copy of each blob).
    func blobIndex() -> BlobIndex {
        var index = BlobIndex()
        for pack in packOrder { index.add(pack: pack, entries: packs[pack] ?? []) }
        return index
    }

    /// Reads a blob from the first copy that reads and verifies, skipping the copies in `avoiding`.
    func readBlob(
        _ handle: BlobHandle, repository: Repository, avoiding: Set<BlobLocation> = []
    ) throws(RepositoryError) -> Data {
        guard let copies = locations[handle], !copies.isEmpty else { throw .missingBlob(handle) }
        var firstError: RepositoryError?
        for copy in copies where !avoiding.contains(copy) {
            do {
                return try repository.packReader(copy.pack).readBlob(copy.entry)
            } catch {
                firstError = firstError ?? .pack(error)
            }
        }
        throw firstError ?? .pack(.blobUnreadable(pack: copies[0].pack, blob: handle.id, reason: "damaged"))
    }

    /// Reads and validates a tree blob from the first sound copy.
    func loadTree(_ id: ObjectID, repository: Repository, avoiding: Set<BlobLocation> = []) throws(RepositoryError)
        -> Tree
    {
        let bytes = try readBlob(BlobHandle(id: id, type: .tree), repository: repository, avoiding: avoiding)
        do {
            return try Tree.decode(bytes, id: id)
        } catch {
            throw .tree(error)
        }
    }
}

/// Reading stored blobs so that their sealed bytes can be copied into a new pack as they are
/// (a sealed blob does not depend on its place in a pack), after checking them.
enum MaintenanceStoredBlob {
    static func slice(_ packBytes: Data, entry: PackEntry, pack: ObjectID) throws(PackError) -> Data {
        let size = UInt64(packBytes.count)
        let (end, overflow) = entry.offset.addingReportingOverflow(UInt64(entry.length))
        guard !overflow, end <= size else {
            throw .blobUnreadable(
                pack: pack, blob: entry.id,
                reason: "needs bytes \(entry.offset)..<\(entry.offset &+ UInt64(entry.length)) but the pack has "
                    + "\(size) bytes (truncated)")
        }
        let start = packBytes.startIndex + Int(entry.offset)
        return packBytes.subdata(in: start..<start + Int(entry.length))
    }

    /// Reads one blob's stored bytes from storage and checks them; returns both forms.
    static func read(
        _ entry: PackEntry, pack: ObjectID, repository: Repository
    ) throws(PackError) -> (sealed: Data, plaintext: Data) {
        guard entry.offset <= UInt64(Int64.max) else {
            throw .blobUnreadable(pack: pack, blob: entry.id, reason: "offset \(entry.offset) is impossible")
        }
        let sealed: Data
        do {
            sealed = try repository.storage.read(
                .pack, name: pack.hex, offset: Int64(entry.offset), length: Int(entry.length))
        } catch let .outOfRange(_, offset, length, fileSize) {
            throw .blobUnreadable(
                pack: pack, blob: entry.id,
                reason:
                    "needs bytes \(offset)..<\(offset + Int64(length)) but the pack has \(fileSize) bytes (truncated)")
        } catch .notFound {
            throw .blobUnreadable(pack: pack, blob: entry.id, reason: "the pack file is missing")
        } catch {
            throw .storage(pack: pack, error)
        }
        return (
            sealed,
            try PackReader.openBlob(
                entry, sealed: sealed, pack: pack, key: repository.key, dictionaries: repository.dictionaries)
        )
    }
}

/// The bytes of a pack that are not blob bodies, for `count` header entries: the sealed header
/// (nonce, tag, version and count, 52 bytes per entry) and the trailer.
func maintenancePackOverhead(entries count: Int) -> Int64 {
    Int64(PackFormat.trailerSize + RepositoryKey.overhead + PackFormat.headerPrefixSize + count * PackEntry.encodedSize)
}

/// The absolute path of a node inside a snapshot, from the raw names of its directories.
func maintenanceJoinPath(_ parent: Data, _ name: Data) -> Data {
    var path = parent
    if path.last != UInt8(ascii: "/") { path.append(UInt8(ascii: "/")) }
    path.append(name)
    return path
}

/// The root of a snapshot: `/`.
let maintenanceRootPath = Data("/".utf8)

/// A small lock-protected box for results gathered by several threads.
final class MaintenanceLockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func update<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }

    var current: Value { update { $0 } }
}
