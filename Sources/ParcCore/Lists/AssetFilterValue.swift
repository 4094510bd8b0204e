import Foundation

/// One value of an asset filter, typed by its field's kind.
public enum AssetFilterValue: Hashable, Sendable, CustomStringConvertible {
    /// Text, or a ``AssetFilterFieldKind/choice(_:)`` word (lower-cased).
    case text(String)
    /// A wildcard pattern of `like` (`*` any run, `?` one character); see ``AssetFilter/sqlLikePattern(_:)``.
    case pattern(String)
    /// A whole number.
    case integer(Int)
    /// A size in bytes.
    case bytes(Int)
    /// A program version.
    case version(SoftwareVersion)
    /// A fixed instant.
    case instant(Date)
    /// An age in seconds: the instant that long before "now", which the caller supplies
    /// (``instant(relativeTo:)``), so that a saved search for "not seen for 30 days" stays relative.
    case age(seconds: Int)
    /// True or false (also the value of `null`).
    case boolean(Bool)

    /// The instant of an ``instant(_:)`` or ``age(seconds:)`` value, now being `now`; nil for other values.
    public func instant(relativeTo now: Date) -> Date? {
        switch self {
        case .instant(let date): date
        case .age(let seconds): now.addingTimeInterval(-TimeInterval(seconds))
        default: nil
        }
    }

    /// The value as a query parameter writes it, reading back to the same value: commas and backslashes in text
    /// escaped, sizes in bytes, ages in the largest whole unit, instants in ISO 8601 UTC.
    public var description: String {
        switch self {
        case .text(let text), .pattern(let text):
            return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ",", with: "\\,")
        case .integer(let number), .bytes(let number):
            return String(number)
        case .version(let version):
            return version.text
        case .instant(let date):
            let seconds = Int(date.timeIntervalSince1970.rounded(.down))
            let (dayNumber, secondOfDay) = CivilCalendar.split(localSeconds: seconds)
            let day = CivilCalendar.date(dayNumber: dayNumber)
            return InventoryDate.pad(day.year, 4) + "-" + InventoryDate.pad(day.month, 2) + "-"
                + InventoryDate.pad(day.day, 2) + "T" + InventoryDate.pad(secondOfDay / 3_600, 2) + ":"
                + InventoryDate.pad(secondOfDay / 60 % 60, 2) + ":" + InventoryDate.pad(secondOfDay % 60, 2) + "Z"
        case .age(let seconds):
            if seconds > 0, seconds % 604_800 == 0 { return String(seconds / 604_800) + "w" }
            if seconds % 86_400 == 0 { return String(seconds / 86_400) + "d" }
            return String(seconds / 3_600) + "h"
        case .boolean(let flag):
            return flag ? "true" : "false"
        }
    }
}
