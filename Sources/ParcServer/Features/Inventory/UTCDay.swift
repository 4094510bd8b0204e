import Foundation
import ParcCore

/// Calendar days as the inventory stores them (`purchase_date`, `warranty_end`, loans): `YYYY-MM-DD`, in UTC.
enum UTCDay {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `yyyy-mm-dd` of an instant, in UTC.
    static func text(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// Midnight UTC of a day.
    static func date(_ day: InventoryDate) -> Date? {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
    }
}
