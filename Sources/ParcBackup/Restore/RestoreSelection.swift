import Foundation

/// Which entries of a snapshot a run restores: everything below a point, or some named children
/// (the directories on the way to an `include` path).
indirect enum RestoreSelection: Sendable {
    case everything
    case children([Data: RestoreSelection])

    /// The selection of raw snapshot paths (components below the root); an empty path is
    /// everything, and a path below another selected one adds nothing.
    init(paths: [[Data]]) {
        self = .children([:])
        for path in paths { insert(path[...]) }
    }

    private mutating func insert(_ path: ArraySlice<Data>) {
        guard case .children(var map) = self else { return }
        guard let first = path.first else {
            self = .everything
            return
        }
        var child = map[first] ?? .children([:])
        child.insert(path.dropFirst())
        map[first] = child
        self = .children(map)
    }

    /// The selection below the child `name`, or nil when it is not selected.
    func child(_ name: Data) -> RestoreSelection? {
        switch self {
        case .everything: .everything
        case .children(let map): map[name]
        }
    }

    /// Finds `include` in the snapshot: its raw components. A component matches a name equal to
    /// its UTF-8 bytes, or else a name displayed like it (`\xNN` for bytes that are not UTF-8).
    static func resolve(
        _ include: String, root: Tree, trees: RestoreTreeCache, snapshotPaths: [String]
    ) throws(RestoreError) -> [Data] {
        guard include.hasPrefix("/") else {
            throw .invalidInclude(path: include, reason: "give an absolute path as it was backed up, starting with /")
        }
        let parts = include.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        guard !parts.contains("..") else {
            throw .invalidInclude(path: include, reason: "a path to restore cannot contain ..")
        }
        var tree = root
        var components: [Data] = []
        for (position, part) in parts.enumerated() {
            let bytes = Data(part.utf8)
            guard let node = tree.node(named: bytes) ?? tree.nodes.first(where: { $0.displayName == part }) else {
                throw .notInSnapshot(path: include, snapshotPaths: snapshotPaths)
            }
            components.append(node.name)
            guard position < parts.count - 1 else { break }
            guard node.type == .dir, let subtree = node.subtree else {
                throw .notInSnapshot(path: include, snapshotPaths: snapshotPaths)
            }
            do {
                tree = try trees.tree(subtree)
            } catch {
                throw .repository(error)
            }
        }
        return components
    }
}
