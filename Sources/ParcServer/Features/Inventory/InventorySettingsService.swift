import FluentKit
import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Writes an entity's inventory settings, for the API and the settings page alike: the row, the HTTP basic
/// password (generated, strong, stored as its hash only) and the history line, in one transaction.
struct InventorySettingsService {
    let request: Request

    /// What becomes of the HTTP basic credentials.
    enum Credentials: Equatable {
        /// Generate a new password for the user name: the agents must be given it.
        case generate
        /// Keep the password that applies now (the entity's own, or the one it inherits) under the user name.
        case keep
        /// Agents need no credentials.
        case remove
    }

    /// Saves the settings of `entity` (checked by ``InventorySettings/check(matchOrder:allowedRanges:basicUser:requireCredentials:describe:)``
    /// beforehand) and returns the password when one was generated: it is shown once and never again.
    func save(entity: UUID, matchOrder order: [InventoryMatchCriterion], allowedRanges: [String]?, basicUser: String?,
              credentials: Credentials) async throws -> String? {
        try await request.require(.inventoryAdmin, in: entity)
        let user = basicUser?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let password: String?
        let hash: String?
        switch credentials {
        case .generate:
            // Agents store the password in their configuration: a long random one costs nothing.
            password = Secrets.token(prefix: "")
            hash = password.map(Secrets.fingerprint)
        case .keep:
            let tree = try await request.entityTree()
            password = nil
            hash = try await InventorySettings.effective(for: entity, tree: tree, on: request.db).basicPasswordHash
        case .remove:
            password = nil
            hash = nil
        }
        // No password, no user: a user name alone would lock every agent out.
        let storedUser = hash == nil ? nil : user
        let before = try await InventorySettings.own(entity, on: request.db)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            let sql = db as! any SQLDatabase
            try await sql.delete(from: "inventory_settings").where("entity_id", .equal, entity).run()
            try await sql.insert(into: "inventory_settings")
                .columns("entity_id", "match_order", "allowed_ranges", "basic_user", "basic_password_hash", "updated_at")
                .values(SQLBind(entity), SQLBind(order.map(\.rawValue).joined(separator: ",")),
                        SQLBind(allowedRanges?.joined(separator: "\n")), SQLBind(storedUser),
                        SQLBind(storedUser == nil ? nil : hash), SQLBind(audit.now)).run()
            var changes = [
                FieldChange(field: "match_order", before: before?.matchOrder.map(\.rawValue).joined(separator: ","),
                            after: order.map(\.rawValue).joined(separator: ",")),
                FieldChange(field: "allowed_ranges", before: before?.allowedRanges?.joined(separator: ", "),
                            after: allowedRanges?.joined(separator: ", ")),
                FieldChange(field: "basic_user", before: before?.basicUser, after: storedUser),
            ]
            // The password itself never goes to the history; that it changed does.
            if password != nil { changes.append(FieldChange(field: "basic_password", before: nil, after: "generated")) }
            try await audit.record("inventory.settings", objectType: "entity", objectID: entity,
                                   label: "inventory settings", entityID: entity, changes: changes, on: db)
        }
        request.parc.inventory.intake.invalidate()
        return storedUser == nil ? nil : password
    }

    /// Removes the entity's own settings: it inherits those of the entity above it again (Parc's defaults at the top).
    func inherit(entity: UUID) async throws {
        try await request.require(.inventoryAdmin, in: entity)
        guard let before = try await InventorySettings.own(entity, on: request.db) else { return }
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await (db as! any SQLDatabase).delete(from: "inventory_settings").where("entity_id", .equal, entity).run()
            try await audit.record("inventory.settings.inherited", objectType: "entity", objectID: entity,
                                   label: "inventory settings", entityID: entity, changes: [
                                       FieldChange(field: "match_order",
                                                   before: before.matchOrder.map(\.rawValue).joined(separator: ","),
                                                   after: nil),
                                       FieldChange(field: "allowed_ranges",
                                                   before: before.allowedRanges?.joined(separator: ", "), after: nil),
                                       FieldChange(field: "basic_user", before: before.basicUser, after: nil),
                                   ], on: db)
        }
        request.parc.inventory.intake.invalidate()
    }
}
