import Foundation

/// A ticket's human reference: the year it was opened and its sequential number, at least five digits
/// (`2026-00042`).
///
/// The number is the database's row number, unique across years and never reused, so the reference is unique;
/// the year makes it readable on the phone ("the ticket from March, 2026-00042"). Mail subjects carry it in the
/// subject tag (`[Parc #2026-00042]`, ParcMail's `TicketSubjectTag`), which accepts this syntax.
public enum TicketReference {
    /// The reference of ticket number `number` opened in `year`.
    public static func text(year: Int, number: Int64) -> String {
        let digits = String(number)
        return "\(year)-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// The year and number in a reference such as `2026-00042`; nil for anything else.
    public static func parse(_ text: String) -> (year: Int, number: Int64)? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...18).contains(parts[1].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let number = Int64(parts[1]), number > 0 else { return nil }
        return (year, number)
    }
}
