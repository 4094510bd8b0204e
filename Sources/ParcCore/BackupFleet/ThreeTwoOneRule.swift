import Foundation

/// The 3-2-1 rule as Parc checks it: the data itself plus at least two copies in different
/// repositories, one of them off-site. The original on the machine is the "3"; Parc sees the copies.
public enum ThreeTwoOneState: String, Sendable, Codable, CaseIterable, Hashable {
    /// Two or more repositories hold a recent recovery point, at least one off-site.
    case ok
    /// Two or more repositories hold a recent recovery point, none of them off-site.
    case noOffSite = "no_off_site"
    /// Only one repository holds a recent recovery point.
    case singleCopy = "single_copy"
    /// No repository holds a recent recovery point.
    case none
}

/// One repository as seen from one machine: where it is, the machine's last recovery point in it,
/// and the RPO that copy is held to (the loosest RPO of the machine's plans writing there: a weekly
/// off-site plan is judged by its own week, not by the nightly plan's day).
public struct RepositoryCopy: Sendable, Hashable {
    public let repositoryID: UUID
    public let offSite: Bool
    public let lastRecoveryPoint: Date?
    public let rpo: RecoveryPointObjective

    public init(repositoryID: UUID, offSite: Bool, lastRecoveryPoint: Date?,
                rpo: RecoveryPointObjective = RecoveryPointObjective()) {
        self.repositoryID = repositoryID
        self.offSite = offSite
        self.lastRecoveryPoint = lastRecoveryPoint
        self.rpo = rpo
    }

    /// Whether this copy's last recovery point is within its RPO.
    public func isRecent(now: Date) -> Bool { rpo.state(lastRecoveryPoint: lastRecoveryPoint, now: now) == .ok }
}

public enum ThreeTwoOneRule {
    /// The repositories whose last recovery point is within their RPO ("recent"), in the given
    /// order, each once.
    public static func recentCopies(_ copies: [RepositoryCopy], now: Date) -> [RepositoryCopy] {
        var seen = Set<UUID>()
        return copies.filter { $0.isRecent(now: now) && seen.insert($0.repositoryID).inserted }
    }

    /// The state: only recent copies count, since an old copy would not restore today's data.
    public static func evaluate(_ copies: [RepositoryCopy], now: Date) -> ThreeTwoOneState {
        let recent = recentCopies(copies, now: now)
        switch recent.count {
        case 0: return .none
        case 1: return .singleCopy
        default: return recent.contains(where: \.offSite) ? .ok : .noOffSite
        }
    }
}
