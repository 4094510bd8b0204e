import Foundation
import ParcBackup
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

@Suite("Restore drills")
struct DrillTests {
    /// Ten files in two directories (one name not UTF-8, two hard links, one sparse), plus
    /// entries that are not regular files; returns the snapshot, index and file nodes by path.
    static func drillFixtureSnapshot(_ fixture: RestoreFixture) throws -> (Snapshot, BlobIndex, [String: Node]) {
        var files: [String: Node] = [:]
        var first: [Node] = []
        for number in 0..<6 {
            let node = try fixture.file(
                Data("file\(number)".utf8), TestBytes.random(1500 + number * 4000, seed: UInt64(100 + number)),
                mode: 0o400)
            files["/docs/file\(number)"] = node
            first.append(node)
        }
        let latin1 = try fixture.file(Data([0x63, 0x61, 0x66, 0xE9]), Array("latin".utf8))
        files["/docs/caf\\xe9"] = latin1
        first.append(latin1)
        first.append(fixture.symlink("link", to: Data("file0".utf8)))
        let linkA = try fixture.file(Data("a".utf8), TestBytes.random(9000, seed: 5), deviceID: 3, inode: 77, links: 2)
        let linkB = try fixture.file(Data("b".utf8), TestBytes.random(9000, seed: 5), deviceID: 3, inode: 77, links: 2)
        let sparse = try fixture.sparseFile("sparse", [.data(Array("head".utf8)), .zeros(2 << 20), .data(Array("tail".utf8))])
        files["/var/a"] = linkA
        files["/var/b"] = linkB
        files["/var/sparse"] = sparse
        let (snapshot, index) = try fixture.snapshot([
            try fixture.dir("docs", first, mode: 0o500),
            try fixture.dir("var", [linkA, linkB, sparse, fixture.special("fifo", .fifo, mode: 0o600)]),
        ])
        return (snapshot, index, files)
    }

    static func drill(
        _ fixture: RestoreFixture, _ snapshot: Snapshot, _ index: BlobIndex, _ sample: DrillOptions.Sample,
        seed: UInt64 = 1
    ) throws -> DrillResult {
        try Drill(
            repository: fixture.repository, index: index, snapshot: snapshot,
            options: DrillOptions(sample: sample, seed: seed, sandboxParent: fixture.root, threads: 2)
        ).run()
    }

    @Test("a drill of a sound snapshot passes, checks every file, and leaves no sandbox behind")
    func soundSnapshot() throws {
        let fixture = try RestoreFixture()
        let (snapshot, index, files) = try Self.drillFixtureSnapshot(fixture)
        let result = try Self.drill(fixture, snapshot, index, .all)
        #expect(result.passed, "\(result.failures)")
        #expect(result.filesInSnapshot == files.count)
        #expect(result.filesChecked == files.count)
        #expect(result.bytesChecked == files.values.reduce(0) { $0 + $1.size })
        #expect(result.sandboxProblem == nil)
        #expect(restoreFixtureList(fixture.root) == ["repo"])
        #expect(result.seed == 1)
    }

    @Test("a corrupted blob fails the drill and names exactly the file that holds it")
    func corruptedBlob() throws {
        let fixture = try RestoreFixture()
        let (snapshot, index, files) = try Self.drillFixtureSnapshot(fixture)
        let victim = try #require(files["/docs/file3"])
        let blob = try #require(victim.content?.last)
        try fixture.corrupt(blob, index: index)
        let result = try Self.drill(fixture, snapshot, index, .all)
        #expect(!result.passed)
        #expect(result.failures.map(\.path) == ["/docs/file3"])
        #expect(result.failures.first?.reason.contains(blob.hex) == true, "\(result.failures)")
        #expect(result.filesChecked == files.count)
        #expect(restoreFixtureList(fixture.root) == ["repo"])

        // A sample that leaves the damaged file out passes; one that holds every file does not.
        let everything = try Self.drill(fixture, snapshot, index, .count(100))
        #expect(everything.failures.map(\.path) == ["/docs/file3"])
        #expect(everything.filesChecked == files.count)
    }

    @Test("a sample checks the requested number of files, the same ones for the same seed")
    func sampling() throws {
        let fixture = try RestoreFixture()
        let (snapshot, index, files) = try Self.drillFixtureSnapshot(fixture)
        let three = try Self.drill(fixture, snapshot, index, .count(3), seed: 42)
        #expect(three.passed, "\(three.failures)")
        #expect(three.filesChecked == 3)
        #expect(three.filesInSnapshot == files.count)
        let half = try Self.drill(fixture, snapshot, index, .fraction(0.5), seed: 42)
        #expect(half.filesChecked == (files.count + 1) / 2)
        #expect(half.passed)
        let none = try Self.drill(fixture, snapshot, index, .count(0))
        #expect(none.filesChecked == 0 && none.passed)

        // Which files a seed draws: corrupt the six large files of /docs; a one-file sample
        // passes only when it draws one of the four others, and a seed always draws the same.
        var outcomes: [Bool] = []
        for file in files.values where file.links == 1 && file.sparse != true && file.size > 100 {
            try fixture.corrupt(try #require(file.content?.first), index: index)
        }
        for seed in UInt64(0)..<12 {
            let once = try Self.drill(fixture, snapshot, index, .count(1), seed: seed)
            let again = try Self.drill(fixture, snapshot, index, .count(1), seed: seed)
            #expect(once.failures == again.failures)
            #expect(once.filesChecked == 1)
            outcomes.append(once.passed)
        }
        // Some draws hit a damaged file and some a sound one.
        #expect(outcomes.contains(true) && outcomes.contains(false))
        #expect(restoreFixtureList(fixture.root) == ["repo"])
    }

    @Test("impossible options are refused and a sandbox that cannot be made is an error")
    func refusals() throws {
        let fixture = try RestoreFixture()
        let (snapshot, index, _) = try Self.drillFixtureSnapshot(fixture)
        #expect(throws: RestoreError.self) { try Self.drill(fixture, snapshot, index, .count(-1)) }
        #expect(throws: RestoreError.self) { try Self.drill(fixture, snapshot, index, .fraction(1.5)) }
        #expect(throws: RestoreError.self) {
            try Drill(
                repository: fixture.repository, index: index, snapshot: snapshot,
                options: DrillOptions(sample: .all, sandboxParent: fixture.path("missing/dir"))
            ).run()
        }
    }
}
