import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// Writing an entity's helpdesk settings, for the API and the page alike: `helpdeskAdmin` in the entity, one
/// validation of ``HelpdeskAdminAPI/SettingsInput``, one transaction with its history line. A field left out keeps
/// its value; `null` (the matrix, the default SLA) goes back to what the entity inherits.
struct HelpdeskSettingsStore {
    let request: Request

    /// The entity's own row, if it has one (nil: it inherits everything).
    func own(_ entityID: UUID) async throws -> HelpdeskSettingsModel? {
        try await HelpdeskSettingsModel.find(entityID, on: request.db)
    }

    func update(_ entityID: UUID, _ input: HelpdeskAdminAPI.SettingsInput) async throws {
        try await request.require(.helpdeskAdmin, in: entityID)
        var errors: [String: String] = [:]
        if case .some(.some(let cells)) = input.priority_matrix {
            do { _ = try TicketPriorityMatrix(cells: cells) } catch { errors["priority_matrix"] = error.description }
        }
        if case .some(.some(let policyID)) = input.default_sla_policy_id {
            let usable = Set(try await request.entityTree().ancestors(of: entityID) + [entityID])
            let found = try await SLAPolicyModel.find(policyID, on: request.db)
            if found == nil || !usable.contains(found!.entityID) {
                errors["default_sla_policy_id"] = "No SLA policy of this entity or above it has this id."
            }
        }
        if let days = input.approval_days, !(1...365).contains(days) {
            errors["approval_days"] = "Give 1 to 365 days."
        }
        if let policy = input.unknown_senders, HelpdeskConfiguration.UnknownSenderPolicy(rawValue: policy) == nil {
            errors["unknown_senders"] = "Use refuse or accept."
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let audit = AuditLog(request: request)
        let now = request.now
        try await request.parc.writeTransaction(on: request.db) { db in
            let row = try await HelpdeskSettingsModel.find(entityID, on: db) ?? {
                let row = HelpdeskSettingsModel()
                row.id = entityID
                row.approvalDays = HelpdeskConfiguration.defaultApprovalDays
                return row
            }()
            let before: [String: String?] = ["priority_matrix": row.priorityMatrixJSON,
                                             "default_sla_policy_id": row.defaultSLAPolicyID?.uuidString,
                                             "approval_days": String(row.approvalDays),
                                             "unknown_senders": row.unknownSenders]
            if let matrix = input.priority_matrix {
                row.priorityMatrixJSON = try matrix.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            }
            if let policy = input.default_sla_policy_id { row.defaultSLAPolicyID = policy }
            if let days = input.approval_days { row.approvalDays = days }
            if let policy = input.unknown_senders { row.unknownSenders = policy }
            row.updatedAt = now
            try await row.save(on: db)
            let after: [String: String?] = ["priority_matrix": row.priorityMatrixJSON,
                                            "default_sla_policy_id": row.defaultSLAPolicyID?.uuidString,
                                            "approval_days": String(row.approvalDays),
                                            "unknown_senders": row.unknownSenders]
            try await audit.record("helpdesk_settings.updated", objectType: "helpdesk_settings", objectID: entityID,
                                   label: "helpdesk settings", entityID: entityID,
                                   changes: FieldChange.between(before, after), on: db)
        }
    }
}
