/// Why a priority matrix or a qualification was refused.
public enum TicketPriorityMatrixError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The matrix does not have 5 rows of 5 values.
    case wrongShape(rows: Int, columns: [Int])
    /// A cell holds a value outside 1–5.
    case valueOutOfRange(urgency: Int, impact: Int, value: Int)
    /// Raising urgency or impact would lower the priority at this cell.
    case notMonotonic(urgency: Int, impact: Int)
    /// An urgency or impact outside 1–5 was given.
    case levelOutOfRange(name: String, value: Int)

    /// What was wrong and what to do.
    public var description: String {
        switch self {
        case .wrongShape(let rows, let columns):
            "the priority matrix has \(rows) rows of \(columns) values; give 5 rows (urgency 1→5) of 5 values "
                + "(impact 1→5)"
        case .valueOutOfRange(let urgency, let impact, let value):
            "the priority for urgency \(urgency) and impact \(impact) is \(value); use 1 to 5 (6, major, is only "
                + "set by hand)"
        case .notMonotonic(let urgency, let impact):
            "the priority for urgency \(urgency) and impact \(impact) is lower than for a smaller urgency or "
                + "impact; a higher urgency or impact must never give a lower priority"
        case .levelOutOfRange(let name, let value):
            "\(name) \(value) is out of range; use 1 to 5"
        }
    }
}
