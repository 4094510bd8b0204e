/// Why a status change was refused.
public enum TicketTransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The lifecycle has no such edge.
    case notAllowed(from: TicketStatus, to: TicketStatus)
    /// Assigned and planned need a technician or group.
    case noAssignee(to: TicketStatus)
    /// Going pending needs a reason.
    case pendingReasonMissing
    /// The automatic resume date is not after the moment the ticket goes pending.
    case resumeDateNotInFuture

    /// What was wrong and what to do.
    public var description: String {
        switch self {
        case .notAllowed(let from, let to) where from == to:
            "the ticket is already \(to.rawValue)"
        case .notAllowed(.closed, let to):
            "a closed ticket cannot become \(to.rawValue); open a new ticket linked to it as related"
        case .notAllowed(let from, let to):
            "a \(from.rawValue) ticket cannot become \(to.rawValue); allowed: "
                + TicketTransition.allowedTargets(from: from).map(\.rawValue).sorted().joined(separator: ", ")
        case .noAssignee(let to):
            "a ticket cannot be \(to.rawValue) without an assigned technician or group; assign one first"
        case .pendingReasonMissing:
            "a pending ticket needs a reason (what it waits for); give one"
        case .resumeDateNotInFuture:
            "the resume date must be later than now; give a future date or none"
        }
    }
}
