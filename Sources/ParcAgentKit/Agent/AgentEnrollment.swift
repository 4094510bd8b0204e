import Foundation

/// Exchanges an entity's enrollment token for this agent's own credential (`POST /api/agent/v1/enroll`, decision
/// 0012) and saves the configuration: what `parc-agent enroll` does, and `parc-agent inventory --server --token`.
public enum AgentEnrollment {
    /// Enrolls this machine with the server at `server` and saves the configuration at `path` (mode 600). A refused
    /// token is an ``AgentError`` with status 401 and the server's message.
    public static func enroll(server: URL, token: String, savingTo path: String) async throws(AgentError)
        -> AgentConfiguration
    {
        let client = ServerClient(server: server, credential: nil, attempts: 3)
        let answer = try await client.send(
            "POST", "api/agent/v1/enroll",
            body: AgentAPI.EnrollRequest(
                token: token, hostname: MachineFacts.hostname, machineID: MachineFacts.machineID,
                os: MachineFacts.operatingSystem, agentVersion: AgentIdentity.version),
            as: AgentAPI.EnrollResponse.self)
        let configuration = AgentConfiguration(
            server: server.absoluteString, agentID: answer.agentID, entityID: answer.entityID,
            credential: answer.credential, enrolledAt: Date())
        try configuration.save(to: path)
        return configuration
    }
}
