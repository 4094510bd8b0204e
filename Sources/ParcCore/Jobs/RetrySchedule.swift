import Foundation

/// Exponential back-off for work that failed for a passing reason (a mail server down, say).
public struct RetrySchedule: Sendable, Equatable {
    public var maxAttempts: Int
    public var firstDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(maxAttempts: Int = 8, firstDelay: TimeInterval = 60, maxDelay: TimeInterval = 6 * 3600) {
        self.maxAttempts = maxAttempts
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// When to try again after the given number of failed attempts, or nil to give up.
    public func nextAttempt(afterFailures attempts: Int, now: Date) -> Date? {
        guard attempts < maxAttempts else { return nil }
        let delay = min(firstDelay * pow(2, Double(max(0, min(attempts - 1, 30)))), maxDelay)
        return now.addingTimeInterval(delay)
    }
}
