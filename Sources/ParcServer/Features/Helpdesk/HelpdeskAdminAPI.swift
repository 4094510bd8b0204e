import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// `/api/v1/support-groups`, `/api/v1/sla-policies`, `/api/v1/helpdesk-settings/{entity}`:
/// what an entity's administrators set up for its helpdesk. Objects of an entity are usable by tickets of the entity
/// and of its sub-entities.
struct HelpdeskAdminAPI {
    struct GroupInput: StrictContent {
        var entity_id: UUID?
        var name: String?
        var member_ids: [UUID]?
        static let acceptedFields: Set<String> = ["entity_id", "name", "member_ids"]
        static let schema = OpenAPISchema.object(["entity_id": .uuid, "name": .string(), "member_ids": .array(.uuid)],
                                                 required: ["entity_id", "name"])
    }

    struct GroupDTO: Content {
        let id: UUID
        let entity_id: UUID
        let name: String
        let member_ids: [UUID]
        static let schema = OpenAPISchema.object(["id": .uuid, "entity_id": .uuid, "name": .string(),
                                                  "member_ids": .array(.uuid)], required: ["id", "entity_id", "name"])
    }

    struct PolicyInput: StrictContent {
        var entity_id: UUID?
        var name: String?
        var calendar: BusinessCalendarSpec?
        var rules: [SLAPolicyRuleInput]?
        var escalation: [SLAEscalationLevel]?
        static let acceptedFields: Set<String> = ["entity_id", "name", "calendar", "rules", "escalation"]
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "name": .string(),
            "calendar": .object(["time_zone": .string(), "week": .map(.array(.string(description: "08:00-12:00"))),
                                 "holidays": .array(.string(description: "2026-04-06 or 05-01 (every year)"))],
                                required: ["time_zone", "week"]),
            "rules": .array(SLAPolicyRuleInput.schema),
            "escalation": .array(escalationSchema),
        ], required: ["entity_id", "name", "calendar", "rules"])

        static let escalationSchema = OpenAPISchema.object([
            "id": .string(description: "A key of your choice, unique in the policy (letters, digits, - and _)"),
            "name": .string(),
            "target": .string(enumValues: SLAEscalationLevel.Target.allCases.map(\.rawValue)),
            "side": .string(enumValues: SLAEscalationLevel.Side.allCases.map(\.rawValue)),
            "offset": .string(description: "Business time from the deadline: 0, 30m, 4h or 2d; at most 30d"),
            "actions": .array(.object([
                "kind": .string(enumValues: SLAEscalationAction.Kind.allCases.map(\.rawValue)),
                "value": .string(description: "The group's or user's id, or the priority for raise_priority_to"),
            ], required: ["kind"])),
        ], required: ["id", "name", "target", "side", "offset", "actions"])
    }

    /// A change of a policy: the fields given replace the current ones. Deadlines of open tickets do not move
    /// (their targets were copied when they were set); escalation levels apply from the next minute.
    struct PolicyPatch: StrictContent {
        var name: String?
        var calendar: BusinessCalendarSpec?
        var rules: [SLAPolicyRuleInput]?
        var escalation: [SLAEscalationLevel]?
        static let acceptedFields: Set<String> = ["name", "calendar", "rules", "escalation"]
        static let schema = OpenAPISchema.object([
            "name": .string(), "calendar": .map(.string()), "rules": .array(SLAPolicyRuleInput.schema),
            "escalation": .array(PolicyInput.escalationSchema),
        ], required: [])
    }

    struct PolicyDTO: Content {
        let id: UUID
        let entity_id: UUID
        let name: String
        let calendar: BusinessCalendarSpec
        let rules: [SLAPolicyRuleInput]
        let escalation: [SLAEscalationLevel]

        init(_ model: SLAPolicyModel) throws {
            id = model.id!
            entity_id = model.entityID
            name = model.name
            calendar = try JSONDecoder().decode(BusinessCalendarSpec.self, from: Data(model.calendarJSON.utf8))
            rules = try JSONDecoder().decode([SLAPolicyRuleInput].self, from: Data(model.rulesJSON.utf8))
            escalation = try model.escalationJSON.map {
                try JSONDecoder().decode([SLAEscalationLevel].self, from: Data($0.utf8))
            } ?? []
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "name": .string(), "calendar": .map(.string()),
            "rules": .array(SLAPolicyRuleInput.schema), "escalation": .array(PolicyInput.escalationSchema),
        ], required: ["id", "entity_id", "name", "calendar", "rules", "escalation"])
    }

    struct SettingsInput: StrictContent {
        var priority_matrix: [[Int]]??
        var default_sla_policy_id: UUID??
        var approval_days: Int?
        var unknown_senders: String?
        static let acceptedFields: Set<String> = ["priority_matrix", "default_sla_policy_id", "approval_days",
                                                  "unknown_senders"]
        static let schema = OpenAPISchema.object([
            "priority_matrix": .nullable(.array(.array(.integer))), "default_sla_policy_id": .nullable(.uuid),
            "approval_days": .integer,
            "unknown_senders": .string(description: "Mail from addresses without an account",
                                       enumValues: HelpdeskConfiguration.UnknownSenderPolicy.allCases.map(\.rawValue)),
        ], required: [])

        private enum Keys: String, CodingKey { case priority_matrix, default_sla_policy_id, approval_days, unknown_senders }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            if c.contains(.priority_matrix) {
                priority_matrix = try c.decodeNil(forKey: .priority_matrix) ? .some(nil)
                    : .some(try c.decode([[Int]].self, forKey: .priority_matrix))
            }
            if c.contains(.default_sla_policy_id) {
                default_sla_policy_id = try c.decodeNil(forKey: .default_sla_policy_id) ? .some(nil)
                    : .some(try c.decode(UUID.self, forKey: .default_sla_policy_id))
            }
            approval_days = try c.decodeIfPresent(Int.self, forKey: .approval_days)
            unknown_senders = try c.decodeIfPresent(String.self, forKey: .unknown_senders)
        }
    }

    struct SettingsDTO: Content, EncodesNulls {
        func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }
        let entity_id: UUID
        let priority_matrix: [[Int]]
        let default_sla_policy_id: UUID?
        let approval_days: Int
        let unknown_senders: String
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "priority_matrix": .array(.array(.integer)), "default_sla_policy_id": .nullable(.uuid),
            "approval_days": .integer,
            "unknown_senders": .string(enumValues: HelpdeskConfiguration.UnknownSenderPolicy.allCases.map(\.rawValue)),
        ], required: ["entity_id", "priority_matrix", "approval_days", "unknown_senders"])
    }

    func register(_ api: APIRoutes) {
        api.schema("SupportGroup", GroupDTO.schema)
        api.schema("SLAPolicy", PolicyDTO.schema)
        api.schema("HelpdeskSettings", SettingsDTO.schema)
        api.on(.GET, "support-groups", summary: "Groups of technicians", tag: "Helpdesk",
               query: APIRoutes.listParameters(sortable: ["name"]), response: .list(of: "SupportGroup"), use: groups)
        api.on(.POST, "support-groups", summary: "Create a group", tag: "Helpdesk", body: GroupInput.schema,
               response: .ref("SupportGroup"), status: 201, use: createGroup)
        api.on(.GET, "sla-policies", summary: "SLA policies", tag: "Helpdesk",
               query: APIRoutes.listParameters(sortable: ["name"]), response: .list(of: "SLAPolicy"), use: policies)
        api.on(.POST, "sla-policies", summary: "Create an SLA policy", tag: "Helpdesk", body: PolicyInput.schema,
               response: .ref("SLAPolicy"), status: 201, use: createPolicy)
        api.on(.PATCH, "sla-policies/:id", summary: "Change an SLA policy (its escalation levels, among others)",
               tag: "Helpdesk", body: PolicyPatch.schema, response: .ref("SLAPolicy"), use: updatePolicy)
        api.on(.GET, "helpdesk-settings/:entity", summary: "An entity's helpdesk settings, as inherited",
               tag: "Helpdesk", response: .ref("HelpdeskSettings"), use: settings)
        api.on(.PATCH, "helpdesk-settings/:entity", summary: "Change an entity's helpdesk settings", tag: "Helpdesk",
               body: SettingsInput.schema, response: .ref("HelpdeskSettings"), use: updateSettings)
    }

    /// The entities whose helpdesk objects the user may use: where they may open tickets, and the ancestors of
    /// those (a category of the customer serves its sites).
    static func usableEntities(_ req: Request) async throws -> Set<UUID> {
        let tree = try await req.entityTree()
        let own = try await req.entities(for: .ticketsCreate)
        return own.union(own.flatMap { tree.ancestors(of: $0) })
    }

    static func name(_ value: String?, _ errors: inout [String: String]) -> String? {
        TicketService.checkedText(value, "name", limit: 200, singleLine: true, required: true, &errors)
    }

    @Sendable func groups(_ req: Request) async throws -> ListResponse<GroupDTO> {
        try await req.requireAnywhere(.ticketsCreate)
        let query = try req.listQuery(ListQuerySpec(sortable: ["name"], defaultSort: [.init("name")]))
        let entities = try await Self.usableEntities(req)
        let all = try await SupportGroupModel.query(on: req.db).scoped(to: entities, \.$entityID).sort(\.$name).all()
        let page = Array(all.dropFirst(query.offset).prefix(query.perPage))
        let members = page.isEmpty ? [] : try await SupportGroupMemberModel.query(on: req.db)
            .filter(\.$groupID ~~ page.compactMap(\.id)).all()
        return ListResponse(items: page.map { group in
            GroupDTO(id: group.id!, entity_id: group.entityID, name: group.name,
                     member_ids: members.filter { $0.groupID == group.id }.map(\.userID))
        }, total: all.count, next: req.nextPageURL(query, total: all.count))
    }

    @Sendable func createGroup(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(GroupInput.self)
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await req.require(.helpdeskAdmin, in: entityID)
        var errors: [String: String] = [:]
        let name = Self.name(input.name, &errors)
        let memberIDs = TicketService.unique(input.member_ids ?? [])
        let able = try await TicketService(request: req).usersWhoMayWork(memberIDs, entity: entityID,
                                                                         tree: try await req.entityTree())
        if let bad = memberIDs.first(where: { !able.contains($0) }) {
            errors["member_ids"] = "\(bad.uuidString) is not an active account that works this entity's tickets."
        }
        guard errors.isEmpty, let name else { throw ParcError.validation(errors) }
        let group = SupportGroupModel()
        group.id = UUID()
        group.entityID = entityID
        group.name = name
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            if try await SupportGroupModel.query(on: db).filter(\.$entityID == entityID).filter(\.$name == name).count() > 0 {
                throw ParcError.conflict("The entity already has a group named \(name).")
            }
            try await group.create(on: db)
            for user in memberIDs {
                let member = SupportGroupMemberModel()
                member.groupID = group.id!
                member.userID = user
                try await member.create(on: db)
            }
            try await audit.record("support_group.created", objectType: "support_group", objectID: group.id!,
                                   label: name, entityID: entityID,
                                   changes: [FieldChange(field: "name", before: nil, after: name)], on: db)
        }
        let response = try await GroupDTO(id: group.id!, entity_id: entityID, name: name, member_ids: memberIDs)
            .encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func policies(_ req: Request) async throws -> ListResponse<PolicyDTO> {
        try await req.requireAnywhere(.ticketsCreate)
        let query = try req.listQuery(ListQuerySpec(sortable: ["name"], defaultSort: [.init("name")]))
        let all = try await SLAPolicyModel.query(on: req.db).scoped(to: try await Self.usableEntities(req), \.$entityID)
            .sort(\.$name).all()
        return ListResponse(items: try all.dropFirst(query.offset).prefix(query.perPage).map(PolicyDTO.init),
                            total: all.count, next: req.nextPageURL(query, total: all.count))
    }

    @Sendable func createPolicy(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(PolicyInput.self)
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await req.require(.helpdeskAdmin, in: entityID)
        var errors: [String: String] = [:]
        let name = Self.name(input.name, &errors)
        if input.calendar == nil { errors["calendar"] = "is required" }
        if input.rules == nil { errors["rules"] = "Give at least one rule." }
        try await Self.checkPolicy(calendar: input.calendar, rules: input.rules, escalation: input.escalation,
                                   entity: entityID, req, &errors)
        guard errors.isEmpty, let name, let calendar = input.calendar, let rules = input.rules else {
            throw ParcError.validation(errors)
        }
        let policy = SLAPolicyModel()
        policy.id = UUID()
        policy.entityID = entityID
        policy.name = name
        policy.calendarJSON = String(decoding: try JSONEncoder().encode(calendar), as: UTF8.self)
        policy.rulesJSON = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        policy.escalationJSON = try Self.escalationJSON(input.escalation)
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            try await policy.create(on: db)
            try await audit.record("sla_policy.created", objectType: "sla_policy", objectID: policy.id!, label: name,
                                   entityID: entityID, changes: [FieldChange(field: "name", before: nil, after: name),
                                                                 FieldChange(field: "escalation", before: nil,
                                                                             after: policy.escalationJSON)],
                                   on: db)
        }
        let response = try await PolicyDTO(policy).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func updatePolicy(_ req: Request) async throws -> PolicyDTO {
        guard let id = req.parameters.get("id", as: UUID.self), let policy = try await SLAPolicyModel.find(id, on: req.db),
              try await Self.usableEntities(req).contains(policy.entityID)
        else { throw ParcError.notFound("SLA policy") }
        try await req.require(.helpdeskAdmin, in: policy.entityID)
        let input = try req.decodeStrict(PolicyPatch.self)
        var errors: [String: String] = [:]
        let name = input.name == nil ? nil : Self.name(input.name, &errors)
        try await Self.checkPolicy(calendar: input.calendar, rules: input.rules, escalation: input.escalation,
                                   entity: policy.entityID, req, &errors)
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let before: [String: String?] = ["name": policy.name, "calendar": policy.calendarJSON, "rules": policy.rulesJSON,
                                         "escalation": policy.escalationJSON]
        if let name { policy.name = name }
        if let calendar = input.calendar {
            policy.calendarJSON = String(decoding: try JSONEncoder().encode(calendar), as: UTF8.self)
        }
        if let rules = input.rules { policy.rulesJSON = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self) }
        if let escalation = input.escalation { policy.escalationJSON = try Self.escalationJSON(escalation) }
        let after: [String: String?] = ["name": policy.name, "calendar": policy.calendarJSON, "rules": policy.rulesJSON,
                                        "escalation": policy.escalationJSON]
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            try await policy.update(on: db)
            try await audit.record("sla_policy.updated", objectType: "sla_policy", objectID: id, label: policy.name,
                                   entityID: policy.entityID, changes: FieldChange.between(before, after), on: db)
        }
        return try PolicyDTO(policy)
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
                throw error
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

    @Sendable func settings(_ req: Request) async throws -> SettingsDTO {
        guard let entityID = req.parameters.get("entity", as: UUID.self) else { throw ParcError.notFound("entity") }
        try await req.require(.ticketsRead, in: entityID)
        return try await Self.describe(entityID, req)
    }

    static func describe(_ entityID: UUID, _ req: Request) async throws -> SettingsDTO {
        let configuration = try await HelpdeskConfiguration.load(for: entityID, tree: try await req.entityTree(), on: req.db)
        return SettingsDTO(entity_id: entityID, priority_matrix: configuration.matrix.cells,
                           default_sla_policy_id: configuration.defaultSLAPolicyID,
                           approval_days: configuration.approvalDays,
                           unknown_senders: configuration.unknownSenders.rawValue)
    }

    @Sendable func updateSettings(_ req: Request) async throws -> SettingsDTO {
        guard let entityID = req.parameters.get("entity", as: UUID.self) else { throw ParcError.notFound("entity") }
        try await req.require(.helpdeskAdmin, in: entityID)
        let input = try req.decodeStrict(SettingsInput.self)
        var errors: [String: String] = [:]
        if case .some(.some(let cells)) = input.priority_matrix {
            do { _ = try TicketPriorityMatrix(cells: cells) } catch { errors["priority_matrix"] = error.description }
        }
        if case .some(.some(let policyID)) = input.default_sla_policy_id {
            let usable = Set(try await req.entityTree().ancestors(of: entityID) + [entityID])
            let found = try await SLAPolicyModel.find(policyID, on: req.db)
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
        let audit = AuditLog(request: req)
        let now = req.now
        try await req.parc.writeTransaction(on: req.db) { db in
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
        return try await Self.describe(entityID, req)
    }
}
