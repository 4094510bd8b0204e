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

    /// A change of a group: its name, or its members (the list replaces the current one).
    struct GroupPatch: StrictContent {
        var name: String?
        var member_ids: [UUID]?
        static let acceptedFields: Set<String> = ["name", "member_ids"]
        static let schema = OpenAPISchema.object(["name": .string(), "member_ids": .array(.uuid)], required: [])
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

        init() {}

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
        api.on(.PATCH, "support-groups/:id", summary: "Rename a group or replace its members", tag: "Helpdesk",
               body: GroupPatch.schema, response: .ref("SupportGroup"), use: updateGroup)
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
        let (group, members) = try await SupportGroupStore(request: req).create(entity: entityID, name: input.name,
                                                                                members: input.member_ids ?? [])
        let response = try await GroupDTO(id: group.id!, entity_id: entityID, name: group.name, member_ids: members)
            .encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func updateGroup(_ req: Request) async throws -> GroupDTO {
        let store = SupportGroupStore(request: req)
        let group = try await store.find(req.parameters.get("id", as: UUID.self))
        try await req.require(.helpdeskAdmin, in: group.entityID)
        let input = try req.decodeStrict(GroupPatch.self)
        let members = try await store.update(group, name: input.name, members: input.member_ids)
        return GroupDTO(id: group.id!, entity_id: group.entityID, name: group.name, member_ids: members)
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
        let policy = try await SLAPolicyStore(request: req).create(entity: entityID, .init(
            name: input.name, calendar: input.calendar, rules: input.rules, escalation: input.escalation))
        let response = try await PolicyDTO(policy).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func updatePolicy(_ req: Request) async throws -> PolicyDTO {
        let store = SLAPolicyStore(request: req)
        let policy = try await store.find(req.parameters.get("id", as: UUID.self))
        try await req.require(.helpdeskAdmin, in: policy.entityID)
        let input = try req.decodeStrict(PolicyPatch.self)
        try await store.update(policy, .init(name: input.name, calendar: input.calendar, rules: input.rules,
                                             escalation: input.escalation))
        return try PolicyDTO(policy)
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
        try await HelpdeskSettingsStore(request: req).update(entityID, try req.decodeStrict(SettingsInput.self))
        return try await Self.describe(entityID, req)
    }
}
