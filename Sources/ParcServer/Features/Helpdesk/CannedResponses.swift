import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// Canned responses ("réponses types"): Markdown replies with placeholders that technicians insert into a followup
/// (docs/helpdesk.md, decision 0061). A response belongs to an entity; a recursive one serves the entities below it
/// too. Technicians of an entity read and write its responses.
struct TicketCannedResponses {
    let request: Request

    /// The placeholders a response may use, and what they become on a ticket.
    static let placeholders = ["reference", "title", "requester", "technician", "entity", "status", "url"]
    static let nameLimit = 200
    static let bodyLimit = 20_000

    /// The responses the user may see and change: of an entity where they work tickets, or recursive above one.
    func visible() async throws -> [TicketCannedResponseModel] {
        let tree = try await request.entityTree()
        let own = try await request.entities(for: .ticketsUpdate)
        let above = Set(own.flatMap { tree.ancestors(of: $0) })
        return try await TicketCannedResponseModel.query(on: request.db)
            .filter(\.$entityID ~~ own.union(above)).sort(\.$name).all()
            .filter { own.contains($0.entityID) || $0.recursive }
    }

    /// The responses offered on a ticket of `entity`: its own and the recursive ones above it.
    func offered(for entity: UUID) async throws -> [TicketCannedResponseModel] {
        let tree = try await request.entityTree()
        let ancestors = Set(tree.ancestors(of: entity))
        return try await visible().filter { $0.entityID == entity || ($0.recursive && ancestors.contains($0.entityID)) }
    }

    /// A response the user may see, or 404.
    func find(_ id: UUID?) async throws -> TicketCannedResponseModel {
        guard let id, let found = try await visible().first(where: { $0.id == id }) else {
            throw ParcError.notFound("canned response")
        }
        return found
    }

    /// The response's text for `ticket`, placeholders filled.
    func render(_ response: TicketCannedResponseModel, for ticket: TicketModel) async throws -> String {
        let user = try request.requireUser()
        let tree = try await request.entityTree()
        let requesterIDs = try await TicketActorModel.query(on: request.db).filter(\.$ticketID == ticket.id!)
            .filter(\.$role == TicketActorRole.requester.rawValue).all()
        let firstUser = requesterIDs.compactMap(\.userID).first
        let requester = try await firstUser.asyncMap { try await UserModel.find($0, on: request.db)?.displayName }
            ?? requesterIDs.compactMap(\.email).first ?? ""
        let base = request.parc.configuration.serverURL
        let values: [String: String] = [
            "reference": ticket.reference, "title": ticket.title, "requester": requester ?? "",
            "technician": user.displayName, "entity": tree.path(of: ticket.entityID),
            "status": request.t("tickets.status.\(ticket.status)"), "url": base + "/tickets/\(ticket.id!.uuidString)",
        ]
        // Checked when saved; a placeholder that no longer exists is left as written rather than failing the page.
        return (try? TextTemplate(response.body).render(values)) ?? response.body
    }

    /// Checks a response as written: name and body within limits, known placeholders only.
    static func check(name: String?, body: String?, creating: Bool) -> (name: String?, body: String?, errors: [String: String]) {
        var errors: [String: String] = [:]
        let checkedName = TicketService.checkedText(name, "name", limit: nameLimit, singleLine: true, required: creating,
                                                    &errors)
        let checkedBody = TicketService.checkedText(body, "body", limit: bodyLimit, singleLine: false, required: creating,
                                                    &errors)
        if let checkedBody {
            let template = TextTemplate(checkedBody)
            let unknown = template.placeholders.filter { !placeholders.contains($0) }
            if !unknown.isEmpty {
                errors["body"] = "Use only the placeholders listed under the text: {{reference}}, {{title}}, "
                    + "{{requester}}, {{technician}}, {{entity}}, {{status}}, {{url}}."
            } else if (try? template.render(Dictionary(uniqueKeysWithValues: placeholders.map { ($0, "") }))) == nil {
                errors["body"] = "A placeholder is not closed: write {{name}}."
            }
        }
        return (checkedName, checkedBody, errors)
    }

    /// Creates or changes a response in one transaction with its history line.
    func save(_ response: TicketCannedResponseModel, name: String?, body: String?, recursive: Bool?,
              creating: Bool) async throws {
        try await request.require(.ticketsUpdate, in: response.entityID)
        let checked = Self.check(name: name, body: body, creating: creating)
        guard checked.errors.isEmpty else { throw ParcError.validation(checked.errors) }
        let before: [String: String?] = creating ? [:] : Self.snapshot(response)
        if let name = checked.name { response.name = name }
        if let body = checked.body { response.body = body }
        if let recursive { response.recursive = recursive }
        let after = Self.snapshot(response)
        let audit = AuditLog(request: request)
        let action = creating ? "ticket_canned_response.created" : "ticket_canned_response.updated"
        try await request.parc.writeTransaction(on: request.db) { db in
            let namesake = try await TicketCannedResponseModel.query(on: db).filter(\.$entityID == response.entityID)
                .filter(\.$name == response.name).first()
            if let namesake, namesake.id != response.id {
                throw ParcError.conflict("The entity already has a canned response named \(response.name).")
            }
            try await response.save(on: db)
            try await audit.record(action, objectType: "ticket_canned_response", objectID: response.id!,
                                   label: response.name, entityID: response.entityID,
                                   changes: FieldChange.between(before, after), on: db)
        }
    }

    func delete(_ response: TicketCannedResponseModel) async throws {
        try await request.require(.ticketsUpdate, in: response.entityID)
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await response.delete(on: db)
            try await audit.record("ticket_canned_response.deleted", objectType: "ticket_canned_response",
                                   objectID: response.id!, label: response.name, entityID: response.entityID,
                                   changes: FieldChange.between(Self.snapshot(response), [:]), on: db)
        }
    }

    static func snapshot(_ response: TicketCannedResponseModel) -> [String: String?] {
        ["name": response.name, "body": response.body, "recursive": String(response.recursive)]
    }
}

/// `/api/v1/ticket-canned-responses` and `/api/v1/tickets/{id}/canned-responses/{response}`.
struct TicketCannedResponsesAPI {
    struct Input: StrictContent {
        var entity_id: UUID?
        var name: String?
        var body: String?
        var recursive: Bool?
        static let acceptedFields: Set<String> = ["entity_id", "name", "body", "recursive"]
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "name": .string(),
            "body": .string(description: "Markdown; placeholders "
                + TicketCannedResponses.placeholders.map { "{{\($0)}}" }.joined(separator: ", ")),
            "recursive": .boolean,
        ], required: [])
    }

    struct DTO: Content {
        let id: UUID
        let entity_id: UUID
        let name: String
        let body: String
        let recursive: Bool

        init(_ model: TicketCannedResponseModel) {
            id = model.id!
            entity_id = model.entityID
            name = model.name
            body = model.body
            recursive = model.recursive
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "name": .string(), "body": .string(), "recursive": .boolean,
        ], required: ["id", "entity_id", "name", "body", "recursive"])
    }

    struct Rendered: Content {
        let body: String
        static let schema = OpenAPISchema.object(["body": .string(description: "Markdown, placeholders filled")],
                                                 required: ["body"])
    }

    func register(_ api: APIRoutes) {
        api.schema("TicketCannedResponse", DTO.schema)
        api.on(.GET, "ticket-canned-responses", summary: "Canned responses the technician may use", tag: "Helpdesk",
               response: .array(.ref("TicketCannedResponse")), use: list)
        api.on(.POST, "ticket-canned-responses", summary: "Create a canned response", tag: "Helpdesk",
               body: Input.schema, response: .ref("TicketCannedResponse"), status: 201, use: create)
        api.on(.PATCH, "ticket-canned-responses/:id", summary: "Change a canned response", tag: "Helpdesk",
               body: Input.schema, response: .ref("TicketCannedResponse"), use: update)
        api.on(.DELETE, "ticket-canned-responses/:id", summary: "Delete a canned response", tag: "Helpdesk",
               response: nil, status: 204, use: delete)
        api.on(.GET, "tickets/:id/canned-responses/:response", summary: "A canned response filled in for a ticket",
               tag: "Helpdesk", response: .ref("RenderedCannedResponse"), use: render)
        api.schema("RenderedCannedResponse", Rendered.schema)
    }

    @Sendable func list(_ req: Request) async throws -> [DTO] {
        try await req.requireAnywhere(.ticketsUpdate)
        return try await TicketCannedResponses(request: req).visible().map(DTO.init)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsUpdate)
        let input = try req.decodeStrict(Input.self)
        guard let entity = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        let response = TicketCannedResponseModel()
        response.id = UUID()
        response.entityID = entity
        response.recursive = false
        response.createdBy = try req.requireUser().id
        try await TicketCannedResponses(request: req).save(response, name: input.name, body: input.body,
                                                           recursive: input.recursive, creating: true)
        let encoded = try await DTO(response).encodeResponse(for: req)
        encoded.status = .created
        return encoded
    }

    @Sendable func update(_ req: Request) async throws -> DTO {
        try await req.requireAnywhere(.ticketsUpdate)
        let service = TicketCannedResponses(request: req)
        let response = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(Input.self)
        if let entity = input.entity_id, entity != response.entityID {
            throw ParcError.validation(["entity_id": "A canned response stays in its entity; create one in the other."])
        }
        try await service.save(response, name: input.name, body: input.body, recursive: input.recursive, creating: false)
        return DTO(response)
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        try await req.requireAnywhere(.ticketsUpdate)
        let service = TicketCannedResponses(request: req)
        try await service.delete(try await service.find(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    @Sendable func render(_ req: Request) async throws -> Rendered {
        let tickets = TicketService(request: req)
        let ticket = try await tickets.find(req.parameters.get("id", as: UUID.self))
        try await tickets.requireUpdate(ticket)
        let service = TicketCannedResponses(request: req)
        let id = req.parameters.get("response", as: UUID.self)
        guard let response = try await service.offered(for: ticket.entityID).first(where: { $0.id == id }) else {
            throw ParcError.notFound("canned response")
        }
        return Rendered(body: try await service.render(response, for: ticket))
    }
}

/// `/tickets/canned-responses`: the technicians' canned responses, listed with a form to write or change one.
struct TicketCannedResponsesPages {
    struct Row: Encodable {
        let id: UUID
        let name: String
        let entity: String
        let recursive: Bool
        let preview: String
    }

    struct Page: Encodable {
        let rows: [Row]
        let entities: [SelectOption]
        let editing: UUID?
        let placeholders: String
        let errors: [String: String]
        let values: [String: String]
    }

    struct Form: Content {
        var entity_id: String?
        var name: String?
        var body: String?
        var recursive: String?

        var values: [String: String] {
            ["entity_id": entity_id ?? "", "name": name ?? "", "body": body ?? "", "recursive": recursive == nil ? "" : "on"]
        }
    }

    func register(_ routes: any RoutesBuilder) {
        routes.get("tickets", "canned-responses", use: page)
        routes.post("tickets", "canned-responses", use: create)
        routes.post("tickets", "canned-responses", ":id", use: update)
        routes.post("tickets", "canned-responses", ":id", "delete", use: delete)
    }

    private func render(_ req: Request, editing: UUID? = nil, values: [String: String] = [:],
                        errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let responses = try await TicketCannedResponses(request: req).visible()
        let tree = try await req.entityTree()
        let placeholders = TicketCannedResponses.placeholders.map { "{{\($0)}}" }.joined(separator: " ")
        return try await req.renderPage("tickets/canned", title: req.t("tickets.canned.title"), active: "tickets",
            page: Page(
                rows: responses.map {
                    Row(id: $0.id!, name: $0.name, entity: tree.path(of: $0.entityID), recursive: $0.recursive,
                        preview: String($0.body.prefix(140)))
                },
                entities: try await req.entityOptions(for: .ticketsUpdate,
                                                      selected: values["entity_id"].flatMap(UUID.init(uuidString:))),
                editing: editing, placeholders: placeholders, errors: errors, values: values),
            status: status)
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsUpdate)
        if let id = req.query[UUID.self, at: "edit"] {
            let response = try await TicketCannedResponses(request: req).find(id)
            return try await render(req, editing: id, values: [
                "entity_id": response.entityID.uuidString, "name": response.name, "body": response.body,
                "recursive": response.recursive ? "on" : "",
            ])
        }
        return try await render(req)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsUpdate)
        let form = try req.content.decode(Form.self)
        guard let entity = form.entity_id.flatMap(UUID.init(uuidString:)) else {
            return try await render(req, values: form.values, errors: ["entity_id": req.t("validation.required")],
                                    status: .unprocessableEntity)
        }
        let response = TicketCannedResponseModel()
        response.id = UUID()
        response.entityID = entity
        response.recursive = false
        response.createdBy = try req.requireUser().id
        return try await save(req, response, form: form, creating: true)
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsUpdate)
        let response = try await TicketCannedResponses(request: req).find(req.parameters.get("id", as: UUID.self))
        return try await save(req, response, form: try req.content.decode(Form.self), creating: false)
    }

    private func save(_ req: Request, _ response: TicketCannedResponseModel, form: Form,
                      creating: Bool) async throws -> Response {
        do {
            try await TicketCannedResponses(request: req).save(response, name: form.name ?? "", body: form.body ?? "",
                                                               recursive: form.recursive != nil, creating: creating)
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/tickets/canned-responses")
        } catch let error as ParcError where error.status == .unprocessableEntity || error.status == .conflict {
            let errors = error.status == .conflict ? ["name": req.t("tickets.canned.name_taken")]
                : req.localized(error.fields)
            return try await render(req, editing: creating ? nil : response.id, values: form.values, errors: errors,
                                    status: error.status)
        }
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsUpdate)
        let service = TicketCannedResponses(request: req)
        let response = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.delete(response)
        req.flash("success", req.t("tickets.canned.deleted", response.name))
        return req.redirect(to: "/tickets/canned-responses")
    }
}
