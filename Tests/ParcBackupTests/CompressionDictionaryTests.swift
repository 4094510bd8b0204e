import Foundation
@testable import ParcBackup
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Text like small configuration files and logs: lines built from a shared vocabulary, different
/// in every file (what a dictionary is for).
func dictionaryFixtureText(_ size: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
    func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    let words = [
        "sshd", "cron", "kernel", "systemd", "session", "opened", "closed", "for", "user", "root", "accepted",
        "publickey", "from", "port", "started", "stopped", "network", "interface", "eth0", "address", "lease",
        "renewed", "backup", "completed", "warning", "error", "disk", "usage", "printer", "queue", "spooler",
        "listen", "timeout", "enabled", "disabled", "path", "/var/log", "/etc/ssh", "yes", "no",
    ]
    var text = ""
    while text.utf8.count < size {
        let month = next() % 12 + 1
        let day = next() % 28 + 1
        let service = words[Int(next() % 4)]
        var line = "2026-\(month)-\(day) srv\(next() % 40) \(service)[\(next() % 99_999)]:"
        for _ in 0..<(4 + next() % 8) { line += " " + words[Int(next() % UInt64(words.count))] }
        text += line + "\n"
    }
    return Array(text.utf8.prefix(size))
}

@Suite("Compression dictionaries (format 3)")
struct CompressionDictionaryTests {
    static let key = RepositoryKey.generate()

    static func samples(_ count: Int, seed: UInt64 = 1) -> [Data] {
        (0..<count).map { Data(dictionaryFixtureText(1000 + Int($0 % 7) * 900, seed: seed &+ UInt64($0))) }
    }

    @Test("a dictionary trained from small files shrinks them beyond zstd alone, and they read back")
    func trainAndRoundTrip() throws {
        let dictionary = try #require(CompressionDictionary.train(samples: Self.samples(200), zstdID: 40_000))
        #expect(dictionary.zstdID == 40_000)
        #expect(dictionary.bytes.count <= CompressionDictionary.trainedSize)
        let dictionaries = CompressionDictionaries()
        dictionaries.add(dictionary, name: "a")
        var withDictionary = 0
        var without = 0
        for seed in 1000..<1050 as Range<UInt64> {
            let text = Data(dictionaryFixtureText(3000, seed: seed))
            let id = ObjectID.hash(text)
            let sealed = try PackWriter.seal(
                text, type: .data, id: id, key: Self.key, compressor: .zstd(level: 2, dictionary: dictionary))
            #expect(sealed.compression == .zstdDictionary)
            let plain = try PackWriter.seal(text, type: .data, id: id, key: Self.key, compressor: .zstd(level: 3))
            #expect(plain.compression == .zstd)
            withDictionary += sealed.sealed.count
            without += plain.sealed.count
            let entry = PackEntry(
                type: .data, compression: sealed.compression, offset: 0, length: UInt32(sealed.sealed.count),
                rawLength: sealed.rawLength, id: id)
            let opened = try PackReader.openBlob(
                entry, sealed: sealed.sealed, pack: id, key: Self.key, dictionaries: dictionaries)
            #expect(opened == text)
        }
        #expect(Double(withDictionary) < Double(without) * 0.9, "\(withDictionary) against \(without)")
    }

    @Test("trees and data blobs of a chunk's size never use the dictionary; incompressible blobs stay raw")
    func whichBlobs() throws {
        let dictionary = try #require(CompressionDictionary.train(samples: Self.samples(100), zstdID: 40_001))
        let compressor = BlobCompressor.zstd(level: 2, dictionary: dictionary)
        let text = Data(dictionaryFixtureText(4000, seed: 7))
        let tree = try PackWriter.seal(text, type: .tree, id: ObjectID.hash(text), key: Self.key, compressor: compressor)
        #expect(tree.compression == .zstd)
        let large = Data(dictionaryFixtureText(BlobCompressor.dictionaryLimit, seed: 8))
        let chunk = try PackWriter.seal(
            large, type: .data, id: ObjectID.hash(large), key: Self.key, compressor: compressor)
        #expect(chunk.compression == .zstd)
        let noise = Data(archiveFixtureBytes(5000, seed: 9))
        let raw = try PackWriter.seal(noise, type: .data, id: ObjectID.hash(noise), key: Self.key, compressor: compressor)
        #expect(raw.compression == .none)
        #expect(raw.sealed.count == noise.count + RepositoryKey.overhead)
    }

    @Test("too small a sample makes no dictionary")
    func tooFewSamples() {
        #expect(CompressionDictionary.train(samples: Self.samples(10), zstdID: 40_002) == nil)
        #expect(CompressionDictionary.train(samples: Array(repeating: Data("ab".utf8), count: 100), zstdID: 40_003) == nil)
        #expect(CompressionDictionary.train(samples: Self.samples(100), zstdID: 12) == nil, "IDs under 32768 are zstd's")
    }

    @Test("hostile dictionary bytes are refused with an error, never loaded")
    func hostileDictionaries() throws {
        let real = try #require(CompressionDictionary.train(samples: Self.samples(100), zstdID: 40_004)).bytes
        var garbledTables = real
        for offset in 8..<min(200, garbledTables.count) { garbledTables[offset] ^= 0xFF }
        let cases: [(String, Data)] = [
            ("empty", Data()),
            ("random", Data(archiveFixtureBytes(4096, seed: 3))),
            ("truncated", real.prefix(40)),
            ("garbled tables", garbledTables),
            ("ID zero", Data([0x37, 0xA4, 0x30, 0xEC, 0, 0, 0, 0]) + real.dropFirst(8)),
            ("oversized", Data(count: CompressionDictionary.largestAccepted + 1)),
        ]
        for (name, bytes) in cases {
            #expect(throws: CompressionError.self, "\(name)") { _ = try CompressionDictionary(bytes: bytes) }
        }
    }

    @Test("a blob whose dictionary is missing or wrong fails with its ID and the reason")
    func missingOrWrongDictionary() throws {
        let dictionary = try #require(CompressionDictionary.train(samples: Self.samples(150), zstdID: 40_005))
        let text = Data(dictionaryFixtureText(2000, seed: 77))
        let id = ObjectID.hash(text)
        let sealed = try PackWriter.seal(
            text, type: .data, id: id, key: Self.key, compressor: .zstd(level: 2, dictionary: dictionary))
        let entry = PackEntry(
            type: .data, compression: .zstdDictionary, offset: 0, length: UInt32(sealed.sealed.count),
            rawLength: sealed.rawLength, id: id)
        do {
            _ = try PackReader.openBlob(entry, sealed: sealed.sealed, pack: id, key: Self.key, dictionaries: .none)
            Issue.record("read without its dictionary")
        } catch {
            #expect("\(error)".contains("needs dictionary 40005"), "\(error)")
            #expect("\(error)".contains(id.hex), "\(error)")
        }
        // Another dictionary that drew the same ID: tried, and refused by the SHA-256 (or zstd).
        let other = try #require(
            CompressionDictionary.train(samples: Self.samples(150, seed: 9000).map { Data($0.reversed()) }, zstdID: 40_005))
        let impostor = CompressionDictionaries()
        impostor.add(other, name: "b")
        #expect(throws: PackError.self) {
            _ = try PackReader.openBlob(entry, sealed: sealed.sealed, pack: id, key: Self.key, dictionaries: impostor)
        }
        // Both: the right one is found whatever the order.
        impostor.add(dictionary, name: "a")
        #expect(try PackReader.openBlob(entry, sealed: sealed.sealed, pack: id, key: Self.key, dictionaries: impostor) == text)
        // A plain zstd frame marked as a dictionary frame names no dictionary.
        let plain = try PackWriter.seal(text, type: .data, id: id, key: Self.key, compressor: .zstd(level: 3))
        let mislabelled = PackEntry(
            type: .data, compression: .zstdDictionary, offset: 0, length: UInt32(plain.sealed.count),
            rawLength: plain.rawLength, id: id)
        #expect(throws: PackError.self) {
            _ = try PackReader.openBlob(mislabelled, sealed: plain.sealed, pack: id, key: Self.key, dictionaries: impostor)
        }
    }

    @Test("the sample spreads over directories, follows the excludes and never follows links")
    func sampler() throws {
        let workspace = try ArchiveWorkspace()
        for directory in 0..<6 {
            for file in 0..<10 {
                try workspace.write("d\(directory)/f\(file).log", dictionaryFixtureText(500, seed: UInt64(directory * 100 + file)))
            }
        }
        try workspace.write("d0/secret.key", dictionaryFixtureText(500, seed: 999))
        try workspace.write("d1/large.bin", archiveFixtureBytes(BlobCompressor.dictionaryLimit, seed: 5))
        try workspace.write("d2/tiny", [1, 2, 3])
        let outside = try workspace.write("../outside.txt", dictionaryFixtureText(500, seed: 1234))
        #expect(symlink(outside, workspace.path("d3/link.txt")) == 0)
        let sampler = DictionarySampler(excludes: ExcludeRules(["*.key"]), oneFileSystem: false)
        func files(_ range: Range<Int>) -> Set<Data> {
            Set((0..<6).flatMap { directory in
                range.map { Data(dictionaryFixtureText(500, seed: UInt64(directory * 100 + $0))) }
            })
        }
        // The whole tree fits: every eligible file, and nothing else.
        let all = sampler.sample(paths: [Array(workspace.data.utf8)])
        #expect(all.count == 60)
        #expect(Set(all) == files(0..<10))
        // A sample of 24 files: the first 4 of each directory, not the 24 of the first directories.
        var bounded = sampler
        bounded.sampleBytes = 24 * 500
        #expect(Set(bounded.sample(paths: [Array(workspace.data.utf8)])) == files(0..<4))
        bounded.sampleBytes = 1200
        #expect(bounded.sample(paths: [Array(workspace.data.utf8)]).count == 3)
    }

    @Test("a format 3 backup trains one dictionary, stores it first, uses it for small files; format 2 never")
    func backupUsesDictionary() throws {
        for version in [2, 3] {
            let workspace = try ArchiveWorkspace(formatVersion: version)
            for file in 0..<60 {
                try workspace.write("etc/conf\(file % 3)/file\(file).conf", dictionaryFixtureText(1500, seed: UInt64(file)))
            }
            try workspace.write("big.img", archiveFixtureBytes(200_000, seed: 4) + dictionaryFixtureText(100_000, seed: 5))
            let first = try workspace.backup()
            let dictionaryFiles = try workspace.repository.storage.list(.dictionary)
            let index = try workspace.repository.loadIndex()
            let modes = Set(index.packIDs.flatMap { index.entries(inPack: $0) }.map(\.compression))
            if version == 2 {
                #expect(dictionaryFiles.isEmpty)
                #expect(!modes.contains(.zstdDictionary))
                continue
            }
            #expect(dictionaryFiles.count == 1)
            #expect(modes.contains(.zstdDictionary) && modes.contains(.zstd))
            #expect(try workspace.verifyContents(of: first) == 61)

            // The next runs use it and train no other, also after everything was forgotten and pruned.
            try workspace.write("etc/conf0/new.conf", dictionaryFixtureText(1500, seed: 500))
            let second = try workspace.backup(method: .incremental)
            #expect(try workspace.repository.storage.list(.dictionary) == dictionaryFiles)
            let reopened = try Repository.open(storage: workspace.repository.storage, passphrase: "archive")
            #expect(reopened.dictionaries.byName.map(\.name) == dictionaryFiles)
            let stats = try reopened.stats()
            let dictionarySize = try reopened.storage.size(.dictionary, name: dictionaryFiles[0])
            #expect(stats.dictionaryBytes == UInt64(dictionarySize))
            #expect(stats.storedBytes == stats.packBytes + stats.indexBytes + stats.snapshotBytes + stats.dictionaryBytes)
            #expect(try ArchiveSnapshotReader(repository: reopened).verify(
                tree: second.snapshot.tree, path: [UInt8(ascii: "/")], skipping: []) == 62)
            _ = try reopened.forget(snapshots: [first.snapshotID, second.snapshotID])
            _ = try reopened.prune()
            #expect(try reopened.storage.list(.dictionary) == dictionaryFiles)
            let third = try workspace.backup()
            #expect(try workspace.repository.storage.list(.dictionary) == dictionaryFiles)
            #expect(try workspace.verifyContents(of: third) == 62)
        }
    }

    @Test("a first backup with too few small files trains none; the next one with enough does")
    func dictionaryLater() throws {
        let workspace = try ArchiveWorkspace()
        for file in 0..<3 { try workspace.write("few/f\(file).txt", dictionaryFixtureText(2000, seed: UInt64(file))) }
        try workspace.write("disk.img", archiveFixtureBytes(300_000, seed: 1))
        let first = try workspace.backup()
        #expect(try workspace.repository.storage.list(.dictionary).isEmpty)
        for file in 0..<40 { try workspace.write("many/m\(file).txt", dictionaryFixtureText(2000, seed: UInt64(100 + file))) }
        let second = try workspace.backup(method: .incremental)
        #expect(try workspace.repository.storage.list(.dictionary).count == 1)
        let reopened = try Repository.open(storage: workspace.repository.storage, passphrase: "archive")
        let reader = try ArchiveSnapshotReader(repository: reopened)
        #expect(try reader.verify(tree: first.snapshot.tree, path: [UInt8(ascii: "/")], skipping: []) == 4)
        #expect(try reader.verify(tree: second.snapshot.tree, path: [UInt8(ascii: "/")], skipping: []) == 44)
    }

    @Test("a lost or damaged dictionary: check names it, --read-data names the files, the rest restores")
    func damagedDictionary() throws {
        let workspace = try ArchiveWorkspace()
        for file in 0..<40 {
            try workspace.write("notes/n\(file).txt", dictionaryFixtureText(2000, seed: UInt64(file)))
        }
        try workspace.write("photo.raw", archiveFixtureBytes(300_000, seed: 6))
        let result = try workspace.backup()
        let storage = workspace.repository.storage
        let name = try #require(try storage.list(.dictionary).first)
        let stored = try storage.read(.dictionary, name: name)

        // Damaged: the repository still opens; check reports the file.
        var flipped = stored
        flipped[flipped.count / 2] ^= 0x01
        try storage.remove(.dictionary, name: name)
        try storage.write(.dictionary, name: name, data: flipped)
        let damaged = try Repository.open(storage: storage, passphrase: "archive")
        let structure = try damaged.check(CheckOptions())
        #expect(structure.errors.map(\.kind).contains(.dictionaryFileDamaged))
        #expect(structure.errors.map(\.kind).contains(.dictionaryMissing))

        // Lost: check says so; --read-data names each small file, and the photo is not among them.
        try storage.remove(.dictionary, name: name)
        let lost = try Repository.open(storage: storage, passphrase: "archive")
        #expect(try lost.check(CheckOptions()).errors.map(\.kind) == [.dictionaryMissing])
        let report = try lost.check(CheckOptions(readData: true))
        let files = Set(report.errors.flatMap(\.affected).flatMap(\.files))
        let expected = Set((0..<40).map { workspace.path("notes/n\($0).txt") })
        #expect(files == expected)
        let target = workspace.root + "/restore"
        let restored = try Restorer(
            repository: lost, index: lost.loadIndex(), snapshot: result.snapshot,
            options: RestoreOptions(target: target, include: [workspace.path("photo.raw")])
        ).run()
        #expect(restored.issues.isEmpty, "\(restored.issues)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target + workspace.path("photo.raw")))
            == Data(archiveFixtureBytes(300_000, seed: 6)))

        // Put back: healthy again.
        try storage.write(.dictionary, name: name, data: stored)
        let mended = try Repository.open(storage: storage, passphrase: "archive")
        #expect(try mended.check(CheckOptions(readData: true)).isHealthy)
    }
}
