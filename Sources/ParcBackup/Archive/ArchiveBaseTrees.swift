import Foundation

/// The base snapshot's trees, decoded ahead of the walk by idle workers: when the walker enters
/// a directory it asks for the base trees of its subdirectories, so that decoding (most of an
/// incremental run's work) runs on the other cores.
final class ArchiveBaseTrees: @unchecked Sendable {
    private enum State {
        case queued
        case loading
        case ready([Data: Node])
    }

    private let condition = NSCondition()
    /// Requested trees and how many times each was requested (equal directories share a tree).
    private var states: [ObjectID: (state: State, wanted: Int)] = [:]
    private let load: @Sendable (ObjectID) -> [Data: Node]

    /// Trees decoded by `load` (which returns no entries for a tree it cannot read).
    init(load: @escaping @Sendable (ObjectID) -> [Data: Node]) {
        self.load = load
    }

    /// Has workers decode `trees` ahead of ``take(_:)``.
    func prefetch(_ trees: [ObjectID], queue: ArchiveWorkQueue) {
        for id in trees {
            condition.lock()
            if let known = states[id] {
                states[id] = (known.state, known.wanted + 1)
                condition.unlock()
                continue
            }
            states[id] = (.queued, 1)
            condition.unlock()
            queue.push(job: { [self] in decode(id) })
        }
    }

    /// The entries of `tree` by name: prefetched if it was, decoded here otherwise (also when
    /// no worker has started on it yet).
    func take(_ tree: ObjectID?) -> [Data: Node] {
        guard let id = tree else { return [:] }
        condition.lock()
        while true {
            guard let entry = states[id] else {
                condition.unlock()
                return load(id)
            }
            switch entry.state {
            case .queued:
                // Not started: decode it here rather than wait behind file reads.
                forget(id, entry)
                condition.unlock()
                return load(id)
            case .loading:
                condition.wait()
            case .ready(let entries):
                forget(id, entry)
                condition.unlock()
                return entries
            }
        }
    }

    private func forget(_ id: ObjectID, _ entry: (state: State, wanted: Int)) {
        if entry.wanted <= 1 {
            states[id] = nil
        } else if case .queued = entry.state {
            // Another request is left: keep it queued for a worker.
            states[id] = (.queued, entry.wanted - 1)
        } else {
            states[id] = (entry.state, entry.wanted - 1)
        }
    }

    private func decode(_ id: ObjectID) {
        condition.lock()
        guard let entry = states[id], case .queued = entry.state else {
            condition.unlock()
            return
        }
        states[id] = (.loading, entry.wanted)
        condition.unlock()
        let entries = load(id)
        condition.lock()
        if let current = states[id] { states[id] = (.ready(entries), current.wanted) }
        condition.broadcast()
        condition.unlock()
    }
}
