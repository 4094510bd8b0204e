import Foundation
import Testing

@testable import ParcMail

/// A real IMAP server, Debian's Dovecot (dovecot-imapd), on two loopback ports in its own temporary directory for
/// the duration of one test: plain with STARTTLS, and implicit TLS with a self-signed certificate that is also the
/// test CA. Fixtures/dovecot_fixture.sh does the setup.
struct DovecotFixtureServer {
    static let login = "helpdesk"
    static let password = "correct horse battery staple"

    let plainPort: Int
    let tlsPort: Int
    let directory: URL
    /// The self-signed certificate, to use as the trusted CA file.
    let certificatePath: String
    private let script: String
    private let process: Process

    /// Starts a server, runs `body`, and stops the server whatever happens.
    static func with<T>(_ body: (DovecotFixtureServer) async throws -> T) async throws -> T {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot"),
            Comment(rawValue: "dovecot-imapd is not installed (the real IMAP server these tests use): run scripts/test, "
                + "which installs it, or apt-get install -y dovecot-imapd")
        )
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parcmail-imap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = try SMTPFixtureServer.fixturePath("dovecot_fixture", "sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, directory.path, login, password]
        defer { stop(process, script: script, directory: directory) }
        let log = directory.appendingPathExtension("log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let ports = try await waitForPorts(directory.appendingPathComponent("ready"), process: process, log: log)
        let server = DovecotFixtureServer(
            plainPort: ports.0,
            tlsPort: ports.1,
            directory: directory,
            certificatePath: directory.appendingPathComponent("cert.pem").path,
            script: script,
            process: process
        )
        return try await body(server)
    }

    /// A configuration for the test account.
    func configuration(
        security: IMAPConfiguration.Security = .tls,
        host: String = "127.0.0.1",
        password: String = Self.password,
        authentication: IMAPConfiguration.Authentication = .plain,
        maximumMessageSize: Int = 1024 * 1024,
        trustCA: Bool = true
    ) -> IMAPConfiguration {
        IMAPConfiguration(
            host: host,
            port: security == .tls ? tlsPort : plainPort,
            security: security,
            tls: .init(trustedCAFile: trustCA ? certificatePath : nil),
            credentials: .init(username: Self.login, password: password),
            authentication: authentication,
            maximumMessageSize: maximumMessageSize,
            commandTimeout: .seconds(30)
        )
    }

    /// Delivers messages the way an MTA does, by writing files into the account's Maildir `new` directory.
    func deliver(_ messages: [String]) throws {
        let maildir = directory.appendingPathComponent("home/\(Self.login)/Maildir/new")
        for (index, message) in messages.enumerated() {
            let name = "\(Int(Date().timeIntervalSince1970)).P\(getpid())Q\(index)_\(UUID().uuidString.prefix(8)).parc"
            let file = maildir.appendingPathComponent(name)
            try Data(message.utf8).write(to: file)
            // Dovecot runs as the unprivileged "dovecot" user when the tests run as root.
            if getuid() == 0 {
                _ = chownToDovecot(file.path)
            }
        }
    }

    /// Whether the server still runs.
    var isRunning: Bool { process.isRunning }

    /// Kills the server and its client sessions at once: the server going away.
    func stop() {
        Self.stop(process, script: script, directory: directory)
    }

    private func chownToDovecot(_ path: String) -> Bool {
        guard let user = getpwnam("dovecot") else {
            return false
        }
        return chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0
    }

    private static func waitForPorts(_ ready: URL, process: Process, log: URL) async throws -> (Int, Int) {
        // A readiness wait on a busy two-core machine, not a timing check.
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: ready, encoding: .utf8) {
                let ports = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
                if ports.count == 2 {
                    return (ports[0], ports[1])
                }
            }
            if !process.isRunning {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                Issue.record("the Dovecot fixture exited before listening:\n\(output)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the Dovecot fixture did not listen within 120 seconds")
        throw CancellationError()
    }

    private static func stop(_ process: Process, script: String, directory: URL) {
        if process.isRunning {
            let stopper = Process()
            stopper.executableURL = URL(fileURLWithPath: "/bin/bash")
            stopper.arguments = [script, "--stop", directory.path]
            if (try? stopper.run()) != nil {
                stopper.waitUntilExit()
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }
}
