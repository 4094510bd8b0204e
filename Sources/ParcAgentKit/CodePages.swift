#if canImport(Glibc)
    import Glibc
#endif

/// How the agent keeps its resident memory to the code it runs.
public enum CodePages {
    /// Asks the kernel to map the pages of the program's and its libraries' files one by one, as they are used
    /// (`madvise(MADV_RANDOM)` on every read-only file mapping), instead of the 64 KiB around each page touched
    /// ("fault-around"). A Swift binary with Foundation spreads what a command runs over tens of megabytes of
    /// code: mapped 64 KiB at a time, most of what becomes resident is never executed. Costs more page faults of
    /// cached pages, saves megabytes (docs/benchmarks.md, decision 0024).
    public static func mapOnDemand() {
        #if canImport(Glibc)
            guard let file = fopen("/proc/self/maps", "r") else { return }
            defer { fclose(file) }
            var buffer = [CChar](repeating: 0, count: 4096)
            while fgets(&buffer, Int32(buffer.count), file) != nil {
                let line = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                // start-end permissions offset device inode path
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count >= 6, fields[4] != "0", fields[1].dropFirst().first == "-" else { continue }
                let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
                guard bounds.count == 2, bounds[1] > bounds[0] else { continue }
                // Writable mappings are private copies already: only read-only and code pages are fault-around's.
                madvise(UnsafeMutableRawPointer(bitPattern: bounds[0]), Int(bounds[1] - bounds[0]), MADV_RANDOM)
            }
        #endif
    }
}
