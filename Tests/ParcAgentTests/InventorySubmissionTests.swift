import Foundation
import ParcCore
import ParcInventory
import Testing

@testable import ParcAgentKit

@Suite("Sending inventories: parc-agent inventory and run against a stand-in server")
struct InventorySubmissionTests {
    /// A temporary agent enrolled with `server`, and the arguments of `command` for it.
    static func agent(of server: FakeAgentServer, _ command: [String] = ["run", "--once"]) throws -> (
        directory: AgentTempDirectory, arguments: [String]
    ) {
        let directory = try AgentTempDirectory("agent")
        let config = try server.configuration(in: directory)
        return (directory, command + ["--config", config, "--state-dir", directory.sub("state")])
    }

    /// The agent's state file in `directory`.
    static func state(_ directory: AgentTempDirectory) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.sub("state/state.json")))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    @Test("run --once sends a zlib-compressed GLPI inventory with the agent's credential; a restart does not resend")
    func daemonSendsOnce() throws {
        // setup
        let server = try FakeAgentServer()
        let (directory, arguments) = try Self.agent(of: server)
        // MUT
        let first = try AgentProcess.run(arguments)
        // validate
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("inventory sent: asset 7d1c2a4e-0000-4000-8000-000000000001 created"))
        let inventories = try server.inventories()
        try #require(inventories.count == 1)
        let sent = inventories[0]
        #expect(sent.method == "POST")
        #expect(sent.authorization == "Bearer parca_test_credential")
        #expect(sent.contentType == "application/x-compress-zlib")
        #expect(sent.problem == nil)
        let inventory = try #require(sent.inventory)
        let json = try JSONSerialization.data(withJSONObject: inventory)
        let report = try GLPIInventoryJSON.read(json)
        #expect(report.hardware?.name == InventoryCommandTests.hostName())
        #expect(!report.software.isEmpty)
        let deviceID = try String(contentsOfFile: directory.sub("state/device-id"), encoding: .utf8)
        #expect(deviceID == report.agent.deviceID.map { $0 + "\n" })
        #expect(try Self.state(directory)["last_inventory"] is String)
        // A restart within the interval sends none; the plans are still fetched.
        let second = try AgentProcess.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try server.inventories().count == 1)
        #expect(try server.requests().filter { $0.path.hasSuffix("/backup/plans") }.count == 2)
    }

    @Test("a busy server (429): the inventory waits in the spool, and goes with the next run")
    func queuedThenSent() throws {
        let server = try FakeAgentServer()
        try server.answerInventories(with: 429)
        let (directory, arguments) = try Self.agent(of: server)
        let refused = try AgentProcess.run(arguments)
        #expect(refused.status == 0, "the backups' daemon does not fail for an inventory: \(refused.stderr)")
        #expect(refused.stderr.contains("inventory kept for later"))
        #expect(refused.stderr.contains("the test server answers 429"))
        let pending = directory.sub("state/spool/inventory.json.zlib")
        #expect(FileManager.default.fileExists(atPath: pending))
        try server.answerInventories(with: 200)
        let later = try AgentProcess.run(arguments)
        #expect(later.status == 0, "\(later.stderr)")
        #expect(later.stderr.contains("inventory sent"))
        #expect(!FileManager.default.fileExists(atPath: pending))
        let inventories = try server.inventories()
        #expect(inventories.count == 2)
        #expect(inventories[0].inventory?["deviceid"] as? String == inventories[1].inventory?["deviceid"] as? String)
    }

    @Test("an inventory refused for good (422) is set aside in spool/rejected, not retried")
    func rejected() throws {
        let server = try FakeAgentServer()
        try server.answerInventories(with: 422)
        let (directory, arguments) = try Self.agent(of: server)
        let run = try AgentProcess.run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("inventory refused, set aside in spool/rejected"))
        let rejected = try FileManager.default.contentsOfDirectory(atPath: directory.sub("state/spool/rejected"))
        #expect(rejected.count == 1 && rejected[0].hasSuffix("-inventory.json.zlib"))
        #expect(!FileManager.default.fileExists(atPath: directory.sub("state/spool/inventory.json.zlib")))
        // The rejected file is the inventory itself, compressed.
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.sub("state/spool/rejected/" + rejected[0])))
        let inflated = try InventoryCompression.zlib.decompress(data, limit: 64 << 20)
        #expect(try GLPIInventoryJSON.read(inflated).agent.kind == .parcAgent)
    }

    @Test("--inventory-interval 0 turns inventories off")
    func turnedOff() throws {
        let server = try FakeAgentServer()
        let agent = try Self.agent(of: server, ["run", "--once", "--inventory-interval", "0"])
        let run = try AgentProcess.run(agent.arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try server.inventories().isEmpty)
        #expect(try server.requests().count == 1, "the plans only")
    }

    @Test("parc-agent inventory without --output sends it and names the asset; a busy server is exit 1 with the spool")
    func commandSends() throws {
        let server = try FakeAgentServer()
        let (directory, arguments) = try Self.agent(of: server, ["inventory"])
        let sent = try AgentProcess.run(arguments)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout == "inventory sent: asset 7d1c2a4e-0000-4000-8000-000000000001 created\n")
        let again = try AgentProcess.run(arguments)
        #expect(again.stdout == "inventory sent: asset 7d1c2a4e-0000-4000-8000-000000000001 updated\n")
        try server.answerInventories(with: 429)
        let busy = try AgentProcess.run(arguments)
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("parc-agent run sends it later"))
        #expect(FileManager.default.fileExists(atPath: directory.sub("state/spool/inventory.json.zlib")))
    }
}

@Suite("Inventory schedule")
struct InventoryScheduleTests {
    @Test("due at once without a last inventory, then after the interval and this machine's share of jitter")
    func schedule() throws {
        let schedule = InventorySchedule(intervalHours: 24, deviceID: "pc-compta-01-2026-11-29-10-00-00")
        #expect((0..<0.1).contains(schedule.jitterFraction))
        let last = Date(timeIntervalSince1970: 1_796_000_000)
        #expect(schedule.isDue(now: last, last: nil))
        #expect(!schedule.isDue(now: last.addingTimeInterval(24 * 3600 - 1), last: last))
        #expect(schedule.isDue(now: last.addingTimeInterval(24 * 3600 * 1.1), last: last))
        let due = try #require(schedule.nextDue(after: last))
        #expect(abs(due.timeIntervalSince(last) - 24 * 3600 * (1 + schedule.jitterFraction)) < 0.001)
        #expect(schedule.isDue(now: last.addingTimeInterval(-3600), last: last), "the clock went back")
        #expect(InventorySchedule(intervalHours: 0, deviceID: "x").nextDue(after: nil) == nil)
        #expect(!InventorySchedule(intervalHours: 0, deviceID: "x").isDue(now: last, last: nil))
    }

    @Test("the jitter is the same for a machine in every process and differs across a fleet")
    func jitter() {
        #expect(InventorySchedule.fnv1a("a") == 0xaf63_dc4c_8601_ec8c, "FNV-1a's published value for \"a\"")
        let fractions = Set((0..<200).map { InventorySchedule(intervalHours: 24, deviceID: "pc-\($0)").jitterFraction })
        #expect(fractions.count > 150)
        #expect(fractions.allSatisfy { (0..<0.1).contains($0) })
    }
}
