import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import ParcServer

/// The `parc` binary as users run it: start-up errors, admin commands, clean shutdown.
@Suite("parc command line", .serialized)
struct CommandLineTests {
    let parc: URL
    let directory: URL

    init() throws {
        parc = try ParcServeProcess.locateExecutable()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func run(_ arguments: [String], input: String = "") async throws -> (status: Int32, output: String) {
        try await LaunchedProcess.run(parc, arguments, input: input, environment: ["PATH": "/usr/bin:/bin"])
    }

    @Test("help lists every command and option")
    func help() async throws {
        let top = try await run(["--help"])
        #expect(top.status == 0)
        #expect(top.output.contains("serve") && top.output.contains("admin"))
        let serve = try await run(["serve", "--help"])
        for option in ["--data-dir", "--database-url", "--host", "--port", "--public-url", "--smtp-url", "--metrics-token"] {
            #expect(serve.output.contains(option), "serve --help lacks \(option)")
        }
        let admin = try await run(["admin", "--help"])
        #expect(admin.output.contains("create-user") && admin.output.contains("create-token"))
    }

    @Test("a bad or unreachable database, an unwritable data directory and a port in use stop it with a clear message")
    func startupErrors() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let badURL = try await run(["serve", "--database-url", "mysql://root@localhost/parc", "--port", "1"])
        #expect(badURL.status == 1)
        #expect(badURL.output.contains("not a PostgreSQL URL"))

        let closed = try LaunchedProcess.freeLoopbackPort()
        let unreachable = try await run(["serve", "--database-url", "postgres://parc:s3cret@127.0.0.1:\(closed)/parc",
                                         "--port", String(try LaunchedProcess.freeLoopbackPort())])
        #expect(unreachable.status == 1)
        #expect(unreachable.output.contains("Cannot reach the PostgreSQL database"))
        #expect(!unreachable.output.contains("s3cret"), "the password must not be printed")

        let unwritable = try await run(["serve", "--data-dir", "/proc/parc-cannot-be-here",
                                        "--port", String(try LaunchedProcess.freeLoopbackPort())])
        #expect(unwritable.status == 1)
        #expect(unwritable.output.contains("data directory"))

        let badPort = try await run(["serve", "--port", "70000"])
        #expect(badPort.status == 1)
        #expect(badPort.output.contains("1 to 65535"))

        let port = try LaunchedProcess.freeLoopbackPort()
        let first = try LaunchedProcess("parc serve", executable: parc, arguments: [
            "serve", "--data-dir", directory.appendingPathComponent("a").path, "--port", String(port)],
            logFile: directory.appendingPathComponent("first.log"))
        try await waitForHealth(port: port, process: first)
        let second = try await run(["serve", "--data-dir", directory.appendingPathComponent("b").path,
                                    "--port", String(port)])
        #expect(second.status == 1)
        #expect(second.output.contains("already in use"))
        #expect(await first.terminate() == 0, "SIGTERM must stop the server cleanly: \(first.output())")
    }

    @Test("admin commands create the first account and a token, also while the server runs")
    func adminCommands() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        let noStdin = try await run(["admin", "create-user", "--data-dir", data, "--login", "admin", "--role", "super-admin"])
        #expect(noStdin.status == 1)
        #expect(noStdin.output.contains("--password-stdin"))
        let weak = try await run(["admin", "create-user", "--data-dir", data, "--login", "admin", "--role", "super-admin",
                                  "--password-stdin"], input: "short\n")
        #expect(weak.status == 1)
        #expect(weak.output.contains("at least 10"))
        let badRole = try await run(["admin", "create-user", "--data-dir", data, "--login", "x", "--role", "boss",
                                     "--password-stdin"], input: "long enough password\n")
        #expect(badRole.status == 1)
        #expect(badRole.output.contains("super-admin, admin, technician"))

        let port = try LaunchedProcess.freeLoopbackPort()
        let server = try LaunchedProcess("parc serve", executable: parc, arguments: [
            "serve", "--data-dir", data, "--port", String(port)], logFile: directory.appendingPathComponent("serve.log"))
        try await waitForHealth(port: port, process: server)
        #expect(server.output().contains("parc admin create-user"), "first start explains how to create an account")

        let created = try await run(["admin", "create-user", "--data-dir", data, "--login", "admin", "--role",
                                     "super-admin", "--name", "Admin", "--password-stdin"], input: "long enough password\n")
        #expect(created.status == 0, "\(created.output)")
        let duplicate = try await run(["admin", "create-user", "--data-dir", data, "--login", "admin", "--role",
                                       "admin", "--password-stdin"], input: "long enough password\n")
        #expect(duplicate.status == 1)
        #expect(duplicate.output.contains("already taken"))
        let token = try await run(["admin", "create-token", "--data-dir", data, "--login", "admin", "--name", "ci"])
        #expect(token.status == 0)
        let secret = token.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(secret.hasPrefix("parc_"))

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/me")!)
        request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("\"login\":\"admin\""))
        let unknown = try await run(["admin", "create-token", "--data-dir", data, "--login", "nobody"])
        #expect(unknown.status == 1)
        #expect(await server.terminate() == 0)
    }

    @Test("SIGTERM while requests are in flight finishes them and exits 0")
    func shutdownUnderLoad() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        let created = try await run(["admin", "create-user", "--data-dir", data, "--login", "admin", "--role",
                                     "super-admin", "--password-stdin"], input: "long enough password\n")
        #expect(created.status == 0)
        let secret = try await run(["admin", "create-token", "--data-dir", data, "--login", "admin"]).output
            .split(separator: "\n").last.map(String.init) ?? ""
        let port = try LaunchedProcess.freeLoopbackPort()
        let server = try LaunchedProcess("parc serve", executable: parc, arguments: [
            "serve", "--data-dir", data, "--port", String(port)], logFile: directory.appendingPathComponent("load.log"))
        try await waitForHealth(port: port, process: server)
        let url = URL(string: "http://127.0.0.1:\(port)/api/v1/entities")!
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        var request = URLRequest(url: url)
                        request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
                        let deadline = Date().addingTimeInterval(4)
                        while Date() < deadline { _ = try? await URLSession.shared.data(for: request) }
                    }
                }
            }
        }
        try await Task.sleep(for: .seconds(1))
        let status = await server.terminate()
        #expect(status == 0, "parc serve must stop cleanly under load: \(server.output())")
        #expect(!server.output().contains("Fatal error"))
        await load.value
    }

    private func waitForHealth(port: Int, process: LaunchedProcess) async throws {
        let url = URL(string: "http://127.0.0.1:\(port)/healthz")!
        for _ in 0..<200 {
            if let (_, response) = try? await URLSession.shared.data(from: url),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestProcessError("parc serve did not answer /healthz: \(process.output())")
    }
}
