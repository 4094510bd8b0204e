import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// A person on a ticket as the API shows them.
struct TicketPersonDTO: Content, EncodesNulls {
    func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }

    let id: UUID?
    let name: String
    let email: String?
}

/// A group on a ticket.
struct TicketGroupDTO: Content {
    let id: UUID
    let name: String
}

/// A ticket as `/api/v1/tickets` shows it.
struct TicketDTO: Content, EncodesNulls {
    func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }

    let id: UUID
    let reference: String
    let title: String
    let description: String
    let type: String
    let status: String
    let urgency: Int
    let impact: Int
    let priority: Int
    let entity_id: UUID
    let entity: String
    let category_id: UUID?
    let category: String?
    let source: String
    let location: String?
    let tags: [String]
    let requesters: [TicketPersonDTO]
    let observers: [TicketPersonDTO]
    let assignees: [TicketPersonDTO]
    let groups: [TicketGroupDTO]
    let asset_ids: [UUID]
    let pending_reason: String?
    let pending_resumes_at: Date?
    let opened_at: Date
    let taken_into_account_at: Date?
    let solved_at: Date?
    let closed_at: Date?
    let time_to_own_due: Date?
    let time_to_resolve_due: Date?
    let time_to_own_breached: Bool
    let time_to_resolve_breached: Bool
    let time_to_resolve_paused: Bool
    let solution: String?
    let solution_status: String?
    let diagnosis: String?
    let parts: String?
    let created_at: Date?
    let updated_at: Date?

    static let schema = OpenAPISchema.object([
        "id": .uuid, "reference": .string(description: "Human reference, e.g. 2026-00042"), "title": .string(),
        "description": .string(description: "Markdown"),
        "type": .string(enumValues: TicketKind.allCases.map(\.rawValue)),
        "status": .string(enumValues: TicketStatus.allCases.map(\.rawValue)),
        "urgency": .integer, "impact": .integer, "priority": .integer, "entity_id": .uuid, "entity": .string(),
        "category_id": .nullable(.uuid), "category": .nullable(.string()),
        "source": .string(enumValues: TicketSource.allCases.map(\.rawValue)), "location": .nullable(.string()),
        "tags": .array(.string()),
        "requesters": .array(.object(["id": .nullable(.uuid), "name": .string(), "email": .nullable(.string())], required: ["name"])),
        "observers": .array(.object(["id": .nullable(.uuid), "name": .string(), "email": .nullable(.string())], required: ["name"])),
        "assignees": .array(.object(["id": .nullable(.uuid), "name": .string(), "email": .nullable(.string())], required: ["name"])),
        "groups": .array(.object(["id": .uuid, "name": .string()], required: ["id", "name"])),
        "asset_ids": .array(.uuid),
        "pending_reason": .nullable(.string()), "pending_resumes_at": .nullable(.string(format: "date-time")),
        "opened_at": .string(format: "date-time"), "taken_into_account_at": .nullable(.string(format: "date-time")),
        "solved_at": .nullable(.string(format: "date-time")), "closed_at": .nullable(.string(format: "date-time")),
        "time_to_own_due": .nullable(.string(format: "date-time")),
        "time_to_resolve_due": .nullable(.string(format: "date-time", description: "Moves while the ticket is pending")),
        "time_to_own_breached": .boolean, "time_to_resolve_breached": .boolean, "time_to_resolve_paused": .boolean,
        "diagnosis": .nullable(.string()), "parts": .nullable(.string()),
        "solution": .nullable(.string()), "solution_status": .nullable(.string(enumValues: ["waiting", "approved", "refused"])),
        "created_at": .string(format: "date-time"), "updated_at": .string(format: "date-time"),
    ], required: ["id", "reference", "title", "status", "priority", "opened_at", "time_to_own_due", "time_to_resolve_due"])

    /// Loads what the DTOs of `tickets` need in a few queries, and computes the SLA state at `now`.
    static func load(_ tickets: [TicketModel], request: Request) async throws -> [TicketDTO] {
        guard !tickets.isEmpty else { return [] }
        let db = request.db
        let ids = tickets.compactMap(\.id)
        let actors = try await TicketActorModel.query(on: db).filter(\.$ticketID ~~ ids).all()
        let userIDs = Set(actors.compactMap(\.userID))
        let users = userIDs.isEmpty ? [] : try await UserModel.query(on: db).filter(\.$id ~~ Array(userIDs)).all()
        let usersByID = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0) })
        let groupIDs = Set(actors.compactMap(\.groupID))
        let groups = groupIDs.isEmpty ? [] : try await SupportGroupModel.query(on: db).filter(\.$id ~~ Array(groupIDs)).all()
        let groupsByID = Dictionary(uniqueKeysWithValues: groups.map { ($0.id!, $0.name) })
        let assets = try await TicketAssetModel.query(on: db).filter(\.$ticketID ~~ ids).all()
        let categoryIDs = Set(tickets.compactMap(\.categoryID))
        let categories = categoryIDs.isEmpty ? [] : try await TicketCategoryModel.query(on: db)
            .filter(\.$id ~~ Array(categoryIDs)).all()
        let categoriesByID = Dictionary(uniqueKeysWithValues: categories.map { ($0.id!, $0.name) })
        let paused = Set(tickets.filter { [.pending, .solved, .closed].contains($0.ticketStatus) }.compactMap(\.id))
        // A pending ticket's deadline moves with each working minute: recompute it at now.
        let running = tickets.filter { $0.ticketStatus == .pending && $0.slaPolicyID != nil }
        var live: [UUID: Date?] = [:]
        if !running.isEmpty {
            let changes = try await TicketStatusChangeModel.query(on: db).filter(\.$ticketID ~~ running.compactMap(\.id))
                .sort(\.$changedAt).all()
            var policies: [UUID: SLAPolicy] = [:]
            for ticket in running {
                guard let policyID = ticket.slaPolicyID else { continue }
                if policies[policyID] == nil, let model = try await SLAPolicyModel.find(policyID, on: db) {
                    policies[policyID] = try? SLAPolicy(model)
                }
                guard let policy = policies[policyID] else { continue }
                let own = changes.filter { $0.ticketID == ticket.id }.compactMap { row in
                    TicketStatus(rawValue: row.status).map { TicketStatusChange($0, at: row.changedAt) }
                }
                live[ticket.id!] = TicketService.clock(of: ticket, policy: policy, changes: own)
                    .timeToResolveDue(at: request.now)
            }
        }
        let tree = try await request.entityTree()
        return tickets.map { ticket in
            let own = actors.filter { $0.ticketID == ticket.id }
            func people(_ role: TicketActorRole) -> [TicketPersonDTO] {
                own.filter { $0.role == role.rawValue && $0.groupID == nil }.map { actor in
                    if let id = actor.userID, let user = usersByID[id] {
                        return TicketPersonDTO(id: id, name: user.displayName, email: user.email)
                    }
                    return TicketPersonDTO(id: actor.userID, name: actor.email ?? "—", email: actor.email)
                }
            }
            return TicketDTO(
                id: ticket.id!, reference: ticket.reference, title: ticket.title, description: ticket.description,
                type: ticket.type, status: ticket.status, urgency: ticket.urgency, impact: ticket.impact,
                priority: ticket.priority, entity_id: ticket.entityID, entity: tree.path(of: ticket.entityID),
                category_id: ticket.categoryID, category: ticket.categoryID.flatMap { categoriesByID[$0] },
                source: ticket.source, location: ticket.location, tags: ticket.tags,
                requesters: people(.requester), observers: people(.observer), assignees: people(.assignee),
                groups: own.compactMap { actor in
                    actor.groupID.map { TicketGroupDTO(id: $0, name: groupsByID[$0] ?? "—") }
                },
                asset_ids: assets.filter { $0.ticketID == ticket.id }.map(\.assetID),
                pending_reason: ticket.pendingReason, pending_resumes_at: ticket.pendingResumesAt,
                opened_at: ticket.openedAt, taken_into_account_at: ticket.takenIntoAccountAt,
                solved_at: ticket.solvedAt, closed_at: ticket.closedAt, time_to_own_due: ticket.timeToOwnDue,
                time_to_resolve_due: live[ticket.id!] ?? ticket.timeToResolveDue,
                time_to_own_breached: ticket.timeToOwnBreached
                    || (ticket.takenIntoAccountAt == nil && (ticket.timeToOwnDue.map { request.now > $0 } ?? false)),
                time_to_resolve_breached: ticket.timeToResolveBreached
                    || (!paused.contains(ticket.id!) && (ticket.timeToResolveDue.map { request.now > $0 } ?? false)),
                time_to_resolve_paused: paused.contains(ticket.id!),
                solution: ticket.solution, solution_status: ticket.solutionStatus, diagnosis: ticket.diagnosis,
                parts: ticket.parts,
                created_at: ticket.createdAt, updated_at: ticket.updatedAt)
        }
    }
}

/// A followup as the API shows it.
struct FollowupDTO: Content, EncodesNulls {
    func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }

    let id: UUID
    let author_id: UUID?
    let author: String
    let body: String
    let is_private: Bool
    let source: String
    let created_at: Date

    init(_ model: TicketFollowupModel) {
        id = model.id!
        author_id = model.authorID
        author = model.authorName
        body = model.body
        is_private = model.isPrivate
        source = model.source
        created_at = model.createdAt
    }

    static let schema = OpenAPISchema.object([
        "id": .uuid, "author_id": .nullable(.uuid), "author": .string(), "body": .string(description: "Markdown"),
        "is_private": .boolean, "source": .string(), "created_at": .string(format: "date-time"),
    ], required: ["id", "author", "body", "is_private", "created_at"])
}

/// A task as the API shows it.
struct TaskDTO: Content, EncodesNulls {
    func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }

    let id: UUID
    let description: String
    let technician_id: UUID?
    let planned_at: Date?
    let planned_minutes: Int?
    let spent_minutes: Int
    let done: Bool
    let is_private: Bool
    let created_at: Date
    let updated_at: Date

    init(_ model: TicketTaskModel) {
        id = model.id!
        description = model.description
        technician_id = model.technicianID
        planned_at = model.plannedAt
        planned_minutes = model.plannedMinutes
        spent_minutes = model.spentMinutes
        done = model.done
        is_private = model.isPrivate
        created_at = model.createdAt
        updated_at = model.updatedAt
    }

    static let schema = OpenAPISchema.object([
        "id": .uuid, "description": .string(), "technician_id": .nullable(.uuid),
        "planned_at": .nullable(.string(format: "date-time")), "planned_minutes": .nullable(.integer),
        "spent_minutes": .integer, "done": .boolean, "is_private": .boolean,
        "created_at": .string(format: "date-time"), "updated_at": .string(format: "date-time"),
    ], required: ["id", "description", "spent_minutes", "done"])
}
