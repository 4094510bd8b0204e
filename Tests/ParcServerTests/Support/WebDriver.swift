import Foundation
import NIOCore
import Testing
import Vapor

/// Headless Chromium driven through chromedriver's W3C WebDriver HTTP API (Debian packages `chromium`
/// and `chromium-driver`).
///
/// The HTTP client is Vapor's, not URLSession: FoundationNetworking in Swift 6.3 rejects response
/// headers without a space after the colon (`Content-Length:250`), which is what chromedriver sends
/// (fixed upstream by swiftlang/swift-corelibs-foundation#5527).
final class WebDriver: Sendable {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    /// A reference to an element of the current page.
    struct Element: Sendable, Decodable {
        let id: String
        private enum CodingKeys: String, CodingKey { case id = "element-6066-11e4-a52e-4f735466cecf" }
    }

    /// One message from the browser console (JavaScript errors, failed loads, CSP violations).
    struct LogEntry: Sendable, Decodable {
        let level: String
        let message: String
    }

    private let driverURL: URL
    private let sessionID: String
    private let driver: LaunchedProcess
    /// Used only for its HTTP client.
    private let app: Application

    private init(driverURL: URL, sessionID: String, driver: LaunchedProcess, app: Application) {
        self.driverURL = driverURL
        self.sessionID = sessionID
        self.driver = driver
        self.app = app
    }

    /// Fails the test (never skips it) when Chromium or chromedriver is not installed.
    static func requireBrowser(sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (path, package) in [(chromium, "chromium"), (chromedriver, "chromium-driver")] {
            try #require(FileManager.default.isExecutableFile(atPath: path), """
                \(path) is missing (Debian package \(package)). The browser tests need chromium and chromium-driver: \
                run scripts/test, which installs them, or apt-get install -y chromium chromium-driver.
                """, sourceLocation: sourceLocation)
        }
    }

    /// Starts chromedriver on a free loopback port and a headless Chromium session with a
    /// `width`×`height` window — or, with `phone`, a `width`×`height` phone viewport (headless windows
    /// cannot be narrower than 500 px) — runs `body`, then deletes the session and stops chromedriver,
    /// whatever happens.
    static func with(width: Int = 1280, height: Int = 900, phone: Bool = false,
                     logDirectory: URL = FileManager.default.temporaryDirectory,
                     _ body: (WebDriver) async throws -> Void) async throws {
        let port = try LaunchedProcess.freeLoopbackPort()
        let driver = try LaunchedProcess(
            "chromedriver", executable: URL(fileURLWithPath: chromedriver), arguments: ["--port=\(port)"],
            logFile: logDirectory.appendingPathComponent("chromedriver-\(port).log"))
        defer { try? FileManager.default.removeItem(at: driver.logFile) }
        let app = try await Application.make(.testing)
        let driverURL = URL(string: "http://127.0.0.1:\(port)")!
        let session: WebDriver
        do {
            try await waitUntilReady(driverURL, driver: driver, app: app)
            var options: [String: Any] = [
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=\(max(width, 500)),\(height)", "--accept-lang=en-US", "--lang=en-US"],
            ]
            if phone {
                options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 1]]
            }
            let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
                "browserName": "chrome",
                "goog:loggingPrefs": ["browser": "ALL"],
                "goog:chromeOptions": options,
            ]]]
            let created: NewSession = try await send(app, "POST", driverURL.appendingPathComponent("session"),
                                                     capabilities)
            session = WebDriver(driverURL: driverURL, sessionID: created.sessionId, driver: driver, app: app)
        } catch {
            await driver.terminate()
            try? await app.asyncShutdown()
            throw TestProcessError("could not start a Chromium session through chromedriver: \(error)\n"
                + "chromedriver said:\n\(driver.output())")
        }
        do {
            try await body(session)
        } catch {
            await session.quit()
            throw error
        }
        await session.quit()
    }

    private struct NewSession: Decodable {
        let sessionId: String
    }

    private static func waitUntilReady(_ driverURL: URL, driver: LaunchedProcess, app: Application) async throws {
        struct Status: Decodable { let ready: Bool }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            guard driver.isRunning else { throw TestProcessError("chromedriver exited at start") }
            if let status: Status = try? await send(app, "GET", driverURL.appendingPathComponent("status"), nil),
               status.ready {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestProcessError("chromedriver did not become ready within 20 s")
    }

    /// Deletes the session (closing Chromium) and stops chromedriver.
    func quit() async {
        let _: Empty? = try? await command("DELETE", "", nil)
        await driver.terminate(timeout: 5)
        try? await app.asyncShutdown()
    }

    // MARK: navigation and page state

    func open(_ url: URL) async throws {
        let _: Empty? = try await command("POST", "/url", ["url": url.absoluteString])
    }

    func currentURL() async throws -> URL {
        let text: String = try await command("GET", "/url", nil)
        return URL(string: text)!
    }

    func title() async throws -> String { try await command("GET", "/title", nil) }

    /// Runs `script` in the page (`arguments[0]`… are `arguments`) and decodes what it returns.
    func execute<Value: Decodable>(_ script: String, _ arguments: [String] = [], as type: Value.Type = Value.self)
        async throws -> Value {
        try await command("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    /// The trimmed text of the first element matching `selector`, or nil when there is none.
    func text(of selector: String) async throws -> String? {
        try await execute("""
            const e = document.querySelector(arguments[0]);
            return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null;
            """, [selector])
    }

    /// Polls until `condition` holds, for up to `timeout` seconds; returns whether it did.
    func wait(timeout: Double = 10, until condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try await condition() { return true }
            if Date() > deadline { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Browser console messages since the last call (errors, failed loads, CSP violations).
    func consoleLog() async throws -> [LogEntry] {
        try await command("POST", "/se/log", ["type": "browser"])
    }

    func screenshotPNG() async throws -> Data {
        let base64: String = try await command("GET", "/screenshot", nil)
        return Data(base64Encoded: base64) ?? Data()
    }

    // MARK: elements and input

    func element(_ selector: String) async throws -> Element {
        try await command("POST", "/element", ["using": "css selector", "value": selector])
    }

    func activeElement() async throws -> Element { try await command("GET", "/element/active", nil) }

    func click(_ element: Element) async throws {
        let _: Empty? = try await command("POST", "/element/\(element.id)/click", [:])
    }

    func type(_ text: String, into element: Element) async throws {
        let _: Empty? = try await command("POST", "/element/\(element.id)/value", ["text": text])
    }

    func isDisplayed(_ element: Element) async throws -> Bool {
        try await command("GET", "/element/\(element.id)/displayed", nil)
    }

    /// A DOM property of an element (`className`, `id`, `href`, …).
    func property(_ name: String, of element: Element) async throws -> String? {
        try await command("GET", "/element/\(element.id)/property/\(name)", nil)
    }

    /// Presses and releases each key in turn (WebDriver key codes, e.g. `Key.tab`).
    func press(_ keys: String...) async throws {
        let steps = keys.flatMap { [["type": "keyDown", "value": $0], ["type": "keyUp", "value": $0]] }
        let _: Empty? = try await command("POST", "/actions",
                                          ["actions": [["type": "key", "id": "keyboard", "actions": steps]]])
        let _: Empty? = try await command("DELETE", "/actions", nil)
    }

    enum Key {
        static let tab = "\u{E004}"
        static let enter = "\u{E007}"
        static let escape = "\u{E00C}"
    }

    // MARK: protocol

    private struct Empty: Decodable {}

    private struct Envelope<Value: Decodable>: Decodable {
        let value: Value
    }

    private struct Failure: Decodable {
        struct Detail: Decodable {
            let error: String
            let message: String
        }

        let value: Detail
    }

    private func command<Value: Decodable>(_ method: String, _ path: String, _ body: [String: Any]?) async throws
        -> Value {
        let url = driverURL.appendingPathComponent("session/\(sessionID)" + path)
        return try await Self.send(app, method, url, body)
    }

    private static func send<Value: Decodable>(_ app: Application, _ method: String, _ url: URL,
                                                _ body: [String: Any]?) async throws -> Value {
        var request = ClientRequest(method: HTTPMethod(rawValue: method), url: URI(string: url.absoluteString),
                                    timeout: .seconds(60))
        if let body {
            request.body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
            request.headers.contentType = .json
        }
        let response = try await app.client.send(request)
        let data = response.body.map { Data($0.readableBytesView) } ?? Data()
        let status = Int(response.status.code)
        guard status == 200 else {
            let detail = (try? JSONDecoder().decode(Failure.self, from: data)).map { "\($0.value.error): \($0.value.message)" }
                ?? String(decoding: data, as: UTF8.self)
            throw TestProcessError("WebDriver \(method) \(url.path) answered \(status): \(detail.prefix(600))")
        }
        return try JSONDecoder().decode(Envelope<Value>.self, from: data).value
    }
}
