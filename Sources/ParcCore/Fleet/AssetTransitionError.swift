/// Why ``AssetLifecycle`` refused a status change.
public enum AssetTransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The asset already holds the status.
    case unchanged(AssetStatus)
    /// The asset holds a final status (disposed) and cannot move any more.
    case final(AssetStatus)
    /// The move is not one of the allowed ones; `allowed` lists those that are, in lifecycle order.
    case notAllowed(from: AssetStatus, to: AssetStatus, allowed: [AssetStatus])

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .unchanged: "asset_status_unchanged"
        case .final: "asset_status_final"
        case .notAllowed: "asset_transition_not_allowed"
        }
    }

    /// What was wrong and what to do instead.
    public var message: String {
        switch self {
        case .unchanged(let status):
            "The asset is already \(status.rawValue); choose a different status."
        case .final(let status):
            "The asset is \(status.rawValue), which is final; a disposed asset cannot change status."
        case .notAllowed(let from, let to, let allowed):
            "An asset cannot go from \(from.rawValue) to \(to.rawValue); from \(from.rawValue) it can go to "
                + allowed.map(\.rawValue).joined(separator: ", ") + "."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
