import Foundation
import ParcBackup
import Testing

@Suite("Maintenance: stats, ls and diff")
struct MaintenanceStatsListDiffTests {
    @Test("stats on a known repository: two snapshots of the same files deduplicate to one copy")
    func stats() throws {
        let fixture = try MaintFixture()
        let one = maintRandom(10_000, seed: 80)  // 3 blobs
        let two = maintRandom(5_000, seed: 81)  // 2 blobs
        let nodes: [MaintNode] = [.dir("data", [.file("one.bin", one), .file("two.bin", two)])]
        let first = try fixture.snapshot(nodes)
        _ = try fixture.snapshot(nodes)
        let stats = try fixture.repository.stats()
        #expect(stats.snapshots == 2)
        #expect(stats.files == 4)
        #expect(stats.restoreSize == 30_000)
        #expect(stats.uniqueDataBlobs == 5)
        #expect(stats.uniqueDataBytes == 15_000)
        #expect(stats.uniqueBlobs == 5 + 2)  // and the two trees, shared too
        #expect(stats.deduplicationRatio == 2)
        // Random data does not compress: stored = plaintext + 28 bytes of nonce and tag per blob.
        let trees = stats.uniqueRawBytes - stats.uniqueDataBytes
        #expect(stats.uniqueStoredBytes > 15_000 + 5 * 28)
        #expect(stats.uniqueStoredBytes <= 15_000 + 5 * 28 + trees + 2 * 28)
        #expect(stats.indexedBlobs == 7)
        #expect(stats.packs == 2)
        #expect(stats.packsOnDisk == 2)
        let root = try #require(fixture.root)
        func size(_ directory: String) throws -> UInt64 {
            let files = try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent(directory).path)
            return try files.reduce(UInt64(0)) { total, name in
                let attributes = try FileManager.default.attributesOfItem(
                    atPath: root.appendingPathComponent(directory).appendingPathComponent(name).path)
                return (attributes[.type] as? FileAttributeType) == .typeRegular
                    ? total + ((attributes[.size] as? UInt64) ?? 0) : total
            }
        }
        #expect(stats.packBytes == (try size("data")))
        #expect(stats.indexBytes == (try size("index")))
        #expect(stats.snapshotBytes == (try size("snapshots")))
        #expect(stats.dictionaryBytes == (try size("dictionaries")))
        #expect(stats.storedBytes == stats.packBytes + stats.indexBytes + stats.snapshotBytes + stats.dictionaryBytes)

        let json = String(decoding: try JSONEncoder().encode(stats), as: UTF8.self)
        #expect(json.contains(#""deduplication_ratio":2"#) && json.contains(#""restore_size":30000"#))

        // One snapshot alone: no deduplication across snapshots.
        let alone = try fixture.repository.stats(snapshots: [first.id])
        #expect(alone.restoreSize == 15_000)
        #expect(alone.deduplicationRatio == 1)

        // Text compresses.
        let text = Data(String(repeating: "the same line of a log file\n", count: 400).utf8)
        let compressible = try MaintFixture()
        _ = try compressible.snapshot([.file("log.txt", text)])
        #expect(try compressible.repository.stats().compressionRatio > 3)
    }

    /// A snapshot with directories, a symbolic link, special modes and a name that is not UTF-8.
    private func listingSnapshot(_ fixture: MaintFixture) throws -> SnapshotEntry {
        var notes = MaintNode.file("notes.txt", text: "notes", mode: 0o100640)
        notes.user = "ana"
        notes.group = "staff"
        var special = MaintNode.file("su", text: "x", mode: 0o104755)
        special.user = nil
        special.group = nil
        return try fixture.snapshot([
            .dir("etc", [.file("hosts", text: "127.0.0.1 localhost\n")]),
            .dir(
                "home",
                [
                    .dir(
                        "ana",
                        [
                            .file(raw: Data([0x63, 0x61, 0x66, 0xE9]), Data("latin-1".utf8)), notes,
                            .symlink("link", to: "notes.txt"),
                        ])
                ]),
            .dir("tmp", mode: 0o41777, [special]),
        ])
    }

    @Test("ls lists every node depth first with mode, owner, size and path, non-UTF-8 names as \\xNN")
    func listing() throws {
        let fixture = try MaintFixture(local: false)
        let entry = try listingSnapshot(fixture)
        let index = try fixture.repository.loadIndex()
        let all = try fixture.repository.listNodes(in: entry.snapshot, index: index)
        #expect(
            all.map(\.displayPath) == [
                "/etc", "/etc/hosts", "/home", "/home/ana", "/home/ana/caf\\xe9", "/home/ana/link",
                "/home/ana/notes.txt", "/tmp", "/tmp/su",
            ])
        #expect(
            all.map(\.node.modeString) == [
                "drwxr-xr-x", "-rw-r--r--", "drwxr-xr-x", "drwxr-xr-x", "-rw-r--r--", "lrwxrwxrwx", "-rw-r-----",
                "drwxrwxrwt", "-rwsr-xr-x",
            ])
        #expect(all[4].path == Data("/home/ana/caf".utf8) + Data([0xE9]))
        let utc = TimeZone(identifier: "UTC")!
        #expect(
            all[6].line(timeZone: utc)
                == "-rw-r-----  ana/staff             5  2025-11-29 13:10:00  /home/ana/notes.txt")
        #expect(all[5].line(timeZone: utc).hasSuffix("/home/ana/link -> notes.txt"))
        #expect(all[8].line(timeZone: utc).hasPrefix("-rwsr-xr-x  0/0  "))
        #expect(Node(name: Data("g".utf8), type: .file, mode: 0o102644).modeString == "-rw-r-Sr--")
        #expect(Node(name: Data("f".utf8), type: .fifo, mode: 0o010600).modeString == "prw-------")

        // Under a directory, one level: the directory, then what it holds.
        let ana = try fixture.repository.listNodes(
            in: entry.snapshot, under: "/home/ana", recursive: false, index: index)
        #expect(ana.map(\.displayPath) == ["/home/ana", "/home/ana/caf\\xe9", "/home/ana/link", "/home/ana/notes.txt"])
        // A path as ls prints it finds the raw name; a file lists itself.
        let latin = try fixture.repository.listNodes(in: entry.snapshot, under: "/home/ana/caf\\xe9", index: index)
        #expect(latin.map(\.displayPath) == ["/home/ana/caf\\xe9"])
        #expect(try fixture.repository.listNodes(in: entry.snapshot, under: "/", index: index).count == all.count)
        #expect(throws: MaintenanceError.pathNotFound(path: "/home/zoe", snapshot: nil)) {
            try fixture.repository.listNodes(in: entry.snapshot, under: "/home/zoe", index: index)
        }
        #expect(throws: MaintenanceError.self) {
            try fixture.repository.listNodes(in: entry.snapshot, under: "/etc/hosts/deeper", index: index)
        }

        // The structured form, for JSON.
        let record = all[6].record
        #expect(record.path == "/home/ana/notes.txt")
        #expect(record.permissions == "-rw-r-----")
        #expect(record.mode == 0o100640)
        #expect(record.mtime == "2025-11-29T13:10:00.000Z")
        #expect(record.user == "ana")
        let json = String(decoding: try JSONEncoder().encode(all[5].record), as: UTF8.self)
        #expect(json.contains(#""target":"notes.txt""#))
        #expect(json.contains(#""mtime_ns":1764421800000000000"#))
    }

    @Test("diff reports added, removed, content and metadata changes by path, skipping shared subtrees")
    func diff() throws {
        let fixture = try MaintFixture(local: false)
        let latin1 = Data([0x63, 0x61, 0x66, 0xE9])
        // A large directory that both snapshots share unchanged.
        let shared: MaintNode = .dir(
            "srv", (0..<5).map { dir in .dir("d\(dir)", (0..<3).map { .file("f\($0)", text: "\(dir)-\($0)") }) })
        let before = try fixture.snapshot([
            .dir("etc", [.file("hosts", text: "hosts")]),
            .dir(
                "home",
                [
                    .dir(
                        "ana",
                        [
                            .file(raw: latin1, Data("same".utf8)), .file("notes.txt", text: "version 1"),
                            .file("old.txt", text: "old, 16 bytes..."), .file("x", text: "a file, then a directory"),
                        ])
                ]),
            shared,
        ])
        let after = try fixture.snapshot([
            .dir("etc", [.file("hosts", text: "hosts", mode: 0o100600)]),
            .dir(
                "home",
                [
                    .dir(
                        "ana",
                        [
                            .file(raw: latin1, Data("changed".utf8)), .file("new.txt", text: "new"),
                            .file("notes.txt", text: "version 2"),
                            .dir("photos", [.file("a.jpg", text: "aaaa"), .file("b.jpg", text: "bbbbbb")]),
                            .dir("x", [.file("inside", text: "i")]),
                        ])
                ]),
            shared,
        ])
        let index = try fixture.repository.loadIndex()
        let diff = try fixture.repository.diff(from: before.snapshot, to: after.snapshot, index: index)
        #expect(
            diff.changes.map(\.line) == [
                "U    /etc/hosts  (mode)",
                "M    /home/ana/caf\\xe9",
                "+    /home/ana/new.txt",
                "M    /home/ana/notes.txt",
                "-    /home/ana/old.txt",
                "+    /home/ana/photos/",
                "+    /home/ana/photos/a.jpg",
                "+    /home/ana/photos/b.jpg",
                "-    /home/ana/x",
                "+    /home/ana/x/",
                "+    /home/ana/x/inside",
            ])
        #expect(diff.totals.added == 6)
        #expect(diff.totals.removed == 2)
        #expect(diff.totals.contentChanged == 2)
        #expect(diff.totals.metadataChanged == 1)
        #expect(diff.totals.addedBytes == 3 + 4 + 6 + 1)
        #expect(diff.totals.removedBytes == 16 + 24)
        #expect(diff.changes[0].metadataFields == ["mode"])
        #expect(diff.changes[1].path == Data("/home/ana/".utf8) + latin1)
        // /srv is compared by ID only: none of its 6 trees is read.
        #expect(diff.subtreesSkipped == 1)
        #expect(diff.treesLoaded == 2 * 4 + 2)  // root, etc, home, ana on both sides; photos and x added
        let record = diff.changes[3].record
        #expect(record.change == .contentChanged)
        #expect(record.sizeBefore == 9 && record.sizeAfter == 9)
        #expect(String(decoding: try JSONEncoder().encode(record), as: UTF8.self).contains(#""change":"content""#))

        // A snapshot against itself: nothing, nothing read.
        let same = try fixture.repository.diff(from: after.snapshot, to: after.snapshot, index: index)
        #expect(same.changes.isEmpty)
        #expect(same.treesLoaded == 0)
    }
}
