import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started by a test (`parc serve`, `chromedriver`), its output kept in a log file so
/// that a failure can show what the process said.
final class LaunchedProcess: @unchecked Sendable {
    let name: String
    let logFile: URL
    private let process: Process

    /// Starts `executable` with `arguments`; standard output and error go to `logFile`.
    init(_ name: String, executable: URL, arguments: [String], environment: [String: String]? = nil,
         logFile: URL) throws {
        self.name = name
        self.logFile = logFile
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw TestProcessError("could not start \(name) (\(executable.path)): \(error)")
        }
        try? log.close()
    }

    var isRunning: Bool { process.isRunning }

    /// Everything the process printed so far (the last `limit` characters).
    func output(limit: Int = 6_000) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.count > limit ? "…" + String(text.suffix(limit)) : text
    }

    /// Sends SIGTERM, waits up to `timeout` seconds, then SIGKILL. Returns the exit status, or nil
    /// when the process had to be killed.
    @discardableResult
    func terminate(timeout: Double = 15) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        if await waitForExit(timeout: timeout) {
            return process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
        }
        kill(process.processIdentifier, SIGKILL)
        _ = await waitForExit(timeout: 5)
        return nil
    }

    /// Polls until the process has exited; false after `timeout` seconds.
    func waitForExit(timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// Runs a command to its end with `input` on standard input; returns its status and output.
    static func run(_ executable: URL, _ arguments: [String], input: String, environment: [String: String]? = nil,
                    timeout: Double = 60) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        // Read on another thread so a chatty command never blocks on a full pipe.
        let reader = Task.detached { stdout.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw TestProcessError("\(executable.lastPathComponent) \(arguments.first ?? "") did not finish in \(Int(timeout)) s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let output = String(decoding: await reader.value, as: UTF8.self)
        return (process.terminationStatus, output)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it).
    static func freeLoopbackPort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestProcessError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw TestProcessError("could not bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A failure to start, reach or stop a test's child process, with what to do about it.
struct TestProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
