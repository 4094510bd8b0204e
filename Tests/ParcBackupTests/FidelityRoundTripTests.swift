import Foundation
import ParcBackup
import Testing

/// The issue's fidelity list, end to end: a real tree made by Python's os module (every kind of
/// entry and metadata), backed up by the archiver with each method, restored by the restorer, and
/// compared entry by entry by Python again — an independent reader of the file system.
@Suite("Backup fidelity: archive then restore gives the tree back")
struct FidelityRoundTripTests {
    /// Builds the tree: regular, empty, setuid, owned by 1234:5678, non-UTF-8 names, hard links,
    /// symlinks (one with a non-UTF-8 target), a fifo, xattrs, ns mtimes, a sparse file (files over
    /// 4 GiB are covered by the archiver's and the restorer's own tests).
    static let makeTree = #"""
import os, sys
root = sys.argv[1].encode()
def p(*parts): return os.path.join(root, *parts)
os.makedirs(p(b"etc", b"conf.d"))
os.makedirs(p(b"home", b"ana", b"caf\xe9"))
with open(p(b"etc", b"hosts"), "wb") as f: f.write(b"127.0.0.1 localhost\n" * 50)
open(p(b"etc", b"empty"), "wb").close()
with open(p(b"home", b"ana", b"caf\xe9", b"\xff\xfename"), "wb") as f: f.write(os.urandom(300000))
with open(p(b"home", b"ana", b"tool"), "wb") as f: f.write(b"#!/bin/sh\necho hi\n")
os.chmod(p(b"home", b"ana", b"tool"), 0o4755)
os.chown(p(b"home", b"ana", b"tool"), 1234, 5678)
os.chown(p(b"home", b"ana"), 1234, 5678)
os.chmod(p(b"home", b"ana"), 0o1750)
os.link(p(b"etc", b"hosts"), p(b"etc", b"conf.d", b"hosts-link"))
os.symlink(b"../hosts", p(b"etc", b"conf.d", b"rel-link"))
os.symlink(b"/nowhere/\xe9t\xe9", p(b"home", b"ana", b"dangling"))
os.mkfifo(p(b"etc", b"pipe"), 0o640)
os.setxattr(p(b"etc", b"hosts"), b"user.comment", b"managed by parc")
os.setxattr(p(b"home", b"ana", b"caf\xe9"), b"user.bin", bytes(range(256)))
with open(p(b"home", b"ana", b"disk.img"), "wb") as f:
    f.seek(300 * 1024**2 - 4096); f.write(b"END!" * 1024)
    f.seek(100 * 1024**2); f.write(os.urandom(100000))
stamp = 1_700_000_000_123_456_789
for dirpath, dirnames, filenames in os.walk(root, topdown=False):
    for name in filenames + dirnames:
        os.utime(os.path.join(dirpath, name), ns=(stamp, stamp), follow_symlinks=False)
        stamp += 1_000_003
os.utime(root, ns=(stamp, stamp))
"""#

    /// Prints one line per entry: path, type, mode, owner, mtime, size, content hash, link
    /// target, xattrs, hard-link class, sparse; identical trees print identical lines.
    static let describeTree = #"""
import hashlib, os, stat, sys
root = sys.argv[1].encode()
inodes = {}
lines = []
for dirpath, dirnames, filenames in os.walk(root):
    for name in sorted(dirnames + filenames) + ([b"."] if dirpath == root else []):
        full = os.path.join(dirpath, name) if name != b"." else root
        rel = os.path.relpath(full, root)
        st = os.lstat(full)
        kind = stat.S_IFMT(st.st_mode)
        digest = target = ""
        sparse = ""
        if stat.S_ISREG(st.st_mode):
            h = hashlib.sha256()
            with open(full, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""): h.update(block)
            digest = h.hexdigest()[:16]
            sparse = "sparse" if st.st_blocks * 512 < st.st_size // 2 else "dense"
        if stat.S_ISLNK(st.st_mode): target = os.readlink(full).hex()
        try:
            xattrs = sorted((n, os.getxattr(full, n, follow_symlinks=False).hex()) for n in os.listxattr(full, follow_symlinks=False))
        except OSError:
            xattrs = []
        link = ""
        if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            link = "link%d" % inodes.setdefault(st.st_ino, len(inodes))
        mtime = "" if rel == b"." else st.st_mtime_ns
        lines.append("%s %o %o %d:%d %s %d %s %s %s %s %s" % (rel.hex(), kind, stat.S_IMODE(st.st_mode), st.st_uid,
            st.st_gid, mtime, st.st_size if not stat.S_ISDIR(st.st_mode) else 0, digest, target, xattrs, link, sparse))
print("\n".join(sorted(lines)))
"""#

    static func python(_ script: String, _ argument: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, argument]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FidelityError("python3 failed: \(String(decoding: problem, as: UTF8.self))")
        }
        return String(decoding: text, as: UTF8.self)
    }

    struct FidelityError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test("every method's snapshot restores the whole tree with all its metadata")
    func everyMethodRestoresEverything() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("fidelity-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let source = base + "/source"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        _ = try Self.python(Self.makeTree, source)
        let storage = LocalRepositoryStorage(root: URL(fileURLWithPath: base + "/repo"))
        try storage.createLayout()
        let repository = try Repository.initialize(storage: storage, passphrase: "fidelity", kdf: .fastForTests)

        var expected: [String] = []
        var snapshots: [ObjectID] = []
        for method in [BackupMethod.full, .incremental, .differential] {
            if method != .full {
                // Change something between runs: one file's content, and a new file.
                try Data("changed before \(method)\n".utf8).write(
                    to: URL(fileURLWithPath: source + "/etc/conf.d/\(method).conf"))
            }
            expected.append(try Self.python(Self.describeTree, source))
            let result = try Archiver(
                repository: repository, options: BackupOptions(paths: [source], method: method)
            ).run()
            #expect(result.issues.isEmpty, "\(result.issues)")
            #expect(result.snapshot.method == method)
            snapshots.append(result.snapshotID)
        }
        let index = try repository.loadIndex()
        for (position, id) in snapshots.enumerated() {
            let target = base + "/restore-\(position)"
            let restored = try Restorer(
                repository: repository, index: index, snapshot: try repository.loadSnapshot(id),
                options: RestoreOptions(target: target)
            ).run()
            #expect(restored.issues.isEmpty, "\(restored.issues)")
            let actual = try Self.python(Self.describeTree, target + source)
            #expect(actual == expected[position], "snapshot \(position) differs from the tree it was taken of")
        }
    }
}
