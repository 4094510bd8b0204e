import Foundation

@testable import ParcAgentKit

#if canImport(Glibc)
    import Glibc
#endif

/// A machine's files in a temporary directory, and an ``InventoryEnvironment`` that reads them with fixed answers
/// for the rest (kernel, addresses, file-system usage, commands), so collectors run against any machine, odd or
/// hostile, without being one.
final class FakeMachine {
    let directory: AgentTempDirectory
    var root: String { directory.path }

    init() throws {
        directory = try AgentTempDirectory("fake-machine")
    }

    /// Writes a file (creating its directories).
    func write(_ path: String, _ text: String, mode: Int = 0o644) throws {
        try write(path, Data(text.utf8), mode: mode)
    }

    func write(_ path: String, _ data: Data, mode: Int = 0o644) throws {
        let url = URL(fileURLWithPath: root + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    /// Creates a directory.
    func directory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: root + path, withIntermediateDirectories: true)
    }

    /// A symbolic link at `path` to `target`, written as given (relative links resolve inside the tree).
    func link(_ path: String, to target: String) throws {
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: root + path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + path, withDestinationPath: target)
    }

    /// Sets a file's modification time.
    func touch(_ path: String, at seconds: Int) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: TimeInterval(seconds))], ofItemAtPath: root + path)
    }

    /// A named pipe where a file is expected: reading it the usual way would block for ever.
    func fifo(_ path: String) throws {
        try directory(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        guard mkfifo(root + path, 0o644) == 0 else { throw AgentTestError("mkfifo \(path) failed") }
    }

    /// The environment: files under the tree (those in `denied` refuse to be read, as root-only files do for a
    /// user), and the given answers for the rest.
    func environment(
        isRoot: Bool = true, denied: Set<String> = [], hostName: String = "pc-compta-01", machine: String = "x86_64",
        addresses: [InventoryEnvironment.InterfaceAddress] = [],
        usage: [String: InventoryEnvironment.FileSystemUsage] = [:],
        commands: [String: InventoryEnvironment.CommandResult] = [:], timeZone: String = "Europe/Paris"
    ) -> InventoryEnvironment {
        var files = SystemFiles(root: root)
        let root = self.root
        let stream = files.streamFile
        files.streamFile = { path, limit, body in
            denied.contains(String(path.dropFirst(root.count))) ? .denied : stream(path, limit, body)
        }
        return InventoryEnvironment(
            files: files, isRoot: isRoot, now: Date(timeIntervalSince1970: 1_796_000_000),
            timeZone: LocalTimeZone(TimeZone(identifier: timeZone)!),
            kernel: .init(
                name: "Linux", hostName: hostName, release: "6.1.0-28-amd64",
                version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1", machine: machine),
            interfaceAddresses: { addresses }, fileSystemUsage: { mountPoint, _ in usage[mountPoint] },
            runCommand: { executable, _, _ in commands[executable] })
    }
}
