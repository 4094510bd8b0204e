import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// The work behind `parc admin …`: runs against the same database as `serve`, even while it runs.
public enum AdminCommands {
    /// Opens the database (migrating it), runs the body, closes it.
    static func withApplication<T: Sendable>(_ configuration: ParcConfiguration,
                                             _ body: @Sendable (Application) async throws -> T) async throws -> T {
        let database = try DatabaseSetup.choice(for: configuration)
        let app = try await Application.make(Environment(name: "production", arguments: ["parc"]))
        app.logger.logLevel = .warning
        do {
            try await configure(app, configuration, database: database)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Creates an account; the first one also creates the root entity when none exists.
    public static func createUser(_ configuration: ParcConfiguration, login: String, role: Role, entity: String?,
                                  password: String, displayName: String?, email: String?) async throws -> String {
        try await withApplication(configuration) { app in
            let audit = AuditLog(system: "parc admin", now: app.parc.clock.now())
            let entityID: UUID
            if let entity {
                entityID = try await Self.entity(named: entity, on: app.db)
            } else if let root = try await EntityModel.query(on: app.db).filter(\.$parentID == nil).sort(\.$createdAt).first() {
                entityID = root.id!
            } else {
                let root = EntityModel(parentID: nil, name: "Parc")
                try await app.db.transaction { db in
                    try await root.create(on: db)
                    try await audit.record("create", objectType: "entity", objectID: root.id!, label: root.name,
                                           entityID: root.id, changes: FieldChange.between([:], root.auditSnapshot), on: db)
                }
                entityID = root.id!
            }
            do {
                let user = try await AccountService(application: app).create(.init(
                    login: login, displayName: displayName ?? login, email: email, password: password,
                    entityID: entityID, role: role, recursive: true), audit: audit)
                return user.id!.uuidString
            } catch let error as ParcError {
                throw ParcStartupError(error.message)
            }
        }
    }

    /// The entity an `--entity` option names: an id, then a full path, then a name when it is unambiguous (names
    /// repeat across customers).
    static func entity(named entity: String, on db: any Database) async throws -> UUID {
        let all = try await EntityModel.query(on: db).all()
        let tree = EntityTree(all.map(\.node))
        let byName = all.filter { $0.name == entity }
        guard let match = all.first(where: { $0.id?.uuidString.lowercased() == entity.lowercased() })
            ?? all.first(where: { tree.path(of: $0.id!) == entity || tree.path(of: $0.id!, separator: "/") == entity })
            ?? (byName.count == 1 ? byName.first : nil)
        else {
            if byName.count > 1 {
                throw ParcStartupError("Several entities are named '\(entity)': "
                    + byName.map { tree.path(of: $0.id!, separator: "/") }.sorted().joined(separator: ", ")
                    + ". Give the full path, e.g. --entity '\(tree.path(of: byName[0].id!, separator: "/"))'.")
            }
            throw ParcStartupError("No entity named '\(entity)'. Known entities: "
                + all.map { tree.path(of: $0.id!, separator: "/") }.sorted().joined(separator: ", "))
        }
        return match.id!
    }

    /// Creates an API token for an account and returns the secret.
    public static func createToken(_ configuration: ParcConfiguration, login: String, name: String) async throws -> String {
        try await withApplication(configuration) { app in
            guard let user = try await UserModel.find(login: login, on: app.db) else {
                throw ParcStartupError("No account with login '\(login)'.")
            }
            guard user.isActive else { throw ParcStartupError("The account '\(login)' is deactivated.") }
            do {
                let (_, secret) = try await AccountService(application: app).createToken(
                    for: user, name: name, expiresAt: nil, audit: AuditLog(system: "parc admin", now: app.parc.clock.now()))
                return secret
            } catch let error as ParcError {
                throw ParcStartupError(error.message)
            }
        }
    }
}
