import Foundation
@testable import ParcBackup
import Testing

@Suite("Archiver rules: excludes, path plan, base choice, unchanged files, file-system boundary")
struct ArchiveRulesTests {
    private func excluded(_ patterns: [String], _ path: String) -> Bool {
        let bytes = Array(path.utf8)
        let name = Array(bytes.split(separator: UInt8(ascii: "/")).last ?? [])
        return ExcludeRules(patterns).excludes(name: name, path: bytes)
    }

    @Test("a pattern without a slash matches the entry's name at any depth")
    func namePatterns() {
        #expect(excluded(["*.tmp"], "/home/ana/report.tmp"))
        #expect(excluded(["*.tmp"], "/x.tmp"))
        #expect(!excluded(["*.tmp"], "/home/ana/report.tmpl"))
        #expect(excluded(["node_modules"], "/srv/app/node_modules"))
        #expect(!excluded(["node_modules"], "/srv/app/node_modules_old"))
        #expect(excluded(["?.log"], "/var/a.log"))
        #expect(!excluded(["?.log"], "/var/ab.log"))
        #expect(excluded(["[ab]*.log"], "/var/b1.log"))
        #expect(!excluded(["[ab]*.log"], "/var/c1.log"))
        #expect(excluded(["[!ab]*.log"], "/var/c1.log"))
        #expect(excluded(["file[0-9]"], "/d/file7"))
        #expect(!excluded(["file[0-9]"], "/d/filex"))
        #expect(excluded(["\\*literal"], "/d/*literal"))
        #expect(!excluded(["\\*literal"], "/d/xliteral"))
        #expect(excluded(["cache/"], "/home/ana/cache"), "a trailing slash is ignored")
    }

    @Test("a pattern with a slash matches the absolute path; * stays within a component, ** crosses them")
    func pathPatterns() {
        #expect(excluded(["/home/*/.cache"], "/home/ana/.cache"))
        #expect(!excluded(["/home/*/.cache"], "/home/ana/sub/.cache"))
        #expect(excluded(["/home/**/.cache"], "/home/ana/sub/.cache"))
        #expect(excluded(["/home/**/.cache"], "/home/.cache"), "/**/ also stands for a single /")
        #expect(excluded(["/var/**"], "/var/log/syslog"))
        #expect(!excluded(["/var/**"], "/var"))
        #expect(excluded(["/**/*.o"], "/src/a/b/c.o"))
        #expect(!excluded(["/srv/data"], "/srv/data2"))
        #expect(excluded([".cache/thumbnails"], "/home/ana/.cache/thumbnails"), "relative: at a component boundary")
        #expect(!excluded([".cache/thumbnails"], "/home/ana/x.cache/thumbnails"))
    }

    @Test("names that are not UTF-8 match byte by byte, and many stars stay fast")
    func rawBytesAndManyStars() {
        let name: [UInt8] = [0x66, 0xE9, 0x2E, 0x74, 0x6D, 0x70]  // "f\xE9.tmp"
        #expect(ExcludeRules(["*.tmp"]).excludes(name: name, path: [UInt8(ascii: "/")] + name))
        #expect(ExcludeRules.matches(pattern: Array("f?.tmp".utf8), name))
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 200)
        let started = Date()
        #expect(!ExcludeRules.matches(pattern: Array("*a*a*a*a*a*a*a*a*b".utf8), long))
        #expect(!ExcludeRules.matches(pattern: Array("**a**a**a**a**b".utf8), long))
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test("paths are normalised and overlapping ones merged into one plan from /")
    func pathPlan() throws {
        #expect(throws: BackupError.pathNotAbsolute("home/ana")) { try ArchivePathPlan.components("home/ana") }
        let bytes = { (text: String) in Array(text.utf8) }
        #expect(try ArchivePathPlan.components("/home//./ana/../bob/") == [bytes("home"), bytes("bob")])
        #expect(try ArchivePathPlan.components("/") == [])
        let paths = try ["/home/ana", "/etc", "/home", "/home/ana/x", "/etc/"].map(ArchivePathPlan.components)
        let plan = ArchivePathPlan.tree(paths)
        #expect(!plan.isBackedUp)
        #expect(plan.children.map(\.name) == [bytes("etc"), bytes("home")])
        #expect(plan.children.allSatisfy { $0.isBackedUp && $0.children.isEmpty })
        let nested = ArchivePathPlan.tree(try ["/home/ana", "/home/bob/docs", "/srv"].map(ArchivePathPlan.components))
        #expect(nested.children.map(\.name) == [bytes("home"), bytes("srv")])
        let home = nested.children[0]
        #expect(!home.isBackedUp)
        #expect(home.children.map(\.name) == [bytes("ana"), bytes("bob")])
        #expect(home.children[1].children.map(\.name) == [bytes("docs")])
        let everything = ArchivePathPlan.tree(try ["/", "/etc"].map(ArchivePathPlan.components))
        #expect(everything.isBackedUp && everything.children.isEmpty)
    }

    @Test("incremental compares with the latest of the same host and paths, differential with the latest full")
    func baseSelection() throws {
        let tree = ObjectID.hash(Data("tree".utf8))
        func entry(_ seconds: Double, _ method: BackupMethod, host: String = "pc", paths: [String] = ["/home", "/etc"])
            -> SnapshotEntry
        {
            let snapshot = Snapshot(
                time: Date(timeIntervalSince1970: seconds), hostname: host, username: "root", paths: paths,
                method: method, tree: tree)
            return SnapshotEntry(id: ObjectID.hash(Data("\(seconds)".utf8)), snapshot: snapshot)
        }
        let full = entry(1, .full)
        let incremental = entry(2, .incremental)
        let otherHost = entry(3, .full, host: "other")
        let otherPaths = entry(4, .full, paths: ["/home"])
        let entries = [full, incremental, otherHost, otherPaths]
        let paths = try ["/etc/", "/home", "/home/ana"].map(ArchivePathPlan.components)
        #expect(ArchiveBaseSelection.base(for: .incremental, hostname: "pc", paths: paths, in: entries) == incremental)
        #expect(ArchiveBaseSelection.base(for: .differential, hostname: "pc", paths: paths, in: entries) == full)
        #expect(ArchiveBaseSelection.base(for: .full, hostname: "pc", paths: paths, in: entries) == nil)
        #expect(ArchiveBaseSelection.base(for: .incremental, hostname: "new", paths: paths, in: entries) == nil)
        #expect(ArchiveBaseSelection.chainHead(of: full) == full.id)
        var chained = incremental.snapshot
        chained.full = full.id
        #expect(ArchiveBaseSelection.chainHead(of: SnapshotEntry(id: incremental.id, snapshot: chained)) == full.id)
    }

    @Test("a file is unchanged only with the same size, times, inode and device, and its blobs stored")
    func unchangedRule() {
        let blob = ObjectID.hash(Data("x".utf8))
        let base = Node(
            name: Data("f".utf8), type: .file, mode: 0o100644, mtime: 10, ctime: 20, deviceID: 3, inode: 4, size: 5,
            content: [blob], contentSHA256: blob)
        let same = ArchiveFileStatus(mode: 0o100644, size: 5, mtime: 10, ctime: 20, device: 3, inode: 4)
        #expect(ArchiveChangeRule.isUnchanged(same, base: base, isStored: { _ in true }))
        #expect(!ArchiveChangeRule.isUnchanged(same, base: base, isStored: { _ in false }))
        #expect(!ArchiveChangeRule.isUnchanged(same, base: nil, isStored: { _ in true }))
        var changed = same
        changed.ctime = 21
        #expect(!ArchiveChangeRule.isUnchanged(changed, base: base, isStored: { _ in true }))
        changed = same
        changed.inode = 9
        #expect(!ArchiveChangeRule.isUnchanged(changed, base: base, isStored: { _ in true }))
        changed = same
        changed.size = 6
        #expect(!ArchiveChangeRule.isUnchanged(changed, base: base, isStored: { _ in true }))
        var noHash = base
        noHash.contentSHA256 = nil
        #expect(!ArchiveChangeRule.isUnchanged(same, base: noHash, isStored: { _ in true }))
    }

    @Test("with oneFileSystem, a directory on another device is not descended into")
    func fileSystemBoundary() {
        #expect(ArchiveFileSystemBoundary.descends(directoryDevice: 1, backedUpPathDevice: 1, oneFileSystem: true))
        #expect(!ArchiveFileSystemBoundary.descends(directoryDevice: 2, backedUpPathDevice: 1, oneFileSystem: true))
        #expect(ArchiveFileSystemBoundary.descends(directoryDevice: 2, backedUpPathDevice: 1, oneFileSystem: false))
    }

    @Test("hole ranges: short holes are read as data, long ones recorded, a file without holes is one range")
    func holeRanges() throws {
        let workspace = try ArchiveWorkspace()
        let path = workspace.path("sparse")
        let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let mib: Int64 = 1 << 20
        #expect(ftruncate(descriptor, off_t(16 * mib)) == 0)
        let block = [UInt8](repeating: 7, count: 4096)
        #expect(pwrite(descriptor, block, block.count, off_t(4 * mib)) == 4096)
        #expect(pwrite(descriptor, block, block.count, off_t(4 * mib + 8192)) == 4096)
        let found = ArchiveFileReader.ranges(descriptor: descriptor, size: UInt64(16 * mib), minimumHole: UInt64(mib))
        #expect(found.hadHoles)
        // hole 0..<4 MiB, data 4 MiB..<4 MiB+12 KiB (the 4 KiB hole in between is read), hole to the end.
        #expect(found.ranges.count == 3)
        #expect(found.ranges.first == ArchiveFileReader.Extent(start: 0, end: UInt64(4 * mib), isHole: true))
        #expect(found.ranges[1].isHole == false && found.ranges[1].start == UInt64(4 * mib))
        #expect(found.ranges[1].end >= UInt64(4 * mib + 12288))
        #expect(found.ranges.last?.isHole == true && found.ranges.last?.end == UInt64(16 * mib))
    }
}
