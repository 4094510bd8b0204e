import Foundation
import ParcAgentKit
import Testing

@Suite("Code pages mapped on demand")
struct CodePagesTests {
    /// The VmFlags of every file mapping of this process that is not writable, by its first line.
    static func readOnlyFileMappingFlags() throws -> [String: String] {
        // Foundation stops at the size /proc announces; the agent's reader goes to the end.
        let smaps = String(decoding: try #require(SystemFiles().bytes("/proc/self/smaps", limit: 64 << 20)), as: UTF8.self)
        var flags: [String: String] = [:]
        var current: String?
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 6, first.first?.isHexDigit == true {
                current = fields[4] != "0" && fields[1].dropFirst().first == "-" ? String(line) : nil
            } else if let mapping = current, line.hasPrefix("VmFlags:") {
                flags[mapping] = String(line.dropFirst("VmFlags:".count))
            }
        }
        return flags
    }

    @Test("every read-only file mapping is marked for random access (no fault-around), writable ones are left alone")
    func markedRandom() throws {
        CodePages.mapOnDemand()
        let flags = try Self.readOnlyFileMappingFlags()
        #expect(flags.count > 5, "the test runner maps its libraries")
        // "ac" marks a private copy (a library's relocated data, made read-only after): not shared file pages.
        let unmarked = flags.filter {
            let words = $0.value.split(separator: " ")
            return !words.contains("rr") && !words.contains("ac")
        }
        #expect(unmarked.isEmpty, "\(unmarked.keys.prefix(3))")
    }
}
