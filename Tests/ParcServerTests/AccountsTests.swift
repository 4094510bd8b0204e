import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Accounts: sign-in, throttling, CSRF, tokens, two-factor, audit")
struct AccountsTests {
    @Test("signing in opens a session; signing out ends it", arguments: TestDatabase.all)
    func signInOut(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            _ = try await Tenancy.make(app)
            let browser = WebClient(app)
            #expect(try await browser.get("/").status == .seeOther)
            try await browser.signIn("alice")
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Alice"))
            let sessions = try await SessionModel.query(on: app.db).count()
            #expect(sessions >= 1)
            #expect(try await browser.post("/logout", [:]).status == .seeOther)
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("wrong passwords are refused, and repeated failures lock the login for a while", arguments: TestDatabase.all)
    func throttling(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            _ = try await Tenancy.make(app)
            let browser = WebClient(app)
            try await browser.get("/login")
            for _ in 0..<5 {
                let response = try await browser.post("/login", ["login": "alice", "password": "wrong password!"])
                #expect(response.status == .unauthorized)
            }
            let locked = try await browser.post("/login", ["login": "alice", "password": Tenancy.password])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers.first(name: .retryAfter) != nil)
            clock.advance(60 * 60)
            try await browser.signIn("alice")
        }
    }

    @Test("a form without the session's CSRF token is refused and changes nothing", arguments: TestDatabase.all)
    func csrf(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let browser = WebClient(app)
            try await browser.signIn("root")
            let forged = try await browser.post("/admin/entities", ["name": "Forged", "parent_id": t.root.id!.uuidString],
                                                includeCSRF: false)
            #expect(forged.status == .forbidden)
            #expect(try await EntityModel.query(on: app.db).filter(\.$name == "Forged").count() == 0)
            let real = try await browser.post("/admin/entities", ["name": "Gamma", "parent_id": t.root.id!.uuidString])
            #expect(real.status == .seeOther)
            #expect(try await EntityModel.query(on: app.db).filter(\.$name == "Gamma").count() == 1)
        }
    }

    @Test("API tokens are stored hashed, shown once, and stop working when revoked", arguments: TestDatabase.all)
    func tokens(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let stored = try await APITokenModel.query(on: app.db).all()
            #expect(stored.allSatisfy { !$0.tokenHash.contains(t.alphaToken) && $0.tokenHash.count == 64 })
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(t.alphaToken)) { res in
                let decoded = try res.content.decode(UsersController.UserDTO.self)
                #expect(decoded.login == "alice")
            }
            let browser = WebClient(app)
            try await browser.signIn("alice")
            let token = try await APITokenModel.query(on: app.db).filter(\.$userID == t.alphaTech.id!).first()!
            #expect(try await browser.post("/account/tokens/\(token.id!)/revoke", [:]).status == .seeOther)
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .unauthorized)
            }
            let page = try await browser.post("/account/tokens", ["name": "backup script", "expires_in_days": "30"])
            #expect(page.status == .ok)
            let secret = page.body.string.components(separatedBy: "id=\"new-token\">").last?
                .components(separatedBy: "<").first ?? ""
            #expect(secret.hasPrefix("parc_"))
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(secret)) { res in
                #expect(res.status == .ok)
            }
        }
    }

    @Test("TOTP follows RFC 6238 (SHA-1 test vectors)")
    func totpVectors() {
        let secret = Array("12345678901234567890".utf8)
        // RFC 6238 appendix B, truncated to 6 digits.
        #expect(TOTP.code(secret: secret, at: Date(timeIntervalSince1970: 59)) == "287082")
        #expect(TOTP.code(secret: secret, at: Date(timeIntervalSince1970: 1_111_111_109)) == "081804")
        #expect(TOTP.code(secret: secret, at: Date(timeIntervalSince1970: 2_000_000_000)) == "279037")
        let base32 = Base32.encode(secret)
        #expect(TOTP.verify("287082", secret: base32, at: Date(timeIntervalSince1970: 59 + 30)))
        #expect(!TOTP.verify("287082", secret: base32, at: Date(timeIntervalSince1970: 59 + 120)))
        #expect(!TOTP.verify("28708", secret: base32, at: Date(timeIntervalSince1970: 59)))
    }

    @Test("with two-factor on, sign-in asks for the code; a recovery code works once", arguments: TestDatabase.all)
    func twoFactor(_ database: TestDatabase) async throws {
        try await withApp(database) { app, clock in
            _ = try await Tenancy.make(app)
            let browser = WebClient(app)
            try await browser.signIn("alice")
            let setup = try await browser.post("/account/totp/start", [:])
            #expect(setup.body.string.contains("<svg"))
            let secret = setup.body.string.components(separatedBy: "<code class=\"mono\">").dropFirst().first?
                .components(separatedBy: "<").first ?? ""
            #expect(secret.count == 32)
            let code = TOTP.code(secret: Base32.decode(secret) ?? [], at: clock.now)
            let confirmed = try await browser.post("/account/totp/confirm", ["code": code])
            #expect(confirmed.status == .ok)
            let recovery = confirmed.body.string.components(separatedBy: "id=\"recovery\">").last?
                .components(separatedBy: "\n").first ?? ""
            #expect(recovery.count == 11)
            try await browser.post("/logout", [:])

            let second = WebClient(app)
            try await second.get("/login")
            let step = try await second.post("/login", ["login": "alice", "password": Tenancy.password])
            #expect(step.headers.first(name: .location) == "/login/2fa")
            try await second.get("/login/2fa")
            #expect(try await second.post("/login/2fa", ["code": "000000"]).status == .unauthorized)
            #expect(try await second.post("/login/2fa", ["code": recovery]).status == .seeOther)
            #expect(try await second.get("/").status == .ok)

            // A TOTP code works once: the same code cannot open a second session.
            clock.advance(30)
            let fresh = TOTP.code(secret: Base32.decode(secret) ?? [], at: clock.now)
            let fourth = WebClient(app)
            try await fourth.get("/login")
            try await fourth.post("/login", ["login": "alice", "password": Tenancy.password])
            try await fourth.get("/login/2fa")
            #expect(try await fourth.post("/login/2fa", ["code": fresh]).status == .seeOther)
            let fifth = WebClient(app)
            try await fifth.get("/login")
            try await fifth.post("/login", ["login": "alice", "password": Tenancy.password])
            try await fifth.get("/login/2fa")
            #expect(try await fifth.post("/login/2fa", ["code": fresh]).status == .unauthorized)

            let third = WebClient(app)
            try await third.get("/login")
            try await third.post("/login", ["login": "alice", "password": Tenancy.password])
            try await third.get("/login/2fa")
            #expect(try await third.post("/login/2fa", ["code": recovery]).status == .unauthorized)
        }
    }

    @Test("an admin's change to an entity is in its history with before and after", arguments: TestDatabase.all)
    func auditHistory(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            try await app.testing().test(.PATCH, "/api/v1/entities/\(t.alpha.id!)", headers: .json(t.superToken),
                                         body: ByteBuffer(string: #"{"name":"Alpha Lyon","code":"LYO"}"#)) { res in
                #expect(res.status == .ok)
            }
            let history = try await AuditEntryModel.history(objectType: "entity", objectID: t.alpha.id!,
                                                            visibleTo: [t.alpha.id!], on: app.db)
            let update = try #require(history.first { $0.action == "update" })
            let changes = try JSONDecoder().decode([FieldChange].self, from: Data(update.changes.utf8))
            #expect(changes.contains(FieldChange(field: "name", before: "Alpha", after: "Alpha Lyon")))
            #expect(changes.contains(FieldChange(field: "code", before: "ALP", after: "LYO")))
            #expect(update.actorName.contains("root"))
            let browser = WebClient(app)
            try await browser.signIn("root")
            let page = try await browser.get("/admin/entities/\(t.alpha.id!)?tab=history")
            #expect(page.body.string.contains("Alpha Lyon"))
        }
    }

    @Test("passwords are stored with bcrypt and never in the audit log", arguments: TestDatabase.all)
    func passwordStorage(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            #expect(t.alphaTech.passwordHash.hasPrefix("$2"))
            let entries = try await AuditEntryModel.query(on: app.db).all()
            #expect(!entries.contains { $0.changes.contains("$2") || $0.changes.contains(Tenancy.password) })
        }
    }
}

@Suite("API tokens through the API")
struct TokenAPITests {
    @Test("a script creates a token, sees it listed without its secret, and revokes it", arguments: TestDatabase.all)
    func lifecycle(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            var secret = ""
            var id = ""
            try await app.testing().test(.POST, "/api/v1/tokens", headers: .json(t.alphaToken),
                                         body: ByteBuffer(string: #"{"name":"inventory script"}"#)) { res in
                #expect(res.status == .created)
                let created = try res.content.decode(TokensController.TokenDTO.self)
                secret = created.token ?? ""
                id = created.id.uuidString
            }
            #expect(secret.hasPrefix("parc_"))
            try await app.testing().test(.GET, "/api/v1/tokens", headers: .bearer(secret)) { res in
                let list = try res.content.decode(ListResponse<TokensController.TokenDTO>.self)
                #expect(list.items.count == 2)
                #expect(list.items.allSatisfy { $0.token == nil })
            }
            // Another user's token id is not found.
            try await app.testing().test(.DELETE, "/api/v1/tokens/\(id)", headers: .bearer(t.betaToken)) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.DELETE, "/api/v1/tokens/\(id)", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .noContent)
            }
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(secret)) { res in
                #expect(res.status == .unauthorized)
            }
            try await app.testing().test(.POST, "/api/v1/tokens", headers: .json(t.alphaToken),
                                         body: ByteBuffer(string: #"{"name":"x","expires_at":"2001-01-01T00:00:00Z"}"#)) { res in
                #expect(res.status == .unprocessableEntity)
            }
        }
    }
}

@Suite("Audit log page")
struct AuditPageTests {
    @Test("the audit page filters by object type and exports CSV of the visible entries only", arguments: TestDatabase.all)
    func filtersAndCSV(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let bob = WebClient(app)
            try await bob.signIn("bob")
            let page = try await bob.get("/admin/audit?object_type=user")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("carol"))
            #expect(!page.body.string.contains("alice"))
            let csv = try await bob.get("/admin/audit?object_type=user&format=csv")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.hasPrefix("time,actor,action"))
            #expect(csv.body.string.contains("carol"))
            #expect(!csv.body.string.contains("alice"))
            #expect(try await bob.get("/admin/audit?colour=red").status == .badRequest)
            _ = t
        }
    }
}

@Suite("Second-factor throttling")
struct SecondFactorThrottleTests {
    @Test("guessing codes locks the login even when the password is entered again between guesses",
          arguments: TestDatabase.all)
    func noResetByPassword(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let user = try #require(try await UserModel.find(t.alphaTech.id, on: app.db))
            user.totpSecret = Base32.encode(Array("12345678901234567890".utf8))
            user.totpEnabled = true
            try await user.update(on: app.db)
            let browser = WebClient(app)
            try await browser.get("/login")
            var statuses: [HTTPStatus] = []
            for round in 0..<4 {
                try await browser.post("/login", ["login": "alice", "password": Tenancy.password])
                try await browser.get("/login/2fa")
                for guess in 0..<2 {
                    statuses.append(try await browser.post("/login/2fa", ["code": String(format: "%06d", round * 2 + guess)])
                        .status)
                }
            }
            #expect(statuses.contains(.tooManyRequests), "\(statuses)")
        }
    }

    @Test("anonymous requests do not fill the sessions table")
    func noAnonymousSessions() async throws {
        try await withApp(.sqlite) { app, _ in
            for _ in 0..<5 {
                try await app.testing().test(.GET, "/") { res in #expect(res.status == .seeOther) }
                try await app.testing().test(.GET, "/admin/users", headers: ["Cookie": "parc_session=forged"]) { res in
                    #expect(res.status == .seeOther)
                }
            }
            #expect(try await SessionModel.query(on: app.db).count() == 0)
        }
    }
}

@Suite("History shows names, not ids")
struct HistoryDisplayTests {
    @Test("a moved account's history names the entities in the user's language", arguments: TestDatabase.all)
    func readableHistory(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            try await app.testing().test(.PATCH, "/api/v1/users/\(t.betaUser.id!)", headers: .json(t.superToken),
                                         body: ByteBuffer(string: #"{"entity_id":"\#(t.alpha.id!)","is_active":false}"#)) { res in
                #expect(res.status == .ok)
            }
            let root = WebClient(app)
            try await root.signIn("root")
            try await root.post("/preferences/language", ["language": "fr", "back": "/"])
            let html = try await root.get("/admin/users/\(t.betaUser.id!)?tab=history").body.string
            #expect(html.contains("Root › Alpha"))
            #expect(html.contains("Entité"))
            #expect(!html.contains(t.alpha.id!.uuidString))
            #expect(html.contains("Non"))
        }
    }
}

@Suite("Secrets")
struct SecretsTests {
    @Test("fingerprints are the lower-case hex SHA-256 of the secret")
    func fingerprint() {
        #expect(Secrets.fingerprint("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secrets.fingerprint("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Secrets.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }
}

@Suite("First run and self-service account pages")
struct SelfServiceTests {
    @Test("the setup page creates the root entity and the first super-admin, once", arguments: TestDatabase.all)
    func setup(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // (The running-server client follows redirects.)
            try await app.testing(method: .running(port: 0)).test(.GET, "/login") { res in
                #expect(res.body.string.contains("action=\"/setup\""), "sign-in sends the first visitor to setup")
            }
            // The form needs the session's CSRF token: read it, then post with the same cookie.
            var cookie = ""
            var csrf = ""
            try await app.testing(method: .running(port: 0)).test(.GET, "/setup") { res in
                cookie = res.headers[.setCookie].first?.split(separator: ";").first.map(String.init) ?? ""
                csrf = res.body.string.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?
                    .components(separatedBy: "\"").first ?? ""
            }
            let form = "csrf=\(csrf)&entity=Mairie%20de%20Test&login=admin&display_name=Admin&email=&password=long%20enough%20pw&password_confirm=long%20enough%20pw"
            try await app.testing(method: .running(port: 0)).test(.POST, "/setup", headers: [
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)) { res in
                #expect(res.status == .ok)
            }
            let root = try #require(try await EntityModel.query(on: app.db).first())
            #expect(root.name == "Mairie de Test" && root.parentID == nil)
            let admin = try #require(try await UserModel.find(login: "admin", on: app.db))
            #expect(try await ProfileModel.query(on: app.db).filter(\.$userID == admin.id!).first()?.role == "super-admin")
            try await app.testing(method: .running(port: 0)).test(.GET, "/setup") { res in
                #expect(res.status == .notFound)
            }
        }
    }

    @Test("a user changes their password, language, time zone and theme", arguments: TestDatabase.all)
    func ownAccount(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let browser = WebClient(app)
            try await browser.signIn("alice")
            let wrong = try await browser.post("/account/password", ["current": "not it at all", "password": "a brand new pass",
                                                                       "password_confirm": "a brand new pass"])
            #expect(wrong.status == .unprocessableEntity)
            let changed = try await browser.post("/account/password", ["current": Tenancy.password,
                "password": "a brand new pass", "password_confirm": "a brand new pass"])
            #expect(changed.status == .seeOther)
            #expect(try await browser.get("/").status == .ok, "the session that changed the password stays signed in")
            let saved = try await browser.post("/account/preferences", ["display_name": "Alice Martin", "email": "alice@example.org",
                                                                       "language": "fr", "time_zone": "Europe/Paris"])
            #expect(saved.status == .seeOther)
            let page = try await browser.get("/account")
            #expect(page.body.string.contains("<html lang=\"fr\""))
            #expect(try await browser.post("/preferences/theme", ["theme": "dark", "back": "/account"]).status == .seeOther)
            #expect(try await browser.get("/account").body.string.contains("data-theme=\"dark\""))
            let user = try #require(try await UserModel.find(t.alphaTech.id, on: app.db))
            #expect(user.displayName == "Alice Martin" && user.timeZone == "Europe/Paris" && user.theme == "dark")
            #expect(try await app.password.async.verify("a brand new pass", created: user.passwordHash))
            let badZone = try await browser.post("/account/preferences", ["display_name": "Alice", "time_zone": "Mars/Olympus"])
            #expect(badZone.status == .unprocessableEntity)
        }
    }
}
