import Foundation
@testable import ParcBackup
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Archiver: the snapshot's tree and the metadata of its nodes")
struct ArchiveTreeTests {
    @Test("the root mirrors /: only the directories leading to the backed-up paths, overlaps merged")
    func treeShape() throws {
        // setup
        let workspace = try ArchiveWorkspace()
        try workspace.write("home/ana/notes.txt", Array("ana".utf8))
        try workspace.write("home/bob/todo.txt", Array("bob".utf8))
        try workspace.write("etc/hosts", Array("127.0.0.1 localhost\n".utf8))
        try workspace.write("var/log/syslog", Array("log".utf8))
        // MUT
        let result = try workspace.backup(paths: [
            workspace.path("home/ana"), workspace.path("etc"), workspace.path("home"), workspace.path("home/ana/"),
        ])
        // validate
        let components = workspace.data.split(separator: "/").map(String.init)
        let rootNames = try workspace.entries("/", in: result).map { String(decoding: $0.name, as: UTF8.self) }
        #expect(rootNames == [components[0]])
        #expect(try workspace.entries(workspace.data, in: result).map(\.displayName) == ["etc", "home"])
        #expect(try workspace.entries(workspace.path("home"), in: result).map(\.displayName) == ["ana", "bob"])
        let home = try #require(try workspace.node(workspace.path("home"), in: result))
        #expect(home.type == .dir)
        // The directory above the backed-up paths carries its real metadata.
        let dataNode = try #require(try workspace.node(workspace.data, in: result))
        var info = stat()
        #expect(lstat(workspace.data, &info) == 0)
        #expect(dataNode.inode == UInt64(info.st_ino))
        #expect(dataNode.mode == UInt32(info.st_mode))
        #expect(result.snapshot.summary.files == 3)
        #expect(result.snapshot.summary.filesRead == 3)
        #expect(result.snapshot.summary.errors == 0)
        #expect(result.snapshot.method == .full)
        #expect(result.snapshot.paths.count == 4)
        #expect(try workspace.verifyContents(of: result) == 3)
    }

    @Test("metadata is captured: mode, ns times, owner, symlink target bytes, fifo, empty file, hard links")
    func metadata() throws {
        let workspace = try ArchiveWorkspace()
        let file = try workspace.write("dir/script.sh", Array("#!/bin/sh\necho hi\n".utf8))
        #expect(chmod(file, 0o4750) == 0)
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 123_456_789), timespec(tv_sec: 1_700_000_001, tv_nsec: 987_654_321)]
        #expect(utimensat(AT_FDCWD, file, &times, 0) == 0)
        try workspace.write("dir/empty", [])
        let targetBytes: [UInt8] = [0x2E, 0x2E, 0x2F, 0xFF, 0x74]  // "../\xFFt": not UTF-8
        let linkPath = Array(workspace.path("dir/link").utf8)
        let linked = ArchiveFileSystem.withCPath(linkPath) { linkCPath in
            ArchiveFileSystem.withCPath(targetBytes) { symlink($0, linkCPath) }
        }
        #expect(linked == 0)
        #expect(mkfifo(workspace.path("dir/pipe"), 0o600) == 0)
        try workspace.write("dir/original", Array("shared".utf8))
        #expect(link(workspace.path("dir/original"), workspace.path("dir/hardlink")) == 0)

        let result = try workspace.backup()

        let script = try #require(try workspace.node(file, in: result))
        var info = stat()
        #expect(lstat(file, &info) == 0)
        #expect(script.type == .file)
        #expect(script.mode == 0o104750)
        #expect(script.mtime == 1_700_000_001_987_654_321)
        #expect(script.ctime == Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
        #expect(script.uid == UInt32(info.st_uid) && script.gid == UInt32(info.st_gid))
        #expect(script.user == (info.st_uid == 0 ? "root" : script.user))
        #expect(script.deviceID == UInt64(info.st_dev) && script.inode == UInt64(info.st_ino))
        #expect(script.size == 18 && script.links == 1)
        #expect(script.contentSHA256 == ObjectID.hash(Data("#!/bin/sh\necho hi\n".utf8)))

        let empty = try #require(try workspace.node(workspace.path("dir/empty"), in: result))
        #expect(empty.type == .file && empty.size == 0 && empty.content == nil)
        #expect(empty.contentSHA256 == ObjectID.hash(Data()))

        let symbolic = try #require(try workspace.node(workspace.path("dir/link"), in: result))
        #expect(symbolic.type == .symlink)
        #expect(symbolic.target == Data(targetBytes))
        #expect(symbolic.size == UInt64(targetBytes.count))
        #expect(symbolic.content == nil)

        let pipe = try #require(try workspace.node(workspace.path("dir/pipe"), in: result))
        #expect(pipe.type == .fifo && pipe.mode & 0o777 == 0o600 && pipe.content == nil)

        let original = try #require(try workspace.node(workspace.path("dir/original"), in: result))
        let hardlink = try #require(try workspace.node(workspace.path("dir/hardlink"), in: result))
        #expect(original.inode == hardlink.inode && original.deviceID == hardlink.deviceID)
        #expect(original.links == 2 && hardlink.links == 2)
        #expect(original.content == hardlink.content)
        #expect(try workspace.verifyContents(of: result) == 4)
    }

    @Test("extended attributes are saved sorted by name")
    func extendedAttributes() throws {
        let workspace = try ArchiveWorkspace()
        let file = try workspace.write("tagged", Array("x".utf8))
        let dir = workspace.path("")
        for (path, name, value) in [(file, "user.zeta", "last"), (file, "user.alpha", "first"), (dir, "user.d", "dir")] {
            let status = archiveFixtureSetAttribute(path, name, Array(value.utf8))
            if status != 0 {
                let code = errno
                guard code == ENOTSUP || code == EOPNOTSUPP else {
                    Issue.record("setxattr failed: \(String(cString: strerror(code)))")
                    return
                }
                // The temporary directory's file system has no user attributes: nothing to check.
                print("skipped: the file system of \(workspace.root) does not support user.* extended attributes")
                return
            }
        }
        let result = try workspace.backup()
        let node = try #require(try workspace.node(file, in: result))
        let attributes = try #require(node.xattrs)
        let user = attributes.filter { $0.name.starts(with: Data("user.".utf8)) }
        #expect(user.map { String(decoding: $0.name, as: UTF8.self) } == ["user.alpha", "user.zeta"])
        #expect(user.map { String(decoding: $0.value, as: UTF8.self) } == ["first", "last"])
        #expect(attributes.map(\.name) == attributes.map(\.name).sorted { $0.lexicographicallyPrecedes($1) })
        let directory = try #require(try workspace.node(workspace.data, in: result))
        #expect(directory.xattrs?.contains(ExtendedAttribute(name: Data("user.d".utf8), value: Data("dir".utf8))) == true)
    }

    @Test("names that are not UTF-8 survive as raw bytes, in directories and files")
    func rawNames() throws {
        let workspace = try ArchiveWorkspace()
        let directory = Array(workspace.data.utf8) + [UInt8(ascii: "/"), 0x64, 0xFF, 0xFE]
        #expect(ArchiveFileSystem.withCPath(directory) { mkdir($0, 0o755) } == 0)
        let fileName: [UInt8] = [0x63, 0x61, 0x66, 0xE9]  // "café" in Latin-1
        try archiveFixtureCreate(rawPath: directory + [UInt8(ascii: "/")] + fileName, bytes: Array("latin".utf8))

        let result = try workspace.backup()

        let entries = try workspace.entries(workspace.data, in: result)
        #expect(entries.map(\.name) == [Data([0x64, 0xFF, 0xFE])])
        let reader = try ArchiveSnapshotReader(repository: workspace.repository)
        let file = try #require(try reader.node(directory + [UInt8(ascii: "/")] + fileName, tree: result.snapshot.tree))
        #expect(file.name == Data(fileName))
        #expect(file.displayName == "caf\\xe9")
        #expect(try reader.content(of: file) == Data("latin".utf8))
        #expect(try workspace.verifyContents(of: result) == 1)
    }

    @Test("a deep tree is walked to the bottom, and a backed-up path that is a symbolic link is saved as the link")
    func deepTreeAndLinkPath() throws {
        let workspace = try ArchiveWorkspace()
        let deep = Array(repeating: "d", count: 600).joined(separator: "/")
        try workspace.write(deep + "/bottom", Array("deep".utf8))
        #expect(symlink(workspace.path("d"), workspace.path("shortcut")) == 0)

        let result = try workspace.backup(paths: [workspace.path("d"), workspace.path("shortcut")])

        #expect(try workspace.node(workspace.path(deep + "/bottom"), in: result)?.size == 4)
        #expect(result.snapshot.summary.directories >= 600)
        let shortcut = try #require(try workspace.node(workspace.path("shortcut"), in: result))
        #expect(shortcut.type == .symlink && shortcut.target == Data(workspace.path("d").utf8))
        #expect(try workspace.verifyContents(of: result) == 1)
    }

    @Test("the content of every file reads back from its blobs, small, multi-chunk and duplicate files alike")
    func contentRoundTrip() throws {
        let workspace = try ArchiveWorkspace()
        for index in 0..<40 {
            try workspace.write("mixed/f\(index)", archiveFixtureBytes(index * 997 % 70_000, seed: UInt64(index)))
        }
        try workspace.write("mixed/big", archiveFixtureBytes(3_000_000, seed: 99))
        try workspace.write("mixed/zeros", [UInt8](repeating: 0, count: 200_000))
        try workspace.write("copy/big", archiveFixtureBytes(3_000_000, seed: 99))
        let result = try workspace.backup(threads: 3)
        #expect(try workspace.verifyContents(of: result) == 43)
        #expect(result.snapshot.summary.bytes == result.snapshot.summary.bytesRead)
        let big = try #require(try workspace.node(workspace.path("mixed/big"), in: result))
        #expect((big.content?.count ?? 0) > 100)
    }
}

/// `lsetxattr` through the C library (Swift's Glibc module does not import `<sys/xattr.h>`).
func archiveFixtureSetAttribute(_ path: String, _ name: String, _ value: [UInt8]) -> Int32 {
    typealias SetFunction = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeRawPointer?, Int, Int32)
        -> Int32
    guard let address = dlsym(nil, "lsetxattr") else {
        errno = ENOTSUP
        return -1
    }
    let set = unsafeBitCast(address, to: SetFunction.self)
    return set(path, name, value, value.count, 0)
}
