import Foundation

/// A ticket's SLA as seen at one instant.
public struct SLAClockState: Hashable, Sendable {
    /// When the ticket must be taken into account; `nil` without a time-to-own target.
    public var timeToOwnDue: Date?
    /// When the ticket must be solved, extended by the business time paused so far; `nil` without a target.
    public var timeToResolveDue: Date?
    /// Taken into account after the due date, or not yet and the due date has passed.
    public var timeToOwnBreached: Bool
    /// Solved after the due date, or not yet and the due date has passed.
    public var timeToResolveBreached: Bool
    /// Whether the time-to-resolve clock is stopped (pending, solved or closed).
    public var timeToResolveIsPaused: Bool

    /// A state.
    public init(
        timeToOwnDue: Date?,
        timeToResolveDue: Date?,
        timeToOwnBreached: Bool,
        timeToResolveBreached: Bool,
        timeToResolveIsPaused: Bool
    ) {
        self.timeToOwnDue = timeToOwnDue
        self.timeToResolveDue = timeToResolveDue
        self.timeToOwnBreached = timeToOwnBreached
        self.timeToResolveBreached = timeToResolveBreached
        self.timeToResolveIsPaused = timeToResolveIsPaused
    }
}
