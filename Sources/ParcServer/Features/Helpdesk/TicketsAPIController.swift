import Fluent
import Foundation
import ParcCore
import Vapor

/// `/api/v1/tickets`: tickets, their followups and tasks, and the answer to a solution (docs/helpdesk.md).
struct TicketsAPIController {
    static let bodyLimit: ByteCount = "1mb"

    func register(_ api: APIRoutes) {
        api.schema("Ticket", TicketDTO.schema)
        api.schema("Followup", FollowupDTO.schema)
        api.schema("Task", TaskDTO.schema)
        api.on(.GET, "tickets", summary: "List tickets", tag: "Helpdesk",
               query: APIRoutes.listParameters(sortable: Array(TicketQuery.spec.sortable).sorted(),
                                               filters: TicketQuery.filterDescriptions),
               response: .cappedList(of: "Ticket"), use: list)
        api.on(.POST, "tickets", summary: "Open a ticket", tag: "Helpdesk", body: TicketCreateInput.schema,
               response: .ref("Ticket"), status: 201, bodyLimit: Self.bodyLimit, use: create)
        api.on(.GET, "tickets/:id", summary: "A ticket", tag: "Helpdesk", response: .ref("Ticket"), use: get)
        api.on(.PATCH, "tickets/:id", summary: "Change a ticket's fields, people or status", tag: "Helpdesk",
               body: TicketPatchInput.schema, response: .ref("Ticket"), bodyLimit: Self.bodyLimit, use: update)
        api.on(.GET, "tickets/:id/followups", summary: "The ticket's followups, oldest first (requesters: public only)",
               tag: "Helpdesk", query: APIRoutes.listParameters(sortable: ["created_at"]),
               response: .list(of: "Followup"), use: followups)
        api.on(.POST, "tickets/:id/followups", summary: "Add a followup", tag: "Helpdesk", body: FollowupInput.schema,
               response: .ref("Followup"), status: 201, bodyLimit: Self.bodyLimit, use: addFollowup)
        api.on(.GET, "tickets/:id/tasks", summary: "The ticket's tasks (requesters: public only)", tag: "Helpdesk",
               query: APIRoutes.listParameters(sortable: ["created_at"]), response: .list(of: "Task"), use: tasks)
        api.on(.POST, "tickets/:id/tasks", summary: "Add a task", tag: "Helpdesk", body: TaskInput.schema,
               response: .ref("Task"), status: 201, use: addTask)
        api.on(.PATCH, "tickets/:id/tasks/:task", summary: "Change a task (done, time spent…)", tag: "Helpdesk",
               body: TaskInput.schema, response: .ref("Task"), use: updateTask)
        api.on(.POST, "tickets/:id/solution/approve", summary: "Approve the solution: the ticket is closed",
               tag: "Helpdesk", body: SolutionAnswerInput.schema, response: .ref("Ticket"), use: approve)
        api.on(.POST, "tickets/:id/solution/refuse", summary: "Refuse the solution (comment required): the ticket reopens",
               tag: "Helpdesk", body: SolutionAnswerInput.schema, response: .ref("Ticket"), use: refuse)
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<TicketDTO> {
        try await req.requireAnywhere(.ticketsCreate)
        let query = try req.listQuery(TicketQuery.spec)
        let page = try await TicketQuery(request: req, query: query).countedPage()
        return ListResponse(page, items: try await TicketDTO.load(page.items, request: req), request: req, query: query)
    }

    static func respond(_ req: Request, _ ticket: TicketModel, status: HTTPResponseStatus = .ok) async throws -> Response {
        let response = try await TicketDTO.load([ticket], request: req)[0].encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(TicketCreateInput.self)
        let ticket = try await TicketService(request: req).create(input, defaultSource: .api)
        return try await Self.respond(req, ticket, status: .created)
    }

    @Sendable func get(_ req: Request) async throws -> Response {
        try await Self.respond(req, try await TicketService(request: req).find(req.parameters.get("id", as: UUID.self)))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(TicketPatchInput.self)
        return try await Self.respond(req, try await service.update(ticket, input))
    }

    @Sendable func followups(_ req: Request) async throws -> ListResponse<FollowupDTO> {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let query = try req.listQuery(ListQuerySpec(sortable: ["created_at"], defaultSort: [.init("created_at")]))
        var builder = TicketFollowupModel.query(on: req.db).filter(\.$ticketID == ticket.id!)
        if !(try await service.access()).readAll.contains(ticket.entityID) {
            builder = builder.filter(\.$isPrivate == false)
        }
        let total = try await builder.copy().count()
        let items = try await builder.sort(\.$createdAt, query.sort.first?.descending == true ? .descending : .ascending)
            .sort(\.$id).range(query.offset..<(query.offset + query.perPage)).all()
        return ListResponse(items: items.map(FollowupDTO.init), total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func addFollowup(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(FollowupInput.self)
        let followup = try await service.addFollowup(to: ticket, input, source: .api)
        let response = try await FollowupDTO(followup).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func tasks(_ req: Request) async throws -> ListResponse<TaskDTO> {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let query = try req.listQuery(ListQuerySpec(sortable: ["created_at"], defaultSort: [.init("created_at")]))
        var builder = TicketTaskModel.query(on: req.db).filter(\.$ticketID == ticket.id!)
        if !(try await service.access()).readAll.contains(ticket.entityID) {
            builder = builder.filter(\.$isPrivate == false)
        }
        let total = try await builder.copy().count()
        let items = try await builder.sort(\.$createdAt, query.sort.first?.descending == true ? .descending : .ascending)
            .sort(\.$id).range(query.offset..<(query.offset + query.perPage)).all()
        return ListResponse(items: items.map(TaskDTO.init), total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func addTask(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let task = try await service.addTask(to: ticket, try req.decodeStrict(TaskInput.self))
        let response = try await TaskDTO(task).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func updateTask(_ req: Request) async throws -> TaskDTO {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        return TaskDTO(try await service.updateTask(req.parameters.get("task", as: UUID.self), of: ticket,
                                                    try req.decodeStrict(TaskInput.self)))
    }

    @Sendable func approve(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try Self.answer(req)
        return try await Self.respond(req, try await service.approveSolution(of: ticket, input))
    }

    @Sendable func refuse(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        return try await Self.respond(req, try await service.refuseSolution(of: ticket, try Self.answer(req)))
    }

    /// An empty body is an answer without a comment.
    static func answer(_ req: Request) throws -> SolutionAnswerInput {
        guard let body = req.body.data, body.readableBytes > 0 else { return SolutionAnswerInput() }
        return try req.decodeStrict(SolutionAnswerInput.self)
    }
}
