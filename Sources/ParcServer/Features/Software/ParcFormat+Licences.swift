import Foundation
import ParcCore

extension ParcFormat {
    /// A stored day (`YYYY-MM-DD`) for people: `30/11/2026` in French, `2026-11-30` in English; "—" for none.
    static func day(_ text: String?, language: Language) -> String {
        guard let text, let day = InventoryDate(iso: text) else { return text ?? "—" }
        guard language == .fr else { return day.description }
        return String(format: "%02d/%02d/%04d", day.day, day.month, day.year)
    }

    /// An amount with two decimals and the language's separators: `1 234,50` in French, `1,234.50` in English.
    static func amount(_ value: Double, language: Language) -> String {
        let formatter = NumberFormatter()
        formatter.locale = language.locale
        formatter.numberStyle = .decimal
        formatter.minimumFractionDigits = 2
        formatter.maximumFractionDigits = 2
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }
}
