import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// One HTTP exchange, returned rather than handled in a closure.
func send(_ app: Application, _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:],
          body: String? = nil, running: Bool = false) async throws -> TestingHTTPResponse {
    var captured: TestingHTTPResponse?
    try await app.testing(method: running ? .running(port: 0) : .inMemory).test(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
        captured = $0
    }
    return captured!
}

/// JSON of a test response body.
func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
}

func decode<T: Decodable>(_ type: T.Type, _ response: TestingHTTPResponse) throws -> T {
    try JSONDecoder.parc.decode(T.self, from: Data(response.body.readableBytesView))
}

extension HTTPHeaders {
    static let plainJSON: HTTPHeaders = ["Content-Type": "application/json"]
}

struct EnrolledAgent {
    let id: UUID
    let credential: String
}

/// Backup fixtures on top of `Tenancy`: enrollment tokens, agents, repositories and plans through the APIs.
struct BackupWorld {
    let app: Application
    let t: Tenancy

    /// An enrollment token for an entity (created by the super-admin through the API).
    func token(_ entity: EntityModel, maxUses: Int? = nil, expiresAt: Date? = nil) async throws -> String {
        var body: [String: Any] = ["entity_id": entity.id!.uuidString, "name": "token \(UUID().uuidString.prefix(6))"]
        if let maxUses { body["max_uses"] = maxUses }
        if let expiresAt { body["expires_at"] = ISO8601DateFormatter().string(from: expiresAt) }
        let response = try await send(app, .POST, "/api/v1/agent-enrollment-tokens", headers: .json(t.superToken),
                                      body: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
        #expect(response.status == .created, "token creation: \(response.body.string)")
        return try json(response)["token"] as? String ?? ""
    }

    func enrollRequest(_ token: String, machine: String, hostname: String? = nil) async throws -> TestingHTTPResponse {
        let body: [String: Any] = ["token": token, "hostname": hostname ?? machine, "machine_id": machine,
                                   "os": "Debian 13", "agent_version": "0.1.0"]
        return try await send(app, .POST, "/api/agent/v1/enroll", headers: .plainJSON,
                              body: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    func enroll(_ entity: EntityModel, machine: String, hostname: String? = nil) async throws -> EnrolledAgent {
        let response = try await enrollRequest(try await token(entity), machine: machine, hostname: hostname)
        #expect(response.status == .created, "enroll: \(response.body.string)")
        let body = try json(response)
        return EnrolledAgent(id: UUID(uuidString: body["agent_id"] as? String ?? "")!,
                             credential: body["credential"] as? String ?? "")
    }

    func repository(_ entity: EntityModel, name: String, offSite: Bool = false, token: String? = nil) async throws -> UUID {
        let response = try await send(app, .POST, "/api/v1/backup/repositories", headers: .json(token ?? t.superToken),
            body: #"{"entity_id":"\#(entity.id!)","name":"\#(name)","location":"/mnt/\#(name)","off_site":\#(offSite)}"#)
        #expect(response.status == .created, "repository: \(response.body.string)")
        return UUID(uuidString: try json(response)["id"] as? String ?? "")!
    }

    func plan(_ entity: EntityModel, name: String, repository: UUID, rpo: Int = 26, enabled: Bool = true,
              token: String? = nil) async throws -> UUID {
        let response = try await send(app, .POST, "/api/v1/backup/plans", headers: .json(token ?? t.superToken), body: """
            {"entity_id":"\(entity.id!)","name":"\(name)","repository_id":"\(repository)","paths":["/home","/etc"],
             "excludes":["*.tmp"],"schedules":{"incremental":"0 12 * * 1-5","full":"0 21 * * 5"},
             "retention":{"keep_daily":7,"keep_weekly":4},"drill":{"schedule":"0 3 1 * *","sample":50},
             "rpo_hours":\(rpo),"enabled":\(enabled)}
            """)
        #expect(response.status == .created, "plan: \(response.body.string)")
        return UUID(uuidString: try json(response)["id"] as? String ?? "")!
    }

    func target(_ plan: UUID, agent: UUID? = nil, entity: EntityModel? = nil) async throws {
        let body = agent.map { #"{"agent_id":"\#($0)"}"# } ?? #"{"entity_id":"\#(entity!.id!)"}"#
        let response = try await send(app, .POST, "/api/v1/backup/plans/\(plan)/targets", headers: .json(t.superToken),
                                      body: body)
        #expect(response.status == .created, "target: \(response.body.string)")
    }

    func agentPlans(_ agent: EnrolledAgent) async throws -> [[String: Any]] {
        let response = try await send(app, .GET, "/api/agent/v1/backup/plans", headers: .bearer(agent.credential))
        #expect(response.status == .ok, "plans: \(response.body.string)")
        return try json(response)["plans"] as? [[String: Any]] ?? []
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    func runBody(plan: UUID?, repository: UUID?, status: String = "success", finished: Date, size: Int = 1_000_000,
                 messages: [String] = []) -> String {
        let planText = plan.map { "\"\($0)\"" } ?? "null"
        let repositoryText = repository.map { "\"\($0)\"" } ?? "null"
        let messagesText = String(decoding: try! JSONSerialization.data(withJSONObject: messages), as: UTF8.self)
        return """
            {"plan_id":\(planText),"repository_id":\(repositoryText),"snapshot_id":"a1b2c3d4e5f6","method":"incremental",
             "started_at":"\(Self.iso(finished.addingTimeInterval(-600)))","finished_at":"\(Self.iso(finished))",
             "status":"\(status)","files":1200,"directories":80,"bytes":52428800,"new_bytes":1048576,
             "stored_bytes":524288,"errors":\(messages.count),"error_messages":\(messagesText),
             "repository_size_bytes":\(size)}
            """
    }

    @discardableResult
    func reportRun(_ agent: EnrolledAgent, plan: UUID?, repository: UUID?, status: String = "success", finished: Date,
                   size: Int = 1_000_000, messages: [String] = []) async throws -> TestingHTTPResponse {
        try await send(app, .POST, "/api/agent/v1/backup/runs", headers: .json(agent.credential),
                       body: runBody(plan: plan, repository: repository, status: status, finished: finished, size: size,
                                     messages: messages))
    }

    func drillBody(plan: UUID, repository: UUID, passed: Bool, finished: Date) -> String {
        let failures = passed ? "[]" : #"[{"path":"/home/alice/report.odt","reason":"content differs (SHA-256)"}]"#
        return """
            {"plan_id":"\(plan)","repository_id":"\(repository)","snapshot_id":"a1b2c3d4e5f6",
             "started_at":"\(Self.iso(finished.addingTimeInterval(-60)))","finished_at":"\(Self.iso(finished))",
             "files_checked":50,"bytes_checked":1048576,"failures":\(failures),"passed":\(passed)}
            """
    }

    @discardableResult
    func reportDrill(_ agent: EnrolledAgent, plan: UUID, repository: UUID, passed: Bool, finished: Date) async throws
        -> TestingHTTPResponse {
        try await send(app, .POST, "/api/agent/v1/backup/drills", headers: .json(agent.credential),
                       body: drillBody(plan: plan, repository: repository, passed: passed, finished: finished))
    }

    /// The fleet row of an agent as the super-admin sees it.
    func fleetRow(_ agent: EnrolledAgent, token: String? = nil) async throws -> [String: Any]? {
        let response = try await send(app, .GET, "/api/v1/backup/fleet?per_page=200", headers: .bearer(token ?? t.superToken))
        #expect(response.status == .ok, "fleet: \(response.body.string)")
        let items = try json(response)["items"] as? [[String: Any]] ?? []
        return items.first { $0["agent_id"] as? String == agent.id.uuidString }
    }
}
