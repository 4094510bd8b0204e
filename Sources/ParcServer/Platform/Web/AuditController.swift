import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// The audit log: an admin page with filters and `/api/v1/audit`.
struct AuditController {
    static let listSpec = ListQuerySpec(sortable: ["created_at"], filterable: ["object_type", "object_id", "action", "actor"],
                                        defaultSort: [.init("created_at", descending: true)], passthrough: ["format"])

    func register(_ web: any RoutesBuilder, api: APIRoutes) {
        web.get("admin", "audit", use: page)
        api.schema("AuditEntry", .object([
            "id": .uuid, "at": .dateTime, "actor": .string(), "object_type": .string(), "object_id": .string(),
            "object_label": .string(), "action": .string(),
            "changes": .array(.object(["field": .string(), "before": .nullable(.string()), "after": .nullable(.string())],
                                      required: ["field"])),
        ], required: ["id", "at", "actor", "object_type", "object_id", "action", "changes"]))
        api.on(.GET, "audit", summary: "Read the audit log of the entities you can audit", tag: "Audit",
               query: APIRoutes.listParameters(sortable: ["created_at"], filters: [
                   ("object_type", "e.g. user, entity"), ("object_id", "UUID of the object"),
                   ("action", "e.g. create, update, login"), ("actor", "Part of the actor's name or login"),
               ]),
               response: .object(["items": .array(.ref("AuditEntry")), "total": .integer, "next": .nullable(.string())],
                                 required: ["items", "total", "next"]), use: apiList)
    }

    struct EntryDTO: Content {
        let id: UUID
        let at: Date
        let actor: String
        let object_type: String
        let object_id: String
        let object_label: String
        let action: String
        let changes: [FieldChange]
    }

    private func query(_ req: Request, _ list: ListQuery) async throws -> QueryBuilder<AuditEntryModel> {
        let visible = try await req.entities(for: .auditRead)
        let scope = try await req.accessScope()
        var builder = AuditEntryModel.query(on: req.db)
        // Entries without an entity (platform-wide) are for super-admins only.
        let seesPlatform = scope.allowsAnywhere(.platformManage)
        builder = builder.group(.or) { group in
            if visible.isEmpty { group.filter(\.$action == "\u{0}") } else { group.filter(\.$entityID ~~ Array(visible)) }
            if seesPlatform { group.filter(\.$entityID == nil) }
        }
        if let type = list.filters["object_type"] { builder = builder.filter(\.$objectType == type) }
        if let id = list.filters["object_id"] { builder = builder.filter(\.$objectID == id.uppercased()) }
        if let action = list.filters["action"] { builder = builder.filter(\.$action == action) }
        if let actor = list.filters["actor"] {
            builder = builder.filter(\.$actorName, req.db.likeOperator, req.db.containsPattern(actor))
        }
        if let text = list.search {
            builder = builder.filter(\.$objectLabel, req.db.likeOperator, req.db.containsPattern(text))
        }
        let descending = list.sort.first?.descending ?? true
        return builder.sort(\.$createdAt, descending ? .descending : .ascending).sort(\.$id)
    }

    @Sendable func apiList(_ req: Request) async throws -> ListResponse<EntryDTO> {
        try await req.requireAnywhere(.auditRead)
        let list = try req.listQuery(Self.listSpec)
        let builder = try await query(req, list)
        let total = try await builder.count()
        let rows = try await builder.range(list.offset..<(list.offset + list.perPage)).all()
        return ListResponse(items: rows.map {
            let view = AuditEntryView($0, formattedAt: "", actionLabel: $0.action)
            return EntryDTO(id: view.id, at: view.at, actor: view.actor, object_type: view.objectType,
                            object_id: view.objectID, object_label: view.objectLabel, action: view.action,
                            changes: view.changes)
        }, total: total, next: req.nextPageURL(list, total: total))
    }

    struct Page: Encodable {
        let entries: [AuditEntryView]
        let filters: [String: String]
        let rangeText: String
        let previous: String?
        let next: String?
        let csv: String
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.auditRead)
        let list = try req.listQuery(Self.listSpec)
        let builder = try await query(req, list)
        if (try? req.query.get(String.self, at: "format")) == "csv" { return try await csv(builder) }
        let total = try await builder.count()
        let rows = try await builder.range(list.offset..<(list.offset + list.perPage)).all()
        func link(_ page: Int) -> String {
            var components = URLComponents()
            components.path = "/admin/audit"
            components.queryItems = list.queryItems(page: page).map { URLQueryItem(name: $0.0, value: $0.1) }
            return components.string ?? "/admin/audit"
        }
        var filters = list.filters
        filters["q"] = list.search ?? ""
        var csvItems = list.queryItems(page: 1).map { URLQueryItem(name: $0.0, value: $0.1) }
        csvItems.append(URLQueryItem(name: "format", value: "csv"))
        var csvLink = URLComponents()
        csvLink.path = "/admin/audit"
        csvLink.queryItems = csvItems
        let first = total == 0 ? 0 : list.offset + 1
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        return try await req.renderPage("admin/audit", title: req.t("nav.audit"), active: "audit", page: Page(
            entries: rows.map { AuditEntryView($0, request: req, tree: tree, scope: scope) },
            filters: filters,
            rangeText: req.t("list.range", ParcFormat.number(first, language: req.language),
                             ParcFormat.number(min(list.offset + list.perPage, total), language: req.language),
                             ParcFormat.number(total, language: req.language)),
            previous: list.page > 1 ? link(list.page - 1) : nil,
            next: list.hasNextPage(total: total) ? link(list.page + 1) : nil, csv: csvLink.string ?? "/admin/audit"))
    }

    /// The filtered log as CSV, one line per changed field (at most 100 000 entries).
    private func csv(_ builder: QueryBuilder<AuditEntryModel>) async throws -> Response {
        let iso = ISO8601DateFormatter()
        var lines = [CSV.row(["time", "actor", "action", "object_type", "object_id", "object", "field", "before", "after"])]
        for entry in try await builder.limit(100_000).all() {
            let view = AuditEntryView(entry, formattedAt: "", actionLabel: entry.action)
            let base = [iso.string(from: entry.createdAt), entry.actorName, entry.action, entry.objectType, entry.objectID,
                        entry.objectLabel]
            if view.changes.isEmpty { lines.append(CSV.row(base + ["", "", ""])) }
            for change in view.changes {
                lines.append(CSV.row(base + [change.field, change.before ?? "", change.after ?? ""]))
            }
        }
        let response = Response(status: .ok, body: .init(string: lines.joined()))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "audit.csv")
        return response
    }
}
