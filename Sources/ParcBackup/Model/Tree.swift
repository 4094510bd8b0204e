import Foundation

/// A directory's entries, stored as one tree blob (format §8): `{"version": 1, "nodes": […]}`
/// with the nodes sorted by their name bytes.
public struct Tree: Sendable, Hashable, Codable {
    /// Format version: 1.
    public var version: Int
    /// The entries, sorted by name bytes, names unique.
    public var nodes: [Node]

    /// A tree of `nodes` (sorted here).
    public init(nodes: [Node]) {
        self.version = 1
        self.nodes = nodes.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    /// The blob plaintext: canonical JSON, so equal trees give equal blob IDs (deduplicated).
    public func encoded() -> Data {
        do {
            return try JSONEncoder.repository.encode(self)
        } catch {
            preconditionFailure("a tree always encodes: \(error)")
        }
    }

    /// Decodes and validates a tree blob; `id` names it in errors.
    public static func decode(_ bytes: Data, id: ObjectID) throws(TreeError) -> Tree {
        let tree: Tree
        do {
            tree = try JSONDecoder.repository.decode(Tree.self, from: bytes)
        } catch {
            throw .malformed(tree: id, reason: "does not decode: \(error)")
        }
        guard tree.version == 1 else { throw .malformed(tree: id, reason: "unknown version \(tree.version)") }
        var previous: Data?
        for node in tree.nodes {
            if let problem = node.nameProblem {
                throw .malformed(tree: id, reason: "a node name \(problem)")
            }
            if let previous, !previous.lexicographicallyPrecedes(node.name) {
                throw .malformed(tree: id, reason: "nodes are not sorted or a name repeats")
            }
            previous = node.name
            switch node.type {
            case .dir where node.subtree == nil:
                throw .malformed(tree: id, reason: "directory \(node.displayName) has no subtree")
            case .symlink where node.target == nil:
                throw .malformed(tree: id, reason: "symbolic link \(node.displayName) has no target")
            default: break
            }
        }
        return tree
    }

    /// The node named `name`, if any.
    public func node(named name: Data) -> Node? {
        nodes.first { $0.name == name }
    }
}

extension Node {
    /// Why this name cannot be a directory entry (empty, `.`, `..`, a slash or a NUL), or nil.
    var nameProblem: String? {
        if name.isEmpty { return "is empty" }
        if name == Data(".".utf8) || name == Data("..".utf8) { return "is . or .." }
        if name.contains(UInt8(ascii: "/")) || name.contains(0) { return "contains / or NUL" }
        return nil
    }
}

/// A tree blob that cannot be used.
public enum TreeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// It does not decode or breaks a rule of the format.
    case malformed(tree: ObjectID, reason: String)

    public var description: String {
        switch self {
        case .malformed(let tree, let reason): "tree \(tree.hex) is malformed: \(reason)"
        }
    }
}
