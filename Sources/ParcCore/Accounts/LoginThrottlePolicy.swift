import Foundation

/// When repeated failed logins lock an account (or an address) for a while.
///
/// After `freeAttempts` failures within `window`, each further attempt waits: the lockout doubles
/// with every failure past the limit, from `baseLockout` up to `maxLockout`. A success clears it.
public struct LoginThrottlePolicy: Sendable, Equatable {
    public var freeAttempts: Int
    public var window: TimeInterval
    public var baseLockout: TimeInterval
    public var maxLockout: TimeInterval

    public init(freeAttempts: Int = 5, window: TimeInterval = 15 * 60, baseLockout: TimeInterval = 30,
                maxLockout: TimeInterval = 60 * 60) {
        self.freeAttempts = freeAttempts
        self.window = window
        self.baseLockout = baseLockout
        self.maxLockout = maxLockout
    }

    /// Until when further attempts are refused, given the failures since the last success.
    ///
    /// - Returns: nil when an attempt is allowed now.
    public func lockedUntil(failures: [Date], now: Date) -> Date? {
        let recent = failures.filter { now.timeIntervalSince($0) < window && $0 <= now }.sorted()
        guard recent.count >= freeAttempts, let last = recent.last else { return nil }
        let excess = recent.count - freeAttempts
        // Cap the exponent so a flood of failures cannot overflow the arithmetic.
        let lockout = min(baseLockout * pow(2, Double(min(excess, 30))), maxLockout)
        let until = last.addingTimeInterval(lockout)
        return until > now ? until : nil
    }
}
