import Foundation
import ParcBackup
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

@Suite("Restore")
struct RestoreTests {
    @Test("every node type comes back with its content, mode, owner, times and extended attributes")
    func everyNodeType() throws {
        let fixture = try RestoreFixture()
        let big = TestBytes.random(100_000, seed: 7)
        let nonUTF8Target = Data("/nonexistent/".utf8) + Data([0xFF, 0xFE])
        let attributes = [
            ExtendedAttribute(name: Data("user.bin".utf8), value: Data([0, 1, 255])),
            ExtendedAttribute(name: Data("user.comment".utf8), value: Data("hello".utf8)),
        ]
        let (snapshot, index) = try fixture.snapshot([
            try fixture.dir(
                Data("etc".utf8),
                [
                    try fixture.file("hosts", "127.0.0.1 localhost\n", mtime: 1_700_000_000_123_456_789),
                    try fixture.file("empty", "", mode: 0o600),
                    try fixture.file(Data("big".utf8), big, mode: 0o640, uid: 1234, gid: 5678),
                    try fixture.file(Data("suid".utf8), Array("#!/bin/sh\n".utf8), mode: 0o6755, uid: 1234, gid: 1234),
                    fixture.symlink("link", to: Data("hosts".utf8), mtime: 1_680_000_000_555_000_111),
                    fixture.symlink("abs", to: nonUTF8Target),
                    fixture.special("fifo", .fifo, mode: 0o640),
                    fixture.special("null", .chardev, mode: 0o666, device: 0x103),
                    fixture.special("sock", .socket, mode: 0o755),
                ], mode: 0o750, uid: 0, gid: 0, mtime: 1_600_000_000_000_000_001),
            try fixture.dir(
                "tmp",
                [try fixture.file(Data("attr".utf8), Array("x".utf8), xattrs: attributes)], mode: 0o1777,
                mtime: 1_600_000_000_000_000_002),
        ])
        let target = fixture.path("target/nested")
        let result = try fixture.restore(snapshot, index, into: target)

        // Extended attributes and device nodes depend on the file system and privileges: note
        // those limits rather than fail on them.
        let probe = restoreFixtureXattr(restoreFixturePath(target, "tmp/attr"), "user.comment")
        let xattrsSupported = probe.errno != ENOTSUP
        let unexpected = result.issues.filter { issue in
            !(issue.path == "/tmp/attr" && !xattrsSupported)
                && !(issue.path == "/etc/null" && (geteuid() != 0 || issue.message.contains("not permitted")))
        }
        #expect(unexpected.isEmpty, "\(result.issues)")
        #expect(result.notes.map(\.path) == ["/etc/sock"])
        #expect(result.files == 5)
        #expect(result.directories == 2)
        #expect(result.symlinks == 2)
        #expect(result.bytes == UInt64(20 + big.count + 10 + 1))

        let hosts = try #require(restoreFixtureStat(restoreFixturePath(target, "etc/hosts")))
        #expect(restoreFixtureRead(restoreFixturePath(target, "etc/hosts")) == Array("127.0.0.1 localhost\n".utf8))
        #expect(hosts.st_mode & 0o7777 == 0o644)
        #expect(hosts.st_mode & S_IFMT == S_IFREG)
        #expect(restoreFixtureMtime(hosts) == 1_700_000_000_123_456_789)
        #expect(restoreFixtureStat(restoreFixturePath(target, "etc/empty"))?.st_size == 0)
        #expect((restoreFixtureStat(restoreFixturePath(target, "etc/empty"))?.st_mode ?? 0) & 0o7777 == 0o600)
        #expect(restoreFixtureRead(restoreFixturePath(target, "etc/big")) == big)
        let suid = try #require(restoreFixtureStat(restoreFixturePath(target, "etc/suid")))
        if geteuid() == 0 {
            let bigInfo = try #require(restoreFixtureStat(restoreFixturePath(target, "etc/big")))
            #expect(bigInfo.st_uid == 1234 && bigInfo.st_gid == 5678)
            // chown comes before chmod, which would otherwise lose setuid and setgid.
            #expect(suid.st_uid == 1234)
            #expect(suid.st_mode & 0o7777 == 0o6755)
        }

        let link = try #require(restoreFixtureStat(restoreFixturePath(target, "etc/link")))
        #expect(link.st_mode & S_IFMT == S_IFLNK)
        #expect(restoreFixtureReadLink(restoreFixturePath(target, "etc/link")) == Data("hosts".utf8))
        #expect(restoreFixtureMtime(link) == 1_680_000_000_555_000_111)
        #expect(restoreFixtureReadLink(restoreFixturePath(target, "etc/abs")) == nonUTF8Target)

        let fifo = try #require(restoreFixtureStat(restoreFixturePath(target, "etc/fifo")))
        #expect(fifo.st_mode & S_IFMT == S_IFIFO)
        #expect(fifo.st_mode & 0o7777 == 0o640)
        #expect(restoreFixtureMtime(fifo) == 1_670_000_000_000_000_042)
        if geteuid() == 0, let device = restoreFixtureStat(restoreFixturePath(target, "etc/null")) {
            #expect(device.st_mode & S_IFMT == S_IFCHR)
            #expect(device.st_rdev == 0x103)
            #expect(device.st_mode & 0o7777 == 0o666)
        } else {
            #expect(result.issues.contains { $0.path == "/etc/null" })
        }
        #expect(restoreFixtureStat(restoreFixturePath(target, "etc/sock")) == nil)

        // Directory metadata is set after the children, so their creation does not move the time.
        let etc = try #require(restoreFixtureStat(restoreFixturePath(target, "etc")))
        #expect(etc.st_mode & 0o7777 == 0o750)
        #expect(restoreFixtureMtime(etc) == 1_600_000_000_000_000_001)
        let tmp = try #require(restoreFixtureStat(restoreFixturePath(target, "tmp")))
        #expect(tmp.st_mode & 0o7777 == 0o1777)
        #expect(restoreFixtureMtime(tmp) == 1_600_000_000_000_000_002)

        if xattrsSupported {
            #expect(probe.value == Data("hello".utf8))
            #expect(restoreFixtureXattr(restoreFixturePath(target, "tmp/attr"), "user.bin").value == Data([0, 1, 255]))
        } else {
            #expect(result.issues.contains { $0.path == "/tmp/attr" && $0.message.contains("user.comment") })
        }
    }

    @Test("names and paths that are not UTF-8 survive, and include accepts their \\xNN form")
    func nonUTF8Names() throws {
        let fixture = try RestoreFixture()
        let directory = Data([0x64, 0xFF])  // "d" then an invalid byte
        let latin1 = Data([0x63, 0x61, 0x66, 0xE9])  // "café" in Latin-1
        let (snapshot, index) = try fixture.snapshot([
            try fixture.dir(
                directory,
                [
                    try fixture.file(latin1, Array("latin".utf8)),
                    try fixture.file(Data("ok".utf8), Array("fine".utf8)),
                ])
        ])
        let whole = fixture.path("whole")
        let result = try fixture.restore(snapshot, index, into: whole)
        #expect(result.issues.isEmpty, "\(result.issues)")
        #expect(restoreFixtureRead(restoreFixturePath(whole, [directory, latin1])) == Array("latin".utf8))
        #expect((restoreFixtureStat(restoreFixturePath(whole, [directory]))?.st_mode ?? 0) & S_IFMT == S_IFDIR)

        let one = fixture.path("one")
        let selected = try fixture.restore(snapshot, index, into: one) { $0.include = ["/d\\xff/caf\\xe9"] }
        #expect(selected.issues.isEmpty)
        #expect(selected.files == 1)
        #expect(restoreFixtureRead(restoreFixturePath(one, [directory, latin1])) == Array("latin".utf8))
        #expect(restoreFixtureStat(restoreFixturePath(one, [directory, Data("ok".utf8)])) == nil)
    }

    @Test("hard links are linked again within the restored set")
    func hardLinks() throws {
        let fixture = try RestoreFixture()
        let bytes = TestBytes.random(30_000, seed: 3)
        func link(_ name: String) throws -> Node {
            try fixture.file(Data(name.utf8), bytes, mode: 0o640, deviceID: 7, inode: 99, links: 3)
        }
        let (snapshot, index) = try fixture.snapshot([
            try fixture.dir("a", [try link("one"), try link("two")]),
            try fixture.dir("b", [try link("three")]),
            // Same inode number on another device: a different file.
            try fixture.file(Data("other".utf8), Array("other".utf8), deviceID: 8, inode: 99, links: 2),
        ])
        let target = fixture.path("target")
        let result = try fixture.restore(snapshot, index, into: target)
        #expect(result.issues.isEmpty, "\(result.issues)")
        #expect(result.files == 4)
        #expect(result.hardLinks == 2)
        #expect(result.bytes == UInt64(bytes.count + 5))
        let one = try #require(restoreFixtureStat(restoreFixturePath(target, "a/one")))
        let two = try #require(restoreFixtureStat(restoreFixturePath(target, "a/two")))
        let three = try #require(restoreFixtureStat(restoreFixturePath(target, "b/three")))
        let other = try #require(restoreFixtureStat(restoreFixturePath(target, "other")))
        #expect(one.st_ino == two.st_ino && two.st_ino == three.st_ino)
        #expect(one.st_nlink == 3)
        #expect(other.st_ino != one.st_ino && other.st_nlink == 1)
        #expect(restoreFixtureRead(restoreFixturePath(target, "b/three")) == bytes)
        #expect(one.st_mode & 0o7777 == 0o640)

        // Only one link selected: it is restored as a file of its own.
        let partial = fixture.path("partial")
        let selected = try fixture.restore(snapshot, index, into: partial) { $0.include = ["/b"] }
        #expect(selected.issues.isEmpty)
        #expect(selected.hardLinks == 0)
        #expect(restoreFixtureStat(restoreFixturePath(partial, "b/three"))?.st_nlink == 1)
        #expect(restoreFixtureRead(restoreFixturePath(partial, "b/three")) == bytes)
    }

    @Test("the hard links of a file that cannot be restored are reported too")
    func hardLinksOfALostFile() throws {
        let fixture = try RestoreFixture()
        let bytes = TestBytes.random(6000, seed: 21)
        let first = try fixture.file(Data("first".utf8), bytes, deviceID: 1, inode: 9, links: 2)
        let second = try fixture.file(Data("second".utf8), bytes, deviceID: 1, inode: 9, links: 2)
        let (snapshot, index) = try fixture.snapshot([first, second, try fixture.file("other", "other")])
        try fixture.corrupt(try #require(first.content?.first), index: index)
        let target = fixture.path("target")
        let result = try fixture.restore(snapshot, index, into: target)
        #expect(result.issues.map(\.path) == ["/first", "/second"])
        #expect(result.issues.last?.message.contains("hard link of /first") == true)
        #expect(restoreFixtureList(target) == ["other"])
    }

    @Test("a sparse file over 4 GiB is restored with its holes, verified, in seconds")
    func sparseOver4GiB() throws {
        let fixture = try RestoreFixture()
        let head = TestBytes.random(4096, seed: 11)
        let tail = TestBytes.random(100, seed: 12)
        let hole = (4 << 30) + (1 << 20)
        var denseNode = try fixture.sparseFile("dense", [.data(Array("head".utf8)), .zeros(2 << 20)])
        denseNode.sparse = nil
        let (snapshot, index) = try fixture.snapshot([
            try fixture.sparseFile("disk.img", [.data(head), .zeros(hole), .data(tail)]),
            try fixture.sparseFile("trailing", [.data(Array("start".utf8)), .zeros(3 << 20)]),
            denseNode,
        ])
        let target = fixture.path("target")
        let clock = ContinuousClock()
        let started = clock.now
        let result = try fixture.restore(snapshot, index, into: target) { $0.threads = 2 }
        let elapsed = clock.now - started
        #expect(result.issues.isEmpty, "\(result.issues)")
        let path = restoreFixturePath(target, "disk.img")
        let info = try #require(restoreFixtureStat(path))
        let size = Int64(head.count + hole + tail.count)
        #expect(Int64(info.st_size) == size)
        #expect(size > Int64(UInt32.max))
        #expect(Int64(info.st_blocks) * 512 < 1 << 20, "\(info.st_blocks) blocks allocated")
        #expect(restoreFixtureRead(path, offset: 0, count: head.count) == head)
        #expect(restoreFixtureRead(path, offset: size - Int64(tail.count), count: tail.count) == tail)
        #expect(restoreFixtureRead(path, offset: 3 << 30, count: 16) == [UInt8](repeating: 0, count: 16))
        // A file not marked sparse gets its zeros written, not holes (swap files must not have any).
        let dense = try #require(restoreFixtureStat(restoreFixturePath(target, "dense")))
        #expect(dense.st_size == 4 + (2 << 20))
        #expect(Int64(dense.st_blocks) * 512 >= 2 << 20)
        // A file ending in a hole gets its full size from ftruncate.
        let trailing = try #require(restoreFixtureStat(restoreFixturePath(target, "trailing")))
        #expect(trailing.st_size == 5 + (3 << 20))
        #expect(Int64(trailing.st_blocks) * 512 < 1 << 20)
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }

    @Test("a dry run lists what would be restored and writes nothing")
    func dryRun() throws {
        let fixture = try RestoreFixture()
        let bytes = TestBytes.random(20_000, seed: 5)
        let (snapshot, index) = try fixture.snapshot([
            try fixture.dir(
                "etc",
                [
                    try fixture.file("hosts", "127.0.0.1\n"),
                    try fixture.file(Data("x".utf8), bytes, deviceID: 1, inode: 5, links: 2),
                    try fixture.file(Data("y".utf8), bytes, deviceID: 1, inode: 5, links: 2),
                    fixture.symlink("link", to: Data("hosts".utf8)),
                ])
        ])
        let target = fixture.path("target")
        let result = try fixture.restore(snapshot, index, into: target) { $0.dryRun = true }
        #expect(restoreFixtureStat(Data(target.utf8)) == nil)
        #expect(result.issues.isEmpty)
        #expect(result.planned.map(\.path) == ["/etc", "/etc/hosts", "/etc/link", "/etc/x", "/etc/y"])
        #expect(result.planned.map(\.type) == [.dir, .file, .symlink, .file, .file])
        #expect(result.planned[1].size == 10)
        #expect(result.planned[4].hardLinkTo == "/etc/x")
        #expect(result.files == 3 && result.hardLinks == 1 && result.directories == 1 && result.symlinks == 1)
        #expect(result.bytes == UInt64(10 + bytes.count))
    }

    @Test("include restores one subtree or one file with the directories above it; other paths are refused")
    func include() throws {
        let fixture = try RestoreFixture()
        let (snapshot, index) = try fixture.snapshot(
            [
                try fixture.dir(
                    "etc",
                    [
                        try fixture.file("hosts", "hosts\n"),
                        try fixture.dir(
                            "ssh", [try fixture.file("config", "Port 22\n"), try fixture.dir("keys", [try fixture.file("a", "key")])]),
                    ], mode: 0o751, mtime: 1_500_000_000_000_000_000),
                try fixture.dir("home", [try fixture.dir("ana", [try fixture.file("notes", "notes")])]),
            ], paths: ["/etc", "/home/ana"])

        let subtree = fixture.path("subtree")
        let result = try fixture.restore(snapshot, index, into: subtree) { $0.include = ["/etc/ssh/", "/etc/ssh/keys"] }
        #expect(result.issues.isEmpty)
        #expect(result.files == 2)
        #expect(restoreFixtureRead(restoreFixturePath(subtree, "etc/ssh/config")) == Array("Port 22\n".utf8))
        #expect(restoreFixtureRead(restoreFixturePath(subtree, "etc/ssh/keys/a")) == Array("key".utf8))
        #expect(restoreFixtureStat(restoreFixturePath(subtree, "etc/hosts")) == nil)
        #expect(restoreFixtureStat(restoreFixturePath(subtree, "home")) == nil)
        // The directory above the selection carries its snapshot metadata.
        let etc = try #require(restoreFixtureStat(restoreFixturePath(subtree, "etc")))
        #expect(etc.st_mode & 0o7777 == 0o751)
        #expect(restoreFixtureMtime(etc) == 1_500_000_000_000_000_000)

        let single = fixture.path("single")
        let one = try fixture.restore(snapshot, index, into: single) { $0.include = ["/home/ana/notes"] }
        #expect(one.files == 1 && one.issues.isEmpty)
        #expect(restoreFixtureList(single + "/home/ana") == ["notes"])
        #expect(restoreFixtureList(single) == ["home"])

        let nowhere = fixture.path("nowhere")
        #expect(throws: RestoreError.notInSnapshot(path: "/etc/passwd", snapshotPaths: ["/etc", "/home/ana"])) {
            try fixture.restore(snapshot, index, into: nowhere) { $0.include = ["/etc/passwd"] }
        }
        #expect(throws: RestoreError.notInSnapshot(path: "/etc/hosts/x", snapshotPaths: ["/etc", "/home/ana"])) {
            try fixture.restore(snapshot, index, into: nowhere) { $0.include = ["/etc/hosts/x"] }
        }
        #expect(throws: RestoreError.self) { try fixture.restore(snapshot, index, into: nowhere) { $0.include = ["etc"] } }
        #expect(throws: RestoreError.self) {
            try fixture.restore(snapshot, index, into: nowhere) { $0.include = ["/etc/../root"] }
        }
        // Refused before anything is written.
        #expect(restoreFixtureStat(Data(nowhere.utf8)) == nil)
    }

    @Test("a missing pack costs only the files whose blobs it held")
    func missingPack() throws {
        let fixture = try RestoreFixture()
        let lost = try fixture.file(Data("lost".utf8), TestBytes.random(5000, seed: 1))
        try fixture.closePack()
        let kept = try fixture.file(Data("kept".utf8), TestBytes.random(5000, seed: 2))
        try fixture.closePack()
        let (snapshot, index) = try fixture.snapshot([try fixture.dir("data", [lost, kept])])
        let blob = try #require(lost.content?.first)
        #expect(unlink(fixture.packPath(of: blob, index: index)) == 0)

        let target = fixture.path("target")
        let result = try fixture.restore(snapshot, index, into: target)
        #expect(result.issues.count == 1)
        let issue = try #require(result.issues.first)
        #expect(issue.path == "/data/lost")
        #expect(issue.message.contains(blob.hex), "\(issue.message)")
        #expect(issue.message.contains("missing"), "\(issue.message)")
        #expect(restoreFixtureStat(restoreFixturePath(target, "data/lost")) == nil)
        #expect(restoreFixtureRead(restoreFixturePath(target, "data/kept")) == TestBytes.random(5000, seed: 2))
        #expect(result.files == 1)

        // A dry run spots a blob that is in no index at all.
        var damaged = lost
        damaged.content = [ObjectID.hash(Data("never stored".utf8))]
        let (other, otherIndex) = try fixture.snapshot([damaged])
        let planned = try fixture.restore(other, otherIndex, into: fixture.path("dry")) { $0.dryRun = true }
        #expect(planned.issues.map(\.path) == ["/lost"])
    }

    @Test("a corrupted blob in the middle of a file: that file is left out with the blob named, the rest restored")
    func corruptedBlob() throws {
        let fixture = try RestoreFixture()
        let bytes = TestBytes.random(120_000, seed: 9)
        let victim = try fixture.file(Data("victim".utf8), bytes)
        let fine = try fixture.file(Data("fine".utf8), TestBytes.random(3000, seed: 4))
        let (snapshot, index) = try fixture.snapshot([victim, fine])
        let content = try #require(victim.content)
        #expect(content.count > 5)
        let bad = content[content.count / 2]
        try fixture.corrupt(bad, index: index)

        let target = fixture.path("target")
        let result = try fixture.restore(snapshot, index, into: target)
        #expect(result.issues.map(\.path) == ["/victim"])
        let message = result.issues.first?.message ?? ""
        #expect(message.contains("blob \(bad.hex)"), "\(message)")
        #expect(message.contains("corrupted"), "\(message)")
        #expect(restoreFixtureStat(restoreFixturePath(target, "victim")) == nil)
        #expect(restoreFixtureRead(restoreFixturePath(target, "fine")) == TestBytes.random(3000, seed: 4))
    }

    @Test("content that does not match the recorded SHA-256 is left out when verifying")
    func verification() throws {
        let fixture = try RestoreFixture()
        var wrong = try fixture.file("wrong", "some content")
        wrong.contentSHA256 = ObjectID.hash(Data("other content".utf8))
        let (snapshot, index) = try fixture.snapshot([wrong])
        let checked = try fixture.restore(snapshot, index, into: fixture.path("checked"))
        #expect(checked.issues.map(\.path) == ["/wrong"])
        #expect(checked.issues.first?.message.contains("SHA-256") == true)
        #expect(restoreFixtureStat(restoreFixturePath(fixture.path("checked"), "wrong")) == nil)
        let unchecked = try fixture.restore(snapshot, index, into: fixture.path("unchecked")) { $0.verify = false }
        #expect(unchecked.issues.isEmpty)
        #expect(restoreFixtureRead(restoreFixturePath(fixture.path("unchecked"), "wrong")) == Array("some content".utf8))
    }

    @Test("a hostile tree cannot write outside the target, not even through a symbolic link already there")
    func hostileTrees() throws {
        let fixture = try RestoreFixture()
        let outside = fixture.path("outside")
        #expect(mkdir(outside, 0o755) == 0)

        // A tree blob naming "..": refused when decoded, the rest of the snapshot restored.
        let dotdot = Data("..".utf8).base64EncodedString()
        let evilJSON =
            #"{"nodes":[{"ctime":0,"device_id":0,"gid":0,"inode":1,"links":1,"mode":33188,"mtime":0,"name":"\#(dotdot)","size":0,"type":"file","uid":0}],"version":1}"#
        let evilTree = try fixture.saver.save(Data(evilJSON.utf8), type: .tree).id
        var evil = try fixture.dir("evil", [])
        evil.subtree = evilTree
        let (first, firstIndex) = try fixture.snapshot([evil, try fixture.file("fine", "fine")])
        let target = fixture.path("target")
        let result = try fixture.restore(first, firstIndex, into: target)
        #expect(result.issues.map(\.path) == ["/evil"])
        #expect(result.issues.first?.message.contains("malformed") == true)
        #expect(restoreFixtureRead(restoreFixturePath(target, "fine")) == Array("fine".utf8))
        #expect(restoreFixtureList(fixture.root) == ["outside", "repo", "target"])
        #expect(restoreFixtureList(target) == ["evil", "fine"])

        // A symbolic link a -> outside, restored first; then a snapshot with a/x into the same target.
        let (links, linksIndex) = try fixture.snapshot([fixture.symlink("a", to: Data(outside.utf8))])
        #expect(try fixture.restore(links, linksIndex, into: target).issues.isEmpty)
        let (files, filesIndex) = try fixture.snapshot([try fixture.dir("a", [try fixture.file("x", "escaped?")])])
        let refused = try fixture.restore(files, filesIndex, into: target)
        #expect(refused.issues.map(\.path) == ["/a"])
        #expect(restoreFixtureList(outside).isEmpty)
        // With overwrite, the link is replaced by the directory, still inside the target.
        let replaced = try fixture.restore(files, filesIndex, into: target) { $0.overwrite = .always }
        #expect(replaced.issues.isEmpty, "\(replaced.issues)")
        #expect(restoreFixtureList(outside).isEmpty)
        #expect(restoreFixtureRead(restoreFixturePath(target, "a/x")) == Array("escaped?".utf8))
        #expect((restoreFixtureStat(restoreFixturePath(target, "a"))?.st_mode ?? 0) & S_IFMT == S_IFDIR)
    }

    @Test("existing files are kept unless overwrite is asked; a file as target is refused; a missing target is created")
    func overwriteAndTarget() throws {
        let fixture = try RestoreFixture()
        let (snapshot, index) = try fixture.snapshot([
            try fixture.dir("etc", [try fixture.file("hosts", "from the snapshot")])
        ])
        let target = fixture.path("deep/down/target")
        #expect(try fixture.restore(snapshot, index, into: target).issues.isEmpty)
        let hosts = restoreFixturePath(target, "etc/hosts")
        #expect((restoreFixtureStat(Data(target.utf8))?.st_mode ?? 0) & 0o777 == 0o700)
        try Data("local change".utf8).write(to: URL(fileURLWithPath: target + "/etc/hosts"))

        let kept = try fixture.restore(snapshot, index, into: target)
        #expect(kept.issues.map(\.path) == ["/etc/hosts"])
        #expect(kept.issues.first?.message.contains("exists") == true)
        #expect(restoreFixtureRead(hosts) == Array("local change".utf8))

        let replaced = try fixture.restore(snapshot, index, into: target) { $0.overwrite = .always }
        #expect(replaced.issues.isEmpty)
        #expect(restoreFixtureRead(hosts) == Array("from the snapshot".utf8))

        let file = fixture.path("a-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: RestoreError.targetNotADirectory(path: file)) { try fixture.restore(snapshot, index, into: file) }
        #expect(throws: RestoreError.targetNotADirectory(path: file)) {
            try fixture.restore(snapshot, index, into: file) { $0.dryRun = true }
        }
        #expect(throws: RestoreError.self) { try fixture.restore(snapshot, index, into: target) { $0.threads = 0 } }
    }

    @Test("many files restore in parallel and progress ends with a final report")
    func parallelAndProgress() throws {
        let fixture = try RestoreFixture()
        var nodes: [Node] = []
        for number in 0..<60 {
            nodes.append(try fixture.file(Data("f\(number)".utf8), TestBytes.random(2000 + number * 97, seed: UInt64(number))))
        }
        // Identical content in many files: deduplicated in the repository, read once.
        for number in 0..<20 {
            nodes.append(try fixture.file(Data("same\(number)".utf8), TestBytes.random(7000, seed: 99)))
        }
        let (snapshot, index) = try fixture.snapshot([try fixture.dir("many", nodes)])
        let reports = Mutex<[RestoreProgressReport]>([])
        let target = fixture.path("target")
        let result = try Restorer(
            repository: fixture.repository, index: index, snapshot: snapshot,
            options: RestoreOptions(target: target, threads: 4), progress: { report in reports.withLock { $0.append(report) } }
        ).run()
        #expect(result.issues.isEmpty)
        #expect(result.files == 80)
        for number in [0, 31, 59] {
            #expect(
                restoreFixtureRead(restoreFixturePath(target, "many/f\(number)"))
                    == TestBytes.random(2000 + number * 97, seed: UInt64(number)))
        }
        #expect(restoreFixtureRead(restoreFixturePath(target, "many/same19")) == TestBytes.random(7000, seed: 99))
        let last = try #require(reports.withLock { $0.last })
        #expect(last.finished)
        #expect(last.files == 80)
    }
}
