import Foundation

/// Where a machine stands against its recovery point objective (RPO): the longest time its data
/// may go without a new recovery point.
public enum RPOState: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    /// The last recovery point is younger than the RPO.
    case ok
    /// There was a recovery point once, but it is older than the RPO.
    case late
    /// No recovery point at all.
    case never

    /// Worse states rank higher: a fleet row shows the worst of its plans.
    public var severity: Int {
        switch self {
        case .ok: 0
        case .late: 1
        case .never: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.severity < rhs.severity }
}

/// A recovery point objective in whole hours.
public struct RecoveryPointObjective: Sendable, Hashable, Codable {
    /// 26 hours: a nightly backup may run a couple of hours late without raising the flag.
    public static let defaultHours = 26
    /// Accepted range: one hour to one year.
    public static let allowedHours = 1...8760

    public let hours: Int

    public init(hours: Int = RecoveryPointObjective.defaultHours) { self.hours = hours }

    public var interval: TimeInterval { TimeInterval(hours) * 3600 }

    /// The state given the time of the last recovery point. A recovery point exactly `hours` old is
    /// still on time; one second more is late. A recovery point in the future (a machine whose clock
    /// runs ahead) counts as on time.
    public func state(lastRecoveryPoint: Date?, now: Date) -> RPOState {
        guard let last = lastRecoveryPoint else { return .never }
        return now.timeIntervalSince(last) > interval ? .late : .ok
    }

    /// When the state turns late (nil without a recovery point).
    public func deadline(after lastRecoveryPoint: Date?) -> Date? {
        lastRecoveryPoint.map { $0.addingTimeInterval(interval) }
    }
}
