import Foundation
import Testing

/// `parc-agent inventory --server` against a running `parc serve` (decision 0034): the XML by the FusionInventory
/// path, then an enrollment token and the native endpoint, then the saved credential; all on one asset.
@Suite("parc-agent inventory --server against parc serve", .serialized)
struct AgentInventoryEndToEndTests {
    @Test("--format xml creates the computer; --token enrolls and updates it; the saved credential sends again")
    func serverAndToken() async throws {
        let agent = try AgentEndToEndTests.agentExecutable()
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARC_") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-inventory-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let config = work.appendingPathComponent("agent/agent.json").path
        let local = ["--config", config, "--state-dir", work.appendingPathComponent("state").path]

        try await RealInventoryAgentsTests.withServer { api in
            let url = api.server.baseURL.absoluteString
            // XML, as FusionInventory posts it: no enrollment, no credential.
            let xml = try await LaunchedProcess.run(
                agent, ["inventory", "--format", "xml", "--server", url] + local, input: "", environment: environment)
            #expect(xml.status == 0, "\(xml.output)")
            #expect(xml.output.contains("inventory sent to \(url): no_account_update"), "\(xml.output)")
            var computers = try await RealInventoryAgentsTests.computers(api)
            #expect(computers.count == 1, "\(xml.output)")
            let computer = try #require(computers.first)
            let assetID = try #require(computer["id"] as? String)
            #expect((computer["name"] as? String)?.lowercased() == RealInventoryAgentsTests.hostName.lowercased())
            #expect(computer["last_inventory_source"] as? String == "parc_agent")
            let software = computer["software"] as? [[String: Any]] ?? []
            #expect(software.count == (try RealInventoryAgentsTests.dpkgPackages()), "every dpkg package, through XML")
            #expect(!FileManager.default.fileExists(atPath: config))

            // A wrong token: exit 11 with the server's message, nothing saved.
            let refused = try await LaunchedProcess.run(
                agent, ["inventory", "--server", url, "--token", "parce_not_a_token"] + local, input: "",
                environment: environment)
            #expect(refused.status == 11, "\(refused.output)")
            #expect(refused.output.contains("The enrollment token is unknown, expired, revoked or used up."))
            #expect(!FileManager.default.fileExists(atPath: config))

            // An enrollment token: the machine enrolls, and its JSON inventory updates the same asset.
            let root = try #require(
                (try await api.object("GET", "/api/v1/entities")["items"] as? [[String: Any]])?.first?["id"] as? String)
            let enrollment = try await api.object(
                "POST", "/api/v1/agent-enrollment-tokens", ["entity_id": root, "name": "inventory e2e"], expect: 201)
            let token = try #require(enrollment["token"] as? String)
            let enrolled = try await LaunchedProcess.run(
                agent, ["inventory", "--server", url, "--token", token] + local, input: "", environment: environment)
            #expect(enrolled.status == 0, "\(enrolled.output)")
            #expect(enrolled.output.contains("enrolled as agent "))
            #expect(enrolled.output.contains("inventory sent: asset \(assetID) updated"), "\(enrolled.output)")
            #expect(FileManager.default.fileExists(atPath: config))
            let agents = try #require(try await api.object("GET", "/api/v1/agents")["items"] as? [[String: Any]])
            #expect(agents.count == 1)
            #expect((agents.first?["hostname"] as? String)?.isEmpty == false)

            // Later runs use the saved credential.
            let again = try await LaunchedProcess.run(agent, ["inventory"] + local, input: "", environment: environment)
            #expect(again.status == 0, "\(again.output)")
            #expect(again.output.contains("inventory sent: asset \(assetID) updated"), "\(again.output)")
            computers = try await RealInventoryAgentsTests.computers(api)
            #expect(computers.count == 1)
            #expect(computers.first?["last_inventory_source"] as? String == "parc_agent")

            // The entity now requires HTTP basic credentials: the XML without them is refused with the reason,
            // with them it goes through (decision 0078).
            let settings = try await api.object(
                "PUT", "/api/v1/inventory/settings/\(root)", ["basic_user": "agents", "require_credentials": true])
            let password = try #require(settings["basic_password"] as? String)
            let anonymous = try await LaunchedProcess.run(
                agent, ["inventory", "--format", "xml", "--server", url] + local, input: "", environment: environment)
            #expect(anonymous.status == 1, "\(anonymous.output)")
            #expect(anonymous.output.contains("requires HTTP basic credentials; give --user NAME"), "\(anonymous.output)")
            let passwordFile = work.appendingPathComponent("inventory-password").path
            try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: passwordFile))
            let wrong = try await LaunchedProcess.run(
                agent, ["inventory", "--format", "xml", "--server", url, "--user", "agents"] + local, input: "",
                environment: environment.merging(["PARC_INVENTORY_PASSWORD": "not-it"]) { $1 })
            #expect(wrong.status == 1, "\(wrong.output)")
            #expect(wrong.output.contains("did not accept the user name and password"), "\(wrong.output)")
            let authenticated = try await LaunchedProcess.run(
                agent, ["inventory", "--format", "xml", "--server", url, "--user", "agents", "--password-file",
                        passwordFile] + local, input: "", environment: environment)
            #expect(authenticated.status == 0, "\(authenticated.output)")
            #expect(authenticated.output.contains("inventory sent to \(url)"), "\(authenticated.output)")
            #expect(try await RealInventoryAgentsTests.computers(api).count == 1, "the same machine, one asset")
        }
    }
}
