import FluentKit
import Foundation
import SQLKit

/// Reordering of an ordered rule table (entity rules, software dictionary): a rule swaps places with its
/// neighbour and every rule is renumbered 10, 20, 30…
enum RulePositions {
    /// `order` is the table's rules as they are tried (id, position); `moved` is called with the moved rule's
    /// old and new position when it moved.
    static func swap(_ id: UUID, up: Bool, in table: String, order: [(UUID, Int)], on db: any Database,
                     moved: (Int, Int) async throws -> Void) async throws {
        guard let index = order.firstIndex(where: { $0.0 == id }) else { return }
        let other = up ? index - 1 : index + 1
        guard order.indices.contains(other) else { return }
        var reordered = order
        reordered.swapAt(index, other)
        let sql = db as! any SQLDatabase
        for (number, (ruleID, position)) in reordered.enumerated() where position != (number + 1) * 10 {
            try await sql.update(table).set("position", to: SQLBind((number + 1) * 10)).where("id", .equal, ruleID).run()
            if ruleID == id { try await moved(position, (number + 1) * 10) }
        }
    }
}
