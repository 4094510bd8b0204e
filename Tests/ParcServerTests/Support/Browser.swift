import Foundation
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// A browser-like client for the web UI in tests: keeps the session cookie and the CSRF token.
final class WebClient: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String?

    init(_ app: Application) { self.app = app }

    private var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookieHeader) }
        try await app.testing().test(.GET, path, headers: headers) { response in
            captured = response
        }
        remember(captured!)
        return captured!
    }

    @discardableResult
    func post(_ path: String, _ form: [String: String], includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        try await post(path, pairs: form.map { ($0.key, $0.value) }, includeCSRF: includeCSRF)
    }

    /// A form post with repeated fields (checkboxes: `ids[]` several times).
    @discardableResult
    func post(_ path: String, pairs form: [(String, String)], includeCSRF: Bool = true) async throws
        -> TestingHTTPResponse
    {
        var fields = form
        if includeCSRF, let csrf { fields.append(("csrf", csrf)) }
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookieHeader) }
        headers.contentType = .urlEncodedForm
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.0, value: $0.1) }
        let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        var captured: TestingHTTPResponse?
        try await app.testing().test(.POST, path, headers: headers, body: ByteBuffer(string: body)) { response in
            captured = response
        }
        remember(captured!)
        return captured!
    }

    /// A `multipart/form-data` post, as a form with a file input sends it; the CSRF token is added as a field.
    @discardableResult
    func postMultipart(_ path: String, fields: [(String, String)], file: (field: String, name: String, data: Data)? = nil,
                       includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        try await postMultipart(path, fields: fields, files: file.map { [($0.field, $0.name, $0.data, "text/csv")] } ?? [],
                                includeCSRF: includeCSRF)
    }

    /// A `multipart/form-data` post with several files, each with its declared type.
    @discardableResult
    func postMultipart(_ path: String, fields: [(String, String)],
                       files: [(field: String, name: String, data: Data, type: String)],
                       includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        let boundary = "----parc-test-\(UUID().uuidString)"
        var body = Data()
        func part(_ headers: String, _ content: Data) {
            body.append(Data("--\(boundary)\r\n\(headers)\r\n\r\n".utf8))
            body.append(content)
            body.append(Data("\r\n".utf8))
        }
        var all = fields
        if includeCSRF, let csrf { all.append(("csrf", csrf)) }
        for (name, value) in all { part("Content-Disposition: form-data; name=\"\(name)\"", Data(value.utf8)) }
        for file in files {
            part("Content-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)",
                 file.data)
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookieHeader) }
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        var captured: TestingHTTPResponse?
        try await app.testing().test(.POST, path, headers: headers, body: ByteBuffer(bytes: Array(body))) { captured = $0 }
        remember(captured!)
        return captured!
    }

    /// Signs in through the login form.
    func signIn(_ login: String, _ password: String = Tenancy.password) async throws {
        try await get("/login")
        let response = try await post("/login", ["login": login, "password": password])
        #expect(response.status == .seeOther, "sign-in of \(login) failed: \(response.status)")
        try await get("/")
    }

    private func remember(_ response: TestingHTTPResponse) {
        for value in response.headers[.setCookie] {
            let pair = value.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if value.contains("Expires=Thu, 01 Jan 1970") || parts[1].isEmpty {
                cookies[parts[0]] = nil
            } else {
                cookies[parts[0]] = parts[1]
            }
        }
        let html = response.body.string
        if let range = html.range(of: "name=\"csrf\" value=\"") {
            let rest = html[range.upperBound...]
            if let end = rest.firstIndex(of: "\"") { csrf = String(rest[..<end]) }
        }
    }
}
