import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// Reading and writing SLA policies, for the API and the pages alike: one lookup (404 outside the entities whose
/// helpdesk objects the user may use), one permission (`helpdeskAdmin` in the policy's entity), one validation, one
/// transaction with its history line.
struct SLAPolicyStore {
    let request: Request

    /// What a person sends for a policy; nil leaves a field as it is (on update).
    struct Draft {
        var name: String?
        var calendar: BusinessCalendarSpec?
        var rules: [SLAPolicyRuleInput]?
        var escalation: [SLAEscalationLevel]?
    }

    /// The policy, if its entity is one whose helpdesk objects the user may use (404 otherwise); writing it also
    /// takes `helpdeskAdmin` in its entity (403).
    func find(_ id: UUID?) async throws -> SLAPolicyModel {
        guard let id, let policy = try await SLAPolicyModel.find(id, on: request.db),
              try await HelpdeskAdminAPI.usableEntities(request).contains(policy.entityID)
        else { throw ParcError.notFound("SLA policy") }
        return policy
    }

    /// What is wrong with `draft` for a policy of `entity`, by field (`name`, `calendar`, `rules`, `escalation`);
    /// empty when it may be saved. Creating requires every field but the escalation.
    func problems(_ draft: Draft, entity: UUID, creating: Bool) async throws -> [String: String] {
        var errors: [String: String] = [:]
        if creating || draft.name != nil { _ = HelpdeskAdminAPI.name(draft.name, &errors) }
        if creating, draft.calendar == nil { errors["calendar"] = "is required" }
        if creating, draft.rules == nil { errors["rules"] = "Give at least one rule." }
        try await Self.checkPolicy(calendar: draft.calendar, rules: draft.rules, escalation: draft.escalation,
                                   entity: entity, request, &errors)
        return errors
    }

    func create(entity: UUID, _ draft: Draft) async throws -> SLAPolicyModel {
        try await request.require(.helpdeskAdmin, in: entity)
        let errors = try await problems(draft, entity: entity, creating: true)
        var unchecked: [String: String] = [:]
        guard errors.isEmpty, let name = HelpdeskAdminAPI.name(draft.name, &unchecked), let calendar = draft.calendar,
              let rules = draft.rules
        else { throw ParcError.validation(errors) }
        let policy = SLAPolicyModel()
        policy.id = UUID()
        policy.entityID = entity
        policy.name = name
        policy.calendarJSON = String(decoding: try JSONEncoder().encode(calendar), as: UTF8.self)
        policy.rulesJSON = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        policy.escalationJSON = try Self.escalationJSON(draft.escalation)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await policy.create(on: db)
            try await audit.record("sla_policy.created", objectType: "sla_policy", objectID: policy.id!, label: name,
                                   entityID: entity, changes: [FieldChange(field: "name", before: nil, after: name),
                                                               FieldChange(field: "escalation", before: nil,
                                                                           after: policy.escalationJSON)],
                                   on: db)
        }
        return policy
    }

    /// Changes the fields `draft` gives. Deadlines of open tickets do not move (their targets were copied when
    /// they were set); escalation levels apply from the next minute.
    func update(_ policy: SLAPolicyModel, _ draft: Draft) async throws {
        try await request.require(.helpdeskAdmin, in: policy.entityID)
        let errors = try await problems(draft, entity: policy.entityID, creating: false)
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        var unchecked: [String: String] = [:]
        let before = Self.snapshot(policy)
        if let name = HelpdeskAdminAPI.name(draft.name, &unchecked) { policy.name = name }
        if let calendar = draft.calendar {
            policy.calendarJSON = String(decoding: try JSONEncoder().encode(calendar), as: UTF8.self)
        }
        if let rules = draft.rules { policy.rulesJSON = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self) }
        if let escalation = draft.escalation { policy.escalationJSON = try Self.escalationJSON(escalation) }
        let after = Self.snapshot(policy)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await policy.update(on: db)
            try await audit.record("sla_policy.updated", objectType: "sla_policy", objectID: policy.id!,
                                   label: policy.name, entityID: policy.entityID,
                                   changes: FieldChange.between(before, after), on: db)
        }
    }

    static func snapshot(_ policy: SLAPolicyModel) -> [String: String?] {
        ["name": policy.name, "calendar": policy.calendarJSON, "rules": policy.rulesJSON,
         "escalation": policy.escalationJSON]
    }

    static func escalationJSON(_ levels: [SLAEscalationLevel]?) throws -> String? {
        guard let levels, !levels.isEmpty else { return nil }
        return String(decoding: try JSONEncoder().encode(levels), as: UTF8.self)
    }

    /// Checks what a policy is made of: the calendar reads, 1 to 100 target rules, and escalation levels within
    /// bounds whose groups serve `entity` (the policy's entity or one above it) and whose users work its tickets.
    static func checkPolicy(calendar: BusinessCalendarSpec?, rules: [SLAPolicyRuleInput]?,
                            escalation: [SLAEscalationLevel]?, entity: UUID, _ req: Request,
                            _ errors: inout [String: String]) async throws {
        if let calendar {
            do { _ = try calendar.calendar() } catch { errors["calendar"] = error.description }
        }
        if let rules {
            if rules.isEmpty { errors["rules"] = "Give at least one rule." }
            if rules.count > 100 { errors["rules"] = "At most 100 rules." }
            do {
                _ = try SLATargets(rules: try rules.enumerated().map { try $0.element.rule(number: $0.offset + 1) })
            } catch let error as SLATargetsError {
                errors["rules"] = errors["rules"] ?? error.description
            } catch let error as ParcError {
                guard let message = error.fields["rules"] else { throw error }
                errors["rules"] = errors["rules"] ?? message
            }
        }
        guard let escalation else { return }
        do { _ = try SLAEscalationLevel.validated(escalation) } catch {
            errors["escalation"] = error.description
            return
        }
        let tree = try await req.entityTree()
        let usable = Set(tree.ancestors(of: entity) + [entity])
        let groupIDs = escalation.flatMap(\.actions).compactMap(\.groupID)
        let groups = groupIDs.isEmpty ? [] : try await SupportGroupModel.query(on: req.db).filter(\.$id ~~ groupIDs).all()
            .filter { usable.contains($0.entityID) }.compactMap(\.id)
        let userIDs = escalation.flatMap(\.actions).compactMap(\.userID)
        let users = try await TicketService.usersWhoMayWork(userIDs, entity: entity, tree: tree, on: req.db)
        for (index, level) in escalation.enumerated() {
            for (number, action) in level.actions.enumerated() {
                if let group = action.groupID, !groups.contains(group) {
                    errors["escalation"] = "level \(index + 1), action \(number + 1): no group of this entity or above it has the id \(group.uuidString)"
                } else if let user = action.userID, !users.contains(user) {
                    errors["escalation"] = "level \(index + 1), action \(number + 1): \(user.uuidString) is not an active account that works this entity's tickets"
                }
            }
        }
    }
}
