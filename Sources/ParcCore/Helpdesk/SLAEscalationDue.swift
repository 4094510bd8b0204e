import Foundation

/// A level that is due: the level, the moment it fell, and the deadline that moment was computed from.
public struct SLAEscalationDue: Hashable, Sendable {
    public var level: SLAEscalationLevel
    public var moment: Date
    public var deadline: Date

    /// The record of this firing at `now`.
    public func firing(at now: Date) -> SLAEscalationFiring {
        SLAEscalationFiring(levelID: level.id, moment: moment, firedAt: now)
    }
}
