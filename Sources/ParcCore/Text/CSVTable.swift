/// A CSV file as read by ``CSVReader``: its records, and how it was written.
public struct CSVTable: Hashable, Sendable {
    /// The records, header first.
    public let records: [CSVRecord]
    /// The delimiter found: `,`, `;` or a tab.
    public let delimiter: Character
    /// The character encoding found.
    public let encoding: CSVTextEncoding

    /// A table.
    public init(records: [CSVRecord], delimiter: Character, encoding: CSVTextEncoding) {
        self.records = records
        self.delimiter = delimiter
        self.encoding = encoding
    }
}
