import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The satisfaction survey: once a ticket is closed, its requester rates the service 1–5 and may comment, once;
/// the results are counted per entity over a period (docs/helpdesk.md).
struct SatisfactionInput: StrictContent {
    var rating: Int?
    var comment: String?
    static let acceptedFields: Set<String> = ["rating", "comment"]
    static let schema = OpenAPISchema.object([
        "rating": .integer, "comment": .string(description: "Optional, up to 5000 characters"),
    ], required: ["rating"])
}

struct SatisfactionDTO: Content, EncodesNulls {
    func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }
    let ticket_id: UUID
    let rating: Int
    let comment: String?
    let answered_at: Date

    init(_ model: TicketSatisfactionModel) {
        ticket_id = model.id!
        rating = model.rating
        comment = model.comment
        answered_at = model.answeredAt
    }

    static let schema = OpenAPISchema.object([
        "ticket_id": .uuid, "rating": .integer, "comment": .nullable(.string()), "answered_at": .string(format: "date-time"),
    ], required: ["ticket_id", "rating", "answered_at"])
}

/// Survey results over the user's entities.
struct SatisfactionResultsDTO: Content {
    let answers: Int
    let closed_tickets: Int
    let response_rate: Double?
    let average: Double?
    /// Answers per rating, 1 to 5.
    let distribution: [Int]
    let since: Date

    static let schema = OpenAPISchema.object([
        "answers": .integer, "closed_tickets": .integer, "response_rate": .nullable(.number),
        "average": .nullable(.number), "distribution": .array(.integer), "since": .string(format: "date-time"),
    ], required: ["answers", "closed_tickets", "distribution", "since"])
}

enum Satisfaction {
    /// Records the requester's answer: only a requester of the ticket, only once it is closed, only once.
    static func answer(_ ticket: TicketModel, _ input: SatisfactionInput, request: Request) async throws
        -> TicketSatisfactionModel
    {
        let user = try request.requireUser()
        let isRequester = try await TicketActorModel.query(on: request.db).filter(\.$ticketID == ticket.id!)
            .filter(\.$userID == user.id).filter(\.$role == TicketActorRole.requester.rawValue).count() > 0
        guard isRequester else {
            throw ParcError(.forbidden, code: "not_requester", "Only the ticket's requesters answer its survey.")
        }
        guard ticket.ticketStatus == .closed else {
            throw ParcError(.conflict, code: "ticket_not_closed", "The survey opens once the ticket is closed.")
        }
        var errors: [String: String] = [:]
        if let rating = input.rating { if !(1...5).contains(rating) { errors["rating"] = "Give 1 to 5." } } else {
            errors["rating"] = "is required: 1 (very dissatisfied) to 5 (very satisfied)"
        }
        let comment = TicketService.checkedText(input.comment, "comment", limit: 5000, singleLine: false,
                                                required: false, &errors)
        guard errors.isEmpty, let rating = input.rating else { throw ParcError.validation(errors) }
        let answer = TicketSatisfactionModel()
        answer.id = ticket.id
        answer.entityID = ticket.entityID
        answer.rating = rating
        answer.comment = comment?.isEmpty == false ? comment : nil
        answer.userID = user.id
        answer.answeredAt = request.now
        let audit = AuditLog(request: request)
        return try await request.parc.writeTransaction(on: request.db) { db in
            guard try await TicketSatisfactionModel.find(ticket.id, on: db) == nil else {
                throw ParcError(.conflict, code: "already_answered", "The survey of this ticket was already answered.")
            }
            try await answer.create(on: db)
            try await audit.record("ticket.satisfaction", objectType: TicketService.objectType, objectID: ticket.id!,
                                   label: "\(ticket.reference) \(ticket.title)", entityID: ticket.entityID,
                                   changes: [FieldChange(field: "rating", before: nil, after: String(rating))], on: db)
            return answer
        }
    }

    /// Answers and closed tickets of `entities` since `since`.
    static func results(entities: Set<UUID>, since: Date, on db: any Database) async throws -> SatisfactionResultsDTO {
        guard !entities.isEmpty else {
            return SatisfactionResultsDTO(answers: 0, closed_tickets: 0, response_rate: nil, average: nil,
                                          distribution: [0, 0, 0, 0, 0], since: since)
        }
        let answers = try await TicketSatisfactionModel.query(on: db).filter(\.$entityID ~~ Array(entities))
            .filter(\.$answeredAt >= since).all()
        let closed = try await TicketModel.query(on: db).filter(\.$entityID ~~ Array(entities))
            .filter(\.$closedAt >= since).count()
        let distribution = (1...5).map { rating in answers.filter { $0.rating == rating }.count }
        let average = answers.isEmpty ? nil
            : (Double(answers.reduce(0) { $0 + $1.rating }) / Double(answers.count) * 100).rounded() / 100
        return SatisfactionResultsDTO(
            answers: answers.count, closed_tickets: closed,
            response_rate: closed == 0 ? nil : (Double(answers.count) / Double(closed) * 1000).rounded() / 1000,
            average: average, distribution: distribution, since: since)
    }
}

/// `/api/v1/tickets/{id}/satisfaction` and `/api/v1/satisfaction`.
struct SatisfactionAPIController {
    func register(_ api: APIRoutes) {
        api.schema("Satisfaction", SatisfactionDTO.schema)
        api.schema("SatisfactionResults", SatisfactionResultsDTO.schema)
        api.on(.POST, "tickets/:id/satisfaction", summary: "Answer the survey of a closed ticket (its requester, once)",
               tag: "Helpdesk", body: SatisfactionInput.schema, response: .ref("Satisfaction"), status: 201, use: answer)
        api.on(.GET, "tickets/:id/satisfaction", summary: "The survey answer of a ticket (404 when none)",
               tag: "Helpdesk", response: .ref("Satisfaction"), use: get)
        api.on(.GET, "satisfaction", summary: "Survey results over your entities", tag: "Helpdesk",
               query: [.init(name: "days", schema: .integer, description: "The period, 1–3660 days back (default 90)."),
                       .init(name: "entity_id", schema: .uuid, description: "An entity and its sub-entities")],
               response: .ref("SatisfactionResults"), use: results)
    }

    @Sendable func answer(_ req: Request) async throws -> Response {
        let ticket = try await TicketService(request: req).find(req.parameters.get("id", as: UUID.self))
        let answer = try await Satisfaction.answer(ticket, try req.decodeStrict(SatisfactionInput.self), request: req)
        let response = try await SatisfactionDTO(answer).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func get(_ req: Request) async throws -> SatisfactionDTO {
        let ticket = try await TicketService(request: req).find(req.parameters.get("id", as: UUID.self))
        guard let answer = try await TicketSatisfactionModel.find(ticket.id, on: req.db) else {
            throw ParcError.notFound("survey answer")
        }
        return SatisfactionDTO(answer)
    }

    @Sendable func results(_ req: Request) async throws -> SatisfactionResultsDTO {
        try await req.requireAnywhere(.ticketsRead)
        let daysText = req.query[String.self, at: "days"] ?? "90"
        guard let days = Int(daysText), (1...3660).contains(days) else {
            throw ParcError.badRequest("invalid_query", "Parameter 'days' must be 1 to 3660.")
        }
        let entities = try await req.listEntities(for: .ticketsRead, entityFilter: req.query[String.self, at: "entity_id"])
        return try await Satisfaction.results(entities: entities, since: req.now.addingTimeInterval(-Double(days) * 86_400),
                                              on: req.db)
    }
}
