import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// Writing an entity's business rules, for the API and the pages alike: one permission check
/// (`helpdeskAdmin` in the rule's entity), one transaction with its audit line per change.
struct TicketRuleStore {
    let request: Request

    /// The rule, if the user administers its entity's helpdesk: 404 otherwise, as for an unknown id.
    func find(_ id: UUID?) async throws -> TicketRuleModel {
        guard let id, let row = try await TicketRuleModel.find(id, on: request.db),
              try await request.entities(for: .helpdeskAdmin).contains(row.entityID)
        else { throw ParcError.notFound("rule") }
        return row
    }

    /// Checks a rule as a person wrote it; a 422 names what is wrong.
    static func checked(_ proposed: TicketRule?) throws -> TicketRule {
        guard let proposed else { throw ParcError.validation(["rule": "is required"]) }
        do { return try proposed.validated() } catch { throw ParcError.validation(["rule": error.description]) }
    }

    func create(entity: UUID, rule proposed: TicketRule?, position: Int?, enabled: Bool) async throws -> TicketRuleModel {
        try await request.require(.helpdeskAdmin, in: entity)
        let rule = try Self.checked(proposed)
        let row = TicketRuleModel()
        row.id = UUID()
        row.entityID = entity
        row.enabled = enabled
        row.ruleJSON = String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            let existing = try await TicketRuleModel.query(on: db).filter(\.$entityID == entity).all()
            guard existing.count < TicketRules.perEntity else {
                throw ParcError.validation(["rule": "An entity holds at most \(TicketRules.perEntity) rules; delete some first."])
            }
            row.position = position.map { max(0, min($0, 100_000)) } ?? (existing.map(\.position).max() ?? 0) + 10
            try await row.create(on: db)
            try await audit.record("ticket_rule.created", objectType: "ticket_rule", objectID: row.id!, label: rule.name,
                                   entityID: entity, changes: [FieldChange(field: "rule", before: nil, after: row.ruleJSON)],
                                   on: db)
        }
        return row
    }

    func update(_ row: TicketRuleModel, rule proposed: TicketRule?, position: Int?, enabled: Bool?) async throws
        -> TicketRuleModel
    {
        try await request.require(.helpdeskAdmin, in: row.entityID)
        let before: [String: String?] = ["rule": row.ruleJSON, "position": String(row.position),
                                         "enabled": String(row.enabled)]
        if proposed != nil {
            row.ruleJSON = String(decoding: try JSONEncoder().encode(try Self.checked(proposed)), as: UTF8.self)
        }
        if let position { row.position = max(0, min(position, 100_000)) }
        if let enabled { row.enabled = enabled }
        try await save(row, before: before, action: "ticket_rule.updated")
        return row
    }

    /// Swaps the rule with its neighbour in its entity's order.
    func move(_ row: TicketRuleModel, up: Bool) async throws {
        try await request.require(.helpdeskAdmin, in: row.entityID)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            let siblings = try await TicketRuleModel.query(on: db).filter(\.$entityID == row.entityID).all()
                .sorted { ($0.position, $0.id!.uuidString) < ($1.position, $1.id!.uuidString) }
            guard let index = siblings.firstIndex(where: { $0.id == row.id }) else { return }
            let other = up ? index - 1 : index + 1
            guard siblings.indices.contains(other) else { return }
            // Renumber in tens so that equal positions cannot keep two rules in place.
            var order = siblings
            order.swapAt(index, other)
            for (number, sibling) in order.enumerated() where sibling.position != (number + 1) * 10 {
                let before = sibling.position
                sibling.position = (number + 1) * 10
                try await sibling.update(on: db)
                if sibling.id == row.id {
                    try await audit.record("ticket_rule.moved", objectType: "ticket_rule", objectID: sibling.id!,
                                           label: sibling.rule?.name ?? "rule", entityID: sibling.entityID,
                                           changes: [FieldChange(field: "position", before: String(before),
                                                                 after: String(sibling.position))], on: db)
                }
            }
            row.position = order.first { $0.id == row.id }!.position
        }
    }

    func delete(_ row: TicketRuleModel) async throws {
        try await request.require(.helpdeskAdmin, in: row.entityID)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await row.delete(on: db)
            try await audit.record("ticket_rule.deleted", objectType: "ticket_rule", objectID: row.id!,
                                   label: row.rule?.name ?? "rule", entityID: row.entityID,
                                   changes: [FieldChange(field: "rule", before: row.ruleJSON, after: nil)], on: db)
        }
    }

    private func save(_ row: TicketRuleModel, before: [String: String?], action: String) async throws {
        let after: [String: String?] = ["rule": row.ruleJSON, "position": String(row.position),
                                        "enabled": String(row.enabled)]
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await row.update(on: db)
            try await audit.record(action, objectType: "ticket_rule", objectID: row.id!, label: row.rule?.name ?? "rule",
                                   entityID: row.entityID, changes: FieldChange.between(before, after), on: db)
        }
    }

    /// Runs the rules without saving anything, on an existing ticket (`ticket_id`) or on the fields of a ticket to
    /// be. A ticket must be one the user works (404 otherwise); fields are checked as for a new ticket (422 naming
    /// them). `event` defaults to update for a ticket, creation for fields.
    func test(_ trial: TicketRulesAPI.TestInput, event: TicketRuleEvent?) async throws
        -> (event: TicketRuleEvent, evaluation: TicketRules.Evaluation)
    {
        let tree = try await request.entityTree()
        if let ticketID = trial.ticket_id {
            let ticket = try await TicketService(request: request).find(ticketID)
            try await request.require(.ticketsUpdate, in: ticket.entityID)
            let actors = try await TicketActorModel.query(on: request.db).filter(\.$ticketID == ticketID).all()
            let subject = try await TicketRules.subject(of: ticket, actors: actors, tree: tree, on: request.db)
            let event = event ?? .update
            return (event, try await TicketRules.evaluate(subject, entity: ticket.entityID, event: event, tree: tree,
                                                          on: request.db))
        }
        guard let entity = trial.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await request.require(.ticketsUpdate, in: entity)
        var errors: [String: String] = [:]
        let title = TicketService.checkedText(trial.title, "title", limit: TicketLimits.title, singleLine: true,
                                              required: true, &errors) ?? ""
        let description = TicketService.checkedText(trial.description ?? "", "description",
                                                    limit: TicketLimits.description, singleLine: false, required: false,
                                                    &errors) ?? ""
        let kind = TicketKind(rawValue: trial.type ?? "incident")
        if kind == nil { errors["type"] = "Use incident or request." }
        let source = TicketSource(rawValue: trial.source ?? "web")
        if source == nil { errors["source"] = "Use one of \(TicketSource.allCases.map(\.rawValue).joined(separator: ", "))." }
        let urgency = TicketService.level(trial.urgency ?? 3, "urgency", required: true, &errors)
        let impact = TicketService.level(trial.impact ?? 3, "impact", required: true, &errors)
        let email = trial.requester_email.map { String($0.trimmingCharacters(in: .whitespaces).prefix(320)) } ?? ""
        guard errors.isEmpty, let kind, let source, let urgency, let impact else { throw ParcError.validation(errors) }
        let opening = TicketService.TicketOpening(
            entityID: entity, kind: kind, title: title, description: description, urgency: urgency, impact: impact,
            priority: nil, category: nil, source: source, location: nil, tags: [], requesters: [],
            emailRequesters: email.isEmpty ? [] : [email], observers: [], assignees: [], groups: [], assets: [],
            createdBy: nil)
        let subject = try await TicketRules.subject(of: opening, tree: tree, on: request.db)
        let event = event ?? .create
        return (event, try await TicketRules.evaluate(subject, entity: entity, event: event, tree: tree, on: request.db))
    }
}
