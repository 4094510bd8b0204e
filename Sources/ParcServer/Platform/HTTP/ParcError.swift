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
    /// What was wrong with each item of a batch (a bulk edit's assets, an import's rows), when the batch was refused.
    let problems: [Problem]
    /// The catalogue key and arguments of ``message`` when it has a translation, for pages that show it to a user
    /// who reads another language (the API keeps the English message).
    var messageKey: (key: String, arguments: [String])?

    /// One item's problem in a refused batch: the item by its row number (imports) or id and name (bulk edits), the
    /// column or field at fault when there is one, and what to do.
    struct Problem: Codable, Sendable, Equatable {
        let row: Int?
        let id: UUID?
        let name: String?
        let column: String?
        let field: String?
        let message: String

        init(row: Int? = nil, id: UUID? = nil, name: String? = nil, column: String? = nil, field: String? = nil,
             message: String) {
            self.row = row
            self.id = id
            self.name = name
            self.column = column
            self.field = field
            self.message = message
        }
    }

    init(_ status: HTTPResponseStatus, code: String, _ message: String, fields: [String: String] = [:],
         headers: HTTPHeaders = [:], problems: [Problem] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
        self.problems = problems
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
