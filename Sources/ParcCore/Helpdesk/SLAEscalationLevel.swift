import Foundation

/// One escalation level of an SLA policy: a moment set against one of a ticket's deadlines ("1 hour before the time
/// to resolve", "30 minutes after the time to own") and what happens then (docs/helpdesk-sla.md §6).
///
/// The offset is business time of the policy's calendar, measured the way the deadline itself is: "after" adds
/// working time past the deadline, and business time the ticket spends pending moves the level exactly as it moves
/// a time-to-resolve deadline; "before" takes working time off the deadline, never earlier than the clock's start.
public struct SLAEscalationLevel: Hashable, Sendable, Codable {
    /// Which deadline the level is set against.
    public enum Target: String, Hashable, Sendable, Codable, CaseIterable {
        case timeToOwn = "time_to_own"
        case timeToResolve = "time_to_resolve"
    }

    /// On which side of the deadline.
    public enum Side: String, Hashable, Sendable, Codable, CaseIterable { case before, after }

    /// Stable key of the level within its policy: what a ticket's record of fired levels refers to, so that
    /// reordering or renaming levels does not fire them again.
    public var id: String
    public var name: String
    public var target: Target
    public var side: Side
    /// Business time from the deadline; zero is the deadline itself.
    public var offset: SLAEscalationOffset
    public var actions: [SLAEscalationAction]

    public init(id: String, name: String, target: Target, side: Side, offset: SLAEscalationOffset,
                actions: [SLAEscalationAction]) {
        self.id = id
        self.name = name
        self.target = target
        self.side = side
        self.offset = offset
        self.actions = actions
    }

    /// The most levels a policy holds.
    public static let maximumLevels = 20
    /// The most actions a level holds.
    public static let maximumActions = 10

    /// Checks a policy's levels once, when the policy is saved: names, ids unique, offsets within bounds, actions
    /// readable. Whether a group or a user exists is the server's to check.
    public static func validated(_ levels: [SLAEscalationLevel]) throws(SLAEscalationError) -> [SLAEscalationLevel] {
        guard levels.count <= maximumLevels else { throw .tooManyLevels }
        var seen = Set<String>()
        for (index, level) in levels.enumerated() {
            let number = index + 1
            let key = level.id.trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.count <= 64,
                  key.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-_".unicodeScalars.contains($0)) })
            else { throw .id(level: number) }
            guard seen.insert(key).inserted else { throw .duplicateID(level: number) }
            let name = level.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 200,
                  !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { throw .name(level: number) }
            guard level.offset.minutes <= SLAEscalationOffset.maximumMinutes else { throw .offset(level: number) }
            guard !level.actions.isEmpty, level.actions.count <= maximumActions else { throw .actions(level: number) }
            for (actionIndex, action) in level.actions.enumerated() {
                try action.check(level: number, action: actionIndex + 1)
            }
        }
        return levels
    }
}
