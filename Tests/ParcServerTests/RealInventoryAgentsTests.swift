import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Debian's own FusionInventory and OCS Inventory agents against a running `parc serve`: existing fleets
/// point their agents at Parc and lose nothing. scripts/test installs both packages.
@Suite("Real inventory agents against parc serve", .serialized)
struct RealInventoryAgentsTests {
    static func tool(_ path: String) throws -> URL {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestProcessError("\(path) is missing: scripts/test installs it (apt-get install fusioninventory-agent ocsinventory-agent)")
        }
        return URL(fileURLWithPath: path)
    }

    /// The computers the API lists, with their detail.
    static func computers(_ api: AgentEndToEndTests.API) async throws -> [[String: Any]] {
        let list = try await api.object("GET", "/api/v1/assets?type=computer")
        var details: [[String: Any]] = []
        for item in list["items"] as? [[String: Any]] ?? [] {
            details.append(try await api.object("GET", "/api/v1/assets/\(item["id"] as? String ?? "")"))
        }
        return details
    }

    static func withServer(_ body: (AgentEndToEndTests.API) async throws -> Void) async throws {
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARC_") }
        try await ParcServeProcess.with(login: "admin", password: "a long enough password") { server in
            let created = try await LaunchedProcess.run(
                try ParcServeProcess.locateExecutable(),
                ["admin", "create-token", "--data-dir", server.dataDirectory.path, "--login", "admin"],
                input: "", environment: environment)
            let token = try #require(created.output.split(separator: "\n").last.map(String.init))
            try await body(AgentEndToEndTests.API(server: server, token: token))
        }
    }

    static var hostName: String {
        ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ProcessInfo.processInfo.hostName
    }

    static func dpkgPackages() throws -> Int {
        let status = try String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8)
        return status.components(separatedBy: "\n\n").filter { $0.contains("Status: install ok installed") }.count
    }

    static func check(_ computer: [String: Any], agent: String) throws {
        #expect((computer["name"] as? String)?.lowercased() == hostName.lowercased(), "\(agent): name")
        let components = computer["components"] as? [[String: Any]] ?? []
        let kinds = Set(components.compactMap { $0["kind"] as? String })
        #expect(kinds.isSuperset(of: ["cpus", "network_interfaces"]), "\(agent): \(kinds.sorted())")
        #expect(kinds.contains("storage_drives") || kinds.contains("volumes"), "\(agent): disks in \(kinds.sorted())")
        #expect((computer["memory_bytes"] as? Int ?? 0) > 256 << 20, "\(agent): memory")
        #expect(((computer["operating_system"] as? [String: Any])?["name"] as? String)?.isEmpty == false, "\(agent): OS")
        let software = computer["software"] as? [[String: Any]] ?? []
        let installed = try dpkgPackages()
        // The agents list dpkg's installed packages; allow for packages they read in another state.
        #expect(software.count >= installed * 9 / 10 && software.count <= installed + 20,
                "\(agent): \(software.count) programs for \(installed) installed packages")
        #expect(software.contains { $0["name"] as? String == "fusioninventory-agent" }, "\(agent): its own package")
    }

    @Test("fusioninventory-agent creates the computer, and its second run updates it")
    func fusionInventory() async throws {
        let agent = try Self.tool("/usr/bin/fusioninventory-agent")
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARC_") }
        try await Self.withServer { api in
            let arguments = ["--server", api.server.baseURL.absoluteString + "plugins/fusioninventory/", "--no-httpd",
                             "--no-task=WakeOnLan,WMI,Deploy,ESX,NetDiscovery,NetInventory,Collect",
                             "--no-category=environment,process", "--force", "--logger=stderr", "--debug"]
            let first = try await LaunchedProcess.run(agent, arguments, input: "", environment: environment)
            #expect(first.status == 0, "\(first.output)")
            #expect(!first.output.contains("communication error"), "\(first.output)")
            var computers = try await Self.computers(api)
            #expect(computers.count == 1, "\(first.output)")
            let computer = try #require(computers.first)
            try Self.check(computer, agent: "fusioninventory-agent")
            #expect(computer["last_inventory_source"] as? String == "fusioninventory")

            let second = try await LaunchedProcess.run(agent, arguments, input: "", environment: environment)
            #expect(second.status == 0, "\(second.output)")
            computers = try await Self.computers(api)
            #expect(computers.count == 1, "the second run updates the asset")
            #expect(computers.first?["id"] as? String == computer["id"] as? String)
            #expect((computers.first?["last_inventory_at"] as? String) != nil)
        }
    }

    @Test("the same machine reported by FusionInventory and by OCS is one asset")
    func bothAgents() async throws {
        let fusion = try Self.tool("/usr/bin/fusioninventory-agent")
        let ocs = try Self.tool("/usr/bin/ocsinventory-agent")
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARC_") }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("ocs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        try await Self.withServer { api in
            let first = try await LaunchedProcess.run(
                fusion, ["--server", api.server.baseURL.absoluteString, "--no-httpd", "--force",
                         "--no-task=WakeOnLan,WMI,Deploy,ESX,NetDiscovery,NetInventory,Collect",
                         "--no-category=environment,process", "--logger=stderr"], input: "", environment: environment)
            #expect(first.status == 0, "\(first.output)")
            let second = try await LaunchedProcess.run(
                ocs, ["--nolocal", "--server", api.server.baseURL.absoluteString + "ocsinventory", "--basevardir",
                      state.path, "--force"], input: "", environment: environment)
            #expect(second.status == 0, "\(second.output)")
            let computers = try await Self.computers(api)
            #expect(computers.count == 1, "\(computers.map { $0["name"] ?? "?" })")
            #expect(computers.first?["last_inventory_source"] as? String == "ocsinventory")
        }
    }

    @Test("ocsinventory-agent creates the computer, and its second run updates it")
    func ocsInventory() async throws {
        let agent = try Self.tool("/usr/bin/ocsinventory-agent")
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARC_") }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("ocs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        try await Self.withServer { api in
            let arguments = ["--nolocal", "--server", api.server.baseURL.absoluteString + "ocsinventory",
                             "--basevardir", state.path, "--force", "--debug"]
            let first = try await LaunchedProcess.run(agent, arguments, input: "", environment: environment)
            #expect(first.status == 0, "\(first.output)")
            var computers = try await Self.computers(api)
            #expect(computers.count == 1, "\(first.output)")
            let computer = try #require(computers.first)
            try Self.check(computer, agent: "ocsinventory-agent")
            #expect(computer["last_inventory_source"] as? String == "ocsinventory")

            let second = try await LaunchedProcess.run(agent, arguments, input: "", environment: environment)
            #expect(second.status == 0, "\(second.output)")
            computers = try await Self.computers(api)
            #expect(computers.count == 1, "the second run updates the asset")
            #expect(computers.first?["id"] as? String == computer["id"] as? String)
        }
    }
}
