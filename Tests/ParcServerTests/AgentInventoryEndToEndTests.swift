import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Parc's own agent against a running `parc serve`: enrolled, `parc-agent run --once` sends this machine's
/// inventory and the server creates its asset; `parc-agent inventory` sends it again and updates the same asset.
@Suite("parc-agent inventory against parc serve", .serialized)
struct AgentInventoryEndToEndTests {
    /// The host name the agent names the asset after: the kernel's, without its domain.
    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        let name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return String(name.prefix { $0 != "." })
    }

    @Test("run --once creates this machine's asset with its software; parc-agent inventory updates the same asset")
    func runCreatesTheAsset() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-inventory-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let agent = try AgentEndToEndTests.agentExecutable()
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARC_") }

        try await ParcServeProcess.with(login: "admin", password: "a long enough password") { server in
            // setup
            let created = try await LaunchedProcess.run(
                try ParcServeProcess.locateExecutable(),
                ["admin", "create-token", "--data-dir", server.dataDirectory.path, "--login", "admin"],
                input: "", environment: environment)
            let token = try #require(created.output.split(separator: "\n").last.map(String.init))
            let api = AgentEndToEndTests.API(server: server, token: token)
            let entities = try await api.object("GET", "/api/v1/entities")
            let root = try #require((entities["items"] as? [[String: Any]])?.first?["id"] as? String)
            let enrollment = try await api.object(
                "POST", "/api/v1/agent-enrollment-tokens", ["entity_id": root, "name": "e2e inventory"], expect: 201)
            let secret = try #require(enrollment["token"] as? String)
            let config = work.appendingPathComponent("agent/agent.json").path
            let state = work.appendingPathComponent("state").path
            let enrolled = try await LaunchedProcess.run(
                agent, ["enroll", "--server", server.baseURL.absoluteString, "--token", secret, "--config", config],
                input: "", environment: environment)
            #expect(enrolled.status == 0, "\(enrolled.output)")

            // MUT
            let run = try await LaunchedProcess.run(
                agent, ["run", "--once", "--config", config, "--state-dir", state], input: "", environment: environment)

            // validate
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("inventory sent: asset"), "\(run.output)")
            let computers = try #require(
                try await api.object("GET", "/api/v1/assets?type=computer")["items"] as? [[String: Any]])
            let mine = computers.filter { $0["name"] as? String == Self.shortHostName() }
            try #require(mine.count == 1, "\(computers.map { $0["name"] ?? "" })")
            let assetID = try #require(mine[0]["id"] as? String)
            #expect(mine[0]["entity_id"] as? String == root)
            #expect(mine[0]["last_inventory_at"] is String)
            let detail = try await api.object("GET", "/api/v1/assets/\(assetID)")
            let software = try #require(detail["software"] as? [[String: Any]])
            #expect(software.count > 50, "a Debian machine with dpkg's packages")
            #expect(software.contains { $0["name"] as? String == "dpkg" })

            // parc-agent inventory by hand: the same asset, updated.
            let again = try await LaunchedProcess.run(
                agent, ["inventory", "--config", config, "--state-dir", state], input: "", environment: environment)
            #expect(again.status == 0, "\(again.output)")
            #expect(again.output.lowercased().contains("inventory sent: asset \(assetID.lowercased()) updated"), "\(again.output)")
            let after = try #require(
                try await api.object("GET", "/api/v1/assets?type=computer")["items"] as? [[String: Any]])
            #expect(after.filter { $0["name"] as? String == Self.shortHostName() }.count == 1)
        }
    }
}
