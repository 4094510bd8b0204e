import Foundation

/// A directory whose tree is being built: its entries arrive from the walker (directly) and
/// from the workers (files), in any order.
final class ArchiveDirectory: @unchecked Sendable {
    // Mutable state is guarded by the assembler's lock.
    let parent: ArchiveDirectory?
    /// The directory's own node, without subtree (nil for `/`).
    let node: Node?
    var children: [Node] = []
    /// Entries still to come, plus one while the walker lists the directory.
    var remaining = 1

    init(parent: ArchiveDirectory?, node: Node?) {
        self.parent = parent
        self.node = node
    }
}

/// Saves each directory's tree once its last entry is known, then adds the directory to its
/// parent, up to the root tree.
final class ArchiveTreeAssembler: @unchecked Sendable {
    private let lock = NSLock()
    private let saver: BlobSaver
    private var rootTreeID: ObjectID?
    private var files = 0
    private var directories = 0
    private var bytes: UInt64 = 0

    init(saver: BlobSaver) {
        self.saver = saver
    }

    /// The root tree's ID once `/` is complete.
    var rootTree: ObjectID? {
        lock.withLock { rootTreeID }
    }

    /// Regular files, directories and content bytes in the trees so far.
    var totals: (files: Int, directories: Int, bytes: UInt64) {
        lock.withLock { (files, directories, bytes) }
    }

    /// The root directory `/`.
    func root() -> ArchiveDirectory {
        ArchiveDirectory(parent: nil, node: nil)
    }

    /// A subdirectory the walker is about to list.
    func open(_ node: Node, in parent: ArchiveDirectory) -> ArchiveDirectory {
        lock.withLock { parent.remaining += 1 }
        return ArchiveDirectory(parent: parent, node: node)
    }

    /// An entry of `directory` that a worker will deliver with ``finish(_:in:)``.
    func expectEntry(in directory: ArchiveDirectory) {
        lock.withLock { directory.remaining += 1 }
    }

    /// An entry complete as found (symbolic link, unchanged file, empty directory…).
    func add(_ node: Node, to directory: ArchiveDirectory) {
        lock.withLock {
            directory.children.append(node)
            count(node)
        }
    }

    /// Delivers an expected entry (nil: left out of the snapshot). Returns true when that
    /// completed the directory: the caller then calls ``save(_:)`` (or has a worker call it).
    func finish(_ node: Node?, in directory: ArchiveDirectory) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let node {
            directory.children.append(node)
            count(node)
        }
        directory.remaining -= 1
        return directory.remaining == 0
    }

    /// The walker listed every entry of `directory`; true if that completed it.
    func finishListing(_ directory: ArchiveDirectory) -> Bool {
        finish(nil, in: directory)
    }

    /// Saves the (empty) tree of a directory that is not descended into.
    func emptyTree() throws(RepositoryError) -> ObjectID {
        try saver.save(Tree(nodes: []).encoded(), type: .tree).id
    }

    /// Saves a complete directory's tree, adds the directory to its parent, and goes on up
    /// while that completes the parent too.
    func save(_ start: ArchiveDirectory) throws(RepositoryError) {
        var directory = start
        while true {
            lock.lock()
            let children = directory.children
            directory.children = []
            lock.unlock()
            let id = try saver.save(Tree(nodes: children).encoded(), type: .tree).id
            guard let parent = directory.parent, var node = directory.node else {
                lock.withLock { rootTreeID = id }
                return
            }
            node.subtree = id
            lock.lock()
            parent.children.append(node)
            count(node)
            parent.remaining -= 1
            let parentComplete = parent.remaining == 0
            lock.unlock()
            guard parentComplete else { return }
            directory = parent
        }
    }

    private func count(_ node: Node) {
        switch node.type {
        case .file:
            files += 1
            bytes += node.size
        case .dir: directories += 1
        default: break
        }
    }
}
