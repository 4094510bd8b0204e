import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `parc` executable serving a throwaway SQLite data directory on a free loopback port, as an
/// administrator would run it.
struct ParcServeProcess: Sendable {
    let baseURL: URL
    let dataDirectory: URL
    private let process: LaunchedProcess

    func url(_ path: String) -> URL { URL(string: path, relativeTo: baseURL)!.absoluteURL }

    var log: String { process.output() }

    /// Creates a temp data directory with a super-admin account (`parc admin create-user`), starts
    /// `parc serve` on it, runs `body`, then stops the server with SIGTERM — expecting exit status 0,
    /// the clean shutdown the README promises — and removes the directory, whatever happens.
    static func with(login: String, password: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: (ParcServeProcess) async throws -> Void) async throws {
        let executable = try locateExecutable()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parc-browser-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDirectory = directory.appendingPathComponent("data", isDirectory: true)
        // The server reads its settings from PARC_* variables too; the test's flags alone must count.
        let environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("PARC_") && $0.key != "DATABASE_URL"
        }

        let created = try await LaunchedProcess.run(
            executable,
            ["admin", "create-user", "--data-dir", dataDirectory.path, "--login", login, "--role", "super-admin",
             "--password-stdin"],
            input: password + "\n", environment: environment)
        guard created.status == 0 else {
            throw TestProcessError("parc admin create-user exited with \(created.status):\n\(created.output)")
        }

        let port = try LaunchedProcess.freeLoopbackPort()
        let process = try LaunchedProcess(
            "parc serve", executable: executable,
            arguments: ["serve", "--data-dir", dataDirectory.path, "--host", "127.0.0.1", "--port", String(port)],
            environment: environment, logFile: directory.appendingPathComponent("serve.log"))
        let server = ParcServeProcess(baseURL: URL(string: "http://127.0.0.1:\(port)/")!, dataDirectory: dataDirectory,
                                      process: process)
        do {
            try await server.waitUntilHealthy()
            try await body(server)
        } catch {
            await process.terminate()
            throw error
        }
        let status = await process.terminate()
        #expect(status == 0, "parc serve should exit with status 0 on SIGTERM, got \(status.map(String.init) ?? "no exit (killed)"); its log:\n\(process.output())",
                sourceLocation: sourceLocation)
    }

    /// Polls `/healthz` until it answers 200 (the database answers), for up to 30 seconds.
    private func waitUntilHealthy() async throws {
        let deadline = Date().addingTimeInterval(30)
        var request = URLRequest(url: url("/healthz"))
        request.timeoutInterval = 2
        while Date() < deadline {
            guard process.isRunning else {
                throw TestProcessError("parc serve stopped before answering /healthz; its log:\n\(log)")
            }
            if let response = try? await URLSession.shared.data(for: request).1,
               (response as? HTTPURLResponse)?.statusCode == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestProcessError("parc serve did not answer /healthz with 200 within 30 s; its log:\n\(log)")
    }

    /// The `parc` executable built next to the test bundle (`swift build --build-tests` puts both in
    /// `.build/debug`), or `$PARC_EXECUTABLE`.
    static func locateExecutable(filePath: String = #filePath) throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["PARC_EXECUTABLE"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        }
        // Linux runs the test bundle as an executable in the build folder; macOS loads a .xctest bundle there.
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("parc"))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("parc"))
        }
        let packageRoot = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/parc"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw TestProcessError("""
            The parc executable was not found (looked at \(candidates.map(\.path).joined(separator: ", "))). \
            Build it with the tests: swift build --build-tests, then swift test --skip-build (or run scripts/test).
            """)
    }
}
