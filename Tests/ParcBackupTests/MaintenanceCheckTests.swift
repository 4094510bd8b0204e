import Foundation
import ParcBackup
import Testing

/// Three snapshots: two of pc-1 sharing report.txt (the second also has a copy of it under
/// bob), one of pc-2 with its own data and a name that is not UTF-8.
private struct MaintCheckScene {
    let fixture: MaintFixture
    let first: SnapshotEntry
    let second: SnapshotEntry
    let third: SnapshotEntry
    let report = maintRandom(9_000, seed: 60)  // three blobs: 4096, 4096, 808 bytes
    let photo = maintRandom(5_000, seed: 61)
    let latin1 = Data([0x63, 0x61, 0x66, 0xE9, 0x2E, 0x6A, 0x70, 0x67])  // "café.jpg" in Latin-1

    init() throws {
        let fixture = try MaintFixture()
        self.fixture = fixture
        let hosts = MaintNode.file("hosts", text: "127.0.0.1 localhost\n")
        first = try fixture.snapshot([
            .dir("etc", [hosts]),
            .dir("home", [.dir("ana", [.file("notes.txt", text: "notes"), .file("report.txt", report)])]),
        ])
        second = try fixture.snapshot([
            .dir("etc", [.file("hosts", text: "127.0.0.1 localhost pc-1\n")]),
            .dir(
                "home",
                [
                    .dir("ana", [.file("notes.txt", text: "notes"), .file("report.txt", report)]),
                    .dir("bob", [.file("copy.txt", report)]),
                ]),
        ])
        third = try fixture.snapshot(
            [
                .dir("etc", [hosts]),
                .dir("srv", [.file("photo.jpg", photo), .file(raw: latin1, maintRandom(2_000, seed: 62))]),
            ], hostname: "pc-2")
    }

    /// The health of one snapshot in a report.
    func health(_ report: CheckReport, _ entry: SnapshotEntry) throws -> SnapshotHealth {
        try #require(report.snapshots.first { $0.snapshot == entry.id })
    }

    /// The index file that lists a pack.
    func indexFile(listing pack: ObjectID) throws -> ObjectID {
        for name in try fixture.repository.storage.list(.index) {
            let id = try #require(ObjectID(hex: name))
            let file = try IndexFile.decode(fixture.repository.loadFile(id, kind: .index), name: name)
            if file.packs.contains(where: { $0.id == pack }) { return id }
        }
        Issue.record("no index file lists \(pack)")
        throw MaintenanceError.pathNotFound(path: pack.hex, snapshot: nil)
    }
}

@Suite("Maintenance: check")
struct MaintenanceCheckTests {
    @Test("a healthy repository passes the structure check and the data check, on any number of threads")
    func healthy() throws {
        let scene = try MaintCheckScene()
        let structure = try scene.fixture.repository.check()
        #expect(structure.isHealthy, "\(structure.summary)")
        #expect(structure.warnings.isEmpty)
        #expect(structure.counts.snapshots == 3)
        #expect(structure.counts.files == 3 + 4 + 3)
        #expect(structure.counts.keyFiles == 1)
        #expect(structure.snapshots.allSatisfy { $0.isIntact })
        #expect(structure.summary.contains("--read-data"))
        let data = try scene.fixture.repository.check(CheckOptions(readData: true, concurrency: 2))
        #expect(data.isHealthy, "\(data.summary)")
        #expect(data.counts.blobsRead == data.counts.blobs)
        #expect(data.counts.packsRead == data.counts.packs)
        #expect(data.counts.bytesRead > 16_000)
        let single = try scene.fixture.repository.check(CheckOptions(readData: true, concurrency: 1))
        #expect(single.counts == data.counts)
        #expect(try scene.fixture.repository.storage.list(.lock).isEmpty)
    }

    @Test("a flipped byte in a pack: read-data names the snapshots and exact files it damages, and only those")
    func flippedByte() throws {
        let scene = try MaintCheckScene()
        let damaged = MaintFixture.blobIDs(scene.report)[1]
        let location = try scene.fixture.location(damaged)
        try scene.fixture.flipByte(.pack, location.pack, at: Int(location.entry.offset) + 40)

        // The structure check does not read data blobs.
        #expect(try scene.fixture.repository.check().isHealthy)

        let report = try scene.fixture.repository.check(CheckOptions(readData: true))
        #expect(report.errors.count == 1, "\(report.summary)")
        let error = try #require(report.errors.first)
        #expect(error.kind == .blobCorrupted)
        #expect(error.pack == location.pack)
        #expect(error.blob == damaged)
        #expect(error.blobType == .data)
        #expect(error.file == "data/\(location.pack.hex.prefix(2))/\(location.pack.hex)")
        #expect(error.affected.map(\.snapshot) == [scene.first.id, scene.second.id])
        #expect(
            error.affected.map(\.files) == [["/home/ana/report.txt"], ["/home/ana/report.txt", "/home/bob/copy.txt"]])
        #expect(error.affected.allSatisfy { $0.directories.isEmpty })
        #expect(error.affected.first?.hostname == "pc-1")

        let first = try scene.health(report, scene.first)
        #expect(first.damagedFiles == ["/home/ana/report.txt"])
        #expect(first.files == 3)
        #expect(first.intactFiles == 2)
        let second = try scene.health(report, scene.second)
        #expect(second.damagedFiles == ["/home/ana/report.txt", "/home/bob/copy.txt"])
        #expect(second.intactFiles == 2)
        #expect(try scene.health(report, scene.third).isIntact)
        let index = try scene.fixture.repository.loadIndex()
        #expect(
            scene.fixture.repository.intactFiles(of: scene.second.snapshot, health: second, index: index)
                .map(\.displayPath) == ["/etc/hosts", "/home/ana/notes.txt"])
        #expect(report.summary.contains("2 of 4 files damaged"))
        #expect(report.summary.contains("the other 2 files are intact"))
        #expect(!report.summary.contains("notes.txt"))
        #expect(report.counts.blobsRead == report.counts.blobs - 1)
    }

    @Test("a truncated pack: the blobs after the cut and their files are named, the ones before still read")
    func truncatedPack() throws {
        let fixture = try MaintFixture()
        let contents = (1...4).map { maintRandom(3_000, seed: 70 + UInt64($0)) }
        let entry = try fixture.snapshot([.dir("data", (1...4).map { .file("f\($0)", contents[$0 - 1]) })])
        let third = try fixture.location(ObjectID.hash(contents[2]))
        try fixture.truncate(pack: third.pack, to: Int(third.entry.offset) + 100)

        for readData in [false, true] {
            let report = try fixture.repository.check(CheckOptions(readData: readData))
            let header = try #require(report.errors.first { $0.kind == .packHeaderDamaged })
            #expect(header.pack == third.pack)
            #expect(header.message.contains("2 of its 4 blobs are past the end"))
            let lost = report.errors.filter { $0.kind == .blobUnreadable }
            #expect(lost.map(\.blob) == [ObjectID.hash(contents[2]), ObjectID.hash(contents[3])], "\(report.summary)")
            #expect(lost.flatMap(\.affected).flatMap(\.files) == ["/data/f3", "/data/f4"])
            #expect(report.errors.count == 3)
            let health = try #require(report.snapshots.first { $0.snapshot == entry.id })
            #expect(health.damagedFiles == ["/data/f3", "/data/f4"])
            #expect(health.intactFiles == 2)
            if readData { #expect(report.counts.blobsRead == report.counts.blobs - 2) }
        }
        // The blobs before the cut still read.
        let index = try fixture.repository.loadIndex()
        for content in contents.prefix(2) {
            #expect(
                try fixture.repository.loadBlob(BlobHandle(id: ObjectID.hash(content), type: .data), index: index)
                    == content)
        }
    }

    @Test("a missing pack is named with the files it held, non-UTF-8 names shown as \\xNN")
    func missingPack() throws {
        let scene = try MaintCheckScene()
        let pack = try scene.fixture.location(ObjectID.hash(scene.photo.prefix(4096))).pack
        try FileManager.default.removeItem(at: scene.fixture.url(.pack, pack))
        let report = try scene.fixture.repository.check()
        #expect(report.errors.count == 1, "\(report.summary)")
        let error = try #require(report.errors.first)
        #expect(error.kind == .packMissing)
        #expect(error.pack == pack)
        #expect(error.affected.map(\.snapshot) == [scene.third.id])
        #expect(error.affected.first?.files == ["/srv/caf\\xe9.jpg", "/srv/photo.jpg"])
        #expect(error.affected.first?.hostname == "pc-2")
        let third = try scene.health(report, scene.third)
        #expect(third.intactFiles == 1)  // /etc/hosts, stored with the first snapshot
        #expect(try scene.health(report, scene.first).isIntact)
        #expect(try scene.health(report, scene.second).isIntact)
    }

    @Test("a damaged index file is named, and the files whose blobs only it listed")
    func damagedIndexFile() throws {
        let scene = try MaintCheckScene()
        let pack = try scene.fixture.location(ObjectID.hash(scene.photo.prefix(4096))).pack
        let indexID = try scene.indexFile(listing: pack)
        try scene.fixture.flipByte(.index, indexID, at: 30)
        let report = try scene.fixture.repository.check()
        let named = try #require(report.errors.first { $0.kind == .indexFileDamaged })
        #expect(named.file == "index/\(indexID.hex)")
        let missing = report.errors.filter { $0.kind == .blobMissing }
        #expect(Set(missing.flatMap(\.affected).map(\.snapshot)) == [scene.third.id])
        #expect(Set(missing.flatMap(\.affected).flatMap(\.files)) == ["/srv/caf\\xe9.jpg", "/srv/photo.jpg"])
        #expect(report.warnings.contains { $0.kind == .unindexedPack && $0.pack == pack })
        #expect(try scene.health(report, scene.first).isIntact)
    }

    @Test("a damaged snapshot file is named; the other snapshots are intact")
    func damagedSnapshotFile() throws {
        let scene = try MaintCheckScene()
        try scene.fixture.flipByte(.snapshot, scene.second.id, at: 5)
        let report = try scene.fixture.repository.check()
        #expect(report.errors.count == 1)
        let error = try #require(report.errors.first)
        #expect(error.kind == .snapshotFileDamaged)
        #expect(error.file == "snapshots/\(scene.second.id.hex)")
        #expect(error.affected.map(\.snapshot) == [scene.second.id])
        let health = try scene.health(report, scene.second)
        #expect(!health.readable)
        #expect(health.description.contains("snapshot file is damaged"))
        #expect(report.snapshots.filter(\.isIntact).map(\.snapshot) == [scene.first.id, scene.third.id])
    }

    @Test("a damaged tree blob loses the directory it lists, named in the one snapshot that has it")
    func damagedTree() throws {
        let scene = try MaintCheckScene()
        let index = try scene.fixture.repository.loadIndex()
        let root = try scene.fixture.repository.loadTree(scene.second.snapshot.tree, index: index)
        let home = try scene.fixture.repository.loadTree(
            try #require(root.node(named: Data("home".utf8))?.subtree), index: index)
        let bob = try #require(home.node(named: Data("bob".utf8))?.subtree)
        let location = try scene.fixture.location(bob, .tree)
        try scene.fixture.flipByte(.pack, location.pack, at: Int(location.entry.offset) + 30)
        for readData in [false, true] {
            let report = try scene.fixture.repository.check(CheckOptions(readData: readData))
            #expect(report.errors.count == 1, "\(report.summary)")
            let error = try #require(report.errors.first)
            #expect(error.kind == .blobCorrupted)
            #expect(error.blob == bob)
            #expect(error.blobType == .tree)
            #expect(error.affected.map(\.snapshot) == [scene.second.id])
            #expect(error.affected.first?.directories == ["/home/bob"])
            #expect(error.affected.first?.files == [])
            let health = try scene.health(report, scene.second)
            #expect(health.lostDirectories == ["/home/bob"])
            #expect(health.files == 3)
            #expect(health.description.contains("everything under /home/bob is lost"))
            let index = try scene.fixture.repository.loadIndex()
            #expect(
                scene.fixture.repository.intactFiles(of: scene.second.snapshot, health: health, index: index)
                    .map(\.displayPath) == ["/etc/hosts", "/home/ana/notes.txt", "/home/ana/report.txt"])
        }
    }

    @Test("a damaged key file and a damaged config are named")
    func damagedKeyAndConfig() throws {
        let scene = try MaintCheckScene()
        let bogus = Data(#"{"version":1}"#.utf8)
        try scene.fixture.repository.storage.write(.key, name: ObjectID.hash(bogus).hex, data: bogus)
        let root = try #require(scene.fixture.root)
        var config = try Data(contentsOf: root.appendingPathComponent("config"))
        config[config.count - 1] ^= 1
        try config.write(to: root.appendingPathComponent("config"))
        let report = try scene.fixture.repository.check()
        #expect(report.errors.map(\.kind) == [.configDamaged, .keyFileDamaged], "\(report.summary)")
        #expect(report.errors.map(\.file) == ["config", "keys/\(ObjectID.hash(bogus).hex)"])
        #expect(report.counts.keyFiles == 2)
        #expect(report.snapshots.allSatisfy { $0.isIntact })
    }

    @Test("check takes a shared lock, which read-only media refuse; --no-lock checks them anyway")
    func noLock() throws {
        let scene = try MaintCheckScene()
        let readOnly = MaintFaultyStorage(scene.fixture.repository.storage)
        readOnly.makeReadOnly()
        let repository = try scene.fixture.reopen(over: readOnly)
        #expect {
            try repository.check()
        } throws: { error in
            guard case .lock = error as? MaintenanceError else { return false }
            return true
        }
        let report = try repository.check(CheckOptions(readData: true, noLock: true))
        #expect(report.isHealthy)
        // The JSON form round-trips.
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(CheckReport.self, from: encoder.encode(report))
        #expect(decoded.counts == report.counts)
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        #expect(json.contains(#""healthy":true"#) && json.contains(#""read_data":true"#))
        #expect(json.contains(#""intact_files":"#) && json.contains(#""blobs_read":"#))
        #expect(decoded.snapshots.map(\.snapshot) == report.snapshots.map(\.snapshot))
    }
}
