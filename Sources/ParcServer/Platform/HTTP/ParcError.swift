import Fluent
import Vapor

/// An error with a stable code and a message that says what to do; the one error type every
/// controller throws. `ParcErrorMiddleware` turns it into the API's JSON format or an HTML page.
struct ParcError: AbortError, DebuggableError, Sendable {
    let status: HTTPResponseStatus
    /// Stable machine-readable code, e.g. `not_found`, `validation_failed`.
    let code: String
    let message: String
    /// Per-field problems for 422 answers (field name → message).
    let fields: [String: String]
    /// Headers the answer must carry (`WWW-Authenticate` on a 401, say).
    let headers: HTTPHeaders

    init(_ status: HTTPResponseStatus, code: String, _ message: String, fields: [String: String] = [:],
         headers: HTTPHeaders = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    var reason: String { message }
    var identifier: String { code }

    static func notFound(_ what: String = "object") -> ParcError {
        .init(.notFound, code: "not_found", "No such \(what), or you have no access to it.")
    }

    static let unauthorized = ParcError(.unauthorized, code: "unauthorized",
        "Authentication required: send 'Authorization: Bearer <token>' with a valid API token.")

    static func forbidden(_ permission: String) -> ParcError {
        .init(.forbidden, code: "forbidden", "You lack the '\(permission)' permission on this entity.")
    }

    static func badRequest(_ code: String = "bad_request", _ message: String) -> ParcError {
        .init(.badRequest, code: code, message)
    }

    static func validation(_ fields: [String: String]) -> ParcError {
        let summary = fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        return .init(.unprocessableEntity, code: "validation_failed", "Some fields are invalid. \(summary)", fields: fields)
    }

    static func conflict(_ message: String) -> ParcError { .init(.conflict, code: "conflict", message) }
}
