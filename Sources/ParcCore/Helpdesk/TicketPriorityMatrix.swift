/// Turns a ticket's urgency and impact (each 1–5) into its priority (1–5), as ITIL qualification does.
///
/// Each entity may configure its own matrix. A matrix must be monotonic: raising the urgency or the impact never
/// lowers the priority, so a technician who escalates either never sees the ticket drop down the queue.
public struct TicketPriorityMatrix: Hashable, Sendable {
    /// `cells[urgency - 1][impact - 1]`, each 1–5.
    public let cells: [[Int]]

    /// A validated matrix: 5 rows (urgency 1→5) of 5 values (impact 1→5), each 1–5, non-decreasing along rows and
    /// columns.
    public init(cells: [[Int]]) throws(TicketPriorityMatrixError) {
        guard cells.count == 5, cells.allSatisfy({ $0.count == 5 }) else {
            throw .wrongShape(rows: cells.count, columns: cells.map(\.count))
        }
        for urgency in 0..<5 {
            for impact in 0..<5 {
                let value = cells[urgency][impact]
                guard (1...5).contains(value) else {
                    throw .valueOutOfRange(urgency: urgency + 1, impact: impact + 1, value: value)
                }
                if urgency > 0 && value < cells[urgency - 1][impact]
                    || impact > 0 && value < cells[urgency][impact - 1]
                {
                    throw .notMonotonic(urgency: urgency + 1, impact: impact + 1)
                }
            }
        }
        self.cells = cells
    }

    /// GLPI's default matrix.
    public static let glpiDefault = try! TicketPriorityMatrix(cells: [
        [1, 1, 2, 2, 2],
        [1, 2, 2, 3, 3],
        [2, 2, 3, 4, 4],
        [2, 3, 4, 4, 5],
        [2, 3, 4, 5, 5],
    ])

    /// The priority for an urgency and an impact, each 1–5.
    public func priority(urgency: Int, impact: Int) throws(TicketPriorityMatrixError) -> TicketPriority {
        guard (1...5).contains(urgency) else { throw .levelOutOfRange(name: "urgency", value: urgency) }
        guard (1...5).contains(impact) else { throw .levelOutOfRange(name: "impact", value: impact) }
        return TicketPriority(rawValue: cells[urgency - 1][impact - 1])!
    }
}
