/// Why one row of an import cannot be imported: the row as a spreadsheet numbers it (the header is row 1), the column
/// at fault when there is one, and what to do.
public struct ImportProblem: Hashable, Sendable {
    /// The row, from 1 (the header).
    public let row: Int
    /// The column's name in the header, when the problem is one cell's.
    public let column: String?
    /// What was wrong and what to write instead.
    public let message: String

    /// A problem.
    public init(row: Int, column: String?, message: String) {
        self.row = row
        self.column = column
        self.message = message
    }
}
