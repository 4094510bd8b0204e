/// Where a ticket stands in its lifecycle; the raw values are the API's.
public enum TicketStatus: String, CaseIterable, Hashable, Sendable, Codable {
    /// Reported, nobody assigned yet.
    case new
    /// A technician or group is assigned.
    case assigned
    /// Assigned, with a task planned at a date.
    case planned
    /// Waiting for someone else (requester, supplier…); pauses the time-to-resolve clock.
    case pending
    /// A solution was given; waits for the requester's approval.
    case solved
    /// The solution was approved (or approved automatically); terminal.
    case closed
}
