/// The backed-up paths as a tree from `/`: the directories above a backed-up path are walked
/// down to it (and saved with their own metadata), a backed-up path is saved whole.
struct ArchivePlanNode: Sendable, Equatable {
    /// The entry's name (empty for `/`).
    var name: [UInt8]
    /// Whether this path was given: everything under it is saved.
    var isBackedUp: Bool
    /// The directories and backed-up paths below (none when backed up), sorted by name.
    var children: [ArchivePlanNode]
}

/// Normalising and merging the paths of a backup.
enum ArchivePathPlan {
    /// The components of an absolute path, with empty and `.` components dropped and `..`
    /// resolved lexically (`/home/./ana/../bob/` → `home`, `bob`).
    static func components(_ path: String) throws(BackupError) -> [[UInt8]] {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { throw .pathNotAbsolute(path) }
        var components: [[UInt8]] = []
        for part in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if part.elementsEqual([UInt8(ascii: ".")]) { continue }
            if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                if !components.isEmpty { components.removeLast() }
                continue
            }
            components.append(Array(part))
        }
        return components
    }

    /// The path of `components` (`/` for none).
    static func path(_ components: [[UInt8]]) -> [UInt8] {
        if components.isEmpty { return [UInt8(ascii: "/")] }
        var path: [UInt8] = []
        for component in components {
            path.append(UInt8(ascii: "/"))
            path.append(contentsOf: component)
        }
        return path
    }

    /// `directory` + `/` + `name`.
    static func child(_ directory: [UInt8], _ name: [UInt8]) -> [UInt8] {
        var path = directory
        if path.last != UInt8(ascii: "/") { path.append(UInt8(ascii: "/")) }
        path.append(contentsOf: name)
        return path
    }

    /// The normalised paths with duplicates and paths inside another one removed, sorted.
    static func merged(_ paths: [[[UInt8]]]) -> [[[UInt8]]] {
        let sorted = Set(paths).sorted { $0.count != $1.count ? $0.count < $1.count : lexicographic($0, $1) }
        var kept: [[[UInt8]]] = []
        for candidate in sorted {
            let covered = kept.contains { $0.count <= candidate.count && Array(candidate.prefix($0.count)) == $0 }
            if !covered { kept.append(candidate) }
        }
        return kept.sorted(by: lexicographic)
    }

    /// The plan tree of merged paths.
    static func tree(_ paths: [[[UInt8]]]) -> ArchivePlanNode {
        var root = ArchivePlanNode(name: [], isBackedUp: false, children: [])
        for components in merged(paths) { insert(components[...], into: &root) }
        return root
    }

    private static func insert(_ components: ArraySlice<[UInt8]>, into node: inout ArchivePlanNode) {
        guard let first = components.first else {
            node.isBackedUp = true
            node.children = []
            return
        }
        if node.isBackedUp { return }
        if let index = node.children.firstIndex(where: { $0.name == first }) {
            insert(components.dropFirst(), into: &node.children[index])
        } else {
            var child = ArchivePlanNode(name: first, isBackedUp: false, children: [])
            insert(components.dropFirst(), into: &child)
            node.children.append(child)
            node.children.sort { $0.name.lexicographicallyPrecedes($1.name) }
        }
    }

    private static func lexicographic(_ a: [[UInt8]], _ b: [[UInt8]]) -> Bool {
        path(a).lexicographicallyPrecedes(path(b))
    }
}
