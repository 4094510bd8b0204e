import Foundation
import Fluent
import Vapor

extension Request {
    /// The session's anti-forgery token, created on first use. Every form carries it as `csrf`.
    var csrfToken: String {
        if let token = session.data["csrf"] { return token }
        let token = Secrets.token(prefix: "")
        session.data["csrf"] = token
        return token
    }
}

/// Refuses state-changing browser requests (POST, PUT, PATCH, DELETE) whose form lacks the
/// session's CSRF token. Together with SameSite=Lax cookies this blocks cross-site forgery.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method != .GET, request.method != .HEAD, request.method != .OPTIONS else {
            return try await next.respond(to: request)
        }
        // The token is in the body, which arrives in pieces when it is large (an uploaded file): collect it first,
        // up to what the route itself collects.
        if request.body.data == nil {
            let limit = request.route?.collectedBodyLimit ?? request.application.routes.defaultMaxBodySize.value
            _ = try await request.eventLoop.flatSubmit { request.body.collect(max: limit) }.get()
        }
        let sent = (try? request.content.get(String.self, at: "csrf"))
            ?? request.headers.first(name: "X-CSRF-Token")
        guard let expected = request.session.data["csrf"], let sent, Secrets.constantTimeEquals(sent, expected) else {
            throw ParcError(.forbidden, code: "csrf_failed",
                            "This form has expired or did not come from Parc. Reload the page and try again.")
        }
        return try await next.respond(to: request)
    }
}

extension Route {
    /// The body size a route collects, for the middleware that reads the body before the route does (CSRF); set it
    /// on routes that collect more than the default.
    var collectedBodyLimit: Int? {
        get { userInfo["parc.collectedBodyLimit"] as? Int }
        set { userInfo["parc.collectedBodyLimit"] = newValue }
    }
}

/// One-time messages shown on the next page (after a redirect).
struct Flash: Codable, Sendable {
    let kind: String
    let message: String
}

extension Request {
    func flash(_ kind: String, _ message: String) {
        var list = (session.data["flash"].flatMap { try? JSONDecoder().decode([Flash].self, from: Data($0.utf8)) }) ?? []
        list.append(Flash(kind: kind, message: message))
        session.data["flash"] = String(decoding: (try? JSONEncoder().encode(list)) ?? Data(), as: UTF8.self)
    }

    /// Reads and clears the pending messages.
    func takeFlashes() -> [Flash] {
        guard let raw = session.data["flash"] else { return [] }
        session.data["flash"] = nil
        return (try? JSONDecoder().decode([Flash].self, from: Data(raw.utf8))) ?? []
    }
}
