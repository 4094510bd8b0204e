import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// Entity tree: admin pages and `/api/v1/entities`.
struct EntitiesController {
    struct EntityDTO: Content {
        let id: UUID
        let parent_id: UUID?
        let name: String
        let code: String?
        let comment: String?
        let path: String
        let created_at: Date?
        let updated_at: Date?

        init(_ model: EntityModel, tree: EntityTree) {
            id = model.id!
            parent_id = model.parentID
            name = model.name
            code = model.code
            comment = model.comment
            path = tree.path(of: model.id!)
            created_at = model.createdAt
            updated_at = model.updatedAt
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "parent_id": .nullable(.uuid), "name": .string(), "code": .nullable(.string()),
            "comment": .nullable(.string()), "path": .string(description: "Names from the root, joined by ' › '"),
            "created_at": .dateTime, "updated_at": .dateTime,
        ], required: ["id", "parent_id", "name", "path"])
    }

    struct EntityInput: StrictContent, Content {
        let name: String?
        let parent_id: UUID?
        let code: String?
        let comment: String?
        static let acceptedFields: Set<String> = ["name", "parent_id", "code", "comment"]

        static let schema = OpenAPISchema.object([
            "name": .string(), "parent_id": .uuid, "code": .nullable(.string()), "comment": .nullable(.string()),
        ], required: [])
    }

    static let listSpec = ListQuerySpec(sortable: ["name", "created_at", "updated_at"], filterable: ["parent_id"],
                                        defaultSort: [.init("name")])

    func register(_ web: any RoutesBuilder, api: APIRoutes, registry: FeatureRegistry) {
        let pages = web.grouped("admin", "entities")
        pages.get(use: listPage)
        pages.get("new", use: newPage)
        pages.post(use: createFromForm)
        pages.get(":id", use: showPage)
        pages.get(":id", "edit", use: editPage)
        pages.post(":id", use: updateFromForm)
        pages.post(":id", "delete", use: deleteFromForm)

        api.schema("Entity", EntityDTO.schema)
        api.schema("EntityInput", EntityInput.schema)
        api.on(.GET, "entities", summary: "List the entities you can see", tag: "Entities",
               query: APIRoutes.listParameters(sortable: Self.listSpec.sortable.sorted(),
                                               filters: [("parent_id", "Only the children of this entity.")]),
               response: .object(["items": .array(.ref("Entity")), "total": .integer, "next": .nullable(.string())],
                                 required: ["items", "total", "next"]), use: apiList)
        api.on(.POST, "entities", summary: "Create an entity", tag: "Entities", body: .ref("EntityInput"),
               response: .ref("Entity"), status: 201, use: apiCreate)
        api.on(.GET, "entities/:id", summary: "Get an entity", tag: "Entities", response: .ref("Entity"), use: apiGet)
        api.on(.PATCH, "entities/:id", summary: "Change an entity (name, code, comment, parent)", tag: "Entities",
               body: .ref("EntityInput"), response: .ref("Entity"), use: apiUpdate)
        api.on(.DELETE, "entities/:id", summary: "Delete an empty entity", tag: "Entities", response: nil, status: 204,
               use: apiDelete)

        registry.addSearchProvider(EntitySearch())
    }

    // MARK: API

    @Sendable func apiList(_ req: Request) async throws -> ListResponse<EntityDTO> {
        let query = try req.listQuery(Self.listSpec)
        let visible = try await req.entities(for: .entitiesRead)
        var builder = EntityModel.query(on: req.db)
        builder = visible.isEmpty ? builder.filter(\.$name == "\u{0}") : builder.filter(\.$id ~~ Array(visible))
        if let parent = query.filters["parent_id"] {
            guard let id = UUID(uuidString: parent) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'parent_id' must be a UUID.")
            }
            builder = builder.filter(\.$parentID == id)
        }
        if let text = query.search { builder = builder.filter(\.$name, req.db.likeOperator, req.db.containsPattern(text)) }
        let total = try await builder.count()
        for key in query.sort {
            switch key.field {
            case "created_at": builder = builder.sort(\.$createdAt, key.descending ? .descending : .ascending)
            case "updated_at": builder = builder.sort(\.$updatedAt, key.descending ? .descending : .ascending)
            default: builder = builder.sort(\.$name, key.descending ? .descending : .ascending)
            }
        }
        let rows = try await builder.sort(\.$id).range(query.offset..<(query.offset + query.perPage)).all()
        let tree = try await req.entityTree()
        return ListResponse(items: rows.map { EntityDTO($0, tree: tree) }, total: total,
                            next: req.nextPageURL(query, total: total))
    }

    @Sendable func apiGet(_ req: Request) async throws -> EntityDTO {
        let entity = try await EntityService(request: req).find(req.parameters.get("id", as: UUID.self))
        return EntityDTO(entity, tree: try await req.entityTree())
    }

    @Sendable func apiCreate(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(EntityInput.self)
        guard let name = input.name else { throw ParcError.validation(["name": "is required"]) }
        if let parent = input.parent_id, !(try await req.accessScope().canSee(parent)) {
            throw ParcError.validation(["parent_id": "No such entity."])
        }
        let entity = try await EntityService(request: req).create(name: name, parentID: input.parent_id,
                                                                 code: input.code, comment: input.comment)
        let tree = EntityTree(try await EntityModel.query(on: req.db).all().map(\.node))
        let response = Response(status: .created)
        try response.content.encode(EntityDTO(entity, tree: tree), using: JSONEncoder.parc)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/entities/\(entity.id!)")
        return response
    }

    @Sendable func apiUpdate(_ req: Request) async throws -> EntityDTO {
        let service = EntityService(request: req)
        let entity = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(EntityInput.self)
        try await service.update(entity, .init(name: input.name, code: input.code.map { .some($0) },
                                               comment: input.comment.map { .some($0) },
                                               parentID: input.parent_id.map { .some($0) }))
        let tree = EntityTree(try await EntityModel.query(on: req.db).all().map(\.node))
        return EntityDTO(entity, tree: tree)
    }

    @Sendable func apiDelete(_ req: Request) async throws -> HTTPStatus {
        let service = EntityService(request: req)
        try await service.delete(try await service.find(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    // MARK: pages

    struct Row: Encodable {
        let id: UUID
        let name: String
        let code: String
        let depth: Int
        let indent: String
        let users: Int
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let canCreate: Bool
        let query: String
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.entitiesManage)
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        let search = ((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces)
        let models = Dictionary(uniqueKeysWithValues: try await EntityModel.query(on: req.db).all().map { ($0.id!, $0) })
        let users = try await UserModel.query(on: req.db).scoped(to: req.entities(for: .usersRead), \.$entityID)
            .all(\.$entityID).reduce(into: [UUID: Int]()) { $0[$1, default: 0] += 1 }
        let rows = tree.ordered.filter(scope.canSee).compactMap { id -> Row? in
            guard let model = models[id] else { return nil }
            if !search.isEmpty, !model.name.localizedCaseInsensitiveContains(search) { return nil }
            let depth = tree.depth(of: id)
            return Row(id: id, name: model.name, code: model.code ?? "", depth: depth,
                       indent: String(repeating: "\u{2003}", count: depth), users: users[id] ?? 0)
        }
        return try await req.renderPage("admin/entities", title: req.t("nav.entities"), active: "entities",
                                        page: ListPage(rows: rows, canCreate: !scope.entities(for: .entitiesManage).isEmpty,
                                                       query: search))
    }

    struct FormPage: Encodable {
        let isNew: Bool
        let id: UUID?
        let values: [String: String]
        let errors: [String: String]
        let parents: [Option]
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    private func parentOptions(_ req: Request, selected: UUID?, excluding: UUID?) async throws -> [Option] {
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        let excluded = Set(excluding.map { tree.subtree(of: $0) } ?? [])
        return tree.ordered.filter { scope.allows(.entitiesManage, in: $0) && !excluded.contains($0) }.map {
            Option(value: $0.uuidString, label: tree.path(of: $0), selected: $0 == selected)
        }
    }

    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.entitiesManage)
        let parent = try? req.query.get(UUID.self, at: "parent")
        return try await req.renderPage("admin/entity-form", title: req.t("entities.new"), active: "entities",
            page: FormPage(isNew: true, id: nil, values: [:], errors: [:],
                           parents: try await parentOptions(req, selected: parent, excluding: nil)))
    }

    struct EntityForm: Content {
        let name: String?
        let parent_id: String?
        let code: String?
        let comment: String?
    }

    @Sendable func createFromForm(_ req: Request) async throws -> Response {
        let form = try req.content.decode(EntityForm.self)
        let parent = form.parent_id.flatMap(UUID.init(uuidString:))
        do {
            if let parent, !(try await req.accessScope().canSee(parent)) { throw ParcError.validation(["parent_id": "No such entity."]) }
            let entity = try await EntityService(request: req).create(name: form.name ?? "", parentID: parent,
                                                                     code: form.code, comment: form.comment)
            req.flash("success", req.t("entities.created", entity.name))
            return req.redirect(to: "/admin/entities/\(entity.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await req.renderPage("admin/entity-form", title: req.t("entities.new"), active: "entities",
                page: FormPage(isNew: true, id: nil, values: formValues(form), errors: req.localized(error.fields),
                               parents: try await parentOptions(req, selected: parent, excluding: nil)),
                status: .unprocessableEntity)
        }
    }

    private func formValues(_ form: EntityForm) -> [String: String] {
        ["name": form.name ?? "", "code": form.code ?? "", "comment": form.comment ?? ""]
    }

    struct ShowPage: Encodable {
        let entity: EntityDTO
        let parentName: String?
        let children: [Row]
        let users: [UserLink]
        let tab: String
        let history: [AuditEntryView]
        let canManage: Bool
        let canDelete: Bool
    }

    struct UserLink: Encodable {
        let id: UUID
        let login: String
        let displayName: String
    }

    @Sendable func showPage(_ req: Request) async throws -> Response {
        let entity = try await EntityService(request: req).find(req.parameters.get("id", as: UUID.self))
        let id = entity.id!
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        let tab = (try? req.query.get(String.self, at: "tab")) ?? "details"
        let children = try await EntityModel.query(on: req.db).filter(\.$parentID == id).sort(\.$name).all()
            .filter { scope.canSee($0.id!) }
        let users = scope.allows(.usersRead, in: id)
            ? try await UserModel.query(on: req.db).filter(\.$entityID == id).sort(\.$login).limit(100).all() : []
        let history = tab == "history" && scope.allows(.auditRead, in: id)
            ? try await AuditEntryModel.history(objectType: "entity", objectID: id,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        return try await req.renderPage("admin/entity", title: entity.name, active: "entities", page: ShowPage(
            entity: EntityDTO(entity, tree: tree), parentName: entity.parentID.map { tree.path(of: $0) },
            children: children.map { Row(id: $0.id!, name: $0.name, code: $0.code ?? "", depth: 0, indent: "", users: 0) },
            users: users.map { UserLink(id: $0.id!, login: $0.login, displayName: $0.displayName) },
            tab: ["details", "history"].contains(tab) ? tab : "details", history: history,
            canManage: scope.allows(.entitiesManage, in: id),
            canDelete: entity.parentID.map { scope.allows(.entitiesManage, in: $0) } ?? false))
    }

    @Sendable func editPage(_ req: Request) async throws -> Response {
        let entity = try await EntityService(request: req).find(req.parameters.get("id", as: UUID.self))
        try await req.require(.entitiesManage, in: entity.id!)
        return try await req.renderPage("admin/entity-form", title: req.t("entities.edit", entity.name), active: "entities",
            page: FormPage(isNew: false, id: entity.id, values: ["name": entity.name, "code": entity.code ?? "",
                                                                  "comment": entity.comment ?? ""], errors: [:],
                           parents: entity.parentID == nil ? [] :
                            try await parentOptions(req, selected: entity.parentID, excluding: entity.id)))
    }

    @Sendable func updateFromForm(_ req: Request) async throws -> Response {
        let service = EntityService(request: req)
        let entity = try await service.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(EntityForm.self)
        let parent = form.parent_id.flatMap(UUID.init(uuidString:))
        do {
            try await service.update(entity, .init(name: form.name ?? "", code: .some(form.code), comment: .some(form.comment),
                                                   parentID: entity.parentID == nil ? nil : .some(parent)))
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/admin/entities/\(entity.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await req.renderPage("admin/entity-form", title: req.t("entities.edit", entity.name),
                active: "entities", page: FormPage(isNew: false, id: entity.id, values: formValues(form),
                    errors: req.localized(error.fields), parents: try await parentOptions(req, selected: parent, excluding: entity.id)),
                status: .unprocessableEntity)
        }
    }

    @Sendable func deleteFromForm(_ req: Request) async throws -> Response {
        let service = EntityService(request: req)
        let entity = try await service.find(req.parameters.get("id", as: UUID.self))
        do {
            try await service.delete(entity)
            req.flash("success", req.t("entities.deleted", entity.name))
            return req.redirect(to: "/admin/entities")
        } catch let error as ParcError where error.status == .conflict {
            req.flash("error", req.localized(error.message))
            return req.redirect(to: "/admin/entities/\(entity.id!)")
        }
    }
}

/// Global search over the entities the user can see.
struct EntitySearch: SearchProvider {
    let id = "entities"
    let titleKey = "nav.entities"

    func search(_ text: String, limit: Int, on request: Request) async throws -> [SearchHit] {
        let visible = try await request.entities(for: .entitiesRead)
        guard !visible.isEmpty else { return [] }
        let tree = try await request.entityTree()
        return try await EntityModel.query(on: request.db).filter(\.$id ~~ Array(visible))
            .filter(\.$name, request.db.likeOperator, request.db.containsPattern(text)).sort(\.$name).limit(limit).all()
            .map { SearchHit(title: $0.name, detail: tree.path(of: $0.id!), url: "/admin/entities/\($0.id!)") }
    }
}
