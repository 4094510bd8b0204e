import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sample a repository's dictionary is trained from (format §6a): whole small regular files
/// under the paths being backed up, taken breadth first and a few per directory, so that the
/// sample spreads over the tree instead of filling up in its first directory. When the whole
/// tree was listed and the sample is not full, the files passed over are taken too.
///
/// Follows the run's rules: excluded names and paths are skipped, symbolic links never followed,
/// other file systems left alone with `--one-file-system`. Anything unreadable is skipped
/// silently (the run itself reports it). Bounded: 1 MiB, 4,096 files, 1,024 directories, the first
/// 256 names of each.
struct DictionarySampler {
    let excludes: ExcludeRules
    let oneFileSystem: Bool
    var sampleBytes = 1 << 20
    var maxFiles = 4096
    var maxDirectories = 1024
    var filesPerDirectory = 4
    /// Entries looked at per directory (by name): a directory of 100,000 files costs no more than one of 256.
    var entriesPerDirectory = 256

    /// Whole contents of small files (64 bytes to the dictionary limit) under `paths`.
    func sample(paths: [[UInt8]]) -> [Data] {
        var samples: [Data] = []
        var total = 0
        // Directories to list, with the device of the backed-up path they are under.
        var queue: [(path: [UInt8], device: UInt64)] = []
        var next = 0
        func take(_ path: [UInt8], status: ArchiveFileStatus) -> Bool {
            guard status.nodeType == .file, status.size >= 64, status.size < UInt64(BlobCompressor.dictionaryLimit),
                let bytes = Self.contents(of: path, size: Int(status.size))
            else { return false }
            samples.append(bytes)
            total += bytes.count
            return true
        }
        for path in paths {
            guard let status = try? ArchiveFileSystem.linkStatus(path) else { continue }
            if status.nodeType == .dir {
                queue.append((path, status.device))
            } else {
                _ = take(path, status: status)
            }
        }
        // Files passed over because their directory had given its share: taken in a second pass
        // if the whole tree was listed before the sample was full (a small tree of few directories).
        var passedOver: [(path: [UInt8], status: ArchiveFileStatus)] = []
        func full() -> Bool { total >= sampleBytes || samples.count >= maxFiles }
        while next < queue.count, next < maxDirectories, !full() {
            let (directory, device) = queue[next]
            next += 1
            guard let names = try? ArchiveFileSystem.listDirectory(directory) else { continue }
            var taken = 0
            for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }).prefix(entriesPerDirectory) {
                let path = ArchivePathPlan.child(directory, name)
                guard !excludes.excludes(name: name, path: path),
                    let status = try? ArchiveFileSystem.linkStatus(path)
                else { continue }
                if status.nodeType == .dir {
                    if ArchiveFileSystemBoundary.descends(
                        directoryDevice: status.device, backedUpPathDevice: device, oneFileSystem: oneFileSystem)
                    {
                        queue.append((path, device))
                    }
                } else if taken >= filesPerDirectory {
                    if passedOver.count < maxFiles { passedOver.append((path, status)) }
                } else if !full(), take(path, status: status) {
                    taken += 1
                }
            }
        }
        if next == queue.count {
            for (path, status) in passedOver where !full() { _ = take(path, status: status) }
        }
        return samples
    }

    /// The whole file, or nil when it cannot be read or is not `size` bytes any more.
    private static func contents(of path: [UInt8], size: Int) -> Data? {
        guard let descriptor = try? ArchiveFileSystem.openFile(path) else { return nil }
        defer { close(descriptor) }
        var bytes = Data(count: size)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, size) }
        guard count == size else { return nil }
        return bytes
    }
}
