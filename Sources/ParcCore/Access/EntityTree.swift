import Foundation

/// The tree of entities (root → customer/organisation → site), as plain values.
///
/// Built from the rows of the entities table; answers the structural questions the permission
/// rules need without touching the database again.
public struct EntityTree: Sendable {
    public struct Node: Sendable, Hashable {
        public let id: UUID
        public let parentID: UUID?
        public let name: String

        public init(id: UUID, parentID: UUID?, name: String) {
            self.id = id
            self.parentID = parentID
            self.name = name
        }
    }

    public let nodes: [UUID: Node]
    private let children: [UUID: [UUID]]

    public init(_ nodes: [Node]) {
        var byID: [UUID: Node] = [:]
        var children: [UUID: [UUID]] = [:]
        for node in nodes {
            byID[node.id] = node
        }
        for node in nodes {
            // A parent that is missing (deleted meanwhile) makes the node a root rather than an orphan.
            if let parent = node.parentID, byID[parent] != nil {
                children[parent, default: []].append(node.id)
            }
        }
        for key in children.keys {
            children[key]?.sort { (byID[$0]?.name ?? "") < (byID[$1]?.name ?? "") }
        }
        self.nodes = byID
        self.children = children
    }

    /// Entities with no (known) parent.
    public var roots: [UUID] {
        nodes.values.filter { $0.parentID.flatMap { nodes[$0] } == nil }
            .sorted { $0.name < $1.name }
            .map(\.id)
    }

    public func contains(_ id: UUID) -> Bool { nodes[id] != nil }

    public func children(of id: UUID) -> [UUID] { children[id] ?? [] }

    /// The entity and everything below it, depth-first in name order.
    public func subtree(of id: UUID) -> [UUID] {
        guard nodes[id] != nil else { return [] }
        var result: [UUID] = []
        var stack = [id]
        var seen = Set<UUID>()
        while let next = stack.popLast() {
            // The tree is validated on write, but a cycle in stored data must not hang a request.
            guard seen.insert(next).inserted else { continue }
            result.append(next)
            stack.append(contentsOf: children(of: next).reversed())
        }
        return result
    }

    /// Ancestors from the root down to the entity's parent.
    public func ancestors(of id: UUID) -> [UUID] {
        var chain: [UUID] = []
        var seen: Set<UUID> = [id]
        var current = nodes[id]?.parentID
        while let parent = current, let node = nodes[parent], seen.insert(parent).inserted {
            chain.append(parent)
            current = node.parentID
        }
        return chain.reversed()
    }

    /// Full name as shown in lists: "Root › Customer › Site".
    public func path(of id: UUID, separator: String = " › ") -> String {
        (ancestors(of: id) + [id]).compactMap { nodes[$0]?.name }.joined(separator: separator)
    }

    /// Depth below the root (root = 0).
    public func depth(of id: UUID) -> Int { ancestors(of: id).count }

    /// Whether moving `id` under `newParent` would create a cycle.
    public func wouldCreateCycle(moving id: UUID, under newParent: UUID) -> Bool {
        newParent == id || ancestors(of: newParent).contains(id)
    }

    /// All entities in display order (depth-first from each root).
    public var ordered: [UUID] { roots.flatMap { subtree(of: $0) } }
}
