import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Agents: enrollment, credentials, revocation")
struct AgentsAndEnrollmentTests {
    @Test("a good token enrolls; bad, expired, revoked and used-up tokens get 401", arguments: TestDatabase.all)
    func enrollment(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let create = try await send(app, .POST, "/api/v1/agent-enrollment-tokens", headers: .json(t.superToken),
                                        body: #"{"entity_id":"\#(t.alpha.id!)","name":"Postes Alpha","max_uses":1}"#)
            #expect(create.status == .created)
            let created = try json(create)
            let token = try #require(created["token"] as? String)
            #expect(token.hasPrefix("parce_"))
            #expect((created["install_command"] as? String)?.contains("parc-agent enroll --server http://127.0.0.1:8080 --token \(token)") == true)
            let stored = try #require(try await AgentEnrollmentTokenModel.query(on: app.db).first())
            #expect(stored.tokenHash != token && stored.tokenHash.count == 64)

            let good = try await world.enrollRequest(token, machine: "m-1", hostname: "pc-compta-01")
            #expect(good.status == .created)
            let body = try json(good)
            #expect(body["entity_id"] as? String == t.alpha.id!.uuidString)
            let credential = try #require(body["credential"] as? String)
            #expect(credential.hasPrefix("parca_"))
            let agent = try #require(try await AgentModel.query(on: app.db).first())
            #expect(agent.hostname == "pc-compta-01" && agent.credentialHash == Secrets.fingerprint(credential))
            #expect(agent.credentialHash != credential)

            // used up (max_uses 1)
            let usedUp = try await world.enrollRequest(token, machine: "m-2")
            #expect(usedUp.status == .unauthorized)
            #expect(try decode(TestErrorBody.self, usedUp).error.code == "invalid_enrollment_token")
            // unknown
            #expect(try await world.enrollRequest("parce_nope", machine: "m-2").status == .unauthorized)
            // expired
            let expiring = try await world.token(t.alpha, expiresAt: clock.now.addingTimeInterval(3600))
            clock.advance(3601)
            #expect(try await world.enrollRequest(expiring, machine: "m-3").status == .unauthorized)
            // revoked
            let revokedToken = try await world.token(t.alpha)
            let list = try await send(app, .GET, "/api/v1/agent-enrollment-tokens?per_page=200", headers: .bearer(t.superToken))
            let items = try json(list)["items"] as? [[String: Any]] ?? []
            #expect(items.allSatisfy { $0["token"] == nil })
            let revokedID = try #require(items.first { $0["state"] as? String == "active" }?["id"] as? String)
            #expect(try await send(app, .DELETE, "/api/v1/agent-enrollment-tokens/\(revokedID)",
                                   headers: .bearer(t.superToken)).status == .noContent)
            #expect(try await world.enrollRequest(revokedToken, machine: "m-4").status == .unauthorized)
            #expect(try await AgentModel.query(on: app.db).count() == 1)
            // the enrollment is in the agent's history
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "agent").all()
            #expect(history.map(\.action) == ["enroll"])
        }
    }

    @Test("enrolling again with the same machine id keeps the agent and rotates its credential", arguments: TestDatabase.all)
    func reenrollment(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let first = try await world.enroll(t.alpha, machine: "machine-42", hostname: "old-name")
            let second = try await world.enroll(t.alpha, machine: "machine-42", hostname: "new-name")
            #expect(first.id == second.id)
            #expect(first.credential != second.credential)
            #expect(try await send(app, .GET, "/api/agent/v1/backup/plans", headers: .bearer(first.credential)).status
                == .unauthorized)
            #expect(try await send(app, .GET, "/api/agent/v1/backup/plans", headers: .bearer(second.credential)).status
                == .ok)
            let agent = try #require(try await AgentModel.find(first.id, on: app.db))
            #expect(agent.hostname == "new-name")
            // the same machine id in another entity is another agent
            let elsewhere = try await world.enroll(t.beta, machine: "machine-42")
            #expect(elsewhere.id != first.id)
            #expect(try await AgentModel.query(on: app.db).count() == 2)
        }
    }

    @Test("agent credentials and user tokens never cross: each is refused on the other's API", arguments: TestDatabase.all)
    func credentialSeparation(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let agent = try await world.enroll(t.alpha, machine: "m-1")
            #expect(try await send(app, .GET, "/api/v1/me", headers: .bearer(agent.credential)).status == .unauthorized)
            #expect(try await send(app, .GET, "/api/v1/agents", headers: .bearer(agent.credential)).status == .unauthorized)
            let userOnAgentAPI = try await send(app, .GET, "/api/agent/v1/backup/plans", headers: .bearer(t.superToken))
            #expect(userOnAgentAPI.status == .unauthorized)
            #expect(try decode(TestErrorBody.self, userOnAgentAPI).error.code == "invalid_credential")
            #expect(try await send(app, .GET, "/api/agent/v1/backup/plans").status == .unauthorized)
            // a session cookie does not work there either: only the credential does
            let browser = WebClient(app)
            try await browser.signIn("root")
            #expect(try await browser.get("/api/agent/v1/backup/plans").status == .unauthorized)

            // each call marks the agent as seen
            clock.advance(120)
            #expect(try await send(app, .GET, "/api/agent/v1/backup/plans", headers: .bearer(agent.credential)).status == .ok)
            let seen = try #require(try await AgentModel.find(agent.id, on: app.db))
            #expect(seen.lastSeenAt == clock.now)

            // revoked: 401 at once
            #expect(try await send(app, .DELETE, "/api/v1/agents/\(agent.id)", headers: .bearer(t.superToken)).status
                == .noContent)
            #expect(try await send(app, .GET, "/api/agent/v1/backup/plans", headers: .bearer(agent.credential)).status
                == .unauthorized)
            let listed = try await send(app, .GET, "/api/v1/agents/\(agent.id)", headers: .bearer(t.superToken))
            #expect(try json(listed)["revoked_at"] as? String != nil)
        }
    }

    @Test("failed enrollments are throttled per address", arguments: TestDatabase.all)
    func throttling(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let world = BackupWorld(app: app, t: t)
            let good = try await world.token(t.alpha)
            for index in 0..<20 {
                #expect(try await world.enrollRequest("parce_guess\(index)", machine: "m").status == .unauthorized)
            }
            let locked = try await world.enrollRequest(good, machine: "m")
            #expect(locked.status == .tooManyRequests)
            #expect(try decode(TestErrorBody.self, locked).error.code == "too_many_attempts")
        }
    }
}
