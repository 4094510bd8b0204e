import Foundation

/// A time zone's UTC offsets as a table of transitions, for arithmetic that asks for offsets many times per
/// computation (SLA deadlines walk day by day and place every working range). Built once per zone from Foundation's
/// transitions — `nextDaylightSavingTimeTransition(after:)` reports standard-time changes too (see
/// ``ZoneOffsetTimeline``) — then answered by binary search; outside the table's years, Foundation answers.
final class ZoneOffsetTable: Sendable {
    let zone: TimeZone
    /// The instants the table covers, `start..<end`.
    private let start: Double
    private let end: Double
    /// Transition instants, ascending.
    private let instants: [Double]
    /// `offsets[i]` holds from `instants[i - 1]` (or `start`) until `instants[i]` (or `end`).
    private let offsets: [Int]

    /// 1970-01-01 to 2200-01-01.
    init(zone: TimeZone, from start: Double = 0, to end: Double = 7_258_118_400) {
        self.zone = zone
        self.start = start
        self.end = end
        var instants: [Double] = []
        var offsets = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: start))]
        var cursor = start
        while let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: cursor)),
              next.timeIntervalSince1970 > cursor, next.timeIntervalSince1970 < end {
            cursor = next.timeIntervalSince1970
            instants.append(cursor)
            offsets.append(zone.secondsFromGMT(for: next))
        }
        self.instants = instants
        self.offsets = offsets
    }

    /// Seconds to add to `instant` to read its wall-clock time.
    func offset(at instant: Double) -> Int {
        guard instant >= start, instant < end else {
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))
        }
        return offsets[transitionsAtOrBefore(instant)]
    }

    /// The first instant strictly after `instant` at which the offset changes, if any.
    func nextTransition(after instant: Double) -> Double? {
        guard instant >= start, instant < end else {
            return zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: instant))?.timeIntervalSince1970
        }
        let index = transitionsAtOrBefore(instant)
        return index < instants.count ? instants[index] : nil
    }

    /// How many transitions happen at or before `instant`.
    private func transitionsAtOrBefore(_ instant: Double) -> Int {
        var low = 0
        var high = instants.count
        while low < high {
            let middle = (low + high) / 2
            if instants[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The table of `zone`, built on first use and shared.
    static func shared(_ zone: TimeZone) -> ZoneOffsetTable {
        cache.table(zone)
    }

    private static let cache = Cache()

    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var tables: [String: ZoneOffsetTable] = [:]

        func table(_ zone: TimeZone) -> ZoneOffsetTable {
            lock.lock()
            defer { lock.unlock() }
            if let table = tables[zone.identifier] { return table }
            let table = ZoneOffsetTable(zone: zone)
            tables[zone.identifier] = table
            return table
        }
    }
}
