import Crypto
import Foundation
@testable import ParcBackup
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Archiver: files that change or cannot be read, stops, excludes, file systems, huge sparse files")
struct ArchiveRobustnessTests {
    @Test("a file that changes during both reads is reported and not stored torn")
    func changedWhileRead() throws {
        let workspace = try ArchiveWorkspace()
        try workspace.write("steady", Array("steady".utf8))
        let victim = try workspace.write("growing.log", archiveFixtureBytes(50_000, seed: 3))
        var archiver = workspace.archiver()
        let reads = ArchiveFixtureBox(0)
        archiver.hooks.afterFileRead = { path, _ in
            guard path == Array(victim.utf8) else { return }
            reads.withLock { $0 += 1 }
            try? workspace.append("growing.log", Array("another line\n".utf8))
        }

        let result = try archiver.run()

        #expect(reads.withLock { $0 } == 2, "read, changed, read once more, changed again")
        #expect(result.issues.map(\.kind) == [.changedWhileRead])
        #expect(result.issues.first?.path == victim)
        #expect(result.issues.first?.message.contains("changed while being read") == true)
        #expect(result.snapshot.summary.errors == 1)
        #expect(try workspace.node(victim, in: result) == nil, "left out: there is no earlier version")
        #expect(try workspace.verifyContents(of: result) == 1)
    }

    @Test("with a base snapshot, a file changing during both reads keeps its previous version")
    func changedWhileReadKeepsBase() throws {
        let workspace = try ArchiveWorkspace()
        let original = archiveFixtureBytes(40_000, seed: 4)
        let victim = try workspace.write("db.sqlite", original)
        let full = try workspace.backup()
        try workspace.append("db.sqlite", Array("changed before the run".utf8))
        var archiver = workspace.archiver(method: .incremental)
        archiver.hooks.afterFileRead = { path, _ in
            if path == Array(victim.utf8) { try? workspace.append("db.sqlite", Array("x".utf8)) }
        }

        let result = try archiver.run()

        #expect(result.issues.map(\.kind) == [.changedWhileRead])
        #expect(result.issues.first?.message.contains("previous snapshot") == true)
        let kept = try #require(try workspace.node(victim, in: result))
        #expect(kept == (try workspace.node(victim, in: full)))
        let reader = try ArchiveSnapshotReader(repository: workspace.repository)
        #expect(try reader.content(of: kept) == Data(original))
    }

    @Test("a file that changes during the first read only is read again and stored whole")
    func changedOnce() throws {
        let workspace = try ArchiveWorkspace()
        let victim = try workspace.write("once", archiveFixtureBytes(30_000, seed: 5))
        var archiver = workspace.archiver()
        archiver.hooks.afterFileRead = { path, attempt in
            if path == Array(victim.utf8), attempt == 1 { try? workspace.append("once", Array("tail".utf8)) }
        }
        let result = try archiver.run()
        #expect(result.issues.isEmpty)
        let node = try #require(try workspace.node(victim, in: result))
        #expect(node.size == 30_004)
        #expect(try workspace.verifyContents(of: result) == 1)
    }

    @Test("an unreadable file or directory is an issue; the run goes on and saves the rest")
    func unreadable() throws {
        let workspace = try ArchiveWorkspace()
        try workspace.write("public", Array("hello".utf8))
        let secret = try workspace.write("secret", Array("password".utf8))
        try workspace.write("locked/inside", Array("hidden".utf8))
        let locked = workspace.path("locked")
        var archiver = workspace.archiver()
        if geteuid() == 0 {
            // Root reads through chmod 000: simulate the refusal.
            archiver.hooks.openFailure = { path in
                path == Array(secret.utf8) || path == Array(locked.utf8) ? EACCES : nil
            }
        } else {
            #expect(chmod(secret, 0) == 0)
            #expect(chmod(locked, 0) == 0)
        }

        let result = try archiver.run()

        #expect(Set(result.issues.map(\.path)) == [secret, locked])
        #expect(result.issues.allSatisfy { $0.kind == .unreadable && $0.message.contains("Permission denied") })
        #expect(result.snapshot.summary.errors == 2)
        #expect(try workspace.node(secret, in: result) == nil)
        let directory = try #require(try workspace.node(locked, in: result))
        #expect(directory.type == .dir)
        #expect(try workspace.entries(locked, in: result).isEmpty)
        #expect(try workspace.verifyContents(of: result) == 1)
    }

    @Test("a stop request ends the run without a snapshot; the next run succeeds and reuses what was stored")
    func stopMidRun() throws {
        let workspace = try ArchiveWorkspace()
        for index in 0..<60 { try workspace.write("many/f\(index)", archiveFixtureBytes(20_000, seed: UInt64(index))) }
        let read = ArchiveFixtureBox(0)
        var archiver = workspace.archiver(threads: 2, shouldStop: { read.withLock { $0 } >= 10 })
        archiver.hooks.afterFileRead = { _, _ in read.withLock { $0 += 1 } }

        #expect(throws: BackupError.cancelled) { try archiver.run() }

        #expect(try workspace.snapshotCount() == 0)
        #expect(try workspace.repository.storage.list(.lock).isEmpty, "the lock is released")
        // What was stored before the stop is indexed.
        #expect(try workspace.repository.loadIndex().blobCount >= 10)
        let next = try workspace.backup()
        #expect(next.snapshot.summary.files == 60)
        // At most the 50 other files, and trees.
        #expect(next.snapshot.summary.newBytes < 50 * 20_000 + 60_000)
        #expect(try workspace.verifyContents(of: next) == 60)
        #expect(try workspace.snapshotCount() == 1)
    }

    @Test("excludes by name and by path, with **, are not saved nor descended into")
    func excludes() throws {
        let workspace = try ArchiveWorkspace()
        try workspace.write("app/main.swift", Array("print()".utf8))
        try workspace.write("app/build.tmp", Array("tmp".utf8))
        try workspace.write("app/node_modules/lib/index.js", Array("js".utf8))
        try workspace.write("logs/2026/01/app.log", Array("log".utf8))
        try workspace.write("logs/keep.txt", Array("keep".utf8))
        try workspace.write("cache/a/b/thumbs/x.png", Array("png".utf8))
        try workspace.write("cache/a/other.png", Array("png".utf8))

        let result = try workspace.backup(excludes: [
            "*.tmp", "node_modules", workspace.data + "/logs/**/*.log", workspace.data + "/cache/**/thumbs",
        ])

        #expect(try workspace.entries(workspace.path("app"), in: result).map(\.displayName) == ["main.swift"])
        #expect(try workspace.entries(workspace.path("logs/2026/01"), in: result).isEmpty)
        #expect(try workspace.node(workspace.path("logs/keep.txt"), in: result) != nil)
        #expect(try workspace.entries(workspace.path("cache/a/b"), in: result).isEmpty)
        #expect(try workspace.node(workspace.path("cache/a/other.png"), in: result) != nil)
        #expect(result.snapshot.excludes.count == 4)
        #expect(result.snapshot.summary.files == 3)
    }

    @Test("with oneFileSystem, mount points under the backed-up path are saved empty (/dev and its mounts)")
    func oneFileSystem() throws {
        var dev = stat()
        var shm = stat()
        guard lstat("/dev", &dev) == 0, lstat("/dev/shm", &shm) == 0, dev.st_dev != shm.st_dev else {
            print("skipped: /dev/shm is not a separate file system here")
            return
        }
        let workspace = try ArchiveWorkspace()
        let result = try workspace.archiver(paths: ["/dev"], oneFileSystem: true).run()
        let mount = try #require(try workspace.node("/dev/shm", in: result))
        #expect(mount.type == .dir)
        #expect(mount.deviceID == UInt64(shm.st_dev))
        #expect(try workspace.entries("/dev/shm", in: result).isEmpty)
        let null = try #require(try workspace.node("/dev/null", in: result))
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0)
        #expect(null.type == .chardev)
        #expect(null.device == UInt64(info.st_rdev))
    }

    @Test("a sparse file over 4 GiB is saved in seconds: holes become one zero blob, the hash covers every byte")
    func hugeSparseFile() throws {
        let workspace = try ArchiveWorkspace(chunker: .standard)
        let path = workspace.path("disk.img")
        let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        #expect(descriptor >= 0)
        let logicalSize: Int64 = 4 * (1 << 30) + (1 << 29)  // 4.5 GiB
        #expect(ftruncate(descriptor, off_t(logicalSize)) == 0)
        let regions: [(offset: Int64, bytes: [UInt8])] = [
            (0, archiveFixtureBytes(70_000, seed: 1)),
            (1 << 30, archiveFixtureBytes(3_000_000, seed: 2)),
            (4 * (1 << 30) + 12_345, archiveFixtureBytes(100_000, seed: 3)),
            (logicalSize - 10_000, archiveFixtureBytes(10_000, seed: 4)),
        ]
        for region in regions {
            #expect(pwrite(descriptor, region.bytes, region.bytes.count, off_t(region.offset)) == region.bytes.count)
        }
        close(descriptor)

        let started = Date()
        let result = try workspace.backup()
        let elapsed = Date().timeIntervalSince(started)

        let node = try #require(try workspace.node(path, in: result))
        #expect(node.size == UInt64(logicalSize))
        #expect(node.sparse == true)
        #expect(result.snapshot.summary.bytesRead < 20_000_000, "holes are not read")
        let blobs = try #require(node.content)
        let zeroID = ObjectID.hash(Data(count: ChunkerParameters.standard.maxSize))
        #expect(blobs.filter { $0 == zeroID }.count > 500)
        #expect(Set(blobs).count < 40)

        // The expected hash of the logical content, holes as zeros.
        var expected = SHA256()
        let zeros = Data(count: 1 << 20)
        var position: Int64 = 0
        for region in regions {
            while position < region.offset {
                let count = Int(min(Int64(zeros.count), region.offset - position))
                expected.update(data: zeros.prefix(count))
                position += Int64(count)
            }
            expected.update(data: region.bytes)
            position += Int64(region.bytes.count)
        }
        let expectedID = ObjectID(bytes: Array(expected.finalize()))!
        // Format 2: a file of several blobs is checked by their IDs, not by a whole-file hash.
        #expect(node.contentSHA256 == nil)

        // The blobs, concatenated, are that content.
        let reader = try ArchiveSnapshotReader(repository: workspace.repository)
        var cache: [ObjectID: Data] = [:]
        var stored = SHA256()
        var storedLength = 0
        for id in blobs {
            if cache[id] == nil { cache[id] = try workspace.repository.loadBlob(BlobHandle(id: id, type: .data), index: reader.index) }
            stored.update(data: cache[id]!)
            storedLength += cache[id]!.count
        }
        #expect(storedLength == Int(logicalSize))
        #expect(ObjectID(bytes: Array(stored.finalize())) == expectedID)
        print("4.5 GiB sparse file backed up in \(String(format: "%.1f", elapsed)) s")
        #expect(elapsed < 60)
    }

    @Test("progress is reported with totals once the walk is done, and the lock is refreshed and released")
    func progressAndLock() throws {
        let workspace = try ArchiveWorkspace()
        for index in 0..<6 { try workspace.write("f\(index)", archiveFixtureBytes(5000, seed: UInt64(index))) }
        let reports = ArchiveFixtureBox<[BackupProgressReport]>([])
        let locksSeen = ArchiveFixtureBox<Set<String>>([])
        var archiver = Archiver(
            repository: workspace.repository,
            options: BackupOptions(paths: [workspace.data], method: .full, hostname: "archive-test", threads: 1),
            progress: { report in reports.withLock { $0.append(report) } })
        archiver.progressInterval = 0.05
        archiver.lockPolicy = LockPolicy(staleAfter: 30 * 60, refreshEvery: 0.1)
        archiver.hooks.afterFileRead = { _, _ in
            Thread.sleep(forTimeInterval: 0.15)
            let names = (try? workspace.repository.storage.list(.lock)) ?? []
            locksSeen.withLock { $0.formUnion(names) }
        }

        let result = try archiver.run()

        let all = reports.withLock { $0 }
        #expect(all.count >= 3)
        let last = try #require(all.last)
        #expect(last.filesDone == 6 && last.filesTotal == 6)
        #expect(last.bytesDone == 30_000 && last.bytesTotal == 30_000)
        #expect(all.map(\.filesDone) == all.map(\.filesDone).sorted())
        #expect(result.snapshot.summary.files == 6)
        #expect(locksSeen.withLock { $0.count } >= 2, "the lock file was rewritten during the run")
        #expect(try workspace.repository.storage.list(.lock).isEmpty)
    }

    @Test("bad paths are refused before anything is written, with what to do")
    func badPaths() throws {
        let workspace = try ArchiveWorkspace()
        #expect(throws: BackupError.pathNotAbsolute("relative/path")) {
            try workspace.archiver(paths: ["relative/path"]).run()
        }
        let missing = workspace.path("missing")
        #expect(throws: BackupError.pathNotFound(missing)) { try workspace.archiver(paths: [missing]).run() }
        #expect(throws: BackupError.noPaths) { try workspace.archiver(paths: []).run() }
        #expect(try workspace.repository.storage.list(.lock).isEmpty)
        #expect(BackupError.pathNotFound(missing).description.contains("does not exist"))
    }

    @Test("a disk that fills up mid-run stops it with a clear error; the repository stays valid for the next run")
    func diskFullMidRun() throws {
        let workspace = try ArchiveWorkspace()
        for index in 0..<40 { try workspace.write("f\(index)", archiveFixtureBytes(20_000, seed: UInt64(index))) }
        let local = LocalRepositoryStorage(root: URL(fileURLWithPath: workspace.root + "/repo"))
        let failing = ArchiveFailingStorage(base: local, packsBeforeFailure: 3)
        let repository = try Repository.open(storage: failing, passphrase: "archive")
        var archiver = Archiver(
            repository: repository,
            options: BackupOptions(paths: [workspace.data], method: .full, hostname: "archive-test", threads: 2))
        archiver.packTargetSize = 64 * 1024

        do {
            _ = try archiver.run()
            Issue.record("the run succeeded on a full disk")
        } catch {
            guard case .repositoryDiskFull = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(error.description.contains("free space and run again — the repository is intact"))
        }

        #expect(try workspace.snapshotCount() == 0)
        #expect(try local.list(.lock).isEmpty)
        let next = try workspace.backup()
        #expect(next.snapshot.summary.files == 40)
        #expect(try workspace.verifyContents(of: next) == 40)
    }

    @Test("a full repository disk is reported as such, with the repository intact")
    func diskFullMessage() {
        let error = BackupError.wrapping(RepositoryError.storage(.io(path: "/srv/repo/data/ab/x", operation: "write", errno: ENOSPC)))
        #expect(error == .repositoryDiskFull(path: "/srv/repo/data/ab/x"))
        #expect(error.description.contains("the repository's disk is full"))
        #expect(error.description.contains("free space and run again — the repository is intact"))
        let other = BackupError.wrapping(RepositoryError.storage(.io(path: "p", operation: "write", errno: EIO)))
        #expect(other == .repository(.storage(.io(path: "p", operation: "write", errno: EIO))))
    }
}
