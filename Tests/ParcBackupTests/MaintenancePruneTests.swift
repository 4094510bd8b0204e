import Foundation
import ParcBackup
import Testing

/// Two snapshots sharing a file; the first also has a file of its own, which forgetting it makes
/// unused. Data and trees of each snapshot are in their own packs.
private struct MaintPruneScene {
    let fixture: MaintFixture
    let old: SnapshotEntry
    let new: SnapshotEntry
    let shared = maintRandom(10_000, seed: 1)
    let onlyOld = maintRandom(9_000, seed: 2)
    let onlyNew = maintRandom(8_000, seed: 3)

    init() throws {
        let fixture = try MaintFixture()
        self.fixture = fixture
        old = try fixture.snapshot([.dir("home", [.file("shared.bin", shared), .file("old.bin", onlyOld)])])
        new = try fixture.snapshot([.dir("home", [.file("shared.bin", shared), .file("new.bin", onlyNew)])])
        _ = try fixture.repository.forget(snapshots: [old.id])
    }

    var expectedFiles: [String: Data] { ["/home/shared.bin": shared, "/home/new.bin": onlyNew] }

    /// The repository holds exactly what the new snapshot needs, every pack on disk is indexed,
    /// no blob is listed twice, and check finds nothing.
    func expectExactlyTheNewSnapshot(_ repository: Repository? = nil) throws {
        let repository = repository ?? fixture.repository
        #expect(try fixture.indexedBlobs(repository) == fixture.usedBlobs(of: [new.snapshot]))
        #expect(try fixture.contents(of: new.snapshot, repository: repository) == expectedFiles)
        let indexFile = try repository.loadIndex().indexFile()
        let listed = indexFile.packs.flatMap(\.blobs)
        #expect(Set(listed.map(\.id)).count == listed.count)
        #expect(Set(indexFile.packs.map(\.id.hex)) == Set(try repository.storage.list(.pack)))
        let report = try fixture.repository.check(CheckOptions(readData: true))
        #expect(report.errors.isEmpty, "\(report.summary)")
        #expect(report.warnings.isEmpty, "\(report.summary)")
    }
}

@Suite("Maintenance: prune")
struct MaintenancePruneTests {
    @Test("prune removes exactly the unreachable data, repacking the partly used pack, and every file still loads")
    func removesExactlyUnreachable() throws {
        let scene = try MaintPruneScene()
        let repository = scene.fixture.repository
        #expect(try repository.storage.list(.pack).count == 4)
        #expect(try repository.storage.list(.index).count == 4)
        let report = try repository.prune(PruneOptions(maxUnused: 0))
        #expect(!report.dryRun)
        #expect(report.snapshots == 1)
        // Old trees' pack: nothing used. Old data pack: the shared file used, old.bin not.
        #expect(report.removedPacks == 2)
        #expect(report.repackedPacks == 1)
        #expect(report.repackedBlobs == 3)
        #expect(report.removedBlobs == 3 + 2)
        #expect(report.newPacks == 1)
        #expect(report.keptPacks == 3)
        #expect(report.unusedBytesLeft == 0)
        #expect(report.indexFilesWritten == 1)
        #expect(report.indexFilesRemoved == 4)
        #expect(report.usedBlobs == 3 + 2 + 2)
        #expect(report.freedBytes > 9_000)
        #expect(try repository.storage.list(.pack).count == 3)
        #expect(try repository.storage.list(.index).count == 1)
        #expect(try repository.storage.list(.lock).isEmpty)
        try scene.expectExactlyTheNewSnapshot()
    }

    @Test("a second prune finds nothing to do and changes nothing")
    func idempotent() throws {
        let scene = try MaintPruneScene()
        _ = try scene.fixture.repository.prune(PruneOptions(maxUnused: 0))
        let before = try scene.fixture.listing()
        let again = try scene.fixture.repository.prune(PruneOptions(maxUnused: 0))
        #expect(again.removedPacks == 0)
        #expect(again.repackedPacks == 0)
        #expect(again.indexFilesWritten == 0)
        #expect(again.indexFilesRemoved == 0)
        #expect(again.keptPacks == 3)
        #expect(try scene.fixture.listing() == before)
        try scene.expectExactlyTheNewSnapshot()
    }

    @Test("a dry run reports what the real run does and changes nothing")
    func dryRun() throws {
        let scene = try MaintPruneScene()
        let before = try scene.fixture.listing()
        var preview = try scene.fixture.repository.prune(PruneOptions(maxUnused: 0, dryRun: true))
        #expect(preview.dryRun)
        #expect(try scene.fixture.listing() == before)
        var real = try scene.fixture.repository.prune(PruneOptions(maxUnused: 0))
        preview.dryRun = false
        preview.durationSeconds = 0
        real.durationSeconds = 0
        #expect(preview == real)
    }

    @Test("partly used packs are repacked only when the unused share exceeds max-unused")
    func maxUnusedThreshold() throws {
        let fixture = try MaintFixture()
        let big = maintRandom(100_000, seed: 10)
        let small = maintRandom(1_000, seed: 11)
        let gone = maintRandom(3_000, seed: 12)
        let first = try fixture.snapshot([.file("big.bin", big)])
        let second = try fixture.snapshot([.file("small.bin", small), .file("gone.bin", gone)])
        let kept = try fixture.snapshot([.file("big.bin", big), .file("small.bin", small)])
        _ = try fixture.repository.forget(snapshots: [first.id, second.id])

        // gone.bin is about 3 % of the packs: under the default 5 %, the pack stays as it is.
        let lenient = try fixture.repository.prune()
        #expect(lenient.repackedPacks == 0)
        #expect(lenient.removedPacks == 2)  // the two tree packs
        #expect(lenient.unusedBytesLeft == 3_000 + 28)
        #expect(try fixture.indexedBlobs().contains(BlobHandle(id: ObjectID.hash(gone), type: .data)))
        #expect(try fixture.contents(of: kept.snapshot) == ["/big.bin": big, "/small.bin": small])

        // Under 1 %, it is repacked and gone.bin's blob is gone.
        let strict = try fixture.repository.prune(PruneOptions(maxUnused: 0.01))
        #expect(strict.repackedPacks == 1)
        #expect(strict.repackedBlobs == 1)
        #expect(strict.removedBlobs == 1)
        #expect(strict.unusedBytesLeft == 0)
        #expect(try fixture.indexedBlobs() == fixture.usedBlobs(of: [kept.snapshot]))
        #expect(try fixture.contents(of: kept.snapshot) == ["/big.bin": big, "/small.bin": small])
        #expect(try fixture.repository.check(CheckOptions(readData: true)).isHealthy)
    }

    enum Crash: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// New pack written, index not.
        case beforeIndex
        /// New index written, old index files not deleted.
        case beforeRemovingOldIndex
        /// Old index files deleted, unused packs not.
        case beforeRemovingPacks

        var testDescription: String { rawValue }
    }

    @Test(
        "a crash between prune's steps leaves a repository that check passes and a later prune finishes",
        arguments: Crash.allCases)
    func crashBetweenSteps(_ crash: Crash) throws {
        let scene = try MaintPruneScene()
        let faulty = MaintFaultyStorage(scene.fixture.repository.storage)
        switch crash {
        case .beforeIndex: faulty.failFirstWrite(of: .index)
        case .beforeRemovingOldIndex: faulty.failFirstRemoval(of: .index)
        case .beforeRemovingPacks: faulty.failFirstRemoval(of: .pack)
        }
        let crashing = try scene.fixture.reopen(over: faulty)
        #expect(throws: MaintenanceError.self) { try crashing.prune(PruneOptions(maxUnused: 0)) }
        #expect(try scene.fixture.repository.storage.list(.lock).isEmpty)

        // Valid in between: nothing damaged, only leftovers that prune removes.
        let between = try scene.fixture.repository.check(CheckOptions(readData: true))
        #expect(between.errors.isEmpty, "\(between.summary)")
        #expect(!between.warnings.isEmpty)
        #expect(
            between.warnings.allSatisfy { $0.kind == .unindexedPack || $0.kind == .supersededIndexFile },
            "\(between.summary)")
        #expect(try scene.fixture.contents(of: scene.new.snapshot) == scene.expectedFiles)

        _ = try scene.fixture.repository.prune(PruneOptions(maxUnused: 0))
        try scene.expectExactlyTheNewSnapshot()
    }

    @Test("packs in no index and temporary files older than a day are removed; fresh ones stay")
    func leftovers() throws {
        let fixture = try MaintFixture()
        let entry = try fixture.snapshot([.file("a.txt", text: "alpha")])
        var writer = fixture.repository.packWriter()
        try writer.add(maintRandom(2_000, seed: 40), type: .data)
        let orphan = try fixture.repository.save(pack: writer).id
        let root = try #require(fixture.root)
        let old = root.appendingPathComponent("data/ab/.tmp-crashed")
        let fresh = root.appendingPathComponent("index/.tmp-writing")
        try Data("half".utf8).write(to: old)
        try Data("half".utf8).write(to: fresh)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-2 * 86_400)], ofItemAtPath: old.path)

        let warned = try fixture.repository.check()
        #expect(warned.errors.isEmpty)
        #expect(warned.warnings.map(\.kind) == [.unindexedPack])
        #expect(warned.warnings.first?.pack == orphan)

        let preview = try fixture.repository.prune(PruneOptions(dryRun: true))
        #expect(preview.temporaryFilesRemoved == 1)
        #expect(FileManager.default.fileExists(atPath: old.path))
        let report = try fixture.repository.prune()
        #expect(report.unindexedPacks == 1)
        #expect(report.removedPacks == 1)
        #expect(report.temporaryFilesRemoved == 1)
        #expect(report.indexFilesWritten == 1)  // two index files (data, trees) compacted into one
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
        #expect(!(try fixture.repository.storage.list(.pack).contains(orphan.hex)))
        #expect(try fixture.contents(of: entry.snapshot) == ["/a.txt": Data("alpha".utf8)])
        let clean = try fixture.repository.check()
        #expect(clean.errors.isEmpty && clean.warnings.isEmpty, "\(clean.summary)")
    }

    @Test("prune refuses, deleting nothing, when a snapshot, a tree, a needed pack or an index file is unreadable")
    func refusals() throws {
        // A damaged snapshot file.
        do {
            let scene = try MaintPruneScene()
            try scene.fixture.flipByte(.snapshot, scene.new.id, at: 10)
            let before = try scene.fixture.listing()
            #expect {
                try scene.fixture.repository.prune()
            } throws: { error in
                guard case .unsafeToPrune(let reason) = error as? MaintenanceError else { return false }
                return reason.contains(scene.new.id.hex)
            }
            #expect(try scene.fixture.listing() == before)
        }
        // A needed pack missing.
        do {
            let scene = try MaintPruneScene()
            let pack = try scene.fixture.location(ObjectID.hash(scene.onlyNew.prefix(4096))).pack
            try FileManager.default.removeItem(at: scene.fixture.url(.pack, pack))
            let before = try scene.fixture.listing()
            #expect {
                try scene.fixture.repository.prune()
            } throws: { error in
                guard case .unsafeToPrune(let reason) = error as? MaintenanceError else { return false }
                return reason.contains("missing pack") && reason.contains(pack.shortHex)
            }
            #expect(try scene.fixture.listing() == before)
        }
        // A damaged index file: its packs would look unused.
        do {
            let scene = try MaintPruneScene()
            let indexID = try #require(scene.fixture.repository.storage.list(.index).first.flatMap(ObjectID.init(hex:)))
            try scene.fixture.flipByte(.index, indexID, at: 20)
            let before = try scene.fixture.listing()
            #expect {
                try scene.fixture.repository.prune()
            } throws: { error in
                guard case .unsafeToPrune(let reason) = error as? MaintenanceError else { return false }
                return reason.contains(indexID.hex)
            }
            #expect(try scene.fixture.listing() == before)
            #expect(MaintenanceError.unsafeToPrune("x").description.contains("before deleting anything"))
        }
    }

    @Test("a missing pack that held only unused data is dropped from the index")
    func missingUnusedPack() throws {
        let scene = try MaintPruneScene()
        // The old snapshot's tree pack: nothing uses it any more.
        let treePack = try scene.fixture.location(scene.old.snapshot.tree, .tree).pack
        try FileManager.default.removeItem(at: scene.fixture.url(.pack, treePack))
        let report = try scene.fixture.repository.prune(PruneOptions(maxUnused: 0))
        #expect(report.missingPacks == [treePack])
        try scene.expectExactlyTheNewSnapshot()
    }

    @Test("a blob stored in two packs is kept once")
    func duplicates() throws {
        let fixture = try MaintFixture()
        let content = maintRandom(3_000, seed: 50)
        let entry = try fixture.snapshot([.file("one.bin", content)])
        // A second writer that did not see the first one's index stores the same blob again.
        let racing = BlobSaver(repository: fixture.repository, index: BlobIndex())
        #expect(try racing.save(content, type: .data).isNew)
        try racing.flush()
        #expect(try fixture.repository.storage.list(.pack).count == 3)

        let report = try fixture.repository.prune(PruneOptions(maxUnused: 0))
        #expect(report.duplicateBlobs == 1)
        #expect(report.removedPacks == 1)
        #expect(try fixture.repository.storage.list(.pack).count == 2)
        let listed = try fixture.repository.loadIndex().indexFile().packs.flatMap(\.blobs)
        #expect(listed.filter { $0.id == ObjectID.hash(content) }.count == 1)
        #expect(try fixture.contents(of: entry.snapshot) == ["/one.bin": content])
        #expect(try fixture.repository.check(CheckOptions(readData: true)).isHealthy)
    }
}
