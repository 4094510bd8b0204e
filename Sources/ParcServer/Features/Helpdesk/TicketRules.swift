import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// The business rules as the server stores and runs them (ParcCore's ``TicketRuleEngine``): when a ticket is opened,
/// by any path (form, API, mail), the rules of its entity's ancestors then its own run in order, and their actions
/// qualify the ticket before it is saved; the ticket's history names the rules that matched.
enum TicketRules {
    /// The rules that apply in `entity`, ancestors' first, each with its stored row.
    static func rules(for entity: UUID, tree: EntityTree, on db: any Database) async throws -> [TicketRuleModel] {
        let chain = tree.ancestors(of: entity) + [entity]
        let rows = try await TicketRuleModel.query(on: db).filter(\.$entityID ~~ chain).all()
        return rows.sorted {
            let (left, right) = (chain.firstIndex(of: $0.entityID) ?? 0, chain.firstIndex(of: $1.entityID) ?? 0)
            return left != right ? left < right : ($0.position, $0.id!.uuidString) < ($1.position, $1.id!.uuidString)
        }
    }

    /// The subject the rules see for a ticket about to be opened.
    static func subject(of opening: TicketService.TicketOpening, tree: EntityTree, on db: any Database) async throws
        -> TicketRuleSubject
    {
        let emails = try await opening.requesters.isEmpty ? [] : UserModel.query(on: db)
            .filter(\.$id ~~ opening.requesters).all().compactMap(\.email)
        return TicketRuleSubject(
            title: opening.title, description: opening.description, type: opening.kind.rawValue,
            categoryPath: try await TicketService.categoryPath(opening.category?.id, on: db).map(\.uuidString),
            entityPath: (tree.ancestors(of: opening.entityID) + [opening.entityID]).map(\.uuidString),
            source: opening.source.rawValue, urgency: opening.urgency, impact: opening.impact, tags: opening.tags,
            requesterIDs: opening.requesters.map(\.uuidString),
            requesterEmails: (emails + opening.emailRequesters).map { $0.lowercased() })
    }

    /// Runs the rules on a ticket about to be opened and returns it qualified, with the names of the rules that
    /// matched. A category or group a rule names that no longer serves the entity is skipped.
    static func apply(to opening: TicketService.TicketOpening, tree: EntityTree, on db: any Database) async throws
        -> (TicketService.TicketOpening, [String])
    {
        let rows = try await rules(for: opening.entityID, tree: tree, on: db)
        let rules = rows.compactMap(\.rule)
        guard !rules.isEmpty else { return (opening, []) }
        let categories = try await TicketCategoryModel.query(on: db).all()
        let outcome = TicketRuleEngine.run(rules, on: try await subject(of: opening, tree: tree, on: db)) { id in
            var path: [String] = []
            var current = UUID(uuidString: id)
            while let next = current, path.count < 32, let category = categories.first(where: { $0.id == next }) {
                path.insert(next.uuidString, at: 0)
                current = category.parentID
            }
            return path.isEmpty ? [id] : path
        }
        guard !outcome.isEmpty else { return (opening, []) }
        var result = opening
        let usable = Set(tree.ancestors(of: opening.entityID) + [opening.entityID])
        if let id = outcome.category.flatMap(UUID.init(uuidString:)),
           let category = categories.first(where: { $0.id == id }), usable.contains(category.entityID) {
            result.category = category
        }
        let groupIDs = outcome.groups.compactMap(UUID.init(uuidString:))
        if !groupIDs.isEmpty {
            let groups = try await SupportGroupModel.query(on: db).filter(\.$id ~~ groupIDs).all()
                .filter { usable.contains($0.entityID) }.compactMap(\.id)
            result.groups = TicketService.unique(result.groups + groupIDs.filter { groups.contains($0) })
        }
        if let urgency = outcome.urgency { result.urgency = urgency }
        if let impact = outcome.impact { result.impact = impact }
        if let priority = outcome.priority { result.priority = priority }
        if let type = outcome.type.flatMap(TicketKind.init(rawValue:)) { result.kind = type }
        result.tags = Array((result.tags + outcome.tags).prefix(TicketLimits.tags))
        return (result, outcome.matched.map { rules[$0].name })
    }
}

/// `/api/v1/ticket-rules`: an entity's rules, and the "which rules would match" test.
struct TicketRulesAPI {
    struct RuleInput: StrictContent {
        var entity_id: UUID?
        var position: Int?
        var rule: TicketRule?
        static let acceptedFields: Set<String> = ["entity_id", "position", "rule"]
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "position": .integer,
            "rule": .object([
                "name": .string(), "match": .string(enumValues: TicketRule.Match.allCases.map(\.rawValue)),
                "conditions": .array(.object([
                    "field": .string(enumValues: TicketRuleCondition.Field.allCases.map(\.rawValue)),
                    "operator": .string(enumValues: TicketRuleCondition.Operator.allCases.map(\.rawValue)),
                    "value": .string(),
                ], required: ["field", "operator", "value"])),
                "actions": .array(.object([
                    "kind": .string(enumValues: TicketRuleAction.Kind.allCases.map(\.rawValue)), "value": .string(),
                ], required: ["kind", "value"])),
                "stop": .boolean,
            ], required: ["name", "match", "conditions", "actions", "stop"]),
        ], required: ["entity_id", "rule"])
    }

    struct RuleDTO: Content {
        let id: UUID
        let entity_id: UUID
        let position: Int
        let rule: TicketRule
        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "position": .integer, "rule": .map(.string()),
        ], required: ["id", "entity_id", "position", "rule"])
    }

    struct TestInput: StrictContent {
        var entity_id: UUID?
        var title: String?
        var description: String?
        var type: String?
        var urgency: Int?
        var impact: Int?
        var source: String?
        var requester_email: String?
        static let acceptedFields: Set<String> = ["entity_id", "title", "description", "type", "urgency", "impact",
                                                  "source", "requester_email"]
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "title": .string(), "description": .string(), "type": .string(), "urgency": .integer,
            "impact": .integer, "source": .string(), "requester_email": .string(),
        ], required: ["entity_id", "title"])
    }

    struct TestResult: Content, EncodesNulls {
        func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }
        let matched: [String]
        let category_id: String?
        let group_ids: [String]
        let priority: Int?
        let urgency: Int?
        let impact: Int?
        let type: String?
        let tags: [String]
        static let schema = OpenAPISchema.object([
            "matched": .array(.string(description: "Names of the matching rules, in order")),
            "category_id": .nullable(.uuid), "group_ids": .array(.uuid), "priority": .nullable(.integer),
            "urgency": .nullable(.integer), "impact": .nullable(.integer), "type": .nullable(.string()),
            "tags": .array(.string()),
        ], required: ["matched"])
    }

    func register(_ api: APIRoutes) {
        api.schema("TicketRule", RuleDTO.schema)
        api.schema("TicketRuleTest", TestResult.schema)
        api.on(.GET, "ticket-rules", summary: "Business rules, in the order they run", tag: "Helpdesk",
               query: [.init(name: "entity_id", schema: .uuid, description: "The rules that run in this entity")],
               response: .array(.ref("TicketRule")), use: list)
        api.on(.POST, "ticket-rules", summary: "Add a rule", tag: "Helpdesk", body: RuleInput.schema,
               response: .ref("TicketRule"), status: 201, use: create)
        api.on(.DELETE, "ticket-rules/:id", summary: "Delete a rule", tag: "Helpdesk", response: nil, status: 204,
               use: delete)
        api.on(.POST, "ticket-rules/test", summary: "Which rules would match this ticket, and what they would do",
               tag: "Helpdesk", body: TestInput.schema, response: .ref("TicketRuleTest"), use: test)
    }

    @Sendable func list(_ req: Request) async throws -> [RuleDTO] {
        try await req.requireAnywhere(.helpdeskAdmin)
        let tree = try await req.entityTree()
        let visible = try await req.entities(for: .helpdeskAdmin)
        let rows: [TicketRuleModel]
        if let text = req.query[String.self, at: "entity_id"] {
            guard let entity = UUID(uuidString: text) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'entity_id' must be a UUID.")
            }
            try await req.require(.helpdeskAdmin, in: entity)
            rows = try await TicketRules.rules(for: entity, tree: tree, on: req.db)
        } else {
            rows = try await TicketRuleModel.query(on: req.db).scoped(to: visible, \.$entityID).sort(\.$position).all()
        }
        return rows.compactMap { row in
            row.rule.map { RuleDTO(id: row.id!, entity_id: row.entityID, position: row.position, rule: $0) }
        }
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(RuleInput.self)
        guard let entity = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await req.require(.helpdeskAdmin, in: entity)
        guard let proposed = input.rule else { throw ParcError.validation(["rule": "is required"]) }
        let rule: TicketRule
        do { rule = try proposed.validated() } catch { throw ParcError.validation(["rule": error.description]) }
        let row = TicketRuleModel()
        row.id = UUID()
        row.entityID = entity
        row.ruleJSON = String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            let last = try await TicketRuleModel.query(on: db).filter(\.$entityID == entity).max(\.$position) ?? 0
            row.position = input.position.map { max(0, min($0, 100_000)) } ?? last + 10
            try await row.create(on: db)
            try await audit.record("ticket_rule.created", objectType: "ticket_rule", objectID: row.id!, label: rule.name,
                                   entityID: entity, changes: [FieldChange(field: "rule", before: nil, after: row.ruleJSON)],
                                   on: db)
        }
        let response = try await RuleDTO(id: row.id!, entity_id: entity, position: row.position, rule: rule)
            .encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("id", as: UUID.self), let row = try await TicketRuleModel.find(id, on: req.db)
        else { throw ParcError.notFound("rule") }
        try await req.require(.helpdeskAdmin, in: row.entityID)
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            try await row.delete(on: db)
            try await audit.record("ticket_rule.deleted", objectType: "ticket_rule", objectID: id,
                                   label: row.rule?.name ?? "rule", entityID: row.entityID,
                                   changes: [FieldChange(field: "rule", before: row.ruleJSON, after: nil)], on: db)
        }
        return .noContent
    }

    @Sendable func test(_ req: Request) async throws -> TestResult {
        let input = try req.decodeStrict(TestInput.self)
        guard let entity = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await req.require(.ticketsUpdate, in: entity)
        var errors: [String: String] = [:]
        let title = TicketService.checkedText(input.title, "title", limit: TicketLimits.title, singleLine: true,
                                              required: true, &errors) ?? ""
        let description = TicketService.checkedText(input.description ?? "", "description",
                                                    limit: TicketLimits.description, singleLine: false, required: false,
                                                    &errors) ?? ""
        let kind = TicketKind(rawValue: input.type ?? "incident")
        if kind == nil { errors["type"] = "Use incident or request." }
        let source = TicketSource(rawValue: input.source ?? "web")
        if source == nil { errors["source"] = "Use one of \(TicketSource.allCases.map(\.rawValue).joined(separator: ", "))." }
        let urgency = TicketService.level(input.urgency ?? 3, "urgency", required: true, &errors)
        let impact = TicketService.level(input.impact ?? 3, "impact", required: true, &errors)
        guard errors.isEmpty, let kind, let source, let urgency, let impact else { throw ParcError.validation(errors) }
        let opening = TicketService.TicketOpening(
            entityID: entity, kind: kind, title: title, description: description, urgency: urgency, impact: impact,
            priority: nil, category: nil, source: source, location: nil, tags: [], requesters: [],
            emailRequesters: input.requester_email.map { [String($0.prefix(320))] } ?? [], observers: [], assignees: [],
            groups: [], assets: [], createdBy: nil)
        let (result, matched) = try await TicketRules.apply(to: opening, tree: try await req.entityTree(), on: req.db)
        return TestResult(matched: matched, category_id: result.category?.id?.uuidString,
                          group_ids: result.groups.map(\.uuidString), priority: result.priority,
                          urgency: result.urgency == urgency ? nil : result.urgency,
                          impact: result.impact == impact ? nil : result.impact,
                          type: result.kind == kind ? nil : result.kind.rawValue, tags: result.tags)
    }
}
