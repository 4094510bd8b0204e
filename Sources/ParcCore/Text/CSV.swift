import Foundation

/// CSV as spreadsheets read it: RFC 4180 quoting, CRLF line ends, and formula-looking cells
/// neutralised (a cell starting with = + - @ would run as a formula in Excel or LibreOffice).
///
/// A cell holding `;` or a tab is quoted too: a spreadsheet set up for French reads `;` as the delimiter, and would
/// otherwise split `x;=HYPERLINK(…)` into a second cell that starts with `=`.
public enum CSV {
    public static func row(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    /// The characters that make a spreadsheet read a cell as a formula (or, for tab and CR, hide one).
    /// Compared by Unicode scalar, so that a combining mark after `=` does not hide it.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    static let needsQuotes: Set<Unicode.Scalar> = [",", ";", "\t", "\"", "\n", "\r"]

    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, formulaStarts.contains(first) { text = "'" + text }
        if text.unicodeScalars.contains(where: needsQuotes.contains) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// The value of a cell this export wrote, read back on import: the `'` that ``cell(_:)`` put before a
    /// formula-looking value is removed, so that export, edit and import give back `-5` and not `'-5`. An apostrophe
    /// before anything else is the value's own and stays.
    public static func importedValue(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first, formulaStarts.contains(second) else {
            return cell
        }
        return String(scalars.dropFirst())
    }
}
