/// One record of a CSV file: its fields, and where it stands (a record can span several lines when a quoted field
/// holds line breaks).
public struct CSVRecord: Hashable, Sendable {
    /// The record's number, from 1 (the header, when there is one): the row number a spreadsheet shows.
    public let number: Int
    /// The line the record starts on, from 1.
    public let line: Int
    /// The fields, quotes removed and doubled quotes undone.
    public let fields: [String]

    /// A record.
    public init(number: Int, line: Int, fields: [String]) {
        self.number = number
        self.line = line
        self.fields = fields
    }

    /// Whether every field is empty (a blank line, or a row of bare delimiters as spreadsheets leave at the end).
    public var isBlank: Bool { fields.allSatisfy(\.isEmpty) }
}
