import Foundation

/// When the daemon makes an inventory: at start, then every ``intervalHours``, each machine later by its own
/// fraction of the interval (up to 10 %), so that a fleet installed on the same day does not call the server in
/// the same minute. The fraction comes from the device id, so it stays the same across restarts.
public struct InventorySchedule: Sendable, Equatable {
    /// Hours between two inventories; 0 or less turns them off.
    public var intervalHours: Double
    /// This machine's delay, as a fraction of the interval: 0 ≤ fraction < 0.1.
    public var jitterFraction: Double

    /// The schedule of the machine with `deviceID`.
    public init(intervalHours: Double, deviceID: String) {
        self.intervalHours = intervalHours
        jitterFraction = Double(Self.fnv1a(deviceID) % 10_000) / 100_000
    }

    /// When the next inventory is due after one made at `last`; now when there was none; nil when turned off.
    public func nextDue(after last: Date?) -> Date? {
        guard intervalHours > 0 else { return nil }
        guard let last else { return .distantPast }
        return last.addingTimeInterval(intervalHours * 3_600 * (1 + jitterFraction))
    }

    /// Whether an inventory is due at `now`; also when the last one seems to come from the future (the clock was
    /// set back).
    public func isDue(now: Date, last: Date?) -> Bool {
        guard let due = nextDue(after: last) else { return false }
        return now >= due || (last.map { $0 > now } ?? false)
    }

    /// FNV-1a, 64 bits: a hash that is the same in every process (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
