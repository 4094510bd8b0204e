import FluentKit
import Foundation
import Fluent
import Vapor

/// Signs in the browser user from the session cookie (web routes).
struct SessionUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Without a cookie there is no session to read; touching `request.session` would create
        // (and store) an empty one for every anonymous request.
        if request.cookies["parc_session"] != nil,
           let raw = request.session.data[DatabaseSessionDriver.userIDKey], let id = UUID(uuidString: raw) {
            if let user = try await UserModel.find(id, on: request.db), user.isActive {
                request.currentUser = CurrentUser(user, via: .session)
                request.currentUserModel = user
            } else {
                // The account was deactivated or deleted meanwhile: end the session.
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }
}

/// Signs in the API caller from `Authorization: Bearer <token>` (API routes). Refuses with 401
/// when the header is missing or the token unknown, revoked or expired.
struct TokenUserMiddleware: AsyncMiddleware {
    /// Tokens' last-use time is written at most this often, to keep reads read-only.
    static let touchInterval: TimeInterval = 60

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization, bearer.token.count <= 200 else {
            throw ParcError.unauthorized
        }
        let now = request.now
        // One query for the token and its owner: this runs on every API call.
        guard let token = try await APITokenModel.query(on: request.db)
            .join(UserModel.self, on: \APITokenModel.$userID == \UserModel.$id)
            .filter(\.$tokenHash == Secrets.fingerprint(bearer.token)).first(),
            token.revokedAt == nil, token.expiresAt.map({ $0 > now }) ?? true,
            let user = try? token.joined(UserModel.self), user.isActive
        else {
            throw ParcError(.unauthorized, code: "invalid_token",
                            "The API token is unknown, revoked or expired. Create a new one on your account page.")
        }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > Self.touchInterval }) ?? true {
            token.lastUsedAt = now
            try await token.update(on: request.db)
        }
        request.currentUser = CurrentUser(user, via: .apiToken)
        request.currentUserModel = user
        return try await next.respond(to: request)
    }
}

/// Sends anonymous browsers to the login page, and users who must change their password to the
/// page that does it.
struct RequireWebUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.currentUser else {
            let target = request.url.path + (request.url.query.map { "?\($0)" } ?? "")
            let next = target == "/" ? "" : "?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return request.redirect(to: "/login\(next)")
        }
        if user.mustChangePassword, request.url.path != "/account/password", request.url.path != "/logout" {
            return request.redirect(to: "/account/password")
        }
        return try await next.respond(to: request)
    }
}
