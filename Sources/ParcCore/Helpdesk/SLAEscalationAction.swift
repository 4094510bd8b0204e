import Foundation

/// What an escalation level does.
public struct SLAEscalationAction: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Mail the assigned technicians and the members of the assigned groups.
        case notifyAssignees = "notify_assignees"
        /// Mail the members of a group (value: its id).
        case notifyGroup = "notify_group"
        /// Mail one account (value: its id).
        case notifyUser = "notify_user"
        /// The group (value: its id) replaces the ticket's assigned groups; assigned technicians stay.
        case assignGroup = "assign_group"
        /// The priority goes up by one, never above 5.
        case raisePriority = "raise_priority"
        /// The priority goes up to the value (1–6), never down.
        case raisePriorityTo = "raise_priority_to"

        /// Whether the kind needs a value (an id or a priority); the others take none.
        public var takesValue: Bool { ![.notifyAssignees, .raisePriority].contains(self) }
    }

    public var kind: Kind
    /// The id or the priority the kind needs; empty for the others.
    public var value: String

    public init(_ kind: Kind, _ value: String = "") {
        self.kind = kind
        self.value = value
    }

    private enum CodingKeys: String, CodingKey { case kind, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        value = try container.decodeIfPresent(String.self, forKey: .value) ?? ""
    }

    func check(level: Int, action: Int) throws(SLAEscalationError) {
        switch kind {
        case .notifyAssignees, .raisePriority:
            guard value.isEmpty else { throw .action(level: level, action: action, "takes no value") }
        case .notifyGroup, .notifyUser, .assignGroup:
            guard UUID(uuidString: value) != nil else { throw .action(level: level, action: action, "give an id") }
        case .raisePriorityTo:
            guard let priority = Int(value), (1...6).contains(priority) else {
                throw .action(level: level, action: action, "a priority is 1 to 6")
            }
        }
    }

    /// The ids the action names (a group or a user), for the server to check.
    public var groupID: UUID? { [.notifyGroup, .assignGroup].contains(kind) ? UUID(uuidString: value) : nil }
    public var userID: UUID? { kind == .notifyUser ? UUID(uuidString: value) : nil }

    /// The priority after the action, from `priority`: raising by one stops at 5 (6, a major incident, is only ever
    /// set explicitly); raising to a value never lowers.
    public func raise(_ priority: Int) -> Int {
        switch kind {
        case .raisePriority: max(priority, min(priority + 1, 5))
        case .raisePriorityTo: max(priority, Int(value) ?? priority)
        default: priority
        }
    }
}
