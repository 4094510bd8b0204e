import Foundation

/// The ticket lifecycle as a state machine: which status changes are allowed, and what each needs.
///
/// - `new` → assigned, planned, pending, solved (a technician may solve on the spot);
/// - `assigned` → new (last assignee removed), planned, pending, solved;
/// - `planned` → assigned (task cancelled), pending, solved;
/// - `pending` → new, assigned, planned (resumed), solved;
/// - `solved` → closed (solution approved), or reopened to assigned/new (solution refused);
/// - `closed` is terminal: a new request becomes a new ticket linked as related.
public enum TicketTransition {
    /// The statuses a ticket in `status` may move to.
    public static func allowedTargets(from status: TicketStatus) -> Set<TicketStatus> {
        switch status {
        case .new: [.assigned, .planned, .pending, .solved]
        case .assigned: [.new, .planned, .pending, .solved]
        case .planned: [.assigned, .pending, .solved]
        case .pending: [.new, .assigned, .planned, .solved]
        case .solved: [.closed, .assigned, .new]
        case .closed: []
        }
    }

    /// Checks a status change; throws the reason it is refused.
    ///
    /// - Parameters:
    ///   - hasAssignee: whether a technician or group is assigned (after the change).
    ///   - pending: required, with a non-blank reason, when `to` is `.pending`.
    ///   - now: the moment of the change; a resume date must be later.
    public static func validate(
        from: TicketStatus,
        to: TicketStatus,
        hasAssignee: Bool,
        pending: TicketPendingDetails? = nil,
        now: Date
    ) throws(TicketTransitionError) {
        guard allowedTargets(from: from).contains(to) else { throw .notAllowed(from: from, to: to) }
        if (to == .assigned || to == .planned) && !hasAssignee { throw .noAssignee(to: to) }
        if to == .pending {
            guard let pending, !pending.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .pendingReasonMissing
            }
            if let resumesAt = pending.resumesAt, resumesAt <= now { throw .resumeDateNotInFuture }
        }
    }

    /// Where a reopened solved ticket goes: back to its assignees if it has any, otherwise to the queue.
    public static func reopenTarget(hasAssignee: Bool) -> TicketStatus {
        hasAssignee ? .assigned : .new
    }

    /// The status a pending ticket takes by itself at `now`, or `nil` while it keeps waiting.
    public static func automaticResume(of pending: TicketPendingDetails, hasAssignee: Bool, now: Date)
        -> TicketStatus?
    {
        guard let resumesAt = pending.resumesAt, now >= resumesAt else { return nil }
        return hasAssignee ? .assigned : .new
    }
}
