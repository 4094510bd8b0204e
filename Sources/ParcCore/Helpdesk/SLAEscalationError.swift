import Foundation

/// Why a policy's escalation levels were refused; the description says what to fix.
public enum SLAEscalationError: Error, Hashable, Sendable, CustomStringConvertible {
    case tooManyLevels
    case id(level: Int)
    case duplicateID(level: Int)
    case name(level: Int)
    case offset(level: Int)
    case actions(level: Int)
    case action(level: Int, action: Int, String)

    public var description: String {
        switch self {
        case .tooManyLevels: "give at most \(SLAEscalationLevel.maximumLevels) escalation levels"
        case let .id(level): "level \(level): the id is 1 to 64 letters, digits, - or _"
        case let .duplicateID(level): "level \(level): another level has the same id"
        case let .name(level): "level \(level): give a name of 1 to 200 characters on one line"
        case let .offset(level): "level \(level): the offset is at most 30d, 720h or 43200m"
        case let .actions(level): "level \(level): give 1 to \(SLAEscalationLevel.maximumActions) actions"
        case let .action(level, action, reason): "level \(level), action \(action): \(reason)"
        }
    }
}
