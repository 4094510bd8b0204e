import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// The signed-in user's own account: preferences, password, two-factor, API tokens.
struct AccountController {
    func register(_ web: any RoutesBuilder) {
        let account = web.grouped("account")
        account.get(use: page)
        account.post("preferences", use: savePreferences)
        account.get("password", use: passwordPage)
        account.post("password", use: changePassword)
        account.post("totp", "start", use: startTOTP)
        account.post("totp", "confirm", use: confirmTOTP)
        account.post("totp", "disable", use: disableTOTP)
        account.post("tokens", use: createToken)
        account.post("tokens", ":id", "revoke", use: revokeToken)
    }

    struct TokenRow: Encodable {
        let id: UUID
        let name: String
        let prefix: String
        let created: String
        let lastUsed: String
        let expires: String
        let revoked: Bool
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Page: Encodable {
        let login: String
        let displayName: String
        let email: String
        let languages: [Option]
        let timeZones: [Option]
        let totpEnabled: Bool
        let totpSetup: TOTPSetup?
        let recoveryCodes: [String]
        let tokens: [TokenRow]
        let newToken: String?
        let errors: [String: String]
    }

    struct TOTPSetup: Encodable {
        let secret: String
        let uri: String
        let qrSVG: String
    }

    private func render(_ req: Request, totpSetup: TOTPSetup? = nil, recoveryCodes: [String] = [],
                        newToken: String? = nil, errors: [String: String] = [:],
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let current = try req.requireUser()
        guard let user = try await UserModel.find(current.id, on: req.db) else { throw ParcError.notFound("user") }
        let tokens = try await APITokenModel.query(on: req.db).filter(\.$userID == current.id)
            .sort(\.$createdAt, .descending).all()
        let zones = ["UTC", "Europe/Paris", "Europe/Brussels", "Europe/Zurich", "Europe/Luxembourg", "America/Montreal",
                     "Indian/Reunion", "America/Martinique", "America/Guadeloupe", "Pacific/Noumea", "Africa/Casablanca",
                     "Europe/London", "America/New_York"]
        let currentZone = user.timeZone ?? ""
        return try await req.renderPage("account", title: req.t("account.title"), page: Page(
            login: user.login, displayName: user.displayName, email: user.email ?? "",
            languages: [Option(value: "", label: req.t("account.language.auto"), selected: user.language == nil)]
                + Language.allCases.map { Option(value: $0.rawValue, label: req.t("language.\($0.rawValue)"),
                                                 selected: user.language == $0.rawValue) },
            timeZones: [Option(value: "", label: req.t("account.timezone.server"), selected: currentZone.isEmpty)]
                + (zones.contains(currentZone) || currentZone.isEmpty ? zones : [currentZone] + zones)
                .map { Option(value: $0, label: $0, selected: $0 == currentZone) },
            totpEnabled: user.totpEnabled, totpSetup: totpSetup, recoveryCodes: recoveryCodes,
            tokens: tokens.map {
                TokenRow(id: $0.id!, name: $0.name, prefix: $0.prefix, created: req.formatDateTime($0.createdAt),
                         lastUsed: req.formatDateTime($0.lastUsedAt), expires: req.formatDateTime($0.expiresAt),
                         revoked: $0.revokedAt != nil)
            },
            newToken: newToken, errors: errors), status: status)
    }

    @Sendable func page(_ req: Request) async throws -> Response { try await render(req) }

    struct PreferencesForm: Content {
        let display_name: String?
        let email: String?
        let language: String?
        let time_zone: String?
    }

    @Sendable func savePreferences(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let user = try await UserModel.find(current.id, on: req.db) else { throw ParcError.notFound("user") }
        let form = try req.content.decode(PreferencesForm.self)
        do {
            try await UserDirectory(request: req).update(user, .init(
                displayName: form.display_name, email: .some(form.email), language: .some(form.language),
                timeZone: .some(form.time_zone)), selfService: true)
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await render(req, errors: req.localized(error.fields), status: .unprocessableEntity)
        }
        // The next page must speak the new language at once.
        req.currentUser = CurrentUser(user, via: .session)
        req.flash("success", req.t("common.saved"))
        let response = req.redirect(to: "/account")
        if let language = form.language, Language(rawValue: language) != nil {
            response.cookies["parc_lang"] = HTTPCookies.Value(string: language, maxAge: 365 * 24 * 3600, path: "/",
                isSecure: req.parc.configuration.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }

    struct PasswordPage: Encodable {
        let forced: Bool
        let errors: [String: String]
    }

    @Sendable func passwordPage(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await req.renderPage("account-password", title: req.t("account.password.title"),
                                        page: PasswordPage(forced: user.mustChangePassword, errors: [:]))
    }

    struct PasswordForm: Content {
        let current: String?
        let password: String?
        let password_confirm: String?
    }

    @Sendable func changePassword(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let user = try await UserModel.find(current.id, on: req.db) else { throw ParcError.notFound("user") }
        let form = try req.content.decode(PasswordForm.self)
        var errors: [String: String] = [:]
        let verified = try await LoginService(request: req).verifyCurrentPassword(form.current ?? "", of: user)
        if !verified { errors["current"] = req.t("account.password.wrong_current") }
        if form.password != form.password_confirm { errors["password_confirm"] = req.t("password.mismatch") }
        if form.password == form.current, verified { errors["password"] = req.t("account.password.same") }
        if errors.isEmpty {
            do {
                try await AccountService(request: req).setPassword(
                    user, to: form.password ?? "", mustChange: false, audit: AuditLog(request: req),
                    keepSessionKeyHash: req.session.id.map { Secrets.fingerprint($0.string) })
                req.flash("success", req.t("account.password.changed"))
                return req.redirect(to: "/account")
            } catch let error as ParcError where error.status == .unprocessableEntity {
                errors = req.localized(error.fields)
            }
        }
        return try await req.renderPage("account-password", title: req.t("account.password.title"),
                                        page: PasswordPage(forced: current.mustChangePassword, errors: errors),
                                        status: .unprocessableEntity)
    }

    @Sendable func startTOTP(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard !current.totpEnabled else { return req.redirect(to: "/account") }
        let secret = TOTP.newSecret()
        req.session.data["totp_pending"] = secret
        return try await render(req, totpSetup: setup(secret, login: current.login))
    }

    private func setup(_ secret: String, login: String) -> TOTPSetup {
        let uri = TOTP.provisioningURI(secret: secret, account: login)
        let svg = (try? QRCode(text: uri, errorCorrection: .medium).svg(moduleSize: 4, quietZone: 4, title: "QR")) ?? ""
        return TOTPSetup(secret: secret, uri: uri, qrSVG: svg)
    }

    struct CodeForm: Content {
        let code: String?
        let password: String?
    }

    @Sendable func confirmTOTP(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let secret = req.session.data["totp_pending"],
              let user = try await UserModel.find(current.id, on: req.db) else { return req.redirect(to: "/account") }
        let form = try req.content.decode(CodeForm.self)
        guard let counter = TOTP.matchingCounter(form.code ?? "", secret: secret, at: req.now) else {
            return try await render(req, totpSetup: setup(secret, login: current.login),
                                    errors: ["code": req.t("login.2fa.invalid")], status: .unprocessableEntity)
        }
        let codes = (0..<10).map { _ in RecoveryCodes.make() }
        let audit = AuditLog(request: req)
        let before = user.auditSnapshot
        user.totpSecret = secret
        user.totpEnabled = true
        user.totpLastCounter = counter
        try await req.db.transaction { db in
            try await user.update(on: db)
            try await RecoveryCodeModel.query(on: db).filter(\.$userID == user.id!).delete()
            for code in codes {
                try await RecoveryCodeModel(userID: user.id!, codeHash: Secrets.fingerprint(code.filter { $0 != "-" }))
                    .create(on: db)
            }
            try await audit.record("enable_2fa", objectType: "user", objectID: user.id!, label: user.login,
                                   entityID: user.entityID,
                                   changes: FieldChange.between(before, user.auditSnapshot, secrets: ["password"]), on: db)
        }
        req.session.data["totp_pending"] = nil
        req.currentUser = CurrentUser(user, via: .session)
        return try await render(req, recoveryCodes: codes)
    }

    @Sendable func disableTOTP(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let user = try await UserModel.find(current.id, on: req.db) else { throw ParcError.notFound("user") }
        let form = try req.content.decode(CodeForm.self)
        guard try await LoginService(request: req).verifyCurrentPassword(form.password ?? "", of: user) else {
            return try await render(req, errors: ["totp_password": req.t("account.password.wrong_current")],
                                    status: .unprocessableEntity)
        }
        let before = user.auditSnapshot
        user.totpSecret = nil
        user.totpEnabled = false
        let audit = AuditLog(request: req)
        try await req.db.transaction { db in
            try await user.update(on: db)
            try await RecoveryCodeModel.query(on: db).filter(\.$userID == user.id!).delete()
            try await audit.record("disable_2fa", objectType: "user", objectID: user.id!, label: user.login,
                                   entityID: user.entityID,
                                   changes: FieldChange.between(before, user.auditSnapshot, secrets: ["password"]), on: db)
        }
        req.flash("success", req.t("account.2fa.disabled"))
        return req.redirect(to: "/account")
    }

    struct TokenForm: Content {
        let name: String?
        let expires_in_days: String?
    }

    @Sendable func createToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let user = try await UserModel.find(current.id, on: req.db) else { throw ParcError.notFound("user") }
        let form = try req.content.decode(TokenForm.self)
        let days = form.expires_in_days.flatMap(Int.init).flatMap { (1...3650).contains($0) ? $0 : nil }
        do {
            let (_, secret) = try await AccountService(request: req).createToken(
                for: user, name: form.name ?? "", expiresAt: days.map { req.now.addingTimeInterval(Double($0) * 86400) },
                audit: AuditLog(request: req))
            return try await render(req, newToken: secret)
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await render(req, errors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    @Sendable func revokeToken(_ req: Request) async throws -> Response {
        let token = try await AccountService(request: req).revokeOwnToken(req.parameters.get("id", as: UUID.self),
                                                                        audit: AuditLog(request: req), request: req)
        req.flash("success", req.t("account.tokens.revoked", token.name))
        return req.redirect(to: "/account")
    }
}

/// Recovery codes: 10 characters from an alphabet without look-alikes, shown as XXXXX-XXXXX.
enum RecoveryCodes {
    static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    static func make() -> String {
        let characters = Secrets.randomBytes(10).map { alphabet[Int($0) % alphabet.count] }
        return String(characters[0..<5]) + "-" + String(characters[5..<10])
    }
}
