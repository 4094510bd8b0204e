import Foundation
import ParcCore

/// A ticket as `POST /api/v1/tickets` takes it, and as the new-ticket form builds it.
struct TicketCreateInput: StrictContent {
    var title: String?
    var description: String?
    var type: String?
    var urgency: Int?
    var impact: Int?
    var priority: Int?
    var category_id: UUID?
    var entity_id: UUID?
    var requester_ids: [UUID]?
    var observer_ids: [UUID]?
    var assignee_ids: [UUID]?
    var group_ids: [UUID]?
    var asset_ids: [UUID]?
    var location: String?
    var tags: [String]?
    var source: String?

    static let acceptedFields: Set<String> = [
        "title", "description", "type", "urgency", "impact", "priority", "category_id", "entity_id", "requester_ids",
        "observer_ids", "assignee_ids", "group_ids", "asset_ids", "location", "tags", "source",
    ]

    static let schema = OpenAPISchema.object([
        "title": .string(), "description": .string(description: "Markdown"),
        "type": .string(enumValues: TicketKind.allCases.map(\.rawValue)),
        "urgency": .integer, "impact": .integer,
        "priority": .integer, "category_id": .uuid, "entity_id": .uuid,
        "requester_ids": .array(.uuid), "observer_ids": .array(.uuid), "assignee_ids": .array(.uuid),
        "group_ids": .array(.uuid), "asset_ids": .array(.uuid), "location": .string(), "tags": .array(.string()),
        "source": .string(enumValues: TicketSource.allCases.map(\.rawValue)),
    ], required: ["title", "description", "type", "urgency", "impact"])
}

/// A change as `PATCH /api/v1/tickets/{id}` takes it: a field left out keeps its value; the lists given replace
/// the current ones. `status` moves the ticket through its lifecycle (pending needs `pending_reason`; solved needs
/// `solution`).
struct TicketPatchInput: StrictContent {
    var title: String?
    var description: String?
    var type: String?
    var urgency: Int?
    var impact: Int?
    var priority: Int?
    var category_id: UUID??
    var entity_id: UUID?
    var requester_ids: [UUID]?
    var observer_ids: [UUID]?
    var assignee_ids: [UUID]?
    var group_ids: [UUID]?
    var asset_ids: [UUID]?
    var location: String?
    var tags: [String]?
    var status: String?
    var pending_reason: String?
    var pending_resumes_at: Date?
    var solution: String?
    var diagnosis: String?
    var parts: String?

    static let acceptedFields: Set<String> = TicketCreateInput.acceptedFields.subtracting(["source"])
        .union(["status", "pending_reason", "pending_resumes_at", "solution", "diagnosis", "parts"])

    static let schema = OpenAPISchema.object([
        "title": .string(), "description": .string(), "type": .string(enumValues: TicketKind.allCases.map(\.rawValue)),
        "urgency": .integer, "impact": .integer, "priority": .integer, "category_id": .nullable(.uuid),
        "entity_id": .uuid, "requester_ids": .array(.uuid), "observer_ids": .array(.uuid),
        "assignee_ids": .array(.uuid), "group_ids": .array(.uuid), "asset_ids": .array(.uuid),
        "location": .string(), "tags": .array(.string()),
        "status": .string(enumValues: TicketStatus.allCases.map(\.rawValue)),
        "pending_reason": .string(), "pending_resumes_at": .string(format: "date-time"),
        "solution": .string(description: "Markdown; required to solve"),
        "diagnosis": .string(description: "For the intervention sheet"),
        "parts": .string(description: "Parts used, one per line, for the intervention sheet"),
    ], required: [])

    private enum Keys: String, CodingKey {
        case title, description, type, urgency, impact, priority, category_id, entity_id, requester_ids, observer_ids,
             assignee_ids, group_ids, asset_ids, location, tags, status, pending_reason, pending_resumes_at, solution,
             diagnosis, parts
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        urgency = try c.decodeIfPresent(Int.self, forKey: .urgency)
        impact = try c.decodeIfPresent(Int.self, forKey: .impact)
        priority = try c.decodeIfPresent(Int.self, forKey: .priority)
        if c.contains(.category_id) {
            category_id = try c.decodeNil(forKey: .category_id) ? .some(nil) : .some(try c.decode(UUID.self, forKey: .category_id))
        }
        entity_id = try c.decodeIfPresent(UUID.self, forKey: .entity_id)
        requester_ids = try c.decodeIfPresent([UUID].self, forKey: .requester_ids)
        observer_ids = try c.decodeIfPresent([UUID].self, forKey: .observer_ids)
        assignee_ids = try c.decodeIfPresent([UUID].self, forKey: .assignee_ids)
        group_ids = try c.decodeIfPresent([UUID].self, forKey: .group_ids)
        asset_ids = try c.decodeIfPresent([UUID].self, forKey: .asset_ids)
        location = try c.decodeIfPresent(String.self, forKey: .location)
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        pending_reason = try c.decodeIfPresent(String.self, forKey: .pending_reason)
        pending_resumes_at = try c.decodeIfPresent(Date.self, forKey: .pending_resumes_at)
        solution = try c.decodeIfPresent(String.self, forKey: .solution)
        diagnosis = try c.decodeIfPresent(String.self, forKey: .diagnosis)
        parts = try c.decodeIfPresent(String.self, forKey: .parts)
    }
}

/// A followup as `POST /api/v1/tickets/{id}/followups` takes it.
struct FollowupInput: StrictContent {
    var body: String?
    var is_private: Bool?
    static let acceptedFields: Set<String> = ["body", "is_private"]
    static let schema = OpenAPISchema.object(["body": .string(description: "Markdown"), "is_private": .boolean],
                                             required: ["body"])
}

/// A task as `POST` and `PATCH /api/v1/tickets/{id}/tasks` take it.
struct TaskInput: StrictContent {
    var description: String?
    var technician_id: UUID?
    var planned_at: Date?
    var planned_minutes: Int?
    var spent_minutes: Int?
    var done: Bool?
    var is_private: Bool?
    static let acceptedFields: Set<String> = ["description", "technician_id", "planned_at", "planned_minutes",
                                              "spent_minutes", "done", "is_private"]
    static let schema = OpenAPISchema.object([
        "description": .string(), "technician_id": .uuid, "planned_at": .string(format: "date-time"),
        "planned_minutes": .integer, "spent_minutes": .integer, "done": .boolean, "is_private": .boolean,
    ], required: [])
}

/// The requester's answer to a solution.
struct SolutionAnswerInput: StrictContent {
    var comment: String?
    static let acceptedFields: Set<String> = ["comment"]
    static let schema = OpenAPISchema.object(["comment": .string(description: "Required to refuse")], required: [])
}

enum TicketKind: String, CaseIterable, Sendable { case incident, request }

enum TicketSource: String, CaseIterable, Sendable { case web, mail, phone, api, monitoring }

/// The limits on what a ticket holds; the API's messages quote them.
enum TicketLimits {
    static let title = 250
    static let description = 100_000
    static let followup = 100_000
    static let tags = 20
    static let tag = 50
    static let location = 255
    static let actors = 50
    static let assets = 50
    static let pendingReason = 1000
}
