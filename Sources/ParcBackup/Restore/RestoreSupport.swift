import Crypto
import Foundation
import Synchronization

/// A bounded cache of values by ID, evicting the oldest first; safe from several threads.
final class RestoreBoundedCache<Value: Sendable>: Sendable {
    private struct State {
        var values: [ObjectID: (value: Value, cost: Int)] = [:]
        var order: [ObjectID] = []
        var head = 0
        var cost = 0
    }

    private let state = Mutex(State())
    /// Total cost kept, and the largest cost of one value worth keeping.
    let limit: Int
    let largest: Int

    init(limit: Int, largest: Int) {
        self.limit = limit
        self.largest = largest
    }

    func value(_ id: ObjectID) -> Value? {
        state.withLock { $0.values[id]?.value }
    }

    func insert(_ value: Value, id: ObjectID, cost: Int) {
        guard cost <= largest else { return }
        state.withLock { state in
            guard state.values[id] == nil else { return }
            state.values[id] = (value, cost)
            state.order.append(id)
            state.cost += cost
            while state.cost > limit, state.head < state.order.count {
                let old = state.order[state.head]
                state.head += 1
                if let removed = state.values.removeValue(forKey: old) { state.cost -= removed.cost }
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }
}

/// Trees of one run, loaded once and kept while they are small (identical directories share a
/// tree blob, and `include` paths walk the same trees again).
final class RestoreTreeCache: Sendable {
    private let repository: Repository
    private let index: BlobIndex
    private let cache = RestoreBoundedCache<Tree>(limit: 32 << 20, largest: 4 << 20)

    init(repository: Repository, index: BlobIndex) {
        self.repository = repository
        self.index = index
    }

    func tree(_ id: ObjectID) throws(RepositoryError) -> Tree {
        if let tree = cache.value(id) { return tree }
        let tree = try repository.loadTree(id, index: index)
        let cost = Int(index.location(of: BlobHandle(id: id, type: .tree))?.entry.rawLength ?? 0)
        cache.insert(tree, id: id, cost: max(cost, 64))
        return tree
    }
}

/// 1 MiB of zeros, fed to hashes for the holes of sparse files.
let restoreZeroBuffer = [UInt8](repeating: 0, count: 1 << 20)

extension SHA256 {
    /// Hashes `count` zero bytes.
    mutating func updateZeros(_ count: Int) {
        var left = count
        restoreZeroBuffer.withUnsafeBytes { zeros in
            while left > 0 {
                let step = min(left, zeros.count)
                update(bufferPointer: UnsafeRawBufferPointer(rebasing: zeros[0..<step]))
                left -= step
            }
        }
    }
}

/// Recognises zero blobs (all-zero plaintext, how holes are stored) by ID and length, without
/// reading them: the ID of `n` zero bytes is computed once per length.
final class RestoreZeroBlobs: Sendable {
    private let ids = Mutex<[UInt32: ObjectID]>([:])

    func isZero(_ id: ObjectID, rawLength: UInt32) -> Bool {
        if let known = ids.withLock({ $0[rawLength] }) { return known == id }
        var hasher = SHA256()
        hasher.updateZeros(Int(rawLength))
        let zero = ObjectID(digest: hasher.finalize())
        ids.withLock { $0[rawLength] = zero }
        return zero == id
    }
}

/// A bounded queue between one producer and several consumers: `push` waits while it is full,
/// `pop` waits while it is empty and returns nil once it is closed and drained.
final class RestoreWorkQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    // Popped slots are set to nil at once (a job holds an open directory) and dropped in batches.
    private var items: [Item?] = []
    private var head = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func push(_ item: Item) {
        condition.lock()
        while items.count - head >= capacity { condition.wait() }
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        items[head] = nil
        head += 1
        if head >= capacity {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
