import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The faults the backup issue names, each driven through the command line as a technician meets
/// them: damaged packs, a killed backup, a full disk.
@Suite("parc-agent backup: faults")
struct BackupFaultTests {
    /// The JSON `check --read-data` prints, and its exit status.
    static func check(_ fixture: BackupCLIFixture) throws -> (status: Int32, errors: [[String: Any]]) {
        let outcome = try fixture.agent(["backup", "check", "--read-data", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        return (outcome.status, report?["errors"] as? [[String: Any]] ?? [])
    }

    /// Every file path named as affected by the errors.
    static func affectedFiles(_ errors: [[String: Any]]) -> Set<String> {
        Set(errors.flatMap { ($0["affected"] as? [[String: Any]] ?? []).flatMap { $0["files"] as? [String] ?? [] } })
    }

    /// A fixture whose big random file is alone in its own data pack (backed up in a second run;
    /// trees go to packs of their own), so damaging that pack touches that file only.
    static func photoPackFixture() throws -> (BackupCLIFixture, bigPack: String) {
        let fixture = try BackupCLIFixture()
        let big = fixture.source + "/docs/deep/photo.raw"
        let aside = fixture.dir.sub("photo.raw")
        try FileManager.default.moveItem(atPath: big, toPath: aside)
        #expect(try fixture.agent(["backup", "run", "--method", "full", fixture.source]).status == 0)
        let before = Set(fixture.packs())
        try FileManager.default.moveItem(atPath: aside, toPath: big)
        #expect(try fixture.agent(["backup", "run", "--method", "incremental", fixture.source]).status == 0)
        // The new packs: one of trees, and one of data (the photo's chunks) per thread that saved
        // some; the biggest holds the photo's chunks only.
        let added = Set(fixture.packs()).subtracting(before)
        let sizes = added.map { ($0, (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0) }
        guard added.count >= 2, let pack = sizes.max(by: { $0.1 < $1.1 })?.0 else {
            throw AgentTestError("expected data packs and a tree pack, found \(added.count) packs")
        }
        return (fixture, pack)
    }

    @Test("a flipped byte: check names the snapshot and the file; the intact files still restore")
    func flippedByte() throws {
        let (fixture, pack) = try Self.photoPackFixture()
        let handle = try #require(FileHandle(forUpdatingAtPath: pack))
        let middle = try handle.seekToEnd() / 2
        try handle.seek(toOffset: middle)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: middle)
        try handle.write(contentsOf: Data([byte ^ 0xFF]))
        try handle.close()
        let (status, errors) = try Self.check(fixture)
        #expect(status == 3)
        #expect(Self.affectedFiles(errors) == [fixture.source + "/docs/deep/photo.raw"])
        let latest = try #require(try fixture.json(["backup", "snapshots"]) as? [[String: Any]]).last?["id"] as? String
        let named = Set(errors.flatMap { ($0["affected"] as? [[String: Any]] ?? []).compactMap { $0["snapshot"] as? String } })
        #expect(named == [latest])
        let target = fixture.dir.sub("after-flip")
        let restore = try fixture.agent(["backup", "restore", "latest", "--target", target])
        #expect(restore.status == 3)
        #expect(restore.stderr.contains("photo.raw"))
        #expect(
            FileManager.default.contents(atPath: target + fixture.source + "/docs/report.txt")
                == FileManager.default.contents(atPath: fixture.source + "/docs/report.txt"))
        #expect(!FileManager.default.fileExists(atPath: target + fixture.source + "/docs/deep/photo.raw"))
        // The drill fails on that file, exit status 3.
        let drill = try fixture.agent(["backup", "drill", "latest", "--all"])
        #expect(drill.status == 3)
        #expect(drill.stderr.contains("photo.raw"))
    }

    @Test("a truncated pack and a missing pack are named with the files they hold")
    func truncatedAndMissingPacks() throws {
        let (fixture, pack) = try Self.photoPackFixture()
        let handle = try #require(FileHandle(forUpdatingAtPath: pack))
        let size = try handle.seekToEnd()
        try handle.truncate(atOffset: size / 2)
        try handle.close()
        var (status, errors) = try Self.check(fixture)
        #expect(status == 3)
        #expect(Self.affectedFiles(errors).contains(fixture.source + "/docs/deep/photo.raw"))
        #expect(!Self.affectedFiles(errors).contains(fixture.source + "/hosts"))
        try FileManager.default.removeItem(atPath: pack)
        (status, errors) = try Self.check(fixture)
        #expect(status == 3)
        #expect(Self.affectedFiles(errors) == [fixture.source + "/docs/deep/photo.raw"])
        #expect(errors.contains { ($0["pack"] as? String).map { pack.hasSuffix($0) } == true })
    }

    @Test("kill -9 during a backup: the next run completes and check --read-data passes")
    func killedBackup() throws {
        let fixture = try BackupCLIFixture()
        // About 48 MiB of random data in 24 files: several packs, time to be killed midway.
        var random = SystemRandomNumberGenerator()
        try FileManager.default.createDirectory(atPath: fixture.source + "/bulk", withIntermediateDirectories: true)
        for index in 0..<24 {
            var bytes = [UInt8](repeating: 0, count: 2 << 20)
            for offset in stride(from: 0, to: bytes.count, by: 8) {
                withUnsafeBytes(of: random.next()) { word in
                    for (shift, byte) in word.enumerated() where offset + shift < bytes.count { bytes[offset + shift] = byte }
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: fixture.source + "/bulk/f\(index).bin"))
        }
        let process = Process()
        process.executableURL = try AgentProcess.executable()
        process.arguments = ["backup", "run", "--method", "full", "--threads", "1", fixture.source]
        process.environment = fixture.env.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the first pack on disk, then kill without warning.
        let deadline = Date().addingTimeInterval(60)
        while fixture.packs().isEmpty, process.isRunning, Date() < deadline { usleep(5_000) }
        let killedMidway = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(killedMidway, "the backup finished before it could be killed; give it more data")
        let snapshots = try #require(try fixture.json(["backup", "snapshots"]) as? [Any])
        #expect(snapshots.isEmpty)
        let rerun = try fixture.agent(["backup", "run", "--method", "full", fixture.source])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let (status, errors) = try Self.check(fixture)
        #expect(status == 0, "\(errors)")
        #expect(try fixture.agent(["backup", "drill", "latest", "--all"]).status == 0)
    }

    @Test("disk full: a clean error, and the repository stays intact")
    func diskFull() throws {
        let dir = try AgentTempDirectory("backup-full")
        let mountPoint = dir.sub("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "mounting a 3 MiB tmpfs needs root (scripts/test runs as root)")
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = [mountPoint]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        let env = ["PARC_BACKUP_REPO": mountPoint + "/repo", "PARC_BACKUP_PASSWORD": "full disk"]
        #expect(try AgentProcess.run(["backup", "init", "--scrypt-n", "10"], environment: env).status == 0)
        let small = dir.sub("small-source")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        try Data("fits\n".utf8).write(to: URL(fileURLWithPath: small + "/note.txt"))
        #expect(try AgentProcess.run(["backup", "run", "--method", "full", small], environment: env).status == 0)
        // 8 MiB of random data cannot fit in 3 MiB.
        var random = SystemRandomNumberGenerator()
        let big = dir.sub("big-source")
        try FileManager.default.createDirectory(atPath: big, withIntermediateDirectories: true)
        try Data((0..<(8 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) })
            .write(to: URL(fileURLWithPath: big + "/data.bin"))
        let full = try AgentProcess.run(["backup", "run", "--method", "full", big], environment: env)
        #expect(full.status == 1)
        #expect(full.stderr.contains("disk is full"), "\(full.stderr)")
        let check = try AgentProcess.run(["backup", "check", "--read-data"], environment: env)
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        let list = try AgentProcess.run(["backup", "snapshots", "--json"], environment: env)
        let snapshots = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any]
        #expect(snapshots?.count == 1)
    }
}
