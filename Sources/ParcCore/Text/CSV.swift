import Foundation

/// CSV as spreadsheets read it: RFC 4180 quoting, CRLF line ends, and formula-looking cells
/// neutralised (a cell starting with = + - @ would run as a formula in Excel or LibreOffice).
public enum CSV {
    public static func row(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
