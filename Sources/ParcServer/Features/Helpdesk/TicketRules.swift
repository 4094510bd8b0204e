import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// The business rules as the server stores and runs them (ParcCore's ``TicketRuleEngine``): the rules of a ticket's
/// entity's ancestors then its own, in order, each when it is enabled and runs on the event — a ticket opened by any
/// path (form, API, mail), or changed by a person (decision 0057). The ticket's history names the rules that matched.
enum TicketRules {
    /// The most rules an entity holds: rules run on every opening and change, so a list that long is a mistake.
    static let perEntity = 200

    /// The rules that apply in `entity`, ancestors' first, each with its stored row (turned off ones included).
    static func rules(for entity: UUID, tree: EntityTree, on db: any Database) async throws -> [TicketRuleModel] {
        let chain = tree.ancestors(of: entity) + [entity]
        let rows = try await TicketRuleModel.query(on: db).filter(\.$entityID ~~ chain).all()
        return rows.sorted {
            let (left, right) = (chain.firstIndex(of: $0.entityID) ?? 0, chain.firstIndex(of: $1.entityID) ?? 0)
            return left != right ? left < right : ($0.position, $0.id!.uuidString) < ($1.position, $1.id!.uuidString)
        }
    }

    /// What one rule did in a run, for the "which rules would match" page.
    enum Verdict: String, Codable, Sendable {
        case matched
        case noMatch = "no_match"
        case disabled
        /// The rule runs on the other event (creation or update).
        case otherEvent = "other_event"
        /// An earlier matching rule said stop.
        case notReached = "not_reached"
    }

    /// A run's outcome with the ids checked: a category, group or policy a rule names that no longer serves the
    /// entity is left out.
    struct Evaluation: Sendable {
        var rows: [TicketRuleModel]
        var verdicts: [Verdict]
        var matched: [String]
        var skipped: [String]
        var category: TicketCategoryModel?
        var groups: [UUID]
        var slaPolicyID: UUID?
        var priority: Int?
        var urgency: Int?
        var impact: Int?
        var type: TicketKind?
        var tags: [String]
    }

    /// Runs the rules of `entity` on `subject` for `event`.
    static func evaluate(_ subject: TicketRuleSubject, entity: UUID, event: TicketRuleEvent,
                         setByHand: Set<TicketRuleAction.Kind> = [], tree: EntityTree, on db: any Database)
        async throws -> Evaluation
    {
        let rows = try await rules(for: entity, tree: tree, on: db)
        let live = rows.filter { $0.enabled && $0.rule != nil }
        let rules = live.compactMap(\.rule)
        var evaluation = Evaluation(rows: rows, verdicts: [], matched: [], skipped: [], groups: [], tags: [])
        let categories = rules.isEmpty ? [] : try await TicketCategoryModel.query(on: db).all()
        let outcome = TicketRuleEngine.run(rules, on: subject, event: event, setByHand: setByHand) { id in
            var path: [String] = []
            var current = UUID(uuidString: id)
            while let next = current, path.count < 32, let category = categories.first(where: { $0.id == next }) {
                path.insert(next.uuidString, at: 0)
                current = category.parentID
            }
            return path.isEmpty ? [id] : path
        }
        let stoppedAt = outcome.matched.first { rules[$0].stop }
        evaluation.verdicts = rows.map { row in
            guard row.enabled, let rule = row.rule, let index = live.firstIndex(where: { $0 === row }) else {
                return .disabled
            }
            if !rule.runsOn.includes(event) { return .otherEvent }
            if outcome.matched.contains(index) { return .matched }
            if let stoppedAt, index > stoppedAt { return .notReached }
            return .noMatch
        }
        evaluation.matched = outcome.matched.map { rules[$0].name }
        evaluation.skipped = outcome.skipped
        let usable = Set(tree.ancestors(of: entity) + [entity])
        if let id = outcome.category.flatMap(UUID.init(uuidString:)),
           let category = categories.first(where: { $0.id == id }), usable.contains(category.entityID) {
            evaluation.category = category
        }
        let groupIDs = outcome.groups.compactMap(UUID.init(uuidString:))
        if !groupIDs.isEmpty {
            let found = try await SupportGroupModel.query(on: db).filter(\.$id ~~ groupIDs).all()
                .filter { usable.contains($0.entityID) }.compactMap(\.id)
            evaluation.groups = groupIDs.filter { found.contains($0) }
        }
        if let id = outcome.slaPolicy.flatMap(UUID.init(uuidString:)),
           let policy = try await SLAPolicyModel.find(id, on: db), usable.contains(policy.entityID) {
            evaluation.slaPolicyID = id
        }
        evaluation.priority = outcome.priority
        evaluation.urgency = outcome.urgency
        evaluation.impact = outcome.impact
        evaluation.type = outcome.type.flatMap(TicketKind.init(rawValue:))
        evaluation.tags = outcome.tags
        return evaluation
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

    /// The subject the rules see for a ticket as it stands (after a change, before it is saved).
    static func subject(of ticket: TicketModel, actors: [TicketActorModel], tree: EntityTree, on db: any Database)
        async throws -> TicketRuleSubject
    {
        let requesters = actors.filter { $0.role == TicketActorRole.requester.rawValue }
        let userIDs = requesters.compactMap(\.userID)
        let emails = try await userIDs.isEmpty ? [] : UserModel.query(on: db).filter(\.$id ~~ userIDs).all()
            .compactMap(\.email)
        return TicketRuleSubject(
            title: ticket.title, description: ticket.description, type: ticket.type,
            categoryPath: try await TicketService.categoryPath(ticket.categoryID, on: db).map(\.uuidString),
            entityPath: (tree.ancestors(of: ticket.entityID) + [ticket.entityID]).map(\.uuidString),
            source: ticket.source, urgency: ticket.urgency, impact: ticket.impact, tags: ticket.tags,
            requesterIDs: userIDs.map(\.uuidString),
            requesterEmails: (emails + requesters.compactMap(\.email)).map { $0.lowercased() })
    }

    /// Runs the rules on a ticket about to be opened and returns it qualified, with the names of the rules that
    /// matched.
    static func apply(to opening: TicketService.TicketOpening, tree: EntityTree, on db: any Database) async throws
        -> (TicketService.TicketOpening, [String])
    {
        let found = try await evaluate(try await subject(of: opening, tree: tree, on: db), entity: opening.entityID,
                                       event: .create, tree: tree, on: db)
        guard !found.matched.isEmpty else { return (opening, []) }
        var result = opening
        if let category = found.category { result.category = category }
        result.groups = TicketService.unique(result.groups + found.groups)
        if let urgency = found.urgency { result.urgency = urgency }
        if let impact = found.impact { result.impact = impact }
        if let priority = found.priority { result.priority = priority }
        if let type = found.type { result.kind = type }
        if let policy = found.slaPolicyID { result.slaPolicyID = policy }
        result.tags = Array((result.tags + found.tags).prefix(TicketLimits.tags))
        return (result, found.matched)
    }

    /// The action kinds whose field a change sets by hand: the rules leave those alone.
    static func setByHand(_ input: TicketPatchInput) -> Set<TicketRuleAction.Kind> {
        var kinds: Set<TicketRuleAction.Kind> = []
        if input.category_id != nil { kinds.insert(.setCategory) }
        if input.group_ids != nil { kinds.insert(.assignGroup) }
        if input.priority != nil { kinds.insert(.setPriority) }
        if input.urgency != nil { kinds.insert(.setUrgency) }
        if input.impact != nil { kinds.insert(.setImpact) }
        if input.type != nil { kinds.insert(.setType) }
        if input.tags != nil { kinds.insert(.addTag) }
        return kinds
    }
}

/// `/api/v1/ticket-rules`: an entity's rules, and the "which rules would match" test.
struct TicketRulesAPI {
    static let ruleSchema = OpenAPISchema.object([
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
        "runs_on": .string(description: "When the rule runs; create when left out",
                           enumValues: TicketRule.RunsOn.allCases.map(\.rawValue)),
    ], required: ["name", "match", "conditions", "actions"])

    struct RuleInput: StrictContent {
        var entity_id: UUID?
        var position: Int?
        var enabled: Bool?
        var rule: TicketRule?
        static let acceptedFields: Set<String> = ["entity_id", "position", "enabled", "rule"]
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "position": .integer, "enabled": .boolean, "rule": TicketRulesAPI.ruleSchema,
        ], required: ["entity_id", "rule"])
    }

    struct RulePatch: StrictContent {
        var position: Int?
        var enabled: Bool?
        var rule: TicketRule?
        static let acceptedFields: Set<String> = ["position", "enabled", "rule"]
        static let schema = OpenAPISchema.object([
            "position": .integer, "enabled": .boolean, "rule": TicketRulesAPI.ruleSchema,
        ], required: [])
    }

    struct MoveInput: StrictContent {
        var direction: String?
        static let acceptedFields: Set<String> = ["direction"]
        static let schema = OpenAPISchema.object(["direction": .string(enumValues: ["up", "down"])],
                                                 required: ["direction"])
    }

    struct RuleDTO: Content {
        let id: UUID
        let entity_id: UUID
        let position: Int
        let enabled: Bool
        let rule: TicketRule

        init?(_ row: TicketRuleModel) {
            guard let rule = row.rule else { return nil }
            id = row.id!
            entity_id = row.entityID
            position = row.position
            enabled = row.enabled
            self.rule = rule
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "position": .integer, "enabled": .boolean, "rule": TicketRulesAPI.ruleSchema,
        ], required: ["id", "entity_id", "position", "enabled", "rule"])
    }

    struct TestInput: StrictContent {
        var ticket_id: UUID?
        var entity_id: UUID?
        var event: String?
        var title: String?
        var description: String?
        var type: String?
        var urgency: Int?
        var impact: Int?
        var source: String?
        var requester_email: String?
        static let acceptedFields: Set<String> = ["ticket_id", "entity_id", "event", "title", "description", "type",
                                                  "urgency", "impact", "source", "requester_email"]
        static let schema = OpenAPISchema.object([
            "ticket_id": .string(format: "uuid", description: "An existing ticket, instead of the fields"), "entity_id": .uuid,
            "event": .string(description: "create (the default with fields) or update (the default with a ticket)",
                             enumValues: TicketRuleEvent.allCases.map(\.rawValue)),
            "title": .string(), "description": .string(), "type": .string(), "urgency": .integer,
            "impact": .integer, "source": .string(), "requester_email": .string(),
        ], required: [])
    }

    struct VerdictDTO: Content {
        let id: UUID
        let entity_id: UUID
        let name: String
        let verdict: String
    }

    struct TestResult: Content, EncodesNulls {
        func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }
        let event: String
        let matched: [String]
        let rules: [VerdictDTO]
        let category_id: String?
        let group_ids: [String]
        let sla_policy_id: String?
        let priority: Int?
        let urgency: Int?
        let impact: Int?
        let type: String?
        let tags: [String]
        let skipped: [String]

        init(event: TicketRuleEvent, _ evaluation: TicketRules.Evaluation) {
            self.event = event.rawValue
            matched = evaluation.matched
            rules = zip(evaluation.rows, evaluation.verdicts).map { row, verdict in
                VerdictDTO(id: row.id!, entity_id: row.entityID, name: row.rule?.name ?? "?", verdict: verdict.rawValue)
            }
            category_id = evaluation.category?.id?.uuidString
            group_ids = evaluation.groups.map(\.uuidString)
            sla_policy_id = evaluation.slaPolicyID?.uuidString
            priority = evaluation.priority
            urgency = evaluation.urgency
            impact = evaluation.impact
            type = evaluation.type?.rawValue
            tags = evaluation.tags
            skipped = evaluation.skipped
        }

        static let schema = OpenAPISchema.object([
            "event": .string(enumValues: TicketRuleEvent.allCases.map(\.rawValue)),
            "matched": .array(.string(description: "Names of the matching rules, in order")),
            "rules": .array(.object([
                "id": .uuid, "entity_id": .uuid, "name": .string(),
                "verdict": .string(enumValues: ["matched", "no_match", "disabled", "other_event", "not_reached"]),
            ], required: ["id", "entity_id", "name", "verdict"])),
            "category_id": .nullable(.uuid), "group_ids": .array(.uuid), "sla_policy_id": .nullable(.uuid),
            "priority": .nullable(.integer), "urgency": .nullable(.integer), "impact": .nullable(.integer),
            "type": .nullable(.string()), "tags": .array(.string()), "skipped": .array(.string()),
        ], required: ["event", "matched", "rules"])
    }

    func register(_ api: APIRoutes) {
        api.schema("TicketRule", RuleDTO.schema)
        api.schema("TicketRuleTest", TestResult.schema)
        api.on(.GET, "ticket-rules", summary: "Business rules, in the order they run", tag: "Helpdesk",
               query: [.init(name: "entity_id", schema: .uuid, description: "The rules that run in this entity")],
               response: .array(.ref("TicketRule")), use: list)
        api.on(.POST, "ticket-rules", summary: "Add a rule", tag: "Helpdesk", body: RuleInput.schema,
               response: .ref("TicketRule"), status: 201, use: create)
        api.on(.PATCH, "ticket-rules/:id", summary: "Change a rule, turn it on or off, or move it", tag: "Helpdesk",
               body: RulePatch.schema, response: .ref("TicketRule"), use: update)
        api.on(.POST, "ticket-rules/:id/move", summary: "Swap a rule with the one before or after it",
               tag: "Helpdesk", body: MoveInput.schema, response: .ref("TicketRule"), use: move)
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
        return rows.compactMap(RuleDTO.init)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(RuleInput.self)
        guard let entity = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        let row = try await TicketRuleStore(request: req).create(entity: entity, rule: input.rule,
                                                                  position: input.position, enabled: input.enabled ?? true)
        let response = try await RuleDTO(row)!.encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func update(_ req: Request) async throws -> RuleDTO {
        let store = TicketRuleStore(request: req)
        let row = try await store.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(RulePatch.self)
        guard let dto = RuleDTO(try await store.update(row, rule: input.rule, position: input.position,
                                                       enabled: input.enabled))
        else { throw ParcError.notFound("rule") }
        return dto
    }

    @Sendable func move(_ req: Request) async throws -> RuleDTO {
        let store = TicketRuleStore(request: req)
        let row = try await store.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(MoveInput.self)
        guard let direction = input.direction, ["up", "down"].contains(direction) else {
            throw ParcError.validation(["direction": "Use up or down."])
        }
        try await store.move(row, up: direction == "up")
        guard let dto = RuleDTO(row) else { throw ParcError.notFound("rule") }
        return dto
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let store = TicketRuleStore(request: req)
        try await store.delete(try await store.find(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    @Sendable func test(_ req: Request) async throws -> TestResult {
        let input = try req.decodeStrict(TestInput.self)
        var event: TicketRuleEvent?
        if let text = input.event {
            guard let value = TicketRuleEvent(rawValue: text) else {
                throw ParcError.validation(["event": "Use create or update."])
            }
            event = value
        }
        let (ran, evaluation) = try await TicketRuleStore(request: req).test(input, event: event)
        return TestResult(event: ran, evaluation)
    }
}
