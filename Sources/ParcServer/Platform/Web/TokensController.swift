import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/api/v1/tokens`: the caller's own API tokens (list, create — the secret is returned once —, revoke).
struct TokensController {
    struct TokenDTO: Content {
        let id: UUID
        let name: String
        let prefix: String
        let created_at: Date?
        let last_used_at: Date?
        let expires_at: Date?
        let revoked_at: Date?
        /// Only in the answer to the creation.
        let token: String?

        init(_ model: APITokenModel, secret: String? = nil) {
            id = model.id!
            name = model.name
            prefix = model.prefix
            created_at = model.createdAt
            last_used_at = model.lastUsedAt
            expires_at = model.expiresAt
            revoked_at = model.revokedAt
            token = secret
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "name": .string(), "prefix": .string(description: "First characters, to recognise the token"),
            "created_at": .dateTime, "last_used_at": .nullable(.dateTime), "expires_at": .nullable(.dateTime),
            "revoked_at": .nullable(.dateTime),
            "token": .string(description: "The secret, present only in the answer to the creation"),
        ], required: ["id", "name", "prefix"])
    }

    struct TokenInput: StrictContent, Content {
        let name: String?
        let expires_at: Date?
        static let acceptedFields: Set<String> = ["name", "expires_at"]
    }

    func register(api: APIRoutes) {
        api.schema("Token", TokenDTO.schema)
        api.on(.GET, "tokens", summary: "List your API tokens", tag: "Tokens",
               response: .object(["items": .array(.ref("Token")), "total": .integer, "next": .nullable(.string())],
                                 required: ["items", "total", "next"]), use: list)
        api.on(.POST, "tokens", summary: "Create an API token (the secret is in the answer, once)", tag: "Tokens",
               body: .object(["name": .string(), "expires_at": .dateTime], required: ["name"]),
               response: .ref("Token"), status: 201, use: create)
        api.on(.DELETE, "tokens/:id", summary: "Revoke one of your API tokens", tag: "Tokens", response: nil,
               status: 204, use: revoke)
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<TokenDTO> {
        let user = try req.requireUser()
        let tokens = try await APITokenModel.query(on: req.db).filter(\.$userID == user.id)
            .sort(\.$createdAt, .descending).all()
        return ListResponse(items: tokens.map { TokenDTO($0) }, total: tokens.count, next: nil)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let input = try req.decodeStrict(TokenInput.self)
        guard let user = try await UserModel.find(current.id, on: req.db) else { throw ParcError.notFound("user") }
        let (token, secret) = try await AccountService(request: req).createToken(
            for: user, name: input.name ?? "", expiresAt: input.expires_at, audit: AuditLog(request: req))
        let response = Response(status: .created)
        try response.content.encode(TokenDTO(token, secret: secret), using: JSONEncoder.parc)
        return response
    }

    @Sendable func revoke(_ req: Request) async throws -> HTTPStatus {
        try await AccountService(request: req).revokeOwnToken(req.parameters.get("id", as: UUID.self),
                                                                        audit: AuditLog(request: req), request: req)
        return .noContent
    }
}
