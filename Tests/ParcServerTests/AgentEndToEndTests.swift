import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The whole backup story with the real binaries: a technician defines a repository and a plan in a
/// running `parc serve`, a machine enrolls with `parc-agent enroll`, `parc-agent run --once` backs it
/// up and tests the restore, and the server's fleet view shows the machine covered.
@Suite("Agent and server end to end", .serialized)
struct AgentEndToEndTests {
    struct API {
        let server: ParcServeProcess
        let token: String

        func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> (Int, Any?) {
            var request = URLRequest(url: server.url(path))
            request.httpMethod = method
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            if let body {
                request.httpBody = try JSONSerialization.data(withJSONObject: body)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return (status, data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
        }

        func object(_ method: String, _ path: String, _ body: [String: Any]? = nil, expect: Int = 200) async throws
            -> [String: Any]
        {
            let (status, json) = try await call(method, path, body)
            guard status == expect, let object = json as? [String: Any] else {
                throw TestProcessError("\(method) \(path) answered \(status): \(String(describing: json))")
            }
            return object
        }
    }

    static func agentExecutable() throws -> URL {
        let parc = try ParcServeProcess.locateExecutable()
        let agent = parc.deletingLastPathComponent().appendingPathComponent("parc-agent")
        guard FileManager.default.isExecutableFile(atPath: agent.path) else {
            throw TestProcessError("parc-agent is not built next to parc (\(agent.path)); run swift build --build-tests")
        }
        return agent
    }

    @Test("enroll, plan, run --once: the backup and the restore test reach the fleet view")
    func enrollBackUpAndReport() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-agent-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let source = work.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: source + "/docs", withIntermediateDirectories: true)
        try Data("quarterly report\n".utf8).write(to: URL(fileURLWithPath: source + "/docs/report.txt"))
        try Data(repeating: 7, count: 300_000).write(to: URL(fileURLWithPath: source + "/image.bin"))
        let agent = try Self.agentExecutable()
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARC_") }

        try await ParcServeProcess.with(login: "admin", password: "a long enough password") { server in
            let created = try await LaunchedProcess.run(
                try ParcServeProcess.locateExecutable(),
                ["admin", "create-token", "--data-dir", server.dataDirectory.path, "--login", "admin"],
                input: "", environment: environment)
            let token = try #require(created.output.split(separator: "\n").last.map(String.init))
            let api = API(server: server, token: token)
            let entities = try await api.object("GET", "/api/v1/entities")
            let root = try #require((entities["items"] as? [[String: Any]])?.first?["id"] as? String)

            let enrollment = try await api.object(
                "POST", "/api/v1/agent-enrollment-tokens", ["entity_id": root, "name": "e2e"], expect: 201)
            let secret = try #require(enrollment["token"] as? String)
            let repository = try await api.object(
                "POST", "/api/v1/backup/repositories",
                ["entity_id": root, "name": "NAS", "location": work.appendingPathComponent("repo").path,
                 "off_site": false], expect: 201)
            let repositoryID = try #require(repository["id"] as? String)
            let plan = try await api.object(
                "POST", "/api/v1/backup/plans",
                ["entity_id": root, "name": "Documents", "repository_id": repositoryID, "paths": [source],
                 "excludes": ["*.tmp"], "schedules": ["full": "0 1 * * 0", "incremental": "0 * * * *"],
                 "retention": ["keep_last": 10], "drill": ["schedule": "0 12 * * *", "sample": 0],
                 "rpo_hours": 26], expect: 201)
            let planID = try #require(plan["id"] as? String)
            _ = try await api.object("POST", "/api/v1/backup/plans/\(planID)/targets", ["entity_id": root], expect: 201)

            let config = work.appendingPathComponent("agent/agent.json").path
            let enrolled = try await LaunchedProcess.run(
                agent, ["enroll", "--server", server.baseURL.absoluteString, "--token", secret, "--config", config],
                input: "", environment: environment)
            #expect(enrolled.status == 0, "\(enrolled.output)")
            let passwords = work.appendingPathComponent("agent/repositories")
            try FileManager.default.createDirectory(at: passwords, withIntermediateDirectories: true)
            try Data("e2e repository passphrase\n".utf8).write(
                to: passwords.appendingPathComponent("\(repositoryID).password"))

            let state = work.appendingPathComponent("state").path
            let run = try await LaunchedProcess.run(
                agent, ["run", "--once", "--config", config, "--state-dir", state], input: "", environment: environment)
            #expect(run.status == 0, "\(run.output)")

            let runs = try #require(try await api.object("GET", "/api/v1/backup/runs")["items"] as? [[String: Any]])
            #expect(runs.count == 1, "\(run.output)")
            #expect(runs.first?["status"] as? String == "success")
            #expect(runs.first?["method"] as? String == "full")
            #expect((runs.first?["files"] as? Int) == 2)
            let drills = try #require(try await api.object("GET", "/api/v1/backup/drills")["items"] as? [[String: Any]])
            #expect(drills.first?["passed"] as? Bool == true)
            #expect(drills.first?["files_checked"] as? Int == 2)
            let fleet = try #require(try await api.object("GET", "/api/v1/backup/fleet")["items"] as? [[String: Any]])
            #expect(fleet.first?["rpo_state"] as? String == "ok")

            // The same run sent this machine's inventory: its asset exists, linked to the agent.
            let assets = try #require(try await api.object("GET", "/api/v1/assets?type=computer")["items"] as? [[String: Any]])
            #expect(assets.count == 1, "\(run.output)")
            let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
            #expect((assets.first?["name"] as? String)?.lowercased() == host.lowercased())
            #expect(assets.first?["last_inventory_source"] as? String == "parc_agent")
            let assetID = try #require(assets.first?["id"] as? String)
            let detail = try await api.object("GET", "/api/v1/assets/\(assetID)")
            #expect(((detail["software"] as? [[String: Any]])?.count ?? 0) > 100, "dpkg packages reached the server")
            #expect((detail["components"] as? [[String: Any]])?.contains { $0["kind"] as? String == "cpus" } == true)

            // The repository is a real one: the CLI lists the snapshot with the plan's paths.
            let listed = try await LaunchedProcess.run(
                agent, ["backup", "snapshots", "--json", "--repo", work.appendingPathComponent("repo").path,
                        "--password-file", passwords.appendingPathComponent("\(repositoryID).password").path],
                input: "", environment: environment)
            #expect(listed.output.contains(source))

            // Nothing is due right after: a second pass sends nothing new.
            let again = try await LaunchedProcess.run(
                agent, ["run", "--once", "--config", config, "--state-dir", state], input: "", environment: environment)
            #expect(again.status == 0)
            let after = try #require(try await api.object("GET", "/api/v1/backup/runs")["items"] as? [[String: Any]])
            #expect(after.count == 1)
        }
    }
}
