import FluentKit
import Foundation
import Fluent
import SQLKit
import Vapor

/// Authenticates parc-agent on `/api/agent/v1` with `Authorization: Bearer <credential>`: 401 when
/// the credential is missing, unknown or its agent revoked. User API tokens are a different table
/// and never match here; agent credentials never match on `/api/v1` (decision 0012).
struct AgentCredentialMiddleware: AsyncMiddleware {
    static let invalid = ParcError(.unauthorized, code: "invalid_credential",
        "The agent credential is unknown or revoked. Enroll the agent again with a new enrollment token.")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization, !bearer.token.isEmpty, bearer.token.count <= 200 else {
            throw ParcError(.unauthorized, code: "unauthorized",
                            "Authentication required: send 'Authorization: Bearer <agent credential>'.")
        }
        let fingerprint = Secrets.fingerprint(bearer.token)
        guard let agent = try await AgentModel.query(on: request.db).filter(\.$credentialHash == fingerprint).first(),
              agent.revokedAt == nil
        else { throw Self.invalid }
        let now = request.now
        // Every call marks the agent as seen: the fleet view tells live machines from silent ones.
        try await (request.db as! any SQLDatabase).update(AgentModel.schema).set("last_seen_at", to: now)
            .where("id", .equal, agent.id!).run()
        agent.lastSeenAt = now
        request.currentAgent = agent
        return try await next.respond(to: request)
    }
}

extension Request {
    private struct CurrentAgentKey: StorageKey { typealias Value = AgentModel }

    /// The agent authenticated by `AgentCredentialMiddleware`.
    var currentAgent: AgentModel? {
        get { storage[CurrentAgentKey.self] }
        set { storage[CurrentAgentKey.self] = newValue }
    }

    func requireAgent() throws -> AgentModel {
        guard let agent = currentAgent else { throw AgentCredentialMiddleware.invalid }
        return agent
    }
}
