import Foundation

/// A level that fired: when it was due (its moment, which identifies the firing) and when it fired. Instants are
/// kept to the second.
public struct SLAEscalationFiring: Hashable, Sendable {
    public var levelID: String
    /// The level's moment, in whole seconds since 1970: with the ticket and the level, what makes a firing unique.
    public var momentSeconds: Int64
    /// When it fired, in whole seconds since 1970.
    public var firedSeconds: Int64

    public init(levelID: String, moment: Date, firedAt: Date) {
        self.init(levelID: levelID, momentSeconds: Self.seconds(moment), firedSeconds: Self.seconds(firedAt))
    }

    public init(levelID: String, momentSeconds: Int64, firedSeconds: Int64) {
        self.levelID = levelID
        self.momentSeconds = momentSeconds
        self.firedSeconds = firedSeconds
    }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}
