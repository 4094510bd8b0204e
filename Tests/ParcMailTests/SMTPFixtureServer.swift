import Foundation
import Testing

/// A real SMTP server (Debian's python3-aiosmtpd, driven by Fixtures/smtp_fixture_server.py) on a loopback port,
/// in its own temporary directory, for the duration of one test.
struct SMTPFixtureServer {
    enum TLSMode: String {
        case none
        case starttls
        case implicit
    }

    struct Options {
        var tls: TLSMode = .none
        var requiresAuth = false
        var excludedAuthMechanisms: [String] = []
        /// "tempfail" answers 451 after the data, "permfail" 554 to MAIL FROM.
        var failure: String?
        /// "endless-line" sends a greeting line that never ends; "starttls-injection" forges a reply after STARTTLS.
        var hostile: String?
    }

    /// A message as the server stored it.
    struct Received {
        var data: [UInt8]
        var file: URL
        var mailFrom: String
        var recipients: [String]
        var overTLS: Bool
    }

    /// Debian's interpreter, where python3-aiosmtpd lives; a `python3` earlier on PATH may be another Python.
    static let python = "/usr/bin/python3"
    static let username = "parc-mailer"
    static let password = "correct horse battery staple"

    let port: Int
    let directory: URL
    let maildir: URL
    /// The self-signed certificate, also usable as the trusted CA file.
    let certificatePath: String

    /// Starts a server, runs `body`, and stops the server whatever happens.
    static func with<T>(
        _ options: Options = Options(),
        _ body: (SMTPFixtureServer) async throws -> T
    ) async throws -> T {
        try requireAiosmtpd()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parcmail-smtp-\(UUID().uuidString)")
        let maildir = directory.appendingPathComponent("maildir")
        try FileManager.default.createDirectory(at: maildir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        if options.tls != .none {
            try makeSelfSignedCertificate(certificate: certificate, key: key, in: directory)
        }

        let readyFile = directory.appendingPathComponent("ready")
        var arguments = [
            try fixturePath("smtp_fixture_server", "py"),
            "--ready-file", readyFile.path,
            "--maildir", maildir.path,
            "--tls", options.tls.rawValue,
            "--user", username,
            "--password", password,
            "--lifetime", "120",
        ]
        if options.tls != .none {
            arguments += ["--cert", certificate, "--key", key]
        }
        if options.requiresAuth {
            arguments.append("--auth")
        }
        for mechanism in options.excludedAuthMechanisms {
            arguments += ["--exclude-auth", mechanism]
        }
        if let failure = options.failure {
            arguments += ["--fail", failure]
        }
        if let hostile = options.hostile {
            arguments += ["--hostile", hostile]
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        defer { stop(process) }

        let port = try await waitForPort(in: readyFile, process: process, log: log)
        let server = SMTPFixtureServer(port: port, directory: directory, maildir: maildir, certificatePath: certificate)
        return try await body(server)
    }

    /// Messages stored so far, oldest first.
    func receivedMessages() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: maildir.path)
            .filter { $0.hasSuffix(".eml") }
            .sorted()
        return try names.map { name in
            let file = maildir.appendingPathComponent(name)
            let envelopeFile = file.deletingPathExtension().appendingPathExtension("json")
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: envelopeFile)) as? [String: Any]
            return Received(
                data: Array(try Data(contentsOf: file)),
                file: file,
                mailFrom: envelope?["mail_from"] as? String ?? "",
                recipients: envelope?["rcpt_tos"] as? [String] ?? [],
                overTLS: envelope?["tls"] as? Bool ?? false
            )
        }
    }

    /// The MAIL, RCPT and AUTH commands the server saw, e.g. "AUTH PLAIN ok".
    func events() -> [String] {
        let text = (try? String(contentsOf: maildir.appendingPathComponent("events.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    static func fixturePath(_ name: String, _ ext: String) throws -> String {
        let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures")
        return try #require(url, "fixture \(name).\(ext) is missing from the test bundle").path
    }

    /// Fails the test, never skips it, when the server cannot run: a silently skipped test proves nothing.
    static func requireAiosmtpd() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import aiosmtpd"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        var installed = false
        if FileManager.default.isExecutableFile(atPath: python), (try? probe.run()) != nil {
            probe.waitUntilExit()
            installed = probe.terminationStatus == 0
        }
        let missing =
            "python3-aiosmtpd is not installed (needed for the real SMTP server these tests use): run "
            + "scripts/test, which installs it, or apt-get install -y python3-aiosmtpd"
        try #require(installed, Comment(rawValue: missing))
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
            "openssl is not installed (needed to make the test certificate): run scripts/test, which installs it"
        )
    }

    private static func makeSelfSignedCertificate(certificate: String, key: String, in directory: URL) throws {
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not create the test certificate")
    }

    private static func waitForPort(in readyFile: URL, process: Process, log: URL) async throws -> Int {
        // Generous: the whole suite runs in parallel on two cores, and Python, aiosmtpd and the
        // certificates can take long to come up when the machine is busy. A readiness wait, not a timing check.
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: readyFile, encoding: .utf8), let port = Int(text) {
                return port
            }
            if !process.isRunning {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                Issue.record("the SMTP fixture server exited before listening:\n\(output)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the SMTP fixture server did not listen within 180 seconds")
        throw CancellationError()
    }

    private static func stop(_ process: Process) {
        guard process.isRunning else {
            return
        }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }
}
