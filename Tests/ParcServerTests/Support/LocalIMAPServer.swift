import Foundation
import Testing

/// A real IMAP server on loopback: Debian's Dovecot, through the fixture script the ParcMail tests use
/// (Tests/ParcMailTests/Fixtures/dovecot_fixture.sh): one account, plain+STARTTLS and implicit-TLS ports, a
/// self-signed certificate that is also the test CA.
struct LocalIMAPServer {
    static let login = "support"
    static let password = "imap test password"

    let plainPort: Int
    let tlsPort: Int
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    let process: LaunchedProcess

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ParcMailTests/Fixtures/dovecot_fixture.sh")
    }

    static func with(_ body: (LocalIMAPServer) async throws -> Void) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot"),
                     "dovecot-imapd is not installed: scripts/test installs it (apt-get install -y dovecot-imapd)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parc-imap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathExtension("log")
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: log)
        }
        let process = try LaunchedProcess("dovecot", executable: URL(fileURLWithPath: "/bin/bash"),
                                          arguments: [script.path, directory.path, login, password], logFile: log)
        var ports: [Int] = []
        let deadline = Date().addingTimeInterval(120)
        while ports.count != 2 && Date() < deadline && process.isRunning {
            if let text = try? String(contentsOf: directory.appendingPathComponent("ready"), encoding: .utf8) {
                ports = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            }
            if ports.count != 2 { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard ports.count == 2 else {
            _ = try? await LaunchedProcess.run(URL(fileURLWithPath: "/bin/bash"),
                                               [script.path, "--stop", directory.path], input: "")
            await process.terminate()
            throw TestProcessError("Dovecot did not start; its output:\n\(process.output())")
        }
        let server = LocalIMAPServer(plainPort: ports[0], tlsPort: ports[1], directory: directory, process: process)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Kills Dovecot and its client sessions at once (the fixture's --stop), then waits for it to be gone.
    func stop() async {
        _ = try? await LaunchedProcess.run(URL(fileURLWithPath: "/bin/bash"),
                                           [Self.script.path, "--stop", directory.path], input: "")
        await process.terminate()
    }

    /// Delivers messages as an MTA does: files in the account's Maildir `new` directory.
    func deliver(_ messages: [String]) throws {
        let maildir = directory.appendingPathComponent("home/\(Self.login)/Maildir/new")
        for (index, message) in messages.enumerated() {
            let file = maildir.appendingPathComponent("\(Int(Date().timeIntervalSince1970)).Q\(index)_\(UUID().uuidString.prefix(8)).parc")
            try Data(message.utf8).write(to: file)
            if getuid() == 0, let user = getpwnam("dovecot") {
                chown(file.path, user.pointee.pw_uid, user.pointee.pw_gid)
            }
        }
    }

    /// The mailbox settings of the test account, as the API takes them.
    func mailboxJSON(entityID: UUID, name: String = "Support", extra: String = "") -> String {
        """
        {"entity_id":"\(entityID)","name":"\(name)","host":"127.0.0.1","port":\(tlsPort),"security":"tls",
         "trusted_ca_file":"\(certificatePath)","login":"\(Self.login)","password":"\(Self.password)"\(extra)}
        """
    }
}
