import Foundation

/// One entry of a ticket's status history: at `date`, the ticket became `status`.
public struct TicketStatusChange: Hashable, Sendable, Codable {
    /// When the change happened.
    public var date: Date
    /// The status it took.
    public var status: TicketStatus

    /// A history entry.
    public init(_ status: TicketStatus, at date: Date) {
        self.status = status
        self.date = date
    }
}
