import Fluent
import Vapor

/// Turns every error into the API's JSON error format (under `/api/`) or an HTML error page
/// (everywhere else), logging server errors with the request id. Bad input never becomes a 500.
struct ParcErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, code, message, fields) = Self.describe(error)
            if status.code >= 500 {
                request.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            } else {
                request.logger.debug("request refused", metadata: ["status": "\(status.code)", "code": "\(code)"])
            }
            if Self.wantsJSON(request) {
                let problems = (error as? ParcError)?.problems ?? []
                let body = ErrorBody(error: .init(code: code, message: message, fields: fields.isEmpty ? nil : fields,
                                                  problems: problems.isEmpty ? nil : problems))
                let response = Response(status: status)
                try response.content.encode(body, using: JSONEncoder.parc)
                if status == .unauthorized {
                    response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"parc\"")
                }
                return response
            }
            return await ErrorPage.render(status: status, code: code, message: message, for: request)
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.url.path
        return path.hasPrefix("/api/") || path == "/healthz" || path == "/livez" || path == "/metrics"
    }

    static func describe(_ error: any Error) -> (HTTPResponseStatus, String, String, [String: String]) {
        switch error {
        case let error as ParcError:
            return (error.status, error.code, error.message, error.fields)
        case let error as any AbortError:
            let code: String
            let message: String
            switch error.status {
            case .notFound:
                code = "not_found"
                message = "Nothing here. Check the address."
            case .payloadTooLarge:
                code = "payload_too_large"
                message = "The request body is too large."
            case .methodNotAllowed:
                code = "method_not_allowed"
                message = "This method is not allowed here."
            case .unsupportedMediaType:
                code = "unsupported_media_type"
                message = "Unsupported content type."
            case .badRequest:
                code = "bad_request"
                message = "The request could not be read: \(error.reason)"
            default:
                code = error.status.code >= 500 ? "internal_error" : "request_refused"
                message = error.status.code >= 500 ? "Something went wrong on the server." : error.reason
            }
            return (error.status, code, message, [:])
        case let error as any DatabaseError where error.isConstraintFailure:
            // Two requests raced to create the same thing: the database kept one.
            return (.conflict, "conflict",
                    "This conflicts with data saved at the same moment (it already exists). Reload and try again.", [:])
        case is DecodingError:
            return (.badRequest, "bad_request", "The request could not be read: \(error)", [:])
        default:
            return (.internalServerError, "internal_error",
                    "Something went wrong on the server. The error was logged with the request id.", [:])
        }
    }
}
