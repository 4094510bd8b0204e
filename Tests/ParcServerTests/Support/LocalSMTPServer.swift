import Foundation
import Testing

/// A real SMTP server on loopback: Debian's aiosmtpd, through the fixture script the ParcMail
/// tests use (Tests/ParcMailTests/Fixtures/smtp_fixture_server.py).
struct LocalSMTPServer {
    let port: Int
    let maildir: URL

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ParcMailTests/Fixtures/smtp_fixture_server.py")
    }

    static func with(_ body: (LocalSMTPServer) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parc-smtp-\(UUID().uuidString)")
        let maildir = directory.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: maildir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ready = directory.appendingPathComponent("ready")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, "--ready-file", ready.path, "--maildir", maildir.path, "--lifetime", "900"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The lifetime is a safety net only (the server is stopped below): a loaded machine can
        // take over a minute between start and delivery.
        defer { process.terminate(); process.waitUntilExit() }
        var port: Int?
        for _ in 0..<100 {
            if let text = try? String(contentsOf: ready, encoding: .utf8), let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                port = value
                break
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard let port else {
            Issue.record("The local SMTP server did not start: install python3-aiosmtpd (scripts/test does it).")
            return
        }
        try await body(LocalSMTPServer(port: port, maildir: maildir))
    }

    /// The raw messages received so far.
    func receivedMessages() throws -> [String] {
        try FileManager.default.contentsOfDirectory(at: maildir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }
            .map { try String(contentsOf: $0, encoding: .utf8) }
    }

    static func freePort() throws -> Int {
        let probe = Process()
        let pipe = Pipe()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        probe.arguments = ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]
        probe.standardOutput = pipe
        try probe.run()
        probe.waitUntilExit()
        return Int(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1
    }
}
