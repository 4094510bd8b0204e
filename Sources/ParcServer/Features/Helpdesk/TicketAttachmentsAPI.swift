import Fluent
import Foundation
import ParcCore
import Vapor

/// A ticket attachment as the API shows it.
struct TicketAttachmentDTO: Content, EncodesNulls {
    func encode(to encoder: any Encoder) throws { try encodeAllFields(to: encoder) }
    let id: UUID
    let ticket_id: UUID
    let followup_id: UUID?
    let filename: String
    let content_type: String
    let size: Int64
    let sha256: String
    let is_private: Bool
    let is_inline: Bool
    let source: String
    let uploader_id: UUID?
    let uploader_name: String
    let created_at: Date
    /// Where to download it.
    let url: String

    init(_ model: TicketAttachmentModel) {
        id = model.id!
        ticket_id = model.ticketID
        followup_id = model.followupID
        filename = model.filename
        content_type = model.contentType
        size = model.size
        sha256 = model.contentSHA256
        is_private = model.isPrivate
        is_inline = model.isInline
        source = model.source
        uploader_id = model.uploaderID
        uploader_name = model.uploaderName
        created_at = model.createdAt
        url = "/api/v1/tickets/\(model.ticketID)/attachments/\(model.id!)"
    }

    static let schema = OpenAPISchema.object([
        "id": .uuid, "ticket_id": .uuid, "followup_id": .nullable(.uuid), "filename": .string(),
        "content_type": .string(description: "From the extension, not from what the client claimed"),
        "size": .integer, "sha256": .string(description: "SHA-256 of the bytes, hex"), "is_private": .boolean,
        "is_inline": .boolean, "source": .string(enumValues: TicketSource.allCases.map(\.rawValue)),
        "uploader_id": .nullable(.uuid), "uploader_name": .string(), "created_at": .dateTime, "url": .string(),
    ], required: ["id", "ticket_id", "filename", "content_type", "size", "sha256", "is_private", "is_inline",
                  "source", "uploader_name", "created_at", "url"])
}

/// `/api/v1/tickets/{id}/attachments`: upload (multipart/form-data, field `file`, repeatable), list, download and
/// delete the files of a ticket and its followups; `/api/v1/helpdesk-settings/{entity}/attachments`: the limits
/// (docs/helpdesk.md, decisions 0050–0052).
struct TicketAttachmentsAPI {
    /// The most a multipart body may carry beyond its files: field headers and boundaries.
    static let formOverhead = 1 << 20
    /// The body pages' forms with files may send, whatever the entity's limits.
    static let formBodyLimit = TicketAttachmentLimits.ceilingMessageSize + formOverhead

    static let uploadSchema = OpenAPISchema.object(["file": .array(.string(format: "binary"))], required: ["file"])

    func register(_ api: APIRoutes) {
        api.schema("TicketAttachment", TicketAttachmentDTO.schema)
        api.schema("TicketAttachmentSettings", TicketAttachmentSettingsAPI.SettingsDTO.schema)
        api.on(.GET, "tickets/:id/attachments", summary: "The ticket's attachments (requesters: not those of private "
               + "followups)", tag: "Helpdesk", query: APIRoutes.listParameters(sortable: ["created_at"]),
               response: .list(of: "TicketAttachment"), use: list)
        api.on(.POST, "tickets/:id/attachments", summary: "Attach files to the ticket (multipart/form-data, field "
               + "'file', repeatable)", tag: "Helpdesk", body: Self.uploadSchema, response: .list(of: "TicketAttachment"),
               status: 201, bodyMediaType: "multipart/form-data", streamsBody: true, use: uploadToTicket)
        api.on(.POST, "tickets/:id/followups/:followup/attachments", summary: "Attach files to a followup (its "
               + "author or a technician)", tag: "Helpdesk", body: Self.uploadSchema,
               response: .list(of: "TicketAttachment"), status: 201, bodyMediaType: "multipart/form-data",
               streamsBody: true, use: uploadToFollowup)
        api.on(.GET, "tickets/:id/attachments/:attachment", summary: "Download an attachment (always as a file to save)",
               tag: "Helpdesk", response: nil, responseMediaType: "application/octet-stream", use: download)
        api.on(.DELETE, "tickets/:id/attachments/:attachment", summary: "Delete an attachment (technicians)",
               tag: "Helpdesk", response: nil, status: 204, use: delete)
        TicketAttachmentSettingsAPI().register(api)
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<TicketAttachmentDTO> {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let query = try req.listQuery(ListQuerySpec(sortable: ["created_at"], defaultSort: [.init("created_at")]))
        let builder = TicketAttachmentStore.visible(on: ticket, access: try await service.access(), on: req.db)
        let total = try await builder.copy().count()
        let items = try await builder.sort(\.$createdAt, query.sort.first?.descending == true ? .descending : .ascending)
            .sort(\.$id).range(query.offset..<(query.offset + query.perPage)).all()
        return ListResponse(items: items.map(TicketAttachmentDTO.init), total: total,
                            next: req.nextPageURL(query, total: total))
    }

    @Sendable func uploadToTicket(_ req: Request) async throws -> Response {
        try await upload(req, followup: nil)
    }

    @Sendable func uploadToFollowup(_ req: Request) async throws -> Response {
        try await upload(req, followup: req.parameters.get("followup", as: UUID.self) ?? UUID())
    }

    /// Checks who may attach before reading the body, then reads it up to the entity's limit, so that nobody makes
    /// the server hold a large body for a ticket they cannot touch.
    private func upload(_ req: Request, followup followupID: UUID?) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let access = try await service.access()
        let user = try req.requireUser()
        var followup: TicketFollowupModel?
        if let followupID {
            guard let found = try await TicketFollowupModel.query(on: req.db).filter(\.$id == followupID)
                .filter(\.$ticketID == ticket.id!).first(),
                  !found.isPrivate || access.readAll.contains(ticket.entityID)
            else { throw ParcError.notFound("followup") }
            guard access.mayUpdate(ticket) || found.authorID == user.id else {
                throw ParcError(.forbidden, code: "forbidden",
                                "Only the followup's author or a technician of the entity attaches files to it.")
            }
            followup = found
        } else {
            try await Self.requireMayAttach(ticket, service: service, access: access)
        }
        let limits = try await TicketAttachmentStore.limits(for: ticket.entityID, tree: try await req.entityTree(),
                                                            on: req.db)
        let uploads = try await Self.readUploads(req, limits: limits, fields: [])
        guard !uploads.isEmpty else {
            throw ParcError.validation(["file": "Send at least one file in the field 'file'."])
        }
        let audit = AuditLog(request: req)
        let now = req.now
        let followupRow = followup
        let stored = try await service.withTicketLocked(ticket.id!) { db in
            guard let current = try await TicketModel.find(ticket.id, on: db) else { throw ParcError.notFound("ticket") }
            if current.ticketStatus == .closed {
                throw ParcError(.conflict, code: "ticket_closed",
                                "The ticket is closed; open a new ticket and link it to \(current.reference) as related.")
            }
            do {
                try TicketAttachmentStore.check(uploads, limits: limits, alreadyOnTicket: try await TicketAttachmentStore
                    .bytesOnTicket(current.id!, on: db))
            } catch let refusal as TicketAttachmentRefusal {
                throw ParcError.attachment(refusal)
            }
            let rows = try await TicketAttachmentStore.store(
                uploads, ticketID: current.id!, entityID: current.entityID, followupID: followupRow?.id,
                isPrivate: followupRow?.isPrivate ?? false, source: .api, uploader: (user.id, user.displayName), now: now,
                on: db)
            try await audit.record("ticket.attachment_added", objectType: TicketService.objectType, objectID: current.id!,
                                   label: "\(current.reference) \(current.title)", entityID: current.entityID,
                                   changes: [FieldChange(field: "attachments", before: nil,
                                                         after: TicketAttachmentStore.summary(rows))], on: db)
            return rows
        }
        let response = try await ListResponse(items: stored.map(TicketAttachmentDTO.init), total: stored.count,
                                              next: nil).encodeResponse(for: req)
        response.status = .created
        return response
    }

    /// Requesters and observers attach to their own tickets; technicians to the tickets they work.
    static func requireMayAttach(_ ticket: TicketModel, service: TicketService, access: TicketService.Access)
        async throws
    {
        if access.mayUpdate(ticket) { return }
        guard access.own.contains(ticket.entityID),
              try await service.isRequesterOrObserver(ticket.id!, access.userID)
        else { throw ParcError.forbidden(Permission.ticketsUpdate.name) }
    }

    /// The files of a multipart body, read up to what the entity allows in one message; their names made safe.
    /// Text fields other than `fields` are refused (a typo must not silently drop a value).
    static func readUploads(_ req: Request, limits: TicketAttachmentLimits, fields: Set<String>) async throws
        -> [AttachmentUpload]
    {
        _ = try MultipartForm.boundary(req)
        let allowed = limits.maximumMessageSize + formOverhead
        let tooLarge = ParcError(.payloadTooLarge, code: "attachments_too_large",
                                 "The upload is larger than \(TicketAttachmentRefusal.size(limits.maximumMessageSize)), "
                                     + "the limit per message; send the files in several uploads.")
        if let length = req.headers.first(name: .contentLength).flatMap({ Int($0) }), length > allowed { throw tooLarge }
        let body: ByteBuffer?
        do {
            body = try await req.eventLoop.flatSubmit { req.body.collect(max: allowed) }.get()
        } catch let error as any AbortError where error.status == .payloadTooLarge {
            throw tooLarge
        }
        guard let body else { throw ParcError.badRequest("empty_body", "The request body is empty; send the files.") }
        guard body.readableBytes <= allowed else { throw tooLarge }
        let form = try MultipartForm(req, body: body)
        let unknown = Set(form.fields.keys).subtracting(fields).sorted()
        if !unknown.isEmpty {
            throw ParcError(.unprocessableEntity, code: "unknown_fields",
                            "Unknown field(s): \(unknown.map { String($0.prefix(60)) }.joined(separator: ", ")). "
                                + "Send the files in the field 'file'.")
        }
        if let other = form.files.first(where: { $0.field != "file" }) {
            throw ParcError(.unprocessableEntity, code: "unknown_fields",
                            "Files go in the field 'file', not '\(other.field.prefix(60))'.")
        }
        return form.files.map { AttachmentUpload(filename: TicketAttachmentStore.safeFilename($0.filename),
                                                 bytes: $0.bytes) }
    }

    /// The attachment, if the user may see it: 404 otherwise, as for an unknown id.
    static func find(_ req: Request) async throws -> (TicketModel, TicketAttachmentModel) {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        guard let id = req.parameters.get("attachment", as: UUID.self),
              let attachment = try await TicketAttachmentStore.visible(on: ticket, access: try await service.access(),
                                                                       on: req.db).filter(\.$id == id).first()
        else { throw ParcError.notFound("attachment") }
        return (ticket, attachment)
    }

    @Sendable func download(_ req: Request) async throws -> Response {
        let (_, attachment) = try await Self.find(req)
        return try await Self.fileResponse(attachment, on: req.db)
    }

    /// The file, to be saved and never rendered by the browser: `attachment` disposition with the safe name (RFC
    /// 6266 and 5987), a type a browser does not render for HTML, SVG or XML, no sniffing, and a policy that forbids
    /// everything should it be opened anyway.
    static func fileResponse(_ attachment: TicketAttachmentModel, on db: any Database) async throws -> Response {
        guard let content = try await AttachmentContentModel.find(attachment.contentSHA256, on: db) else {
            throw ParcError.notFound("attachment content")
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: TicketAttachmentLimits.servedContentType(attachment.contentType))
        headers.replaceOrAdd(name: .contentDisposition,
                             value: AttachmentContentDisposition.value(filename: attachment.filename))
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: content.bytes))
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let (ticket, attachment) = try await Self.find(req)
        try await Self.delete(attachment, of: ticket, req)
        return .noContent
    }

    /// Deletes in one transaction with its history line; technicians of the entity only.
    static func delete(_ attachment: TicketAttachmentModel, of ticket: TicketModel, _ req: Request) async throws {
        try await TicketService(request: req).requireUpdate(ticket)
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            try await TicketAttachmentStore.delete(attachment, on: db)
            try await audit.record("ticket.attachment_deleted", objectType: TicketService.objectType,
                                   objectID: ticket.id!, label: "\(ticket.reference) \(ticket.title)",
                                   entityID: ticket.entityID,
                                   changes: [FieldChange(field: "attachments",
                                                         before: TicketAttachmentStore.summary([attachment]),
                                                         after: nil)], on: db)
        }
    }
}

extension TicketAttachmentRefusal: AbortError {
    /// The status the API answers with (see ``ParcError/attachment(_:)``, which also carries the message).
    public var status: HTTPResponseStatus { ParcError.attachment(self).status }
    public var reason: String { description }
}
