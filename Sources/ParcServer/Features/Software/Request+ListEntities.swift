import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

extension Request {
    /// The entities a list looks in: those where the user holds `permission`, narrowed to the subtree of the
    /// `entity_id` filter when one is given (400 when it is no UUID).
    func listEntities(for permission: Permission, entityFilter: String?) async throws -> Set<UUID> {
        let entities = try await self.entities(for: permission)
        guard let entityFilter else { return entities }
        guard let id = UUID(uuidString: entityFilter) else {
            throw ParcError.badRequest("invalid_query", "Parameter 'entity_id' must be a UUID.")
        }
        return entities.intersection(try await entityTree().subtree(of: id))
    }
}

/// `LOWER(column) LIKE '%text%'`, with the text's own `%`, `_` and `\` taken literally.
enum ContainsText {
    static func condition(_ column: String, table: String, _ text: String) -> SQLQueryString {
        let pattern = "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return "LOWER(\(ident: table).\(ident: column)) LIKE \(bind: pattern) ESCAPE '\\'"
    }
}
