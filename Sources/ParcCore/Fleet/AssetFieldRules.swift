import Foundation

/// The rules of the fields a technician sets by hand on an asset, shared by the API, the edit form, bulk edits and
/// CSV imports. Messages are fixed sentences, so that pages can show them in the user's language.
public enum AssetFieldRules {
    /// Longest value of a text field, in characters.
    public static let maximumLength = 255
    /// Longest comment, in characters.
    public static let maximumCommentLength = 10_000

    public static let tooLongMessage = "At most 255 characters."
    public static let commentTooLongMessage = "At most 10000 characters."
    public static let controlCharactersMessage = "Control characters are not allowed."
    public static let dateMessage = "Give a date as YYYY-MM-DD."
    public static let importedDateMessage = "Give a date as YYYY-MM-DD or DD/MM/YYYY."
    public static let costMessage = "Give an amount of 0 or more, such as 849.90."

    /// Why `value` cannot be the text of `field`, or nil. Line breaks and tabs are allowed (comments hold them).
    public static func textProblem(field: String, value: String) -> String? {
        let comment = field == "comment"
        if value.count > (comment ? maximumCommentLength : maximumLength) {
            return comment ? commentTooLongMessage : tooLongMessage
        }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) {
            return controlCharactersMessage
        }
        return nil
    }

    /// Whether `cost` is an amount an asset may have cost.
    public static func isValidCost(_ cost: Double) -> Bool { cost.isFinite && (0...1e12).contains(cost) }

    /// A day as a spreadsheet may write it: `2024-03-01`, or day first as in French, `01/03/2024` (also `1/3/2024`
    /// and with `.` or `-`). Month-first dates are not read: `03/01/2024` is the 3rd of January.
    public static func importedDate(_ text: String) -> InventoryDate? {
        if let iso = InventoryDate(iso: text) { return iso }
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { "/.-".contains($0) })
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2])
        else { return nil }
        return InventoryDate(year: year, month: month, day: day)
    }

    /// An amount as a spreadsheet may write it: `849.9`, `849,90` (a decimal comma), `1 234,50` (spaces, also
    /// non-breaking, between thousands) or `849,90 €`. Nil for anything else, and for text holding both a comma and a
    /// point, which could be read two ways.
    public static func importedCost(_ text: String) -> Double? {
        var cleaned = text.trimmingCharacters(in: .whitespaces)
        if cleaned.hasSuffix("€") { cleaned = String(cleaned.dropLast()) }
        cleaned = String(cleaned.unicodeScalars.filter { $0 != " " && $0 != "\u{A0}" && $0 != "\u{202F}" }
            .map(Character.init))
        guard !cleaned.isEmpty, !(cleaned.contains(",") && cleaned.contains(".")),
            cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }),
            cleaned.filter({ $0 == "," || $0 == "." }).count <= 1,
            let value = Double(cleaned.replacingOccurrences(of: ",", with: ".")), isValidCost(value)
        else { return nil }
        return value
    }
}
