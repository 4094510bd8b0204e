import Foundation
import Testing

@Suite("parc-agent backup: repository, keys and snapshots from the command line")
struct BackupCLITests {
    /// Environment of a repository in `dir` opened with `passphrase`.
    static func env(_ dir: AgentTempDirectory, passphrase: String = "correct horse") -> [String: String] {
        ["PARC_BACKUP_REPO": dir.sub("repo"), "PARC_BACKUP_PASSWORD": passphrase]
    }

    @Test("init, then snapshots --json on an empty repository; init again is refused")
    func initAndEmptyList() throws {
        let dir = try AgentTempDirectory()
        let created = try AgentProcess.run(["backup", "init", "--scrypt-n", "10", "--json"], environment: Self.env(dir))
        #expect(created.status == 0, "\(created.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any]
        #expect((report?["id"] as? String)?.count == 64)
        let listed = try AgentProcess.run(["backup", "snapshots", "--json"], environment: Self.env(dir))
        #expect(listed.status == 0, "\(listed.stderr)")
        let list = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [Any]
        #expect(list?.isEmpty == true)
        let again = try AgentProcess.run(["backup", "init", "--scrypt-n", "10"], environment: Self.env(dir))
        #expect(again.status == 1)
        #expect(again.stderr.contains("holds a repository already"))
    }

    @Test("documented exit codes: no repository 10, wrong passphrase 11, no repository given 64")
    func exitCodes() throws {
        let dir = try AgentTempDirectory()
        let missing = try AgentProcess.run(["backup", "snapshots"], environment: Self.env(dir))
        #expect(missing.status == 10, "\(missing.stderr)")
        #expect(missing.stderr.contains("parc-agent backup init"))
        _ = try AgentProcess.run(["backup", "init", "--scrypt-n", "10"], environment: Self.env(dir))
        let wrong = try AgentProcess.run(["backup", "snapshots"], environment: Self.env(dir, passphrase: "nope"))
        #expect(wrong.status == 11)
        #expect(wrong.stderr.contains("wrong passphrase"))
        let noRepo = try AgentProcess.run(["backup", "snapshots"], environment: ["PARC_BACKUP_PASSWORD": "x"])
        #expect(noRepo.status == 64)
        #expect(noRepo.stderr.contains("--repo"))
        let noPass = try AgentProcess.run(["backup", "snapshots", "--repo", dir.sub("repo")])
        #expect(noPass.status == 1)
        #expect(noPass.stderr.contains("PARC_BACKUP_PASSWORD"))
        let notEmpty = try AgentTempDirectory()
        FileManager.default.createFile(atPath: notEmpty.sub("precious.txt"), contents: Data("keep".utf8))
        let refused = try AgentProcess.run(
            ["backup", "init", "--repo", notEmpty.path, "--scrypt-n", "10"], environment: ["PARC_BACKUP_PASSWORD": "x"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not empty"))
        #expect(FileManager.default.fileExists(atPath: notEmpty.sub("precious.txt")))
    }

    @Test("key add, list, passwd and remove; a password file works; the last key cannot go")
    func keys() throws {
        let dir = try AgentTempDirectory()
        _ = try AgentProcess.run(["backup", "init", "--scrypt-n", "10"], environment: Self.env(dir))
        let file = dir.sub("recovery.txt")
        try Data("recovery phrase\n".utf8).write(to: URL(fileURLWithPath: file))
        let added = try AgentProcess.run(
            ["backup", "key", "add", "--scrypt-n", "10", "--new-password-file", file], environment: Self.env(dir))
        #expect(added.status == 0, "\(added.stderr)")
        // The recovery passphrase opens it, from the file (trailing newline ignored).
        let viaFile = try AgentProcess.run(
            ["backup", "key", "list", "--json", "--repo", dir.sub("repo"), "--password-file", file])
        #expect(viaFile.status == 0, "\(viaFile.stderr)")
        let keys = try JSONSerialization.jsonObject(with: Data(viaFile.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(keys.count == 2)
        #expect(keys.filter { $0["current"] as? Bool == true }.count == 1)
        // Change the first passphrase.
        let changed = try AgentProcess.run(
            ["backup", "key", "passwd", "--scrypt-n", "10"],
            environment: Self.env(dir).merging(["PARC_BACKUP_NEW_PASSWORD": "new phrase"]) { $1 })
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(try AgentProcess.run(["backup", "snapshots"], environment: Self.env(dir)).status == 11)
        #expect(try AgentProcess.run(["backup", "snapshots"], environment: Self.env(dir, passphrase: "new phrase")).status == 0)
        // Remove the recovery key while opened with the new phrase.
        // Listed while opened with the recovery phrase, the recovery key is the current one.
        let recoveryID = try #require(keys.first { $0["current"] as? Bool == true }?["id"] as? String)
        let removed = try AgentProcess.run(
            ["backup", "key", "remove", String(recoveryID.prefix(10))], environment: Self.env(dir, passphrase: "new phrase"))
        #expect(removed.status == 0, "\(removed.stderr)")
        let last = try AgentProcess.run(["backup", "key", "list", "--json"], environment: Self.env(dir, passphrase: "new phrase"))
        let remaining = try JSONSerialization.jsonObject(with: Data(last.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(remaining.count == 1)
        let currentID = try #require(remaining.first?["id"] as? String)
        let refused = try AgentProcess.run(
            ["backup", "key", "remove", currentID], environment: Self.env(dir, passphrase: "new phrase"))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("in use"))
    }
}
