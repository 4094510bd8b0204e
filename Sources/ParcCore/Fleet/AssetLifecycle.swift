/// The rules saying which status an asset may move to from the one it holds.
///
/// Allowed moves:
///
/// | from       | to                                         |
/// |------------|--------------------------------------------|
/// | ordered    | in stock, deployed                         |
/// | in stock   | deployed, in repair, loaned, retired       |
/// | deployed   | in stock, in repair, retired               |
/// | in repair  | in stock, deployed, retired                |
/// | loaned     | in stock, in repair, retired               |
/// | retired    | in stock, disposed                         |
/// | disposed   | — (final)                                  |
///
/// A loan starts from stock only (a deployed machine goes back to stock first) and a loaned machine comes back to
/// stock, to repair, or is written off (retired) when lost. A retired machine can be reinstated to stock until it
/// is disposed of. Moving to the status already held is refused, so that no empty history entry is written.
public enum AssetLifecycle {
    /// The statuses an asset holding `status` may move to.
    public static func allowedTargets(from status: AssetStatus) -> Set<AssetStatus> {
        switch status {
        case .ordered: [.inStock, .deployed]
        case .inStock: [.deployed, .inRepair, .loaned, .retired]
        case .deployed: [.inStock, .inRepair, .retired]
        case .inRepair: [.inStock, .deployed, .retired]
        case .loaned: [.inStock, .inRepair, .retired]
        case .retired: [.inStock, .disposed]
        case .disposed: []
        }
    }

    /// Whether the move from `current` to `target` is allowed.
    public static func canTransition(from current: AssetStatus, to target: AssetStatus) -> Bool {
        allowedTargets(from: current).contains(target)
    }

    /// Checks the move from `current` to `target` and returns `target` when it is allowed.
    ///
    /// - Throws: ``AssetTransitionError`` saying why the move is refused and which moves are possible.
    @discardableResult
    public static func transition(from current: AssetStatus, to target: AssetStatus)
        throws(AssetTransitionError) -> AssetStatus
    {
        if current == target { throw .unchanged(current) }
        if current == .disposed { throw .final(current) }
        let allowed = allowedTargets(from: current)
        guard allowed.contains(target) else {
            throw .notAllowed(from: current, to: target, allowed: allowed.sorted())
        }
        return target
    }
}
