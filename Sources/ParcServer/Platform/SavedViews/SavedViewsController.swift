import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/api/v1/saved-views`: saved searches of any list (list, create, read, change, delete), and the forms the list
/// pages post to save and delete them (`/views`, `/views/{id}/delete`).
struct SavedViewsController {
    struct SavedViewDTO: Content {
        let id: UUID
        let list: String
        let name: String
        let query: String
        let url: String
        let shared: Bool
        let entity_id: UUID
        let owner_id: UUID
        let owner: String
        let position: Int
        let changeable: Bool
        let created_at: Date
        let updated_at: Date

        static let schema = OpenAPISchema.object([
            "id": .uuid, "list": .string(description: "The list's key, e.g. assets"), "name": .string(),
            "query": .string(description: "The list's query string, without '?'"),
            "url": .string(description: "The list page showing the view"), "shared": .boolean, "entity_id": .uuid,
            "owner_id": .uuid, "owner": .string(description: "The owner's display name"), "position": .integer,
            "changeable": .boolean, "created_at": .dateTime, "updated_at": .dateTime,
        ], required: ["id", "list", "name", "query", "url", "shared", "entity_id", "owner_id", "position", "changeable"])
    }

    struct CreateInput: StrictContent, Content {
        let list: String?
        let name: String?
        let query: String?
        let shared: Bool?
        let position: Int?
        static let acceptedFields: Set<String> = ["list", "name", "query", "shared", "position"]
    }

    struct UpdateInput: StrictContent, Content {
        let name: String?
        let query: String?
        let shared: Bool?
        let position: Int?
        static let acceptedFields: Set<String> = ["name", "query", "shared", "position"]
    }

    static let listSpec = ListQuerySpec(sortable: ["position", "name", "created_at"], filterable: ["list", "shared"],
                                        defaultSort: [.init("position"), .init("name")])

    func register(_ routes: any RoutesBuilder, api: APIRoutes) {
        api.schema("SavedView", SavedViewDTO.schema)
        api.on(.GET, "saved-views", summary: "Saved views you see: yours, and those shared where you read their list",
               tag: "Saved views",
               query: APIRoutes.listParameters(sortable: Array(Self.listSpec.sortable).sorted(), filters: [
                   ("list", "A list's key, e.g. assets"), ("shared", "true or false"),
               ]),
               response: .list(of: "SavedView"), use: list)
        api.on(.POST, "saved-views", summary: "Save a search of a list as a view", tag: "Saved views",
               body: .object(["list": .string(), "name": .string(), "query": .string(), "shared": .boolean,
                              "position": .integer], required: ["list", "name", "query"]),
               response: .ref("SavedView"), status: 201, use: create)
        api.on(.GET, "saved-views/:id", summary: "A saved view", tag: "Saved views", response: .ref("SavedView"),
               use: get)
        api.on(.PATCH, "saved-views/:id", summary: "Rename, re-share, reorder or change a view (owner or admin)",
               tag: "Saved views",
               body: .object(["name": .string(), "query": .string(), "shared": .boolean, "position": .integer],
                             required: []),
               response: .ref("SavedView"), use: update)
        api.on(.DELETE, "saved-views/:id", summary: "Delete a view (owner or admin)", tag: "Saved views",
               response: nil, status: 204, use: delete)
        routes.post("views", use: saveFromForm)
        routes.post("views", ":id", "delete", use: deleteFromForm)
    }

    static func dtos(_ req: Request, _ views: [SavedViewModel]) async throws -> [SavedViewDTO] {
        let service = SavedViewService(request: req)
        let owners = try await UserModel.query(on: req.db).filter(\.$id ~~ Set(views.map(\.ownerID))).all()
        let names = Dictionary(uniqueKeysWithValues: owners.map { ($0.id!, $0.displayName) })
        var result: [SavedViewDTO] = []
        for view in views {
            let list = try service.list(view.listKey)
            result.append(SavedViewDTO(
                id: view.id!, list: view.listKey, name: view.name, query: view.query, url: list.url(query: view.query),
                shared: view.shared, entity_id: view.entityID, owner_id: view.ownerID,
                owner: names[view.ownerID] ?? "—", position: view.position,
                changeable: try await service.isChangeable(view, list: list), created_at: view.createdAt,
                updated_at: view.updatedAt))
        }
        return result
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<SavedViewDTO> {
        _ = try req.requireUser()
        let query = try req.listQuery(Self.listSpec)
        let service = SavedViewService(request: req)
        if let key = query.filters["list"] { _ = try service.list(key) }
        var builder = try await service.visibleQuery(listKey: query.filters["list"])
        if let shared = query.filters["shared"] {
            guard let flag = Bool(shared) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'shared' must be true or false.")
            }
            builder = builder.filter(\.$shared == flag)
        }
        let total = try await builder.copy().count()
        for key in query.sort {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            switch key.field {
            case "name": builder = builder.sort(\.$name, direction)
            case "created_at": builder = builder.sort(\.$createdAt, direction)
            default: builder = builder.sort(\.$position, direction)
            }
        }
        let views = try await builder.sort(\.$id).range(query.offset..<(query.offset + query.perPage)).all()
        return ListResponse(items: try await Self.dtos(req, views), total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func get(_ req: Request) async throws -> SavedViewDTO {
        let (view, _) = try await SavedViewService(request: req).find(req.parameters.get("id", as: UUID.self))
        return try await Self.dtos(req, [view])[0]
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(CreateInput.self)
        var missing: [String: String] = [:]
        for (field, value) in [("list", input.list), ("name", input.name), ("query", input.query)] where value == nil {
            missing[field] = "is required"
        }
        guard missing.isEmpty else { throw ParcError.validation(missing) }
        let view = try await SavedViewService(request: req).create(
            listKey: input.list, name: input.name!, query: input.query!, shared: input.shared ?? false,
            position: input.position)
        let response = Response(status: .created)
        try response.content.encode(try await Self.dtos(req, [view])[0], using: JSONEncoder.parc)
        return response
    }

    @Sendable func update(_ req: Request) async throws -> SavedViewDTO {
        let input = try req.decodeStrict(UpdateInput.self)
        let service = SavedViewService(request: req)
        let (view, list) = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.update(view, list: list, name: input.name, query: input.query, shared: input.shared,
                                 position: input.position)
        return try await Self.dtos(req, [view])[0]
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let service = SavedViewService(request: req)
        let (view, list) = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.delete(view, list: list)
        return .noContent
    }

    struct SaveForm: Content {
        let list: String?
        let name: String?
        let query: String?
        let shared: String?
    }

    /// "Save this search" on a list page: back to the list showing the new view, or to the search with the reason.
    @Sendable func saveFromForm(_ req: Request) async throws -> Response {
        let form = try req.content.decode(SaveForm.self)
        let service = SavedViewService(request: req)
        let list = try service.list(form.list)
        do {
            let view = try await service.create(listKey: list.key, name: form.name ?? "", query: form.query ?? "",
                                                shared: form.shared != nil, position: nil)
            req.flash("success", req.t("views.saved", view.name))
            return req.redirect(to: list.url(query: view.query))
        } catch let error as ParcError where [.unprocessableEntity, .conflict].contains(error.status) {
            let reason = error.fields.isEmpty ? req.localized(error.message)
                : req.localized(error.fields).sorted { $0.key < $1.key }.map(\.value).joined(separator: " ")
            req.flash("error", req.t("views.not_saved", reason))
            let back = (try? SavedViewRules.canonicalQuery(form.query ?? "", spec: list.spec)) ?? ""
            return req.redirect(to: list.url(query: back))
        }
    }

    @Sendable func deleteFromForm(_ req: Request) async throws -> Response {
        let service = SavedViewService(request: req)
        let (view, list) = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.delete(view, list: list)
        req.flash("success", req.t("views.deleted", view.name))
        return req.redirect(to: list.path)
    }
}
