import Fluent
import Foundation
import ParcCore
import Vapor

/// `/api/v1/licences`: software licences, their seats and assignments, and their compliance.
struct LicencesAPIController {
    func register(_ api: APIRoutes) {
        api.schema("Licence", LicenceDTO.schema)
        api.schema("LicenceAssignment", LicenceAssignmentDTO.schema)
        api.on(.GET, "licences", summary: "List licences with their seats and compliance", tag: "Software",
               query: APIRoutes.listParameters(sortable: Array(LicenceQuery.spec.sortable).sorted(),
                                               filters: LicenceQuery.filterDescriptions),
               response: .list(of: "Licence"), use: list)
        api.on(.POST, "licences", summary: "Create a licence", tag: "Software", body: LicenceInput.schema,
               response: .ref("Licence"), status: 201, use: create)
        api.on(.GET, "licences/:id", summary: "A licence (its key only for those who manage the entity's assets)",
               tag: "Software", response: .ref("Licence"), use: get)
        api.on(.PATCH, "licences/:id", summary: "Change a licence", tag: "Software", body: LicenceInput.schema,
               response: .ref("Licence"), use: update)
        api.on(.DELETE, "licences/:id", summary: "Delete a licence and its assignments", tag: "Software",
               response: nil, status: 204, use: delete)
        api.on(.GET, "licences/:id/assignments", summary: "The licence's seats, newest first", tag: "Software",
               query: APIRoutes.listParameters(sortable: ["assigned_at"]),
               response: .list(of: "LicenceAssignment"), use: assignments)
        api.on(.POST, "licences/:id/assignments", summary: "Give a seat to an asset and/or a person (409 when none is left)",
               tag: "Software",
               body: .object(["asset_id": .uuid, "user_id": .uuid, "comment": .string()], required: []),
               response: .ref("LicenceAssignment"), status: 201, use: assign)
        api.on(.DELETE, "licences/:id/assignments/:assignment", summary: "Take a seat back", tag: "Software",
               response: nil, status: 204, use: unassign)
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<LicenceDTO> {
        try await req.requireAnywhere(.assetsRead)
        let query = try req.listQuery(LicenceQuery.spec)
        let (total, items) = try await LicenceQuery(request: req, query: query).page()
        let tree = try await req.entityTree()
        return ListResponse(items: items.map { LicenceDTO($0, tree: tree) }, total: total,
                            next: req.nextPageURL(query, total: total))
    }

    /// The licence as the detail shows it, with its key for those who may read it; never cached.
    static func detail(_ req: Request, _ licence: SoftwareLicenceModel, status: HTTPResponseStatus = .ok) async throws
        -> Response
    {
        let standing = try await LicenceStanding.load([licence], request: req)[0]
        let key = try await LicenceService(request: req).mayReadKey(of: licence) ? licence.licenceKey : nil
        let response = try await LicenceDTO(standing, tree: try await req.entityTree(), key: key).encodeResponse(for: req)
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(LicenceInput.self)
        let licence = try await LicenceService(request: req).create(input)
        return try await Self.detail(req, licence, status: .created)
    }

    @Sendable func get(_ req: Request) async throws -> Response {
        try await Self.detail(req, try await LicenceService(request: req).find(req.parameters.get("id", as: UUID.self)))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let service = LicenceService(request: req)
        let licence = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(LicenceInput.self)
        return try await Self.detail(req, try await service.update(licence, input))
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let service = LicenceService(request: req)
        try await service.delete(try await service.find(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    @Sendable func assignments(_ req: Request) async throws -> ListResponse<LicenceAssignmentDTO> {
        let service = LicenceService(request: req)
        let licence = try await service.find(req.parameters.get("id", as: UUID.self))
        let query = try req.listQuery(LicenceService.assignmentSpec)
        let (total, items) = try await service.assignments(of: licence, query)
        return ListResponse(items: items, total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func assign(_ req: Request) async throws -> Response {
        let service = LicenceService(request: req)
        let licence = try await service.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(LicenceAssignmentInput.self)
        let assignment = try await service.assign(licence, input)
        let response = try await service.describe([assignment], softwareID: licence.softwareID)[0].encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func unassign(_ req: Request) async throws -> HTTPStatus {
        let service = LicenceService(request: req)
        let licence = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.unassign(licence, assignment: req.parameters.get("assignment", as: UUID.self))
        return .noContent
    }
}
