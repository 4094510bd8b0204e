import Foundation

/// Why a ticket waits, and when it resumes by itself.
public struct TicketPendingDetails: Hashable, Sendable, Codable {
    /// What the ticket waits for, shown to the requester; must not be blank.
    public var reason: String
    /// When the ticket leaves pending on its own, if ever; must be after the moment it goes pending.
    public var resumesAt: Date?

    /// Details for a pending ticket.
    public init(reason: String, resumesAt: Date? = nil) {
        self.reason = reason
        self.resumesAt = resumesAt
    }
}
