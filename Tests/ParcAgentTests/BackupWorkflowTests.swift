import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A repository and a small source tree for command-line tests.
struct BackupCLIFixture {
    let dir: AgentTempDirectory
    let source: String
    var env: [String: String]

    init() throws {
        dir = try AgentTempDirectory("backup-cli")
        source = dir.sub("source")
        env = ["PARC_BACKUP_REPO": dir.sub("repo"), "PARC_BACKUP_PASSWORD": "workflow passphrase"]
        let manager = FileManager.default
        try manager.createDirectory(atPath: source + "/docs/deep", withIntermediateDirectories: true)
        try Data("hosts file\n".utf8).write(to: URL(fileURLWithPath: source + "/hosts"))
        try Data(repeating: 0x41, count: 200_000).write(to: URL(fileURLWithPath: source + "/docs/report.txt"))
        var random = SystemRandomNumberGenerator()
        let noise = Data((0..<1_500_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        try noise.write(to: URL(fileURLWithPath: source + "/docs/deep/photo.raw"))
        try manager.createSymbolicLink(atPath: source + "/latest", withDestinationPath: "docs/report.txt")
        let initialised = try AgentProcess.run(["backup", "init", "--scrypt-n", "10"], environment: env)
        guard initialised.status == 0 else { throw AgentTestError("init failed: \(initialised.stderr)") }
    }

    func agent(_ arguments: [String], extra: [String: String] = [:]) throws -> AgentProcess.Outcome {
        try AgentProcess.run(arguments, environment: env.merging(extra) { $1 })
    }

    func json(_ arguments: [String]) throws -> Any {
        let outcome = try agent(arguments + ["--json"])
        guard let value = try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) else {
            throw AgentTestError("\(arguments) printed no JSON (status \(outcome.status)): \(outcome.stdout) \(outcome.stderr)")
        }
        return value
    }

    /// Every pack file of the repository.
    func packs() -> [String] {
        let data = dir.sub("repo") + "/data"
        return ((try? FileManager.default.subpathsOfDirectory(atPath: data)) ?? [])
            .filter { $0.split(separator: "/").last?.count == 64 }.map { data + "/" + $0 }.sorted()
    }
}

@Suite("parc-agent backup: back up, restore, test and maintain from the command line")
struct BackupWorkflowTests {
    @Test("full then incremental: snapshots --json carries id, time, method, base and paths")
    func methodsAndSnapshotContract() throws {
        let fixture = try BackupCLIFixture()
        let full = try fixture.agent(["backup", "run", "--method", "full", fixture.source])
        #expect(full.status == 0, "\(full.stderr)")
        try Data("hosts file, edited\n".utf8).write(to: URL(fileURLWithPath: fixture.source + "/hosts"))
        let incremental = try fixture.json(["backup", "run", "--method", "incremental", fixture.source])
        let run = try #require(incremental as? [String: Any])
        let summary = try #require((run["snapshot"] as? [String: Any])?["summary"] as? [String: Any])
        #expect(summary["files_read"] as? Int == 1)
        let differential = try fixture.agent(["backup", "run", "--method", "differential", fixture.source])
        #expect(differential.status == 0, "\(differential.stderr)")
        let list = try #require(try fixture.json(["backup", "snapshots"]) as? [[String: Any]])
        #expect(list.count == 3)
        #expect(list.map { $0["method"] as? String } == ["full", "incremental", "differential"])
        let ids = list.compactMap { $0["id"] as? String }
        #expect(ids.count == 3 && ids.allSatisfy { $0.count == 64 })
        #expect(list[0]["base"] is NSNull)
        #expect(list[1]["base"] as? String == ids[0])
        #expect(list[2]["base"] as? String == ids[0])  // a differential compares with the last full
        #expect(list.allSatisfy { ($0["paths"] as? [String]) == [fixture.source] })
        #expect(list.allSatisfy { ($0["time"] as? String)?.hasSuffix("Z") == true })
    }

    @Test("restore recreates the absolute paths under the target; --include one file; --dry-run writes nothing")
    func restoreContract() throws {
        let fixture = try BackupCLIFixture()
        #expect(try fixture.agent(["backup", "run", "--method", "full", fixture.source]).status == 0)
        let target = fixture.dir.sub("restored")
        let restored = try fixture.agent(["backup", "restore", "latest", "--target", target])
        #expect(restored.status == 0, "\(restored.stderr)")
        for file in ["hosts", "docs/report.txt", "docs/deep/photo.raw"] {
            #expect(
                FileManager.default.contents(atPath: target + fixture.source + "/" + file)
                    == FileManager.default.contents(atPath: fixture.source + "/" + file))
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: target + fixture.source + "/latest") == "docs/report.txt")
        let one = fixture.dir.sub("one")
        let single = try fixture.agent([
            "backup", "restore", "latest", "--target", one, "--include", fixture.source + "/docs/report.txt",
        ])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(FileManager.default.fileExists(atPath: one + fixture.source + "/docs/report.txt"))
        #expect(!FileManager.default.fileExists(atPath: one + fixture.source + "/hosts"))
        let dry = fixture.dir.sub("dry")
        let plan = try #require(try fixture.json(["backup", "restore", "latest", "--target", dry, "--dry-run"]) as? [String: Any])
        #expect((plan["planned"] as? [Any])?.isEmpty == false)
        #expect(!FileManager.default.fileExists(atPath: dry))
        // Restoring again over the files leaves them and says so (exit 3), unless --overwrite.
        let again = try fixture.agent(["backup", "restore", "latest", "--target", target])
        #expect(again.status == 3)
        #expect(try fixture.agent(["backup", "restore", "latest", "--target", target, "--overwrite"]).status == 0)
        let missing = try fixture.agent(["backup", "restore", "latest", "--target", one, "--include", "/no/such/path"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/no/such/path"))
    }

    @Test("drill, check --read-data, forget by policy with --prune, stats, ls and diff in JSON")
    func maintenanceCommands() throws {
        let fixture = try BackupCLIFixture()
        #expect(try fixture.agent(["backup", "run", "--method", "full", fixture.source]).status == 0)
        try FileManager.default.removeItem(atPath: fixture.source + "/docs/deep/photo.raw")
        #expect(try fixture.agent(["backup", "run", "--method", "incremental", fixture.source]).status == 0)
        let drill = try #require(try fixture.json(["backup", "drill", "latest", "--all"]) as? [String: Any])
        #expect(drill["passed"] as? Bool == true)
        #expect(drill["files_checked"] as? Int == 2)
        let check = try #require(try fixture.json(["backup", "check", "--read-data"]) as? [String: Any])
        #expect((check["errors"] as? [Any])?.isEmpty == true)
        let list = try #require(try fixture.json(["backup", "snapshots"]) as? [[String: Any]])
        let diff = try #require(
            try fixture.json(["backup", "diff", list[0]["id"] as! String, list[1]["id"] as! String]) as? [String: Any])
        let totals = try #require(diff["totals"] as? [String: Any])
        #expect(totals["removed"] as? Int == 1)
        let listing = try #require(try fixture.json(["backup", "ls", "latest"]) as? [[String: Any]])
        #expect(listing.contains { ($0["path"] as? String) == fixture.source + "/docs/report.txt" })
        let before = try #require(try fixture.json(["backup", "stats"]) as? [String: Any])
        let forget = try #require(try fixture.json(["backup", "forget", "--keep-last", "1", "--prune"]) as? [String: Any])
        #expect((forget["removed"] as? [Any])?.count == 1)
        let after = try #require(try fixture.json(["backup", "stats"]) as? [String: Any])
        #expect((after["stored_bytes"] as? Int ?? 0) < (before["stored_bytes"] as? Int ?? 0))
        #expect(try fixture.agent(["backup", "check", "--read-data"]).status == 0)
        let empty = try fixture.agent(["backup", "forget"])
        #expect(empty.status == 64)
    }
}
