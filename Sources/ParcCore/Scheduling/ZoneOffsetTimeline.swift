import Foundation

/// A time zone seen as runs of constant UTC offset separated by transitions, on seconds since 1970.
///
/// `TimeZone.nextDaylightSavingTimeTransition(after:)` reports every change of offset, standard-time changes
/// included (Pacific/Apia skipping 2011-12-30, Europe/Moscow in 2014), which is what the search needs.
struct ZoneOffsetTimeline {
    let zone: TimeZone

    /// Seconds to add to an instant to get its wall-clock time.
    func offset(at instant: Double) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))
    }

    /// The first instant strictly after `instant` at which the offset changes.
    func nextTransition(after instant: Double) -> Double? {
        guard let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: instant)) else {
            return nil
        }
        let seconds = next.timeIntervalSince1970
        // A non-advancing answer would make callers loop; treat it as "no more transitions".
        return seconds > instant ? seconds : nil
    }

    /// The latest transition in `earliest...instant`, if any.
    func latestTransition(atOrBefore instant: Double, notBefore earliest: Double) -> Double? {
        var latest: Double?
        var cursor = earliest
        while let next = nextTransition(after: cursor), next <= instant {
            latest = next
            cursor = next
        }
        return latest
    }
}
