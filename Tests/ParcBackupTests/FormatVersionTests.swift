import Crypto
import Foundation
@testable import ParcBackup
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Formats 2 and 3 against format 1: what file nodes record, and how drills and restores check a
/// file of several blobs.
@Suite("Repository format versions")
struct FormatVersionTests {
    @Test(
        "formats 2 and 3 record no whole-file SHA-256 for a file of several blobs, format 1 does; one blob: its ID in all",
        arguments: [1, 2, 3])
    func nodesByVersion(version: Int) throws {
        let workspace = try ArchiveWorkspace(formatVersion: version)
        #expect(workspace.repository.config.version == version)
        let big = archiveFixtureBytes(100_000, seed: 1)
        // Over the minimum chunk size (read by the chunking path) but always one chunk.
        let oneChunk = archiveFixtureBytes(ArchiveWorkspace.smallChunks.minSize + 1, seed: 2)
        let small = archiveFixtureBytes(500, seed: 3)
        try workspace.write("big", big)
        try workspace.write("one-chunk", oneChunk)
        try workspace.write("small", small)
        let result = try workspace.backup()

        let bigNode = try #require(try workspace.node(workspace.path("big"), in: result))
        #expect((bigNode.content?.count ?? 0) > 1)
        #expect(bigNode.contentSHA256 == (version == 1 ? ObjectID.hash(Data(big)) : nil))
        #expect(bigNode.hasContentCheck)
        for (name, bytes) in [("one-chunk", oneChunk), ("small", small)] {
            let node = try #require(try workspace.node(workspace.path(name), in: result))
            #expect(node.content == [ObjectID.hash(Data(bytes))], "\(name)")
            #expect(node.contentSHA256 == ObjectID.hash(Data(bytes)), "\(name)")
        }
        #expect(try workspace.verifyContents(of: result) == 3)

        // Unchanged files of several blobs are not read again by an incremental run.
        let next = try workspace.backup(method: .incremental)
        #expect(next.snapshot.summary.filesRead == 0)
        let again = try #require(try workspace.node(workspace.path("big"), in: next))
        #expect(again.content == bigNode.content && again.contentSHA256 == bigNode.contentSHA256)

        // A drill of every file restores and checks them, whatever the version.
        let drill = try Drill(
            repository: workspace.repository, index: workspace.repository.loadIndex(), snapshot: next.snapshot,
            options: DrillOptions(sample: .all, seed: 1, sandboxParent: workspace.root, threads: 2)
        ).run()
        #expect(drill.passed, "\(drill.failures)")
        #expect(drill.filesChecked == 3)
        #expect(drill.bytesChecked == UInt64(big.count + oneChunk.count + small.count))
    }

    @Test("only format versions 1 to 3 can be created")
    func unknownVersionRefused() throws {
        let storage = InMemoryRepositoryStorage()
        #expect(throws: RepositoryError.self) {
            try Repository.initialize(storage: storage, passphrase: "p", kdf: .fastForTests, formatVersion: 4)
        }
        #expect(try storage.list(.key).isEmpty, "nothing is written for a refused version")
    }

    @Test("a drill checks a file of several blobs piece by piece and names the piece that differs")
    func drillChecksBlobs() throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("parc-format-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let parts = [
            archiveFixtureBytes(3000, seed: 10), archiveFixtureBytes(5000, seed: 11), [UInt8](repeating: 0, count: 4096),
        ]
        let ids = parts.map { ObjectID.hash(Data($0)) }
        var index = BlobIndex()
        var offset: UInt64 = 0
        var entries: [PackEntry] = []
        for (part, id) in zip(parts, ids) {
            entries.append(
                PackEntry(
                    type: .data, compression: .none, offset: offset, length: UInt32(part.count + 28),
                    rawLength: UInt32(part.count), id: id))
            offset += UInt64(part.count + 28)
        }
        index.add(pack: ObjectID.hash(Data("pack".utf8)), entries: entries)
        let whole = parts.flatMap { $0 }
        let node = Node(
            name: Data("file".utf8), type: .file, mode: 0o100644, size: UInt64(whole.count), content: ids)
        let directory = open(root, O_RDONLY | O_DIRECTORY)
        #expect(directory >= 0)
        defer { close(directory) }
        func check(_ bytes: [UInt8], _ node: Node, sparseTail: Bool = false) throws -> String? {
            let path = root + "/file"
            unlink(path)
            if sparseTail {
                // The zero piece as a hole: hashed without being read.
                let descriptor = open(path, O_WRONLY | O_CREAT, 0o600)
                #expect(pwrite(descriptor, bytes, bytes.count - 4096, 0) == bytes.count - 4096)
                #expect(ftruncate(descriptor, off_t(bytes.count)) == 0)
                close(descriptor)
            } else {
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }
            return Drill.check(node, directory: directory, name: Data("file".utf8), index: index)
        }

        #expect(try check(whole, node) == nil)
        #expect(try check(whole, node, sparseTail: true) == nil)
        var flipped = whole
        flipped[3000 + 17] ^= 0x01
        let reason = try #require(try check(flipped, node))
        #expect(reason.contains("restored bytes 3000…8000"), "\(reason)")
        #expect(reason.contains(ids[1].hex), "\(reason)")
        #expect(try check(Array(whole.dropLast()), node)?.contains("restored with 12095 bytes") == true)

        var unknown = node
        unknown.content = ids + [ObjectID.hash(Data("elsewhere".utf8))]
        #expect(try check(whole, unknown)?.contains("in no index") == true)
        var single = node
        single.content = [ids[0]]
        single.size = 3000
        #expect(try check(parts[0], single)?.contains("records no SHA-256") == true)
        single.contentSHA256 = ids[0]
        #expect(try check(parts[0], single) == nil)
    }

    @Test("pieces are hashed across any split of the input, zeros included")
    func pieceHasher() {
        let bytes = archiveFixtureBytes(10_000, seed: 20)
        let lengths = [1, 4999, 5000]
        let expected = [
            ObjectID.hash(Data(bytes[0..<1])), ObjectID.hash(Data(bytes[1..<5000])),
            ObjectID.hash(Data(bytes[5000...])),
        ]
        for step in [1, 7, 4096, 10_000] {
            var hasher = DrillPieceHasher(lengths: lengths)
            var position = 0
            while position < bytes.count {
                let count = min(step, bytes.count - position)
                bytes.withUnsafeBytes {
                    hasher.update(UnsafeRawBufferPointer(rebasing: $0[position..<position + count]), count: count)
                }
                position += count
            }
            #expect(hasher.finish() == expected, "step \(step)")
        }
        var zeros = DrillPieceHasher(lengths: [3, 0, 2])
        zeros.update(nil, count: 5)
        #expect(zeros.finish() == [ObjectID.hash(Data(count: 3)), ObjectID.hash(Data()), ObjectID.hash(Data(count: 2))])
        var empty = DrillPieceHasher(lengths: [0])
        #expect(empty.finish() == [ObjectID.hash(Data())])
    }
}
