import Foundation
import ParcCore
import ParcInventory
import Testing

@testable import ParcAgentKit

@Suite("parc-agent inventory --format, --server and --token")
struct InventoryCommandOptionsTests {
    @Test("--format xml --output - writes FusionInventory XML that the reader reads, the same machine as the JSON")
    func xmlOutput() throws {
        // setup
        let state = try AgentTempDirectory("inventory-state")
        // MUT
        let xml = try AgentProcess.run(["inventory", "--format", "xml", "--output", "-", "--state-dir", state.path])
        let json = try AgentProcess.run(["inventory", "--output", "-", "--state-dir", state.path])
        let pretty = try AgentProcess.run(
            ["inventory", "--format", "xml", "--pretty", "--output", "-", "--state-dir", state.path])
        // validate
        #expect(xml.status == 0, "\(xml.stderr)")
        #expect(xml.stdout.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST><CONTENT>"))
        let report = try InventoryXML.readInventory(Data(xml.stdout.utf8))
        let fromJSON = try GLPIInventoryJSON.read(Data(json.stdout.utf8))
        #expect(report.agent.kind == .parcAgent)
        #expect(report.agent.deviceID == fromJSON.agent.deviceID, "one device id, kept in the state directory")
        #expect(report.hardware?.name == InventoryCommandTests.hostName())
        #expect(report.software.count == (try InventoryCommandTests.installedPackageCount()))
        // What does not change between two runs is the same in both formats.
        #expect(report.hardware == fromJSON.hardware)
        #expect(report.bios == fromJSON.bios)
        #expect(report.cpus == fromJSON.cpus)
        #expect(report.storageDrives == fromJSON.storageDrives)
        #expect(report.software == fromJSON.software)
        #expect(report.operatingSystem == fromJSON.operatingSystem)
        #expect(report.networkInterfaces.map(\.name) == fromJSON.networkInterfaces.map(\.name))
        #expect(!report.isPartial, "XML is always read as full")
        if fromJSON.isPartial {
            #expect(xml.stderr.contains("note: XML has no partial inventories"))
        }
        #expect(pretty.status == 0)
        #expect(pretty.stdout.contains("\n  <CONTENT>\n    <ACCESSLOG>\n"))
        #expect(try InventoryXML.readInventory(Data(pretty.stdout.utf8)).software == report.software)
    }

    @Test(
        "options that do not go together are refused with exit status 64, before anything is collected or sent",
        arguments: [
            (["--format", "yaml"], "The value 'yaml' is invalid for '--format <format>'"),
            (["--token", "parce_good"], "--token needs --server"),
            (["--output", "-", "--server", "SERVER"], "--output writes the inventory and --server sends it"),
            (["--format", "xml"], "--format xml needs --output FILE or --server URL"),
            (["--format", "xml", "--server", "SERVER", "--token", "parce_good"], "the FusionInventory protocol of --format xml has no token"),
            (["--server", "SERVER", "--token", "parca_stolen"], "not an agent credential (parca_…)"),
            (["--server", "SERVER", "--token", ""], "--token is empty"),
            (["--server", "parc.example.org"], "parc.example.org is not a server URL; give it as https://parc.example.org"),
            (["--server", "ftp://parc.example.org"], "is not a server URL"),
            (["--user", "agents", "--output", "-"], "--user and --password-file are the HTTP basic credentials of --format xml"),
            (["--format", "xml", "--server", "SERVER", "--password-file", "/nonexistent"], "--password-file needs --user"),
            (["--format", "xml", "--server", "SERVER", "--user", "agents"], "--user needs its password"),
            (["--format", "xml", "--server", "SERVER", "--user", "a:b", "--password-file", "/nonexistent"], "without ':'"),
            (["--format", "xml", "--server", "SERVER", "--user", "agents", "--password-file", "/nonexistent/pw"],
             "cannot read the password file /nonexistent/pw"),
        ])
    func badCommandLines(arguments: [String], message: String) throws {
        let server = try FakeAgentServer()
        let directory = try AgentTempDirectory("agent")
        let run = try AgentProcess.run(
            ["inventory"] + arguments.map { $0 == "SERVER" ? server.url : $0 }
                + ["--config", directory.sub("agent.json"), "--state-dir", directory.sub("state")])
        #expect(run.status == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(try server.requests().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.sub("agent.json")))
        #expect(!FileManager.default.fileExists(atPath: directory.sub("state")), "nothing collected")
    }

    @Test("--server --token enrolls as enroll does, then sends with the new credential, which later runs reuse")
    func enrollAndSend() throws {
        // setup
        let server = try FakeAgentServer()
        let directory = try AgentTempDirectory("agent")
        let config = directory.sub("agent.json")
        let state = ["--config", config, "--state-dir", directory.sub("state")]
        // MUT
        let first = try AgentProcess.run(["inventory", "--server", server.url, "--token", "parce_good"] + state)
        // validate
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "enrolled as agent agent-9; configuration saved in \(config)\n"
            + "inventory sent: asset 7d1c2a4e-0000-4000-8000-000000000001 created\n")
        let saved = try AgentConfiguration.load(from: config)
        #expect(saved.credential == "parca_enrolled")
        #expect(saved.server == server.url)
        let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try server.enrollments().map(\.token) == ["parce_good"])
        let sent = try server.inventories()
        #expect(sent.count == 1)
        #expect(sent.first?.authorization == "Bearer parca_enrolled")
        #expect(sent.first?.inventory?["deviceid"] is String)

        // Later runs, without the token: the saved credential, no second enrollment; --server naming the same
        // server (another spelling) is that server.
        let plain = try AgentProcess.run(["inventory"] + state)
        #expect(plain.status == 0, "\(plain.stderr)")
        let sameServer = try AgentProcess.run(["inventory", "--server", server.url.uppercased() + "/"] + state)
        #expect(sameServer.status == 0, "\(sameServer.stderr)")
        #expect(sameServer.stdout == "inventory sent: asset 7d1c2a4e-0000-4000-8000-000000000001 updated\n")
        #expect(try server.enrollments().count == 1)
        #expect(try server.inventories().map(\.authorization) == Array(repeating: "Bearer parca_enrolled", count: 3))

        // Another server never sees this server's credential.
        let other = try FakeAgentServer()
        let elsewhere = try AgentProcess.run(["inventory", "--server", other.url] + state)
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.contains("was issued by \(server.url), not \(other.url): pass --token"))
        #expect(try other.requests().isEmpty)
    }

    @Test("a refused enrollment token is exit status 11 with the server's message, before the machine is inventoried")
    func refusedToken() throws {
        let server = try FakeAgentServer()
        let directory = try AgentTempDirectory("agent")
        let run = try AgentProcess.run(
            ["inventory", "--server", server.url, "--token", "parce_wrong", "--config", directory.sub("agent.json"),
             "--state-dir", directory.sub("state")])
        #expect(run.status == 11)
        #expect(run.stderr.contains(
            "the server refused POST /api/agent/v1/enroll: The enrollment token is unknown, expired, revoked or used up."))
        #expect(!run.stderr.contains("note:"), "no inventory was made")
        #expect(try server.inventories().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.sub("agent.json")))
    }

    @Test("--format xml --server posts the zlib-compressed XML as FusionInventory does, to the URL as given")
    func xmlSend() throws {
        // setup
        let server = try FakeAgentServer()
        let directory = try AgentTempDirectory("agent")
        let state = ["--config", directory.sub("agent.json"), "--state-dir", directory.sub("state")]
        // MUT
        let root = try AgentProcess.run(["inventory", "--format", "xml", "--server", server.url] + state)
        let plugin = try AgentProcess.run(
            ["inventory", "--format", "xml", "--server", server.url + "/plugins/fusioninventory/"] + state)
        // validate
        #expect(root.status == 0, "\(root.stderr)")
        #expect(root.stdout == "inventory sent to \(server.url): no_account_update\n")
        #expect(plugin.status == 0, "\(plugin.stderr)")
        let posts = try server.xmlPosts()
        #expect(posts.map(\.path) == ["/", "/plugins/fusioninventory/"])
        let post = try #require(posts.first)
        #expect(post.contentType == "application/x-compress-zlib")
        #expect(post.authorization == nil, "the FusionInventory protocol carries no credential")
        #expect(post.problem == nil)
        let report = try InventoryXML.readInventory(Data(try #require(post.xml).utf8))
        #expect(report.action == .inventory)
        #expect(report.agent.kind == .parcAgent)
        #expect(report.hardware?.name == InventoryCommandTests.hostName())
        #expect(try server.enrollments().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.sub("agent.json")), "no enrollment, no configuration")
    }

    @Test("--user with --password-file or PARC_INVENTORY_PASSWORD sends HTTP basic credentials with the XML")
    func xmlBasicCredentials() throws {
        let server = try FakeAgentServer()
        let directory = try AgentTempDirectory("agent")
        let passwordFile = directory.sub("password")
        try Data("s3cret pass\nignored second line\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
        let base = ["inventory", "--format", "xml", "--server", server.url, "--state-dir", directory.sub("state"),
                    "--user", "agents"]
        let fromFile = try AgentProcess.run(base + ["--password-file", passwordFile])
        let fromEnvironment = try AgentProcess.run(base, environment: ["PARC_INVENTORY_PASSWORD": "from-env"])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(!fromFile.stderr.contains("in clear"), "loopback over http is not warned about")
        let posts = try server.xmlPosts()
        #expect(posts.map(\.authorization) == [
            "Basic " + Data("agents:s3cret pass".utf8).base64EncodedString(),
            "Basic " + Data("agents:from-env".utf8).base64EncodedString(),
        ])
        #expect(ServerClient.BasicCredentials(user: "é", password: "p").header == "Basic " + Data("é:p".utf8).base64EncodedString())
        #expect(InventoryCommand.isLoopback("127.0.0.1") && InventoryCommand.isLoopback("LOCALHOST")
                && !InventoryCommand.isLoopback("parc.example.org"))
    }

    @Test("an XML send refused, or answered by something that is no FusionInventory server, is exit 1 and says why")
    func xmlRefused() throws {
        let server = try FakeAgentServer()
        let directory = try AgentTempDirectory("agent")
        let arguments = ["inventory", "--format", "xml", "--server", server.url, "--state-dir", directory.sub("state")]
        try server.answerXML(with: "403")
        let refused = try AgentProcess.run(arguments)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the server refused POST /: test_refusal: the test server answers 403"),
                "\(refused.stderr)")
        try server.answerXML(with: "html")
        let html = try AgentProcess.run(arguments)
        #expect(html.status == 1)
        #expect(html.stderr.contains("did not answer with a FusionInventory <REPLY>"), "\(html.stderr)")
    }

    @Test("an unreachable server is exit 1, after three attempts, in both formats")
    func unreachable() throws {
        // Nothing listens on port 1 of the loopback: connections are refused at once.
        let directory = try AgentTempDirectory("agent")
        let xml = try AgentProcess.run(
            ["inventory", "--format", "xml", "--server", "http://127.0.0.1:1", "--state-dir", directory.sub("state")])
        #expect(xml.status == 1)
        #expect(xml.stderr.contains("the server at http://127.0.0.1:1 did not answer POST / after 3 attempts"),
                "\(xml.stderr)")
        let json = try AgentProcess.run(
            ["inventory", "--server", "http://127.0.0.1:1", "--token", "parce_good", "--config",
             directory.sub("agent.json"), "--state-dir", directory.sub("state")])
        #expect(json.status == 1)
        #expect(json.stderr.contains("did not answer POST /api/agent/v1/enroll after 3 attempts"), "\(json.stderr)")
    }

    @Test("server URLs: the same server whatever the case, default port or final slash; an empty path posts to /")
    func serverURLs() throws {
        #expect(ServerClient.sameServer("https://Parc.Example.org", "https://parc.example.org:443/"))
        #expect(ServerClient.sameServer("http://10.0.0.5:8080/parc/", "HTTP://10.0.0.5:8080/parc"))
        #expect(!ServerClient.sameServer("https://parc.example.org", "http://parc.example.org"))
        #expect(!ServerClient.sameServer("https://parc.example.org", "https://parc.example.org:8443"))
        #expect(!ServerClient.sameServer("https://parc.example.org/a", "https://parc.example.org/b"))
        #expect(!ServerClient.sameServer("not a url", "not a url"))
        let root = ServerClient(server: URL(string: "http://127.0.0.1:8080")!, credential: nil)
        #expect(root.url(for: "").absoluteString == "http://127.0.0.1:8080/")
        #expect(root.url(for: "api/agent/v1/enroll").absoluteString == "http://127.0.0.1:8080/api/agent/v1/enroll")
        let plugin = ServerClient(server: URL(string: "http://glpi/plugins/fusioninventory/")!, credential: nil)
        #expect(plugin.url(for: "").absoluteString == "http://glpi/plugins/fusioninventory/")
    }
}
