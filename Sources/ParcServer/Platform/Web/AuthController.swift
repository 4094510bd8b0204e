import FluentKit
import Foundation
import ParcCore
import Fluent
import SQLKit
import Vapor

/// Sign-in, second factor, sign-out, first-run setup and the language/theme switches.
struct AuthController {
    func register(_ web: any RoutesBuilder) {
        web.get("login", use: loginPage)
        web.post("login", use: login)
        web.get("login", "2fa", use: secondFactorPage)
        web.post("login", "2fa", use: secondFactor)
        web.post("logout", use: logout)
        web.get("setup", use: setupPage)
        web.post("setup", use: setup)
        web.post("preferences", "language", use: setLanguage)
        web.post("preferences", "theme", use: setTheme)
    }

    struct LoginPage: Encodable {
        let next: String
        let login: String
        let error: String?
        let needsSetup: Bool
    }

    @Sendable func loginPage(_ req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: safeNext(req)) }
        if try await UserModel.query(on: req.db).count() == 0, req.isFromLoopback {
            return req.redirect(to: "/setup")
        }
        return try await req.renderPage("login", title: req.t("login.title"),
                                        page: LoginPage(next: safeNext(req), login: "", error: nil, needsSetup: false))
    }

    struct LoginForm: Content {
        let login: String?
        let password: String?
        let next: String?
    }

    @Sendable func login(_ req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let login = form.login ?? ""
        let next = RedirectTarget.localPath(form.next)
        let outcome = try await LoginService(request: req).attempt(login: login, password: form.password ?? "")
        switch outcome {
        case let .success(user):
            try await signIn(user, req)
            return req.redirect(to: next)
        case let .needsSecondFactor(user):
            req.session.data["pending_uid"] = user.id!.uuidString
            req.session.data["pending_at"] = String(req.now.timeIntervalSince1970)
            req.session.data["pending_next"] = next
            return req.redirect(to: "/login/2fa")
        case .invalid:
            return try await req.renderPage("login", title: req.t("login.title"), page: LoginPage(
                next: next, login: String(login.prefix(100)), error: req.t("login.invalid"), needsSetup: false),
                status: .unauthorized)
        case let .locked(until):
            let seconds = max(1, Int(until.timeIntervalSince(req.now).rounded(.up)))
            let response = try await req.renderPage("login", title: req.t("login.title"), page: LoginPage(
                next: next, login: String(login.prefix(100)), error: req.t("login.locked", String(seconds)),
                needsSetup: false), status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
            return response
        }
    }

    struct SecondFactorPage: Encodable { let error: String? }

    @Sendable func secondFactorPage(_ req: Request) async throws -> Response {
        guard pendingUserID(req) != nil else { return req.redirect(to: "/login") }
        return try await req.renderPage("login-2fa", title: req.t("login.2fa.title"), page: SecondFactorPage(error: nil))
    }

    struct SecondFactorForm: Content { let code: String? }

    @Sendable func secondFactor(_ req: Request) async throws -> Response {
        guard let userID = pendingUserID(req), let user = try await UserModel.find(userID, on: req.db), user.isActive,
              let secret = user.totpSecret
        else { return req.redirect(to: "/login") }
        let code = (try req.content.decode(SecondFactorForm.self).code ?? "").trimmingCharacters(in: .whitespaces)
        // The second factor counts against the same throttle as passwords.
        let policy = req.parc.loginThrottle
        let recent = try await LoginAttemptModel.query(on: req.db).filter(\.$login == user.login.lowercased())
            .filter(\.$attemptedAt >= req.now.addingTimeInterval(-policy.window))
            .sort(\.$attemptedAt, .descending).limit(200).all()
        if let until = policy.lockedUntil(failures: recent.prefix { !$0.succeeded }.map(\.attemptedAt), now: req.now) {
            let seconds = max(1, Int(until.timeIntervalSince(req.now).rounded(.up)))
            return try await req.renderPage("login-2fa", title: req.t("login.2fa.title"),
                page: SecondFactorPage(error: req.t("login.locked", String(seconds))), status: .tooManyRequests)
        }
        var valid = false
        if let counter = TOTP.matchingCounter(code, secret: secret, at: req.now) {
            // A code is accepted once: the step must be later than the last one used (no replay).
            let updated = try await (req.db as! any SQLDatabase).raw("""
                UPDATE users SET totp_last_counter = \(bind: counter)
                WHERE id = \(bind: userID) AND (totp_last_counter IS NULL OR totp_last_counter < \(bind: counter))
                RETURNING id
                """).all()
            valid = !updated.isEmpty
        } else if code.count >= 10 {
            let hash = Secrets.fingerprint(code.uppercased().filter { $0 != "-" && $0 != " " })
            // Consumed with a conditional update, so two concurrent sign-ins cannot both use it.
            let consumed = try await (req.db as! any SQLDatabase).raw("""
                UPDATE recovery_codes SET used_at = \(bind: req.now)
                WHERE user_id = \(bind: userID) AND code_hash = \(bind: hash) AND used_at IS NULL
                RETURNING id
                """).all()
            if !consumed.isEmpty {
                valid = true
                req.flash("warning", req.t("login.2fa.recovery_used"))
            }
        }
        try await LoginAttemptModel(login: user.login.lowercased(), ip: req.clientIP, succeeded: valid, at: req.now)
            .create(on: req.db)
        guard valid else {
            return try await req.renderPage("login-2fa", title: req.t("login.2fa.title"),
                                            page: SecondFactorPage(error: req.t("login.2fa.invalid")), status: .unauthorized)
        }
        let next = RedirectTarget.localPath(req.session.data["pending_next"])
        try await signIn(user, req)
        return req.redirect(to: next)
    }

    private func pendingUserID(_ req: Request) -> UUID? {
        guard let raw = req.session.data["pending_uid"], let id = UUID(uuidString: raw),
              let at = req.session.data["pending_at"].flatMap(Double.init),
              req.now.timeIntervalSince1970 - at < 300
        else { return nil }
        return id
    }

    /// Starts a fresh session for the user: a new session key (no fixation), a new CSRF token.
    private func signIn(_ user: UserModel, _ req: Request) async throws {
        if let old = req.session.id {
            try await SessionModel.query(on: req.db).filter(\.$keyHash == Secrets.fingerprint(old.string)).delete()
        }
        req.session.id = nil
        req.session.data = SessionData()
        req.session.data[DatabaseSessionDriver.userIDKey] = user.id!.uuidString
        _ = req.csrfToken
        user.lastLoginAt = req.now
        try await user.update(on: req.db)
        req.currentUser = CurrentUser(user, via: .session)
        try await AuditLog(request: req).record("login", objectType: "user", objectID: user.id!, label: user.login,
                                                entityID: user.entityID, on: req.db)
    }

    @Sendable func logout(_ req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: "/login")
    }

    // MARK: first-run setup

    struct SetupPage: Encodable {
        let values: [String: String]
        let errors: [String: String]
    }

    private func setupAllowed(_ req: Request) async throws -> Bool {
        try await UserModel.query(on: req.db).count() == 0 && req.isFromLoopback
    }

    @Sendable func setupPage(_ req: Request) async throws -> Response {
        guard try await setupAllowed(req) else { throw ParcError.notFound("page") }
        return try await req.renderPage("setup", title: req.t("setup.title"),
                                        page: SetupPage(values: ["entity": "", "login": "admin"], errors: [:]))
    }

    struct SetupForm: Content {
        let entity: String?
        let login: String?
        let display_name: String?
        let email: String?
        let password: String?
        let password_confirm: String?
    }

    @Sendable func setup(_ req: Request) async throws -> Response {
        guard try await setupAllowed(req) else { throw ParcError.notFound("page") }
        let form = try req.content.decode(SetupForm.self)
        let service = AccountService(request: req)
        let values = ["entity": form.entity ?? "", "login": form.login ?? "", "display_name": form.display_name ?? "",
                      "email": form.email ?? ""]
        var errors = req.localized(service.validate(login: form.login ?? "", displayName: form.display_name ?? "",
                                                    email: form.email, password: form.password ?? "", timeZone: nil))
        let entityName = (form.entity ?? "").trimmingCharacters(in: .whitespaces)
        if entityName.isEmpty || entityName.count > 200 { errors["entity"] = req.t("setup.entity_required") }
        if form.password != form.password_confirm { errors["password_confirm"] = req.t("password.mismatch") }
        guard errors.isEmpty else {
            return try await req.renderPage("setup", title: req.t("setup.title"),
                                            page: SetupPage(values: values, errors: errors), status: .unprocessableEntity)
        }
        let audit = AuditLog(request: req)
        let user = try await req.db.transaction { db -> UserModel in
            let root = EntityModel(parentID: nil, name: entityName)
            try await root.create(on: db)
            try await audit.record("create", objectType: "entity", objectID: root.id!, label: root.name,
                                   entityID: root.id, changes: FieldChange.between([:], root.auditSnapshot), on: db)
            return try await service.on(db).create(.init(
                login: form.login ?? "", displayName: form.display_name ?? "", email: form.email,
                password: form.password ?? "", entityID: root.id!, role: .superAdmin, recursive: true,
                language: req.language), audit: audit)
        }
        try await signIn(user, req)
        req.flash("success", req.t("setup.done"))
        return req.redirect(to: "/")
    }

    // MARK: preferences reachable before sign-in

    struct ChoiceForm: Content {
        let language: String?
        let theme: String?
        let back: String?
    }

    @Sendable func setLanguage(_ req: Request) async throws -> Response {
        let form = try req.content.decode(ChoiceForm.self)
        guard let language = form.language.flatMap(Language.init(rawValue:)) else {
            throw ParcError.badRequest("invalid_language", "Choose 'fr' or 'en'.")
        }
        if let current = req.currentUser, let user = try await UserModel.find(current.id, on: req.db) {
            user.language = language.rawValue
            try await user.update(on: req.db)
        }
        let response = req.redirect(to: RedirectTarget.localPath(form.back))
        response.cookies["parc_lang"] = preferenceCookie(language.rawValue, req)
        return response
    }

    @Sendable func setTheme(_ req: Request) async throws -> Response {
        let form = try req.content.decode(ChoiceForm.self)
        guard let theme = form.theme, ["light", "dark", "auto"].contains(theme) else {
            throw ParcError.badRequest("invalid_theme", "Choose 'light', 'dark' or 'auto'.")
        }
        if let current = req.currentUser, let user = try await UserModel.find(current.id, on: req.db) {
            user.theme = theme
            try await user.update(on: req.db)
        }
        let response = req.redirect(to: RedirectTarget.localPath(form.back))
        response.cookies["parc_theme"] = preferenceCookie(theme, req)
        return response
    }

    private func preferenceCookie(_ value: String, _ req: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, maxAge: 365 * 24 * 3600, path: "/",
                          isSecure: req.parc.configuration.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    private func safeNext(_ req: Request) -> String { RedirectTarget.localPath(try? req.query.get(String.self, at: "next")) }
}
