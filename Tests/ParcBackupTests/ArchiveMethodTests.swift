import Foundation
@testable import ParcBackup
import Testing

@Suite("Archiver: deduplication, full, incremental and differential runs")
struct ArchiveMethodTests {
    private static func populate(_ workspace: ArchiveWorkspace, files: Int) throws {
        for index in 0..<files {
            try workspace.write("set/d\(index % 3)/file\(index)", archiveFixtureBytes(2000 + index * 1500, seed: UInt64(index)))
        }
    }

    @Test("identical files are stored once, and a second full run adds almost nothing")
    func deduplication() throws {
        let workspace = try ArchiveWorkspace()
        let content = archiveFixtureBytes(100_000, seed: 7)
        try workspace.write("a/one", content)
        try workspace.write("b/two", content)
        try workspace.write("b/three", content)

        let first = try workspace.backup()
        #expect(first.snapshot.summary.files == 3)
        #expect(first.snapshot.summary.bytes == 300_000)
        #expect(first.snapshot.summary.filesRead == 3)
        // One copy of the content plus a few small trees.
        #expect(first.snapshot.summary.newBytes > 100_000)
        #expect(first.snapshot.summary.newBytes < 110_000)

        let second = try workspace.backup()
        #expect(second.snapshot.summary.filesRead == 3)
        #expect(second.snapshot.summary.bytesRead == 300_000)
        // At most the trees above the workspace (the temporary directory changes all the time).
        #expect(second.snapshot.summary.newBytes < 4096)
        #expect(try workspace.verifyContents(of: second) == 3)
    }

    @Test("an incremental run after changing 1 of 12 files reads only that file, and its tree lists all of them")
    func incremental() throws {
        let workspace = try ArchiveWorkspace()
        try Self.populate(workspace, files: 12)
        let full = try workspace.backup(method: .full)
        try workspace.append("set/d1/file4", Array("one more line\n".utf8))

        let result = try workspace.backup(method: .incremental)

        #expect(result.snapshot.method == .incremental)
        #expect(!result.fellBackToFull)
        #expect(result.snapshot.base == full.snapshotID)
        #expect(result.snapshot.full == full.snapshotID)
        #expect(result.snapshot.summary.filesRead == 1)
        #expect(result.snapshot.summary.bytesRead == UInt64(2000 + 4 * 1500 + 14))
        #expect(result.snapshot.summary.files == 12)
        #expect(try workspace.verifyContents(of: result) == 12)
        let changed = try #require(try workspace.node(workspace.path("set/d1/file4"), in: result))
        #expect(changed.size == UInt64(2000 + 4 * 1500 + 14))
        // The unchanged files reuse the content of the base.
        let before = try #require(try workspace.node(workspace.path("set/d0/file3"), in: full))
        let after = try #require(try workspace.node(workspace.path("set/d0/file3"), in: result))
        #expect(before == after)
    }

    @Test("a differential run compares with the last full, even after an incremental one")
    func differential() throws {
        let workspace = try ArchiveWorkspace()
        try Self.populate(workspace, files: 9)
        let full = try workspace.backup(method: .full)
        try workspace.append("set/d0/file0", Array("a".utf8))
        let incremental = try workspace.backup(method: .incremental)
        #expect(incremental.snapshot.summary.filesRead == 1)
        try workspace.append("set/d2/file5", Array("b".utf8))

        let differential = try workspace.backup(method: .differential)

        #expect(differential.snapshot.method == .differential)
        #expect(differential.snapshot.base == full.snapshotID)
        #expect(differential.snapshot.full == full.snapshotID)
        #expect(differential.snapshot.summary.filesRead == 2)
        #expect(try workspace.verifyContents(of: differential) == 9)

        // An incremental after the differential compares with it, and names the same full.
        let next = try workspace.backup(method: .incremental)
        #expect(next.snapshot.base == differential.snapshotID)
        #expect(next.snapshot.full == full.snapshotID)
        #expect(next.snapshot.summary.filesRead == 0)
        #expect(next.snapshot.summary.files == 9)
        #expect(try workspace.verifyContents(of: next) == 9)
    }

    @Test("with no snapshot of the same host and paths to compare with, the run is full and says so")
    func fallbackToFull() throws {
        let workspace = try ArchiveWorkspace()
        try Self.populate(workspace, files: 4)

        let first = try workspace.backup(method: .incremental)
        #expect(first.fellBackToFull)
        #expect(first.snapshot.method == .full)
        #expect(first.snapshot.base == nil && first.snapshot.full == nil)
        #expect(first.snapshot.summary.filesRead == 4)

        let otherPaths = try workspace.backup(paths: [workspace.path("set/d0")], method: .differential)
        #expect(otherPaths.fellBackToFull)
        #expect(otherPaths.snapshot.method == .full)

        let same = try workspace.backup(method: .differential)
        #expect(!same.fellBackToFull)
        #expect(same.snapshot.base == first.snapshotID)
        #expect(same.snapshot.summary.filesRead == 0)
    }
}
