import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// Agents and enrollment tokens: `/api/v1/agents`, `/api/v1/agent-enrollment-tokens`, the pages
/// under `/agents`, and `POST /api/agent/v1/enroll`.
struct AgentsController {
    // MARK: DTOs

    struct AgentDTO: Content {
        let id: UUID
        let entity_id: UUID
        let entity: String
        let hostname: String
        let machine_id: String
        let os: String
        let agent_version: String
        let credential_prefix: String
        let enrolled_at: Date
        let last_seen_at: Date?
        let revoked_at: Date?

        init(_ model: AgentModel, tree: EntityTree) {
            id = model.id!
            entity_id = model.entityID
            entity = tree.path(of: model.entityID)
            hostname = model.hostname
            machine_id = model.machineID
            os = model.os
            agent_version = model.agentVersion
            credential_prefix = model.credentialPrefix
            enrolled_at = model.enrolledAt
            last_seen_at = model.lastSeenAt
            revoked_at = model.revokedAt
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "entity": .string(description: "Entity path"), "hostname": .string(),
            "machine_id": .string(), "os": .string(), "agent_version": .string(),
            "credential_prefix": .string(description: "First characters of the current credential"),
            "enrolled_at": .dateTime, "last_seen_at": .nullable(.dateTime), "revoked_at": .nullable(.dateTime),
        ], required: ["id", "entity_id", "hostname", "machine_id", "enrolled_at"])
    }

    struct TokenDTO: Content {
        let id: UUID
        let entity_id: UUID
        let name: String
        let prefix: String
        let expires_at: Date?
        let max_uses: Int?
        let uses: Int
        let state: String
        let revoked_at: Date?
        let created_at: Date
        /// Only in the answer to the creation.
        let token: String?
        let install_command: String?

        init(_ model: AgentEnrollmentTokenModel, now: Date, secret: String? = nil, serverURL: String? = nil) {
            id = model.id!
            entity_id = model.entityID
            name = model.name
            prefix = model.prefix
            expires_at = model.expiresAt
            max_uses = model.maxUses
            uses = model.uses
            state = model.unusableReason(now: now) ?? "active"
            revoked_at = model.revokedAt
            created_at = model.createdAt
            token = secret
            install_command = secret.flatMap { secret in serverURL.map { AgentsController.installCommand($0, secret) } }
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "name": .string(), "prefix": .string(),
            "expires_at": .nullable(.dateTime), "max_uses": .nullable(.integer), "uses": .integer,
            "state": .string(enumValues: ["active", "expired", "revoked", "used_up"]),
            "revoked_at": .nullable(.dateTime), "created_at": .dateTime,
            "token": .string(description: "The secret, present only in the answer to the creation"),
            "install_command": .string(description: "The enroll command, present only in the answer to the creation"),
        ], required: ["id", "entity_id", "name", "prefix", "uses", "state", "created_at"])
    }

    static func installCommand(_ server: String, _ token: String) -> String {
        "parc-agent enroll --server \(server) --token \(token)"
    }

    struct TokenInput: StrictContent, Content {
        let entity_id: UUID?
        let name: String?
        let expires_at: Date?
        let max_uses: Int?
        static let acceptedFields: Set<String> = ["entity_id", "name", "expires_at", "max_uses"]
    }

    struct EnrollInput: StrictContent, Content {
        let token: String
        let hostname: String
        let machine_id: String
        let os: String
        let agent_version: String
        static let acceptedFields: Set<String> = ["token", "hostname", "machine_id", "os", "agent_version"]
    }

    struct EnrollResponse: Content {
        let agent_id: UUID
        let credential: String
        let entity_id: UUID
    }

    static let agentListSpec = ListQuerySpec(sortable: ["hostname", "last_seen_at", "enrolled_at"],
                                             filterable: ["entity_id", "status"], defaultSort: [.init("hostname")],
                                             passthrough: ["format"])
    static let tokenListSpec = ListQuerySpec(sortable: ["name", "created_at", "expires_at"], filterable: ["entity_id"],
                                             defaultSort: [.init("created_at", descending: true)])

    func register(_ routes: any RoutesBuilder, api: APIRoutes) {
        let pages = routes.grouped("agents")
        pages.get(use: listPage)
        pages.get("enrollment", use: tokensPage)
        pages.post("enrollment", use: createTokenFromForm)
        pages.post("enrollment", ":id", "revoke", use: revokeTokenFromForm)
        pages.get(":id", use: showPage)
        pages.post(":id", "revoke", use: revokeFromForm)

        api.schema("Agent", AgentDTO.schema)
        api.schema("AgentEnrollmentToken", TokenDTO.schema)
        let listOf = { (name: String) in
            OpenAPISchema.object(["items": .array(.ref(name)), "total": .integer, "next": .nullable(.string())],
                                 required: ["items", "total", "next"])
        }
        api.on(.GET, "agents", summary: "List agents", tag: "Agents",
               query: APIRoutes.listParameters(sortable: Self.agentListSpec.sortable.sorted(), filters: [
                   ("entity_id", "Only agents of this entity."),
                   ("status", "active or revoked."),
               ]), response: listOf("Agent"), use: apiList)
        api.on(.GET, "agents/:id", summary: "Get an agent", tag: "Agents", response: .ref("Agent"), use: apiGet)
        api.on(.DELETE, "agents/:id", summary: "Revoke an agent (its credential stops working)", tag: "Agents",
               response: nil, status: 204, use: apiRevoke)
        api.on(.GET, "agent-enrollment-tokens", summary: "List enrollment tokens", tag: "Agents",
               query: APIRoutes.listParameters(sortable: Self.tokenListSpec.sortable.sorted(),
                                               filters: [("entity_id", "Only tokens of this entity.")]),
               response: listOf("AgentEnrollmentToken"), use: apiTokens)
        api.on(.POST, "agent-enrollment-tokens", summary: "Create an enrollment token (the secret is in the answer, once)",
               tag: "Agents", body: .object([
                   "entity_id": .uuid, "name": .string(), "expires_at": .nullable(.dateTime),
                   "max_uses": .nullable(.integer),
               ], required: ["entity_id", "name"]), response: .ref("AgentEnrollmentToken"), status: 201,
               use: apiCreateToken)
        api.on(.DELETE, "agent-enrollment-tokens/:id", summary: "Revoke an enrollment token", tag: "Agents",
               response: nil, status: 204, use: apiRevokeToken)
    }

    // MARK: agent API

    @Sendable static func enroll(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(EnrollInput.self, decoder: .agent, unknownFieldsStatus: .badRequest)
        let (agent, credential) = try await AgentService(request: req).enroll(.init(
            token: input.token, hostname: input.hostname, machineID: input.machine_id, os: input.os,
            agentVersion: input.agent_version))
        let response = Response(status: .created)
        try response.content.encode(EnrollResponse(agent_id: agent.id!, credential: credential, entity_id: agent.entityID),
                                    using: JSONEncoder.parc)
        return response
    }

    // MARK: API

    private func agentQuery(_ req: Request, _ query: ListQuery) async throws -> QueryBuilder<AgentModel> {
        var builder = AgentModel.query(on: req.db).scoped(to: try await req.entities(for: .agentsRead), \.$entityID)
        if let entity = query.filters["entity_id"] {
            guard let id = UUID(uuidString: entity) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'entity_id' must be a UUID.")
            }
            builder = builder.filter(\.$entityID == id)
        }
        switch query.filters["status"] {
        case nil: break
        case "active": builder = builder.filter(\.$revokedAt == nil)
        case "revoked": builder = builder.filter(\.$revokedAt != nil)
        default: throw ParcError.badRequest("invalid_query", "Parameter 'status' must be active or revoked.")
        }
        if let text = query.search {
            builder = builder.group(.or) {
                $0.filter(\.$hostname, req.db.likeOperator, req.db.containsPattern(text))
                    .filter(\.$machineID, req.db.likeOperator, req.db.containsPattern(text))
            }
        }
        for key in query.sort {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            switch key.field {
            case "last_seen_at": builder = builder.sort(\.$lastSeenAt, direction)
            case "enrolled_at": builder = builder.sort(\.$enrolledAt, direction)
            default: builder = builder.sort(\.$hostname, direction)
            }
        }
        return builder.sort(\.$id)
    }

    @Sendable func apiList(_ req: Request) async throws -> ListResponse<AgentDTO> {
        let query = try req.listQuery(Self.agentListSpec)
        let builder = try await agentQuery(req, query)
        let total = try await builder.count()
        let rows = try await builder.range(query.offset..<(query.offset + query.perPage)).all()
        let tree = try await req.entityTree()
        return ListResponse(items: rows.map { AgentDTO($0, tree: tree) }, total: total,
                            next: req.nextPageURL(query, total: total))
    }

    @Sendable func apiGet(_ req: Request) async throws -> AgentDTO {
        let agent = try await AgentService(request: req).findAgent(req.parameters.get("id", as: UUID.self))
        return AgentDTO(agent, tree: try await req.entityTree())
    }

    @Sendable func apiRevoke(_ req: Request) async throws -> HTTPStatus {
        let service = AgentService(request: req)
        try await service.revoke(try await service.findAgent(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    @Sendable func apiTokens(_ req: Request) async throws -> ListResponse<TokenDTO> {
        let query = try req.listQuery(Self.tokenListSpec)
        var builder = AgentEnrollmentTokenModel.query(on: req.db)
            .scoped(to: try await req.entities(for: .agentsRead), \.$entityID)
        if let entity = query.filters["entity_id"] {
            guard let id = UUID(uuidString: entity) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'entity_id' must be a UUID.")
            }
            builder = builder.filter(\.$entityID == id)
        }
        if let text = query.search { builder = builder.filter(\.$name, req.db.likeOperator, req.db.containsPattern(text)) }
        let total = try await builder.count()
        for key in query.sort {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            switch key.field {
            case "name": builder = builder.sort(\.$name, direction)
            case "expires_at": builder = builder.sort(\.$expiresAt, direction)
            default: builder = builder.sort(\.$createdAt, direction)
            }
        }
        let rows = try await builder.sort(\.$id).range(query.offset..<(query.offset + query.perPage)).all()
        return ListResponse(items: rows.map { TokenDTO($0, now: req.now) }, total: total,
                            next: req.nextPageURL(query, total: total))
    }

    @Sendable func apiCreateToken(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(TokenInput.self)
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        guard try await req.accessScope().canSee(entityID) else {
            throw ParcError.validation(["entity_id": "No such entity."])
        }
        let (token, secret) = try await AgentService(request: req).createToken(
            entityID: entityID, name: input.name ?? "", expiresAt: input.expires_at, maxUses: input.max_uses)
        let response = Response(status: .created)
        try response.content.encode(TokenDTO(token, now: req.now, secret: secret, serverURL: req.serverURL),
                                    using: JSONEncoder.parc)
        return response
    }

    @Sendable func apiRevokeToken(_ req: Request) async throws -> HTTPStatus {
        let service = AgentService(request: req)
        try await service.revokeToken(try await service.findToken(req.parameters.get("id", as: UUID.self)))
        return .noContent
    }

    // MARK: pages

    struct AgentRow: Encodable {
        let id: UUID
        let hostname: String
        let entity: String
        let os: String
        let version: String
        let lastSeen: String
        let enrolled: String
        let revoked: Bool
    }

    struct ListPage: Encodable {
        let rows: [AgentRow]
        let links: ListPageLinks
        let query: String
        let status: String
        let canManage: Bool
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.agentsRead)
        let query = try req.listQuery(Self.agentListSpec)
        let builder = try await agentQuery(req, query)
        let tree = try await req.entityTree()
        if req.wantsCSV {
            let iso = ISO8601DateFormatter()
            let rows = try await builder.limit(100_000).all()
            return req.csvResponse([["hostname", "entity", "machine_id", "os", "agent_version", "enrolled_at",
                                     "last_seen_at", "revoked_at"]] + rows.map {
                [$0.hostname, tree.path(of: $0.entityID), $0.machineID, $0.os, $0.agentVersion,
                 iso.string(from: $0.enrolledAt), $0.lastSeenAt.map(iso.string(from:)) ?? "",
                 $0.revokedAt.map(iso.string(from:)) ?? ""]
            }, filename: "agents.csv")
        }
        let total = try await builder.count()
        let rows = try await builder.range(query.offset..<(query.offset + query.perPage)).all()
        return try await req.renderPage("agents/list", title: req.t("nav.agents"), active: "agents", page: ListPage(
            rows: rows.map {
                AgentRow(id: $0.id!, hostname: $0.hostname, entity: tree.path(of: $0.entityID), os: $0.os,
                         version: $0.agentVersion, lastSeen: req.formatDateTime($0.lastSeenAt),
                         enrolled: req.formatDateTime($0.enrolledAt), revoked: $0.revokedAt != nil)
            },
            links: ListPageLinks(req, query: query, total: total, columns: [
                ("hostname", "agents.hostname", false), ("last_seen_at", "agents.last_seen", false),
                ("enrolled_at", "agents.enrolled", false),
            ]),
            query: query.search ?? "", status: query.filters["status"] ?? "",
            canManage: try await req.accessScope().allowsAnywhere(.agentsManage)))
    }

    struct TokenRow: Encodable {
        let id: UUID
        let name: String
        let entity: String
        let prefix: String
        let created: String
        let expires: String
        let uses: String
        let state: String
        let stateLabel: String
        let canRevoke: Bool
    }

    struct TokensPage: Encodable {
        let rows: [TokenRow]
        let entities: [SelectOption]
        let values: [String: String]
        let errors: [String: String]
        let newToken: String?
        let installCommand: String?
    }

    private func renderTokens(_ req: Request, values: [String: String] = [:], errors: [String: String] = [:],
                              secret: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.requireAnywhere(.agentsManage)
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        let tokens = try await AgentEnrollmentTokenModel.query(on: req.db)
            .scoped(to: scope.entities(for: .agentsRead), \.$entityID).sort(\.$createdAt, .descending).limit(500).all()
        let now = req.now
        let rows = tokens.map { token -> TokenRow in
            let state = token.unusableReason(now: now) ?? "active"
            return TokenRow(id: token.id!, name: token.name, entity: tree.path(of: token.entityID), prefix: token.prefix,
                            created: req.formatDateTime(token.createdAt),
                            expires: token.expiresAt.map(req.formatDateTime) ?? req.t("agents.tokens.never"),
                            uses: token.maxUses.map { "\(token.uses) / \($0)" } ?? String(token.uses),
                            state: state, stateLabel: req.t("agents.tokens.state.\(state)"),
                            canRevoke: token.revokedAt == nil && scope.allows(.agentsManage, in: token.entityID))
        }
        return try await req.renderPage("agents/enrollment", title: req.t("agents.tokens.title"), active: "agents",
            page: TokensPage(rows: rows,
                             entities: try await req.entityOptions(for: .agentsManage,
                                                                   selected: values["entity_id"].flatMap(UUID.init(uuidString:))),
                             values: values, errors: errors, newToken: secret,
                             installCommand: secret.map { Self.installCommand(req.serverURL, $0) }),
            status: status)
    }

    @Sendable func tokensPage(_ req: Request) async throws -> Response {
        try await renderTokens(req, values: ["expires_in_days": "7"])
    }

    struct TokenForm: Content {
        let entity_id: String?
        let name: String?
        let expires_in_days: String?
        let max_uses: String?
    }

    @Sendable func createTokenFromForm(_ req: Request) async throws -> Response {
        let form = try req.content.decode(TokenForm.self)
        let values = ["entity_id": form.entity_id ?? "", "name": form.name ?? "",
                      "expires_in_days": form.expires_in_days ?? "", "max_uses": form.max_uses ?? ""]
        do {
            guard let entityID = form.entity_id.flatMap(UUID.init(uuidString:)),
                  try await req.accessScope().canSee(entityID) else {
                throw ParcError.validation(["entity_id": "No such entity."])
            }
            var expiresAt: Date?
            if let days = form.expires_in_days, !days.isEmpty {
                guard let count = Int(days), (1...3650).contains(count) else {
                    throw ParcError.validation(["expires_at": "The expiry date must be in the future."])
                }
                expiresAt = req.now.addingTimeInterval(TimeInterval(count) * 86400)
            }
            var maxUses: Int?
            if let text = form.max_uses?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let value = Int(text) else {
                    throw ParcError.validation(["max_uses": "Leave empty for no limit, or give a whole number from 1 to 100000."])
                }
                maxUses = value
            }
            let (token, secret) = try await AgentService(request: req).createToken(
                entityID: entityID, name: form.name ?? "", expiresAt: expiresAt, maxUses: maxUses)
            req.flash("success", req.t("agents.tokens.created", token.name))
            return try await renderTokens(req, values: ["expires_in_days": "7"], secret: secret)
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderTokens(req, values: values, errors: req.localized(error.fields),
                                          status: .unprocessableEntity)
        }
    }

    @Sendable func revokeTokenFromForm(_ req: Request) async throws -> Response {
        let service = AgentService(request: req)
        let token = try await service.findToken(req.parameters.get("id", as: UUID.self))
        try await service.revokeToken(token)
        req.flash("success", req.t("agents.tokens.revoked", token.name))
        return req.redirect(to: "/agents/enrollment")
    }

    struct ShowPage: Encodable {
        let agent: AgentDTO
        let lastSeen: String
        let enrolled: String
        let revoked: Bool
        let canRevoke: Bool
        let tab: String
        let backup: BackupAgentPanel?
        let history: [AuditEntryView]
    }

    @Sendable func showPage(_ req: Request) async throws -> Response {
        let agent = try await AgentService(request: req).findAgent(req.parameters.get("id", as: UUID.self))
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        let requested = (try? req.query.get(String.self, at: "tab")) ?? "backup"
        let tab = ["backup", "history"].contains(requested) ? requested : "backup"
        let history = tab == "history" && scope.allows(.auditRead, in: agent.entityID)
            ? try await AuditEntryModel.history(objectType: "agent", objectID: agent.id!,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        let backup = tab == "backup" && scope.allows(.backupRead, in: agent.entityID)
            ? try await BackupAgentPanel.load(for: agent, on: req) : nil
        return try await req.renderPage("agents/show", title: agent.hostname, active: "agents", page: ShowPage(
            agent: AgentDTO(agent, tree: tree), lastSeen: req.formatDateTime(agent.lastSeenAt),
            enrolled: req.formatDateTime(agent.enrolledAt), revoked: agent.revokedAt != nil,
            canRevoke: scope.allows(.agentsManage, in: agent.entityID) && agent.revokedAt == nil, tab: tab,
            backup: backup, history: history))
    }

    @Sendable func revokeFromForm(_ req: Request) async throws -> Response {
        let service = AgentService(request: req)
        let agent = try await service.findAgent(req.parameters.get("id", as: UUID.self))
        try await service.revoke(agent)
        req.flash("success", req.t("agents.revoked", agent.hostname))
        return req.redirect(to: "/agents/\(agent.id!)")
    }
}
