import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// The rules for accounts, shared by the CLI, the setup page, the admin pages and the API.
struct AccountService {
    let db: any Database
    let passwords: AsyncPasswordHasher
    let policy: PasswordPolicy
    let now: Date

    init(request: Request) {
        self.db = request.db
        self.passwords = request.password.async
        self.policy = request.parc.passwordPolicy
        self.now = request.now
    }

    init(db: any Database, passwords: AsyncPasswordHasher, policy: PasswordPolicy, now: Date) {
        self.db = db
        self.passwords = passwords
        self.policy = policy
        self.now = now
    }

    /// The same service working inside a transaction.
    func on(_ db: any Database) -> AccountService {
        AccountService(db: db, passwords: passwords, policy: policy, now: now)
    }

    init(application: Application) {
        self.db = application.db
        self.passwords = application.password.async
        self.policy = application.parc.passwordPolicy
        self.now = application.parc.clock.now()
    }

    struct NewUser: Sendable {
        var login: String
        var displayName: String
        var email: String?
        var password: String
        var entityID: UUID
        var role: Role?
        var recursive: Bool = true
        var mustChangePassword: Bool = false
        var language: Language? = nil
        var timeZone: String? = nil
        /// When set and the account has an e-mail address, a welcome mail is queued with the change.
        var welcome: Welcome? = nil
    }

    /// What the welcome mail needs: the catalogues, the server's address and who created the account.
    struct Welcome: Sendable {
        let catalog: Catalog
        let serverURL: String
        let createdBy: String
    }

    /// Field problems of a new or edited account (empty when valid). Keys are field names.
    func validate(login: String?, displayName: String?, email: String?, password: String?,
                  timeZone: String?) -> [String: String] {
        var errors: [String: String] = [:]
        if let login {
            if login.isEmpty || login.count > 64
                || !login.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "._@-".unicodeScalars.contains($0) })
                || !login.allSatisfy(\.isASCII) {
                errors["login"] = "Use 1–64 letters, digits, dots, dashes, underscores or @."
            }
        }
        if let displayName, displayName.trimmingCharacters(in: .whitespaces).isEmpty || displayName.count > 200
            || displayName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors["display_name"] = "Give a name of 1–200 characters, without control characters."
        }
        if let email, !email.isEmpty, !Self.looksLikeEmail(email) {
            errors["email"] = "Give an address like name@example.org."
        }
        if let password, let problem = policy.check(password, login: login ?? "") {
            errors["password"] = problem.message
        }
        if let timeZone, !timeZone.isEmpty, TimeZone(identifier: timeZone) == nil {
            errors["time_zone"] = "Unknown time zone; use a name such as Europe/Paris."
        }
        return errors
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
    }

    /// Creates an account (and its first profile) in one transaction, recorded in the audit log.
    func create(_ new: NewUser, audit: AuditLog) async throws -> UserModel {
        var errors = validate(login: new.login, displayName: new.displayName, email: new.email,
                              password: new.password, timeZone: new.timeZone)
        if try await EntityModel.find(new.entityID, on: db) == nil { errors["entity_id"] = "No such entity." }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        if try await UserModel.find(login: new.login, on: db) != nil {
            throw ParcError.conflict("The login '\(new.login)' is already taken; choose another one.")
        }
        let hash = try await passwords.hash(new.password)
        let user = UserModel(entityID: new.entityID, login: new.login, displayName: new.displayName,
                             email: new.email.flatMap { $0.isEmpty ? nil : $0 }, passwordHash: hash,
                             language: new.language?.rawValue, timeZone: new.timeZone.flatMap { $0.isEmpty ? nil : $0 })
        user.passwordChangedAt = now
        user.mustChangePassword = new.mustChangePassword
        try await db.transaction { db in
            try await user.create(on: db)
            try await audit.record("create", objectType: "user", objectID: user.id!, label: user.login,
                                   entityID: user.entityID,
                                   changes: FieldChange.between([:], user.auditSnapshot, secrets: ["password"]), on: db)
            if let welcome = new.welcome, let email = user.email {
                try await Mailer(db: db, catalog: welcome.catalog, now: now).enqueue(
                    template: "account_created", language: new.language ?? .fr, to: [email],
                    values: ["name": user.displayName, "login": user.login, "url": welcome.serverURL,
                             "creator": welcome.createdBy], entityID: user.entityID)
            }
            if let role = new.role {
                let profile = ProfileModel(userID: user.id!, entityID: new.entityID, role: role, recursive: new.recursive)
                try await profile.create(on: db)
                try await audit.record("grant_profile", objectType: "user", objectID: user.id!, label: user.login,
                                       entityID: user.entityID, changes: [
                                           FieldChange(field: "profile", before: nil,
                                                       after: "\(role.rawValue)\(new.recursive ? " (recursive)" : "")"),
                                       ], on: db)
            }
        }
        return user
    }

    /// Sets a new password (checked against the policy) and ends the user's other sessions.
    func setPassword(_ user: UserModel, to password: String, mustChange: Bool, audit: AuditLog,
                     keepSessionKeyHash: String? = nil, revokeTokens: Bool = false) async throws {
        if let problem = policy.check(password, login: user.login) {
            throw ParcError.validation(["password": problem.message])
        }
        let before = user.auditSnapshot
        user.passwordHash = try await passwords.hash(password)
        user.passwordChangedAt = now
        user.mustChangePassword = mustChange
        try await db.transaction { db in
            try await user.update(on: db)
            var others = SessionModel.query(on: db).filter(\.$userID == user.id!)
            if let keep = keepSessionKeyHash { others = others.filter(\.$keyHash != keep) }
            try await others.delete()
            if revokeTokens {
                // An administrator's reset means the account may be compromised: its tokens stop too.
                // Through the models, so that the access cache hears of it.
                for token in try await APITokenModel.query(on: db).filter(\.$userID == user.id!)
                    .filter(\.$revokedAt == nil).all() {
                    token.revokedAt = now
                    try await token.update(on: db)
                }
            }
            try await audit.record("set_password", objectType: "user", objectID: user.id!, label: user.login,
                                   entityID: user.entityID,
                                   changes: FieldChange.between(before, user.auditSnapshot, secrets: ["password"]), on: db)
        }
    }

    /// A new API token for the user; the secret is returned once and only its hash is stored.
    func createToken(for user: UserModel, name: String, expiresAt: Date?, audit: AuditLog) async throws
        -> (APITokenModel, String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw ParcError.validation(["name": "Give the token a name of 1–100 characters."]) }
        if let expiresAt, expiresAt <= now {
            throw ParcError.validation(["expires_at": "The expiry date must be in the future."])
        }
        let secret = Secrets.token(prefix: "parc_")
        let token = APITokenModel(userID: user.id!, name: trimmed, tokenHash: Secrets.fingerprint(secret),
                                  prefix: String(secret.prefix(10)), expiresAt: expiresAt)
        try await db.transaction { db in
            try await token.create(on: db)
            try await audit.record("create_token", objectType: "user", objectID: user.id!, label: user.login,
                                   entityID: user.entityID, changes: [FieldChange(field: "token", before: nil,
                                                                                  after: "\(trimmed) (\(token.prefix)…)")],
                                   on: db)
        }
        return (token, secret)
    }
}

extension AccountService {
    /// Revokes one of the signed-in user's tokens (404 for anyone else's), recorded in the audit log.
    @discardableResult
    func revokeOwnToken(_ id: UUID?, audit: AuditLog, request: Request) async throws -> APITokenModel {
        let current = try request.requireUser()
        guard let id, let token = try await APITokenModel.find(id, on: db), token.userID == current.id else {
            throw ParcError.notFound("token")
        }
        guard token.revokedAt == nil else { return token }
        token.revokedAt = now
        try await db.transaction { db in
            try await token.update(on: db)
            try await audit.record("revoke_token", objectType: "user", objectID: current.id, label: current.login,
                                   entityID: current.entityID, changes: [FieldChange(
                                       field: "token", before: "\(token.name) (\(token.prefix)…)", after: nil)],
                                   on: db)
        }
        return token
    }
}

/// How a login attempt ended.
enum LoginOutcome {
    case success(UserModel)
    case needsSecondFactor(UserModel)
    case invalid
    case locked(until: Date)
}

/// Checks logins against bcrypt hashes with throttling per login and per address, shared by all
/// instances through the `login_attempts` table.
struct LoginService {
    let request: Request

    func attempt(login rawLogin: String, password: String) async throws -> LoginOutcome {
        let login = String(rawLogin.trimmingCharacters(in: .whitespaces).prefix(100))
        let key = login.lowercased()
        let now = request.now
        let policy = request.parc.loginThrottle
        let since = now.addingTimeInterval(-policy.window)
        let ip = request.clientIP
        // Failures since the last success, by login and by address; the stricter one applies.
        let byLogin = try await failures(LoginAttemptModel.query(on: request.db).filter(\.$login == key), since: since)
        let byIP = try await failures(LoginAttemptModel.query(on: request.db).filter(\.$ip == ip), since: since)
        // An address gets more room than one login: several users may share a NAT.
        var ipPolicy = policy
        ipPolicy.freeAttempts = policy.freeAttempts * 4
        let lockouts = [policy.lockedUntil(failures: byLogin, now: now), ipPolicy.lockedUntil(failures: byIP, now: now)]
        if let until = lockouts.compactMap({ $0 }).max() { return .locked(until: until) }

        let user = try await UserModel.find(login: login, on: request.db)
        let verified: Bool
        if let user, user.isActive {
            verified = (try? await request.password.async.verify(password.prefix(1024).description,
                                                                  created: user.passwordHash)) ?? false
        } else {
            // Same cost whether or not the login exists, so timing does not reveal accounts.
            _ = try? await request.password.async.hash("parc-timing-equaliser")
            verified = false
        }
        guard verified, let user else {
            try await LoginAttemptModel(login: key, ip: ip, succeeded: false, at: now).create(on: request.db)
            return .invalid
        }
        // With a second factor pending, the right password alone is no success: recording one would
        // clear the failure count and let code guesses go on without end.
        if user.totpEnabled { return .needsSecondFactor(user) }
        try await LoginAttemptModel(login: key, ip: ip, succeeded: true, at: now).create(on: request.db)
        return .success(user)
    }

    /// Checks the signed-in user's current password (before a password change or disabling the
    /// second factor) under the same throttle as sign-in, so a borrowed session cannot guess it.
    func verifyCurrentPassword(_ password: String, of user: UserModel) async throws -> Bool {
        let key = user.login.lowercased()
        let now = request.now
        let policy = request.parc.loginThrottle
        let recent = try await failures(LoginAttemptModel.query(on: request.db).filter(\.$login == key),
                                        since: now.addingTimeInterval(-policy.window))
        if let until = policy.lockedUntil(failures: recent, now: now) {
            let seconds = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
            throw ParcError(.tooManyRequests, code: "locked", request.t("login.locked", String(seconds)))
        }
        let verified = (try? await request.password.async.verify(String(password.prefix(1024)),
                                                                 created: user.passwordHash)) ?? false
        if !verified {
            try await LoginAttemptModel(login: key, ip: request.clientIP, succeeded: false, at: now).create(on: request.db)
        }
        return verified
    }

    private func failures(_ query: QueryBuilder<LoginAttemptModel>, since: Date) async throws -> [Date] {
        let attempts = try await query.filter(\.$attemptedAt >= since).sort(\.$attemptedAt, .descending).limit(200).all()
        return attempts.prefix { !$0.succeeded }.map(\.attemptedAt)
    }
}
