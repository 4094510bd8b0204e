import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Links between tickets — `related`, `duplicate` (this ticket duplicates the other), `parent` (the other is this
/// one's parent) — and merging a duplicate into the ticket it repeats (docs/helpdesk.md).
///
/// A link is stored once, from the ticket it was made on; both tickets show it (the other side reads `duplicated_by`
/// and `child`). Both tickets must be visible to the user and in entities where they work tickets.
enum TicketLinkKind: String, CaseIterable, Sendable {
    case related, duplicate, parent

    /// How the other ticket shows the link.
    var inverse: String {
        switch self {
        case .related: "related"
        case .duplicate: "duplicated_by"
        case .parent: "child"
        }
    }
}

struct TicketLinkInput: StrictContent {
    var other_id: UUID?
    var kind: String?
    static let acceptedFields: Set<String> = ["other_id", "kind"]
    static let schema = OpenAPISchema.object([
        "other_id": .uuid, "kind": .string(enumValues: TicketLinkKind.allCases.map(\.rawValue)),
    ], required: ["other_id", "kind"])
}

struct TicketMergeInput: StrictContent {
    var into_id: UUID?
    static let acceptedFields: Set<String> = ["into_id"]
    static let schema = OpenAPISchema.object(["into_id": .uuid], required: ["into_id"])
}

struct TicketLinkDTO: Content {
    let id: UUID
    let kind: String
    let ticket_id: UUID
    let reference: String
    let title: String
    let status: String

    static let schema = OpenAPISchema.object([
        "id": .uuid, "kind": .string(enumValues: ["related", "duplicate", "duplicated_by", "parent", "child"]),
        "ticket_id": .uuid, "reference": .string(), "title": .string(), "status": .string(),
    ], required: ["id", "kind", "ticket_id", "reference", "title", "status"])
}

extension TicketService {
    /// The links of a ticket, both directions, to tickets the user may see.
    func links(of ticket: TicketModel) async throws -> [TicketLinkDTO] {
        let outgoing = try await TicketLinkModel.query(on: db).filter(\.$ticketID == ticket.id!).all()
        let incoming = try await TicketLinkModel.query(on: db).filter(\.$otherID == ticket.id!).all()
        let otherIDs = outgoing.map(\.otherID) + incoming.map(\.ticketID)
        guard !otherIDs.isEmpty else { return [] }
        let access = try await access()
        var others: [UUID: TicketModel] = [:]
        for other in try await TicketModel.query(on: db).filter(\.$id ~~ otherIDs).all()
        where try await isVisible(other, access) {
            others[other.id!] = other
        }
        let rows = outgoing.map { ($0.id!, $0.kind, $0.otherID) }
            + incoming.map { ($0.id!, TicketLinkKind(rawValue: $0.kind)?.inverse ?? $0.kind, $0.ticketID) }
        return rows.compactMap { id, kind, otherID in
            others[otherID].map {
                TicketLinkDTO(id: id, kind: kind, ticket_id: otherID, reference: $0.reference, title: $0.title,
                              status: $0.status)
            }
        }.sorted { $0.reference < $1.reference }
    }

    /// Links `ticket` to another ticket.
    func link(_ ticket: TicketModel, _ input: TicketLinkInput) async throws -> TicketLinkModel {
        try await requireUpdate(ticket)
        var errors: [String: String] = [:]
        let kind = input.kind.flatMap(TicketLinkKind.init(rawValue:))
        if kind == nil { errors["kind"] = "Use related, duplicate or parent." }
        if input.other_id == nil { errors["other_id"] = "is required" }
        if input.other_id == ticket.id { errors["other_id"] = "A ticket cannot be linked to itself." }
        guard errors.isEmpty, let kind, let otherID = input.other_id else { throw ParcError.validation(errors) }
        let other = try await find(otherID)
        try await requireUpdate(other)
        let existing = try await TicketLinkModel.query(on: db).group(.or) { group in
            group.group(.and) { $0.filter(\.$ticketID == ticket.id!).filter(\.$otherID == otherID) }
                .group(.and) { $0.filter(\.$ticketID == otherID).filter(\.$otherID == ticket.id!) }
        }.count()
        guard existing == 0 else { throw ParcError.conflict("The two tickets are already linked.") }
        if kind == .parent, try await isAncestor(ticket.id!, of: otherID) {
            throw ParcError.validation(["other_id": "That ticket is a child of this one; a ticket cannot be its own ancestor."])
        }
        let link = TicketLinkModel()
        link.id = UUID()
        link.ticketID = ticket.id!
        link.otherID = otherID
        link.kind = kind.rawValue
        link.createdAt = request.now
        let audit = AuditLog(request: request)
        return try await withTicketLocked(ticket.id!) { db in
            try await link.create(on: db)
            for (subject, counterpart, shown) in [(ticket, other, kind.rawValue), (other, ticket, kind.inverse)] {
                try await audit.record("ticket.linked", objectType: Self.objectType, objectID: subject.id!,
                                       label: "\(subject.reference) \(subject.title)", entityID: subject.entityID,
                                       changes: [FieldChange(field: shown, before: nil, after: counterpart.reference)],
                                       on: db)
            }
            return link
        }
    }

    /// Whether `ancestor` is reached from `ticket` by following parent links (guards against cycles).
    private func isAncestor(_ ancestor: UUID, of ticket: UUID) async throws -> Bool {
        var frontier = [ticket]
        var seen: Set<UUID> = []
        while let current = frontier.popLast(), seen.count < 1000 {
            guard seen.insert(current).inserted else { continue }
            if current == ancestor { return true }
            frontier += try await TicketLinkModel.query(on: db).filter(\.$ticketID == current)
                .filter(\.$kind == TicketLinkKind.parent.rawValue).all().map(\.otherID)
        }
        return false
    }

    func unlink(_ ticket: TicketModel, link id: UUID?) async throws {
        try await requireUpdate(ticket)
        guard let id, let link = try await TicketLinkModel.find(id, on: db),
              link.ticketID == ticket.id || link.otherID == ticket.id else { throw ParcError.notFound("link") }
        let audit = AuditLog(request: request)
        try await withTicketLocked(ticket.id!) { db in
            try await link.delete(on: db)
            try await audit.record("ticket.unlinked", objectType: Self.objectType, objectID: ticket.id!,
                                   label: "\(ticket.reference) \(ticket.title)", entityID: ticket.entityID,
                                   changes: [FieldChange(field: link.kind, before: link.otherID == ticket.id
                                                            ? link.ticketID.uuidString : link.otherID.uuidString,
                                                         after: nil)], on: db)
        }
    }

    /// Merges `duplicate` into `target`: its requesters and observers join the target, its public followups are
    /// copied there (each saying where it came from), a `duplicate` link is kept, and the duplicate is solved and
    /// closed with a solution that names the target. One transaction; both histories say so.
    func merge(_ duplicate: TicketModel, into targetID: UUID?) async throws -> TicketModel {
        try await requireUpdate(duplicate)
        guard let targetID else { throw ParcError.validation(["into_id": "is required"]) }
        guard targetID != duplicate.id else { throw ParcError.validation(["into_id": "A ticket cannot be merged into itself."]) }
        let target = try await find(targetID)
        try await requireUpdate(target)
        for ticket in [duplicate, target] where ticket.ticketStatus == .closed {
            throw ParcError(.conflict, code: "ticket_closed", "Ticket \(ticket.reference) is closed; merge open tickets only.")
        }
        let user = try request.requireUser()
        let now = request.now
        let audit = AuditLog(request: request)
        let services = request.parc
        return try await services.writeTransaction(on: db) { db in
            try await Self.lock([duplicate.id!, targetID], on: db)
            guard let source = try await TicketModel.find(duplicate.id, on: db),
                  let into = try await TicketModel.find(targetID, on: db),
                  source.ticketStatus != .closed, into.ticketStatus != .closed else {
                throw ParcError(.conflict, code: "ticket_closed", "One of the tickets was closed meanwhile.")
            }
            // People.
            let sourceActors = try await TicketActorModel.query(on: db).filter(\.$ticketID == source.id!).all()
            let targetActors = try await TicketActorModel.query(on: db).filter(\.$ticketID == into.id!).all()
            for actor in sourceActors where actor.role != TicketActorRole.assignee.rawValue {
                let already = targetActors.contains {
                    $0.role == actor.role && $0.userID == actor.userID && $0.email == actor.email && $0.groupID == actor.groupID
                }
                guard !already else { continue }
                let copy = TicketActorModel()
                copy.ticketID = into.id!
                copy.role = actor.role
                copy.userID = actor.userID
                copy.email = actor.email
                try await copy.create(on: db)
            }
            // What the duplicate said, in the target's discussion.
            let opening = TicketFollowupModel()
            opening.ticketID = into.id!
            opening.authorID = source.createdBy
            var openerName = sourceActors.first { $0.role == TicketActorRole.requester.rawValue }?.email ?? user.displayName
            if let creatorID = source.createdBy, let creator = try await UserModel.find(creatorID, on: db) {
                openerName = creator.displayName
            }
            opening.authorName = openerName
            opening.body = "**\(source.reference) — \(source.title)**\n\n\(source.description)"
            opening.isPrivate = false
            opening.source = source.source
            opening.createdAt = source.openedAt
            try await opening.create(on: db)
            for followup in try await TicketFollowupModel.query(on: db).filter(\.$ticketID == source.id!).all() {
                let copy = TicketFollowupModel()
                copy.ticketID = into.id!
                copy.authorID = followup.authorID
                copy.authorName = followup.authorName
                copy.body = "_\(source.reference)_\n\n" + followup.body
                copy.isPrivate = followup.isPrivate
                copy.source = followup.source
                copy.createdAt = followup.createdAt
                try await copy.create(on: db)
            }
            let link = TicketLinkModel()
            link.ticketID = source.id!
            link.otherID = into.id!
            link.kind = TicketLinkKind.duplicate.rawValue
            link.createdAt = now
            if try await TicketLinkModel.query(on: db).filter(\.$ticketID == source.id!).filter(\.$otherID == into.id!)
                .count() == 0 {
                try await link.create(on: db)
            }
            // The duplicate is solved by the merge and closed at once: nobody has to approve a duplicate.
            let before = source.auditSnapshot
            source.solution = "Merged into \(into.reference)."
            source.solutionStatus = "approved"
            source.solvedAt = now
            source.closedAt = now
            source.status = TicketStatus.closed.rawValue
            source.pendingReason = nil
            source.pendingResumesAt = nil
            try await Self.recordStatus(.solved, of: source.id!, at: now, actor: user.id, on: db)
            try await Self.recordStatus(.closed, of: source.id!, at: now, actor: user.id, on: db)
            try await Self.refreshSLA(of: source, policy: try await Self.slaPolicy(id: source.slaPolicyID, on: db),
                                      now: now, on: db)
            try await source.update(on: db)
            try await audit.record("ticket.merged", objectType: Self.objectType, objectID: source.id!,
                                   label: "\(source.reference) \(source.title)", entityID: source.entityID,
                                   changes: FieldChange.between(before, source.auditSnapshot)
                                       + [FieldChange(field: "merged_into", before: nil, after: into.reference)], on: db)
            try await audit.record("ticket.merged_in", objectType: Self.objectType, objectID: into.id!,
                                   label: "\(into.reference) \(into.title)", entityID: into.entityID,
                                   changes: [FieldChange(field: "merged_from", before: nil, after: source.reference)],
                                   on: db)
            return into
        }
    }
}

/// `/api/v1/tickets/{id}/links` and `/api/v1/tickets/{id}/merge`.
struct TicketLinksAPIController {
    func register(_ api: APIRoutes) {
        api.schema("TicketLink", TicketLinkDTO.schema)
        api.on(.GET, "tickets/:id/links", summary: "The ticket's links, both directions", tag: "Helpdesk",
               response: .array(.ref("TicketLink")), use: list)
        api.on(.POST, "tickets/:id/links", summary: "Link to another ticket (related, duplicate, parent)",
               tag: "Helpdesk", body: TicketLinkInput.schema, response: .array(.ref("TicketLink")), status: 201,
               use: create)
        api.on(.DELETE, "tickets/:id/links/:link", summary: "Remove a link", tag: "Helpdesk", response: nil,
               status: 204, use: delete)
        api.on(.POST, "tickets/:id/merge", summary: "Merge this duplicate into another ticket, and close it",
               tag: "Helpdesk", body: TicketMergeInput.schema, response: .ref("Ticket"), use: merge)
    }

    @Sendable func list(_ req: Request) async throws -> [TicketLinkDTO] {
        let service = TicketService(request: req)
        return try await service.links(of: try await service.find(req.parameters.get("id", as: UUID.self)))
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        _ = try await service.link(ticket, try req.decodeStrict(TicketLinkInput.self))
        let response = try await service.links(of: ticket).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.unlink(ticket, link: req.parameters.get("link", as: UUID.self))
        return .noContent
    }

    @Sendable func merge(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(TicketMergeInput.self)
        return try await TicketsAPIController.respond(req, try await service.merge(ticket, into: input.into_id))
    }
}
