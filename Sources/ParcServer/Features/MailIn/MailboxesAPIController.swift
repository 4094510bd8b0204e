import Fluent
import Foundation
import ParcCore
import Vapor

/// `/api/v1/mailboxes`: the IMAP mailboxes the collector polls, per entity; admins only (`mail_in.manage`).
struct MailboxesAPIController {
    static let spec = ListQuerySpec(sortable: ["name", "host", "created_at"], defaultSort: [.init("name")])
    static let messagesSpec = ListQuerySpec(sortable: ["collected_at"], defaultSort: [.init("collected_at", descending: true)])

    func register(_ api: APIRoutes) {
        api.schema("Mailbox", MailboxDTO.schema)
        api.schema("CollectedMail", CollectedMailDTO.schema)
        api.on(.GET, "mailboxes", summary: "List collected mailboxes", tag: "Mail in",
               query: APIRoutes.listParameters(sortable: Array(Self.spec.sortable).sorted()),
               response: .list(of: "Mailbox"), use: list)
        api.on(.POST, "mailboxes", summary: "Add a mailbox to collect (the password is write-only)", tag: "Mail in",
               body: MailboxInput.schema, response: .ref("Mailbox"), status: 201, use: create)
        api.on(.GET, "mailboxes/:id", summary: "A mailbox, without its password", tag: "Mail in",
               response: .ref("Mailbox"), use: get)
        api.on(.PATCH, "mailboxes/:id", summary: "Change a mailbox", tag: "Mail in", body: MailboxInput.schema,
               response: .ref("Mailbox"), use: update)
        api.on(.DELETE, "mailboxes/:id", summary: "Delete a mailbox (its collected messages stay recorded)",
               tag: "Mail in", response: nil, status: 204, use: delete)
        api.on(.POST, "mailboxes/:id/test", summary: "Connect, log in and open the folder with the stored settings",
               tag: "Mail in", response: MailboxTestDTO.schema, use: test)
        api.on(.GET, "mailboxes/:id/messages", summary: "The messages collected from the mailbox, newest first",
               tag: "Mail in", query: APIRoutes.listParameters(sortable: ["collected_at"]),
               response: .list(of: "CollectedMail"), use: messages)
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<MailboxDTO> {
        try await req.requireAnywhere(.mailInManage)
        let query = try req.listQuery(Self.spec)
        var builder = MailboxModel.query(on: req.db).scoped(to: try await req.entities(for: .mailInManage), \.$entityID)
        if let search = query.search {
            builder = builder.group(.or) { $0.filter(\.$name ~~ search).filter(\.$host ~~ search) }
        }
        let total = try await builder.count()
        for key in query.sort {
            switch key.field {
            case "host": builder = builder.sort(\.$host, key.descending ? .descending : .ascending)
            case "created_at": builder = builder.sort(\.$createdAt, key.descending ? .descending : .ascending)
            default: builder = builder.sort(\.$name, key.descending ? .descending : .ascending)
            }
        }
        let items = try await builder.sort(\.$id).range((query.page - 1) * query.perPage ..< query.page * query.perPage)
            .all()
        let tree = try await req.entityTree()
        return ListResponse(items: items.map { MailboxDTO($0, tree: tree) }, total: total,
                            next: req.nextPageURL(query, total: total))
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let mailbox = try await MailboxService(request: req).create(try req.decodeStrict(MailboxInput.self))
        let response = try await MailboxDTO(mailbox, tree: try await req.entityTree()).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func get(_ req: Request) async throws -> MailboxDTO {
        MailboxDTO(try await MailboxService(request: req).find(req.parameters.get("id", as: UUID.self)),
                   tree: try await req.entityTree())
    }

    @Sendable func update(_ req: Request) async throws -> MailboxDTO {
        let service = MailboxService(request: req)
        let mailbox = try await service.find(req.parameters.get("id", as: UUID.self))
        let updated = try await service.update(mailbox, try req.decodeStrict(MailboxInput.self))
        return MailboxDTO(updated, tree: try await req.entityTree())
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let service = MailboxService(request: req)
        try await service.delete(try await service.find(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    @Sendable func test(_ req: Request) async throws -> MailboxTestDTO {
        let service = MailboxService(request: req)
        return try await service.test(try await service.find(req.parameters.get("id", as: UUID.self)))
    }

    @Sendable func messages(_ req: Request) async throws -> ListResponse<CollectedMailDTO> {
        let mailbox = try await MailboxService(request: req).find(req.parameters.get("id", as: UUID.self))
        let query = try req.listQuery(Self.messagesSpec)
        let builder = CollectedMailModel.query(on: req.db).filter(\.$mailboxID == mailbox.id!)
            .filter(\.$entityID == mailbox.entityID)
        let total = try await builder.count()
        let descending = query.sort.first?.descending ?? true
        let items = try await builder.sort(\.$collectedAt, descending ? .descending : .ascending).sort(\.$id)
            .range((query.page - 1) * query.perPage ..< query.page * query.perPage).all()
        return ListResponse(items: items.map(CollectedMailDTO.init), total: total,
                            next: req.nextPageURL(query, total: total))
    }
}
