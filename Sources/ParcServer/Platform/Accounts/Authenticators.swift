import FluentKit
import Foundation
import Fluent
import SQLKit
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
        let sql = request.db as! any SQLDatabase
        let fingerprint = Secrets.fingerprint(bearer.token)
        guard let row = try await tokenRow(fingerprint, request: request), try row.decodeNil(column: "revoked_at"),
              try row.decode(column: "expires_at", as: Date?.self).map({ $0 > now }) ?? true,
              let user = try? UserModel(loginRow: row, prefix: "u_"), user.isActive
        else {
            throw ParcError(.unauthorized, code: "invalid_token",
                            "The API token is unknown, revoked or expired. Create a new one on your account page.")
        }
        if try row.decode(column: "last_used_at", as: Date?.self).map({ now.timeIntervalSince($0) > Self.touchInterval }) ?? true {
            try await sql.update(APITokenModel.schema).set("last_used_at", to: now)
                .where("id", .equal, try row.decode(column: "token_id", as: UUID.self)).run()
            // The cached row still holds the old time: read it afresh next time rather than touch again.
            request.parc.accessCache.forgetToken(fingerprint)
        }
        request.currentUser = CurrentUser(user, via: .apiToken)
        request.currentUserModel = user
        return try await next.respond(to: request)
    }

    /// The token and its owner as one plain-SQL row: from the access cache, else one query (Fluent's
    /// model decoding would cost more than the query on this path, which every API call takes).
    private func tokenRow(_ fingerprint: String, request: Request) async throws -> (any SQLRow)? {
        let now = request.now
        if let row = request.parc.accessCache.tokenRow(fingerprint, now: now) { return row }
        var select = (request.db as! any SQLDatabase).select()
            .column(SQLColumn("id", table: "t"), as: "token_id").column(SQLColumn("revoked_at", table: "t"))
            .column(SQLColumn("expires_at", table: "t")).column(SQLColumn("last_used_at", table: "t"))
        for column in UserModel.loginColumns { select = select.column(SQLColumn(column, table: "u"), as: "u_\(column)") }
        let row = try await select.from(SQLAlias(SQLIdentifier(APITokenModel.schema), as: SQLIdentifier("t")))
            .join(SQLAlias(SQLIdentifier(UserModel.schema), as: SQLIdentifier("u")),
                  on: SQLColumn("user_id", table: "t"), .equal, SQLColumn("id", table: "u"))
            .where(SQLColumn("token_hash", table: "t"), .equal, SQLBind(fingerprint))
            .first()
        if let row { request.parc.accessCache.store(tokenRow: row, for: fingerprint, now: now) }
        return row
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
