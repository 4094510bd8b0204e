/// A ticket's priority, 1 (very low) to 6 (major).
///
/// Priorities 1–5 come from the ``TicketPriorityMatrix``; 6, ``major``, is never computed and only set by hand.
public struct TicketPriority: RawRepresentable, Hashable, Comparable, Sendable, Codable {
    /// 1 (very low) … 5 (very high), 6 (major).
    public let rawValue: Int

    /// The priority with this number, or `nil` outside 1–6.
    public init?(rawValue: Int) {
        guard (1...6).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Priority 6, set by hand for an outage that stops the organisation; a matrix never yields it.
    public static let major = TicketPriority(rawValue: 6)!

    /// Orders by number: 1 is the lowest.
    public static func < (lhs: TicketPriority, rhs: TicketPriority) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
