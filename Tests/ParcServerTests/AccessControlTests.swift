import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Entities and permissions: nobody sees what their profiles do not cover")
struct AccessControlTests {
    @Test("a technician on Alpha cannot read, list, search or change Beta's accounts by API", arguments: TestDatabase.all)
    func apiScoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            // read by id guessing: 404, same as an unknown id
            try await app.testing().test(.GET, "/api/v1/users/\(t.betaUser.id!)", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.GET, "/api/v1/users/\(UUID())", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .notFound)
            }
            // list
            try await app.testing().test(.GET, "/api/v1/users?per_page=200", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .ok)
                let list = try res.content.decode(ListResponse<UsersController.UserDTO>.self)
                #expect(Set(list.items.map(\.login)) == ["alice"])
                #expect(list.total == 1)
            }
            // search and filter
            try await app.testing().test(.GET, "/api/v1/users?q=carol", headers: .bearer(t.alphaToken)) { res in
                let list = try res.content.decode(ListResponse<UsersController.UserDTO>.self)
                #expect(list.items.isEmpty)
            }
            try await app.testing().test(.GET, "/api/v1/users?entity_id=\(t.beta.id!)", headers: .bearer(t.alphaToken)) { res in
                let list = try res.content.decode(ListResponse<UsersController.UserDTO>.self)
                #expect(list.items.isEmpty)
            }
            // change
            try await app.testing().test(.PATCH, "/api/v1/users/\(t.betaUser.id!)", headers: .json(t.alphaToken),
                                         body: ByteBuffer(string: #"{"display_name":"pwned"}"#)) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.DELETE, "/api/v1/users/\(t.betaUser.id!)", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .notFound)
            }
            // entities
            try await app.testing().test(.GET, "/api/v1/entities/\(t.beta.id!)", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.GET, "/api/v1/entities", headers: .bearer(t.alphaToken)) { res in
                let names = try res.content.decode(ListResponse<EntitiesController.EntityDTO>.self).items.map(\.name)
                #expect(names == ["Alpha"])
            }
            // audit
            try await app.testing().test(.GET, "/api/v1/audit?object_id=\(t.betaUser.id!)", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .ok)
                let decoded = try res.content.decode(ListResponse<AuditController.EntryDTO>.self)
                #expect(decoded.items.isEmpty)
            }
            let unchanged = try await UserModel.find(t.betaUser.id, on: app.db)
            #expect(unchanged?.displayName == "Carol")
            #expect(unchanged?.isActive == true)
        }
    }

    @Test("a technician can see but not change accounts of their own entity (403)", arguments: TestDatabase.all)
    func forbiddenInOwnEntity(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            try await app.testing().test(.PATCH, "/api/v1/users/\(t.alphaTech.id!)", headers: .json(t.alphaToken),
                                         body: ByteBuffer(string: #"{"is_active":false}"#)) { res in
                #expect(res.status == .forbidden)
                let decoded = try res.content.decode(TestErrorBody.self)
                #expect(decoded.error.code == "forbidden")
            }
        }
    }

    @Test("an admin of Beta cannot grant super-admin nor reach Alpha", arguments: TestDatabase.all)
    func grantLimits(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            try await app.testing().test(.POST, "/api/v1/users/\(t.betaUser.id!)/profiles", headers: .json(t.betaToken),
                body: ByteBuffer(string: #"{"entity_id":"\#(t.beta.id!)","role":"super-admin"}"#)) { res in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.POST, "/api/v1/users/\(t.betaUser.id!)/profiles", headers: .json(t.betaToken),
                body: ByteBuffer(string: #"{"entity_id":"\#(t.alpha.id!)","role":"technician"}"#)) { res in
                #expect(res.status == .unprocessableEntity)
            }
            try await app.testing().test(.POST, "/api/v1/users/\(t.betaUser.id!)/profiles", headers: .json(t.betaToken),
                body: ByteBuffer(string: #"{"entity_id":"\#(t.beta.id!)","role":"technician","recursive":false}"#)) { res in
                #expect(res.status == .created)
            }
            let profiles = try await ProfileModel.query(on: app.db).filter(\.$userID == t.betaUser.id!).all()
            #expect(profiles.map(\.role) == ["technician"])
        }
    }

    @Test("web pages of another entity's objects answer 404 and never show them", arguments: TestDatabase.all)
    func webScoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let browser = WebClient(app)
            try await browser.signIn("bob")
            #expect(try await browser.get("/admin/users/\(t.alphaTech.id!)").status == .notFound)
            #expect(try await browser.get("/admin/entities/\(t.alpha.id!)").status == .notFound)
            let list = try await browser.get("/admin/users")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("carol"))
            #expect(!list.body.string.contains("alice"))
            let search = try await browser.get("/search?q=ali")
            #expect(!search.body.string.contains("/admin/users/\(t.alphaTech.id!)"))
            let csv = try await browser.get("/admin/users?format=csv")
            #expect(csv.body.string.hasPrefix("login,display_name"))
            #expect(!csv.body.string.contains("alice"))
            let change = try await browser.post("/admin/users/\(t.alphaTech.id!)", ["display_name": "x"])
            #expect(change.status == .notFound)
        }
    }

    @Test("recursive profiles cover sub-entities, non-recursive ones do not")
    func recursion() {
        let root = UUID(), child = UUID(), grandchild = UUID()
        let tree = EntityTree([.init(id: root, parentID: nil, name: "R"), .init(id: child, parentID: root, name: "C"),
                               .init(id: grandchild, parentID: child, name: "G")])
        let recursive = AccessScope(profiles: [.init(entityID: child, role: .admin, recursive: true)], tree: tree)
        #expect(recursive.entities(for: .usersManage) == [child, grandchild])
        let flat = AccessScope(profiles: [.init(entityID: child, role: .admin, recursive: false)], tree: tree)
        #expect(flat.entities(for: .usersManage) == [child])
        let mixed = AccessScope(profiles: [.init(entityID: root, role: .observer, recursive: true),
                                           .init(entityID: grandchild, role: .admin, recursive: false)], tree: tree)
        #expect(mixed.allows(.usersManage, in: grandchild))
        #expect(!mixed.allows(.usersManage, in: child))
        #expect(mixed.canSee(root))
    }
}

@Suite("Authority over accounts follows what they can do")
struct AccountAuthorityTests {
    @Test("an admin of Beta cannot take over an account of Beta that is also admin of Alpha", arguments: TestDatabase.all)
    func crossTenantTakeover(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            // dave belongs to Beta but administers Alpha too.
            let dave = try await AccountService(application: app).create(.init(
                login: "dave", displayName: "Dave", email: nil, password: Tenancy.password, entityID: t.beta.id!,
                role: .requester, recursive: false), audit: AuditLog(system: "test", now: Date()))
            try await ProfileModel(userID: dave.id!, entityID: t.alpha.id!, role: .admin, recursive: true).create(on: app.db)
            try await app.testing().test(.PATCH, "/api/v1/users/\(dave.id!)", headers: .json(t.betaToken),
                                         body: ByteBuffer(string: #"{"password":"attacker chosen pw"}"#)) { res in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.PATCH, "/api/v1/users/\(dave.id!)", headers: .json(t.betaToken),
                                         body: ByteBuffer(string: #"{"is_active":false}"#)) { res in
                #expect(res.status == .forbidden)
            }
            let bob = WebClient(app)
            try await bob.signIn("bob")
            #expect(try await bob.post("/admin/users/\(dave.id!)/password", ["password": "attacker chosen pw"]).status
                == .forbidden)
            // …nor a super-admin's.
            try await app.testing().test(.PATCH, "/api/v1/users/\(t.superAdmin.id!)", headers: .json(t.betaToken),
                                         body: ByteBuffer(string: #"{"password":"attacker chosen pw"}"#)) { res in
                #expect(res.status == .notFound)
            }
            let stored = try await UserModel.find(dave.id, on: app.db)
            #expect(try await app.password.async.verify(Tenancy.password, created: stored!.passwordHash))
            #expect(stored?.isActive == true)
        }
    }

    @Test("nobody changes their own profiles, and a recursive grant needs the role on the whole subtree",
          arguments: TestDatabase.all)
    func escalation(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            try await app.testing().test(.POST, "/api/v1/users/\(t.betaAdmin.id!)/profiles", headers: .json(t.betaToken),
                body: ByteBuffer(string: #"{"entity_id":"\#(t.beta.id!)","role":"admin","recursive":true}"#)) { res in
                #expect(res.status == .forbidden)
            }
            // erin administers Beta itself, not its sites.
            let site = EntityModel(parentID: t.beta.id, name: "Beta Site")
            try await site.create(on: app.db)
            let erin = try await AccountService(application: app).create(.init(
                login: "erin", displayName: "Erin", email: nil, password: Tenancy.password, entityID: t.beta.id!,
                role: .admin, recursive: false), audit: AuditLog(system: "test", now: Date()))
            let erinToken = try await AccountService(application: app).createToken(
                for: erin, name: "t", expiresAt: nil, audit: AuditLog(system: "test", now: Date())).1
            try await app.testing().test(.POST, "/api/v1/users/\(t.betaUser.id!)/profiles", headers: .json(erinToken),
                body: ByteBuffer(string: #"{"entity_id":"\#(t.beta.id!)","role":"admin","recursive":true}"#)) { res in
                #expect(res.status == .forbidden)
            }
            // carol's recursive requester profile reaches Beta Site, where erin has no say: hands off.
            try await app.testing().test(.POST, "/api/v1/users/\(t.betaUser.id!)/profiles", headers: .json(erinToken),
                body: ByteBuffer(string: #"{"entity_id":"\#(t.beta.id!)","role":"technician","recursive":false}"#)) { res in
                #expect(res.status == .forbidden)
            }
            let fay = try await AccountService(application: app).create(.init(
                login: "fay", displayName: "Fay", email: nil, password: Tenancy.password, entityID: t.beta.id!,
                role: .requester, recursive: false), audit: AuditLog(system: "test", now: Date()))
            try await app.testing().test(.POST, "/api/v1/users/\(fay.id!)/profiles", headers: .json(erinToken),
                body: ByteBuffer(string: #"{"entity_id":"\#(t.beta.id!)","role":"technician","recursive":false}"#)) { res in
                #expect(res.status == .created)
            }
            // The super-admin cannot revoke their own profile either.
            let profile = try #require(try await ProfileModel.query(on: app.db).filter(\.$userID == t.superAdmin.id!).first())
            try await app.testing().test(.DELETE, "/api/v1/users/\(t.superAdmin.id!)/profiles/\(profile.id!)",
                                         headers: .bearer(t.superToken)) { res in
                #expect(res.status == .forbidden)
            }
        }
    }
}

@Suite("Object pages show only what the viewer's profiles cover")
struct VisibleDetailsTests {
    @Test("an account's profiles and history on other customers stay hidden", arguments: TestDatabase.all)
    func foreignProfilesHidden(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            // The super-admin gives carol (of Beta) a profile on Alpha.
            try await app.testing().test(.POST, "/api/v1/users/\(t.betaUser.id!)/profiles", headers: .json(t.superToken),
                body: ByteBuffer(string: #"{"entity_id":"\#(t.alpha.id!)","role":"observer"}"#)) { res in
                #expect(res.status == .created)
            }
            try await app.testing().test(.GET, "/api/v1/users/\(t.betaUser.id!)/profiles", headers: .bearer(t.betaToken)) { res in
                let list = try res.content.decode(ListResponse<UsersController.ProfileDTO>.self)
                #expect(list.items.map(\.entity_path) == ["Root › Beta"])
            }
            let bob = WebClient(app)
            try await bob.signIn("bob")
            let profiles = try await bob.get("/admin/users/\(t.betaUser.id!)?tab=profiles").body.string
            #expect(!profiles.contains("Alpha"))
            let history = try await bob.get("/admin/users/\(t.betaUser.id!)?tab=history").body.string
            #expect(!history.contains("Alpha"))
            let root = try await bob.get("/admin/entities/\(t.root.id!)")
            #expect(root.status == .notFound)
        }
    }
}

@Suite("Entity tree changes and login names")
struct TreeAndLoginTests {
    @Test("moving an entity needs rights on its current parent; deleting one records the profiles it removes",
          arguments: TestDatabase.all)
    func moveAndDelete(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            // bob administers Beta; a site under Root that he also administers cannot be pulled under Beta.
            let site = EntityModel(parentID: t.root.id, name: "Lone site")
            try await site.create(on: app.db)
            try await ProfileModel(userID: t.betaAdmin.id!, entityID: site.id!, role: .admin, recursive: false)
                .create(on: app.db)
            try await app.testing().test(.PATCH, "/api/v1/entities/\(site.id!)", headers: .json(t.betaToken),
                                         body: ByteBuffer(string: #"{"parent_id":"\#(t.beta.id!)"}"#)) { res in
                #expect(res.status == .notFound || res.status == .forbidden)
            }
            #expect(try await EntityModel.find(site.id, on: app.db)?.parentID == t.root.id)
            // The super-admin deletes it: bob's profile there goes, and his history says so.
            try await app.testing().test(.DELETE, "/api/v1/entities/\(site.id!)", headers: .bearer(t.superToken)) { res in
                #expect(res.status == .noContent)
            }
            let revoked = try await AuditEntryModel.query(on: app.db).filter(\.$action == "revoke_profile")
                .filter(\.$objectID == t.betaAdmin.id!.uuidString).count()
            #expect(revoked == 1)
        }
    }

    @Test("logins ignore case: Admin signs in as admin and cannot be created twice", arguments: TestDatabase.all)
    func caseInsensitiveLogin(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            try await app.testing().test(.POST, "/api/v1/users", headers: .json(t.superToken), body: ByteBuffer(string:
                #"{"login":"ALICE","display_name":"Another Alice","password":"long enough pw","entity_id":"\#(t.alpha.id!)"}"#)) { res in
                #expect(res.status == .conflict)
            }
            let browser = WebClient(app)
            try await browser.signIn("Alice")
        }
    }

    @Test("an administrator's password reset revokes the account's API tokens", arguments: TestDatabase.all)
    func resetRevokesTokens(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let carolToken = try await AccountService(application: app).createToken(
                for: t.betaUser, name: "script", expiresAt: nil, audit: AuditLog(system: "test", now: Date())).1
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(carolToken)) { res in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.PATCH, "/api/v1/users/\(t.betaUser.id!)", headers: .json(t.betaToken),
                                         body: ByteBuffer(string: #"{"password":"brand new password"}"#)) { res in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(carolToken)) { res in
                #expect(res.status == .unauthorized)
            }
        }
    }
}

@Suite("Access cache across instances")
struct AccessCacheTests {
    @Test("a revoked profile stops working at once on the instance that revoked it, and within seconds on the others",
          arguments: TestDatabase.all)
    func revocationPropagates(_ database: TestDatabase) async throws {
        try await withTwoApps(database) { first, second, clock in
            let t = try await Tenancy.make(first)
            let path = "/api/v1/users/\(t.alphaTech.id!)"
            for app in [first, second] {
                try await app.testing().test(.GET, path, headers: .bearer(t.alphaToken)) { res in #expect(res.status == .ok) }
            }
            let profile = try #require(try await ProfileModel.query(on: first.db).filter(\.$userID == t.alphaTech.id!).first())
            try await first.testing().test(.DELETE, "/api/v1/users/\(t.alphaTech.id!)/profiles/\(profile.id!)",
                                           headers: .bearer(t.superToken)) { res in #expect(res.status == .noContent) }
            try await first.testing().test(.GET, "/api/v1/entities/\(t.alpha.id!)", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .notFound)
            }
            clock.advance(AccessCache.lifetime + 0.1)
            try await second.testing().test(.GET, "/api/v1/entities/\(t.alpha.id!)", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .notFound)
            }
        }
    }
}

@Suite("Token cache across instances")
struct TokenCacheTests {
    @Test("a revoked token or a deactivated account stops at once locally and within seconds elsewhere",
          arguments: TestDatabase.all)
    func tokenRevocationPropagates(_ database: TestDatabase) async throws {
        try await withTwoApps(database) { first, second, clock in
            let t = try await Tenancy.make(first)
            for app in [first, second] {
                try await app.testing().test(.GET, "/api/v1/me", headers: .bearer(t.alphaToken)) { res in #expect(res.status == .ok) }
            }
            try await first.testing().test(.PATCH, "/api/v1/users/\(t.alphaTech.id!)", headers: .json(t.superToken),
                                           body: ByteBuffer(string: #"{"is_active":false}"#)) { res in #expect(res.status == .ok) }
            try await first.testing().test(.GET, "/api/v1/me", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .unauthorized)
            }
            clock.advance(AccessCache.lifetime + 0.1)
            try await second.testing().test(.GET, "/api/v1/me", headers: .bearer(t.alphaToken)) { res in
                #expect(res.status == .unauthorized)
            }
        }
    }
}
