import Foundation
import ParcInventory

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Talks to the Parc server's agent API (`/api/agent/v1`, docs/agent-api.md): JSON in and out,
/// the agent's credential as a Bearer token, retries with exponential back-off on network errors
/// and 5xx answers (never on 4xx, which would fail the same way again).
public struct ServerClient: Sendable {
    /// HTTP basic credentials, which servers speaking the FusionInventory protocol may require (decision 0078).
    public struct BasicCredentials: Sendable, Equatable {
        public let user: String
        public let password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        /// The `Authorization` header's value.
        public var header: String { "Basic " + Data((user + ":" + password).utf8).base64EncodedString() }
    }

    public let server: URL
    public let credential: String?
    /// Sent when there is no Bearer credential.
    public var basic: BasicCredentials?
    public let attempts: Int
    public let firstDelay: Double
    public let userAgent: String

    public init(
        server: URL, credential: String?, attempts: Int = 5, firstDelay: Double = 1,
        userAgent: String = AgentIdentity.userAgent
    ) {
        self.server = server
        self.credential = credential
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
        self.userAgent = userAgent
    }

    /// Parses and checks a server URL given on the command line.
    public static func serverURL(_ text: String) throws(AgentError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw AgentError("\(text) is not a server URL; give it as https://parc.example.org")
        }
        return url
    }

    /// Whether two server URLs name the same server: scheme and host in any case, the port (the scheme's default when
    /// absent) and the path, a final `/` aside.
    public static func sameServer(_ first: String, _ second: String) -> Bool {
        func key(_ text: String) -> String? {
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
                let host = components.host?.lowercased()
            else { return nil }
            var path = components.path
            while path.hasSuffix("/") { path.removeLast() }
            return "\(scheme)://\(host):\(components.port ?? (scheme == "https" ? 443 : 80))\(path)"
        }
        guard let first = key(first) else { return false }
        return first == key(second)
    }

    /// `path` under the server's URL; for an empty path, the server's URL itself (`/` when it has no path), where
    /// FusionInventory agents post.
    public func url(for path: String) -> URL {
        guard path.isEmpty else { return server.appendingPathComponent(path) }
        guard server.path.isEmpty, var components = URLComponents(url: server, resolvingAgainstBaseURL: false) else {
            return server
        }
        components.path = "/"
        return components.url ?? server
    }

    /// Sends `body` (JSON) to `path` and decodes the answer.
    public func send<Body: Encodable, Answer: Decodable>(
        _ method: String, _ path: String, body: Body?, as: Answer.Type
    ) async throws(AgentError) -> Answer {
        let data = try await raw(method, path, body: body)
        do {
            return try JSONDecoder.agent.decode(Answer.self, from: data)
        } catch {
            throw AgentError("the server's answer to \(method) \(url(for: path).path) does not decode: \(error)")
        }
    }

    /// Encodes `body` as JSON, sends it, and returns the answer's bytes for a 2xx status.
    public func raw<Body: Encodable>(_ method: String, _ path: String, body: Body?) async throws(AgentError) -> Data {
        var json: Data?
        if let body {
            do {
                json = try JSONEncoder.agent.encode(body)
            } catch {
                throw AgentError("cannot encode the request: \(error)")
            }
        }
        return try await raw(method, path, json: json)
    }

    /// Sends JSON bytes and returns the answer's bytes for a 2xx status.
    public func raw(_ method: String, _ path: String, json: Data?) async throws(AgentError) -> Data {
        try await raw(method, path, body: json, contentType: "application/json")
    }

    /// Sends `body` with its content type (a compressed inventory: `application/x-compress-zlib`) to `path` (see
    /// ``url(for:)``) and returns the answer's bytes for a 2xx status. A 4xx is an ``AgentError`` with the status and
    /// the server's message (the agent API's JSON error, or an XML `<REPLY><ERROR>`).
    public func raw(_ method: String, _ path: String, body: Data?, contentType: String) async throws(AgentError)
        -> Data
    {
        let url = self.url(for: path)
        let label = "\(method) \(url.path)"
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 60
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        if let credential {
            request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        } else if let basic {
            request.setValue(basic.header, forHTTPHeaderField: "Authorization")
        }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        // A session of our own that declines HTTP basic challenges: Foundation's URLSession on Linux otherwise waits
        // forever on a 401 that asks for basic credentials (decision 0078). A declined challenge ends the attempts.
        let challenges = BasicChallengeRefusal()
        let session = URLSession(configuration: .ephemeral, delegate: challenges, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var delay = firstDelay
        var lastProblem = ""
        for attempt in 1...attempts {
            do {
                let data: Data
                let response: URLResponse
                do {
                    (data, response) = try await session.data(for: request)
                } catch where challenges.refused {
                    throw AgentError(
                        basic == nil
                            ? "the server refused \(label): it requires HTTP basic credentials; give --user NAME and "
                                + "the password with --password-file FILE or PARC_INVENTORY_PASSWORD"
                            : "the server refused \(label): it did not accept the user name and password given",
                        status: 401)
                }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return data }
                let message = Self.errorMessage(data) ?? "HTTP \(status)"
                if (400..<500).contains(status) {
                    throw AgentError("the server refused \(label): \(message)", status: status)
                }
                lastProblem = "HTTP \(status): \(message)"
            } catch let error as AgentError {
                throw error
            } catch {
                lastProblem = error.localizedDescription
            }
            if attempt < attempts {
                // Exponential back-off with ±20 % jitter, so a fleet does not retry in step.
                let jittered = delay * Double.random(in: 0.8...1.2)
                try? await Task.sleep(nanoseconds: UInt64(jittered * 1_000_000_000))
                delay = min(delay * 2, 300)
            }
        }
        throw AgentError(
            "the server at \(server.absoluteString) did not answer \(label) after \(attempts) attempts: \(lastProblem)")
    }

    /// The message of an error answer: the agent API's `{"error": {"message": …}}`, else the `<ERROR>` of an XML
    /// `<REPLY>` (Parc's and GLPI's FusionInventory paths).
    static func errorMessage(_ data: Data) -> String? {
        struct Envelope: Decodable {
            struct Body: Decodable {
                let code: String?
                let message: String?
            }
            let error: Body
        }
        if let message = (try? JSONDecoder().decode(Envelope.self, from: data))?.error.message { return message }
        return ServerXMLReply.read(data)?.error
    }
}

/// Nothing to send.
public struct EmptyBody: Encodable, Sendable {
    public init() {}
}

/// Declines the HTTP basic challenge of a 401 (the credentials, when there are any, were sent with the request), so
/// that the request ends instead of waiting, and remembers that it did.
final class BasicChallengeRefusal: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var wasRefused = false

    var refused: Bool { lock.withLock { wasRefused } }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        guard challenge.protectionSpace.authenticationMethod == NSURLAuthenticationMethodHTTPBasic else {
            completionHandler(.performDefaultHandling, nil)
            return
        }
        lock.withLock { wasRefused = true }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }
}
