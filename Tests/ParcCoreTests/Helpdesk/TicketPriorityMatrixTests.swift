import Testing

@testable import ParcCore

@Suite("Ticket priority matrix")
struct TicketPriorityMatrixTests {
    static let glpiCells: [(urgency: Int, impact: Int, priority: Int)] = {
        let rows = [[1, 1, 2, 2, 2], [1, 2, 2, 3, 3], [2, 2, 3, 4, 4], [2, 3, 4, 4, 5], [2, 3, 4, 5, 5]]
        return (1...5).flatMap { urgency in (1...5).map { impact in (urgency, impact, rows[urgency - 1][impact - 1]) } }
    }()

    @Test("the default matrix gives GLPI's priority for every urgency and impact", arguments: glpiCells)
    func glpiDefault(cell: (urgency: Int, impact: Int, priority: Int)) throws {
        let priority = try TicketPriorityMatrix.glpiDefault.priority(urgency: cell.urgency, impact: cell.impact)
        #expect(priority.rawValue == cell.priority)
    }

    @Test("the default matrix has 25 cells and never yields major")
    func defaultNeverMajor() throws {
        #expect(Self.glpiCells.count == 25)
        for cell in Self.glpiCells {
            #expect(try TicketPriorityMatrix.glpiDefault.priority(urgency: cell.urgency, impact: cell.impact) < .major)
        }
    }

    @Test("priority 6 is major and exists only by hand; 0 and 7 do not exist")
    func majorByHand() {
        #expect(TicketPriority.major.rawValue == 6)
        #expect(TicketPriority(rawValue: 6) == .major)
        #expect(TicketPriority(rawValue: 0) == nil)
        #expect(TicketPriority(rawValue: 7) == nil)
    }

    @Test("a custom monotonic matrix is accepted and used")
    func customMatrix() throws {
        let matrix = try TicketPriorityMatrix(cells: Array(repeating: [3, 3, 4, 5, 5], count: 5))
        #expect(try matrix.priority(urgency: 1, impact: 1).rawValue == 3)
        #expect(try matrix.priority(urgency: 5, impact: 4).rawValue == 5)
    }

    @Test("a matrix that is not 5 by 5 is refused")
    func wrongShape() {
        #expect(throws: TicketPriorityMatrixError.wrongShape(rows: 1, columns: [5])) {
            try TicketPriorityMatrix(cells: [[1, 1, 1, 1, 1]])
        }
        #expect(throws: TicketPriorityMatrixError.self) {
            try TicketPriorityMatrix(cells: Array(repeating: [1, 1, 1, 1], count: 5))
        }
    }

    @Test("a matrix with a value outside 1–5 is refused, 6 included")
    func valueOutOfRange() {
        var cells = Array(repeating: [1, 2, 3, 4, 5], count: 5)
        cells[4][4] = 6
        #expect(throws: TicketPriorityMatrixError.valueOutOfRange(urgency: 5, impact: 5, value: 6)) {
            try TicketPriorityMatrix(cells: cells)
        }
        cells[0][0] = 0
        #expect(throws: TicketPriorityMatrixError.valueOutOfRange(urgency: 1, impact: 1, value: 0)) {
            try TicketPriorityMatrix(cells: cells)
        }
    }

    @Test("a matrix where a higher urgency or impact lowers the priority is refused")
    func notMonotonic() {
        var byImpact = Array(repeating: [1, 2, 3, 4, 5], count: 5)
        byImpact[2] = [1, 3, 2, 4, 5]
        #expect(throws: TicketPriorityMatrixError.notMonotonic(urgency: 3, impact: 3)) {
            try TicketPriorityMatrix(cells: byImpact)
        }
        let byUrgency = [[2, 2, 2, 2, 2], [1, 2, 2, 2, 2], [2, 2, 2, 2, 2], [2, 2, 2, 2, 2], [2, 2, 2, 2, 2]]
        #expect(throws: TicketPriorityMatrixError.notMonotonic(urgency: 2, impact: 1)) {
            try TicketPriorityMatrix(cells: byUrgency)
        }
    }

    @Test("an urgency or impact outside 1–5 is refused with a message naming it")
    func levelOutOfRange() {
        #expect(throws: TicketPriorityMatrixError.levelOutOfRange(name: "urgency", value: 6)) {
            try TicketPriorityMatrix.glpiDefault.priority(urgency: 6, impact: 1)
        }
        #expect(throws: TicketPriorityMatrixError.levelOutOfRange(name: "impact", value: 0)) {
            try TicketPriorityMatrix.glpiDefault.priority(urgency: 1, impact: 0)
        }
        #expect(TicketPriorityMatrixError.levelOutOfRange(name: "impact", value: 0).description
            == "impact 0 is out of range; use 1 to 5")
    }
}
