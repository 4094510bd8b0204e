import Foundation

/// `Fixtures/server/fake_agent_server.py` running on a loopback port: a stand-in for the Parc server's agent API
/// that records every request, and an agent configuration that points at it.
final class FakeAgentServer {
    struct Request {
        let method: String
        let path: String
        let authorization: String?
        let contentType: String?
        /// The inventory JSON, inflated, when the request was one.
        let inventory: [String: Any]?
        /// The FusionInventory XML, inflated, when the request was one.
        let xml: String?
        /// The enrollment token, when the request was an enrollment.
        let token: String?
        /// Why the body could not be inflated or parsed.
        let problem: String?
    }

    let work: AgentTempDirectory
    let process = Process()
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    init() throws {
        work = try AgentTempDirectory("fake-server")
        let script = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/server/fake_agent_server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, work.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 {
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw AgentTestError("the fake server did not start")
        }
        self.port = port
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// The status the server answers inventories with from now on.
    func answerInventories(with status: Int) throws {
        try Data(String(status).utf8).write(to: URL(fileURLWithPath: work.sub("inventory-status")))
    }

    /// How the server answers FusionInventory posts from now on: an HTTP status, or `html` for a 200 that is no
    /// `<REPLY>`.
    func answerXML(with answer: String) throws {
        try Data(answer.utf8).write(to: URL(fileURLWithPath: work.sub("xml-status")))
    }

    /// Every request so far, in order.
    func requests() throws -> [Request] {
        guard let text = try? String(contentsOfFile: work.sub("requests.jsonl"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return Request(
                method: entry["method"] as? String ?? "", path: entry["path"] as? String ?? "",
                authorization: entry["authorization"] as? String, contentType: entry["content_type"] as? String,
                inventory: entry["inventory"] as? [String: Any], xml: entry["xml"] as? String,
                token: entry["token"] as? String, problem: entry["problem"] as? String)
        }
    }

    /// The inventories received.
    func inventories() throws -> [Request] { try requests().filter { $0.path.hasSuffix("/api/agent/v1/inventory") } }

    /// The enrollments received.
    func enrollments() throws -> [Request] { try requests().filter { $0.path.hasSuffix("/api/agent/v1/enroll") } }

    /// The FusionInventory posts received (outside /api/).
    func xmlPosts() throws -> [Request] { try requests().filter { $0.method == "POST" && !$0.path.hasPrefix("/api/") } }

    /// Writes an enrolled agent's configuration for this server in `directory`; returns its path.
    func configuration(in directory: AgentTempDirectory, credential: String = "parca_test_credential") throws -> String {
        let path = directory.sub("agent.json")
        let json = """
            {"server": "\(url)", "agent_id": "agent-1", "entity_id": "entity-1", "credential": "\(credential)",
             "enrolled_at": "2026-11-01T09:00:00Z"}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
