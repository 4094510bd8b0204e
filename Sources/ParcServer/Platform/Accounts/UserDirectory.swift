import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// Lookups and changes of accounts as seen by the signed-in user: every query is scoped.
struct UserDirectory {
    let request: Request

    /// The account if the user may see it (`users.read` on its entity); 404 otherwise.
    func find(_ id: UUID?) async throws -> UserModel {
        var loaded = request.currentUserModel.flatMap { $0.id == id ? $0 : nil }
        if loaded == nil, let id { loaded = try await UserModel.find(id, on: request.db) }
        guard let user = loaded,
              try await request.accessScope().allows(.usersRead, in: user.entityID) || user.id == request.currentUser?.id
        else { throw ParcError.notFound("user") }
        return user
    }

    /// The scoped, filtered, sorted query for lists.
    func query(_ list: ListQuery) async throws -> QueryBuilder<UserModel> {
        let visible = try await request.entities(for: .usersRead)
        var builder = UserModel.query(on: request.db).scoped(to: visible, \.$entityID)
        if let text = list.search {
            let pattern = request.db.containsPattern(text)
            builder = builder.group(.or) {
                $0.filter(\.$login, request.db.likeOperator, pattern)
                    .filter(\.$displayName, request.db.likeOperator, pattern)
                    .filter(\.$email, request.db.likeOperator, pattern)
            }
        }
        if let entity = list.filters["entity_id"] {
            guard let id = UUID(uuidString: entity) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'entity_id' must be a UUID.")
            }
            builder = builder.filter(\.$entityID == id)
        }
        if let active = list.filters["active"] {
            guard let flag = Bool(active) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'active' must be true or false.")
            }
            builder = builder.filter(\.$isActive == flag)
        }
        return builder
    }

    static func sort(_ builder: QueryBuilder<UserModel>, _ keys: [ListQuery.SortKey]) -> QueryBuilder<UserModel> {
        var builder = builder
        for key in keys {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            switch key.field {
            case "display_name": builder = builder.sort(\.$displayName, direction)
            case "created_at": builder = builder.sort(\.$createdAt, direction)
            case "last_login_at": builder = builder.sort(\.$lastLoginAt, direction)
            default: builder = builder.sort(\.$login, direction)
            }
        }
        return builder.sort(\.$id)
    }

    /// Refuses unless the signed-in user could have granted every profile the account holds:
    /// authority over an account follows what it can do, not only where it belongs. An admin of
    /// one customer therefore cannot reset the password of an account that is also admin of
    /// another customer, nor touch a super-admin.
    func requireAuthority(over user: UserModel) async throws {
        try await request.require(.usersManage, in: user.entityID)
        let scope = try await request.accessScope()
        let tree = try await request.entityTree()
        let profiles = try await ProfileModel.query(on: request.db).filter(\.$userID == user.id!).all()
        for profile in profiles {
            // An unknown stored role is treated as the strongest, so it never lowers the bar.
            let role = Role(rawValue: profile.role) ?? .superAdmin
            let covered = profile.recursive ? tree.subtree(of: profile.entityID) : [profile.entityID]
            for entity in covered where !scope.mayGrant(role, in: entity) {
                throw ParcError(.forbidden, code: "forbidden",
                    "This account holds a profile (\(role.rawValue)) on \(scope.canSee(entity) ? tree.path(of: entity) : "an entity you cannot see") "
                        + "that is above yours: ask an administrator who holds that role there.")
            }
        }
    }

    /// Fails the surrounding transaction when no active super-admin would remain on a root entity.
    static func ensureSuperAdminRemains(on db: any Database) async throws {
        let roots = try await EntityModel.query(on: db).filter(\.$parentID == nil).all().compactMap(\.id)
        let holders = try await ProfileModel.query(on: db).filter(\.$role == Role.superAdmin.rawValue)
            .filter(\.$entityID ~~ roots).all().map(\.userID)
        let active = holders.isEmpty ? 0 : try await UserModel.query(on: db).filter(\.$id ~~ holders)
            .filter(\.$isActive == true).count()
        if active == 0 {
            throw ParcError.conflict("This would leave no active super-admin on the root entity; "
                + "make another account super-admin first.")
        }
    }

    struct Changes {
        var displayName: String?
        var email: String??
        var isActive: Bool?
        var language: String??
        var timeZone: String??
        var entityID: UUID?
    }

    /// Applies an admin's or the user's own changes, recorded in the audit log.
    func update(_ user: UserModel, _ changes: Changes, selfService: Bool = false) async throws {
        if !selfService, user.id != request.currentUser?.id { try await requireAuthority(over: user) }
        if !selfService, user.id == request.currentUser?.id { try await request.require(.usersManage, in: user.entityID) }
        var errors = AccountService(request: request).validate(
            login: nil, displayName: changes.displayName, email: changes.email ?? nil, password: nil,
            timeZone: changes.timeZone ?? nil)
        if let language = changes.language ?? nil, !language.isEmpty, Language(rawValue: language) == nil {
            errors["language"] = "Choose 'fr' or 'en'."
        }
        if changes.isActive == false, user.id == request.currentUser?.id {
            errors["is_active"] = "You cannot deactivate your own account."
        }
        if let entity = changes.entityID, entity != user.entityID {
            if selfService { errors["entity_id"] = "Ask an administrator to move your account." } else {
                guard try await request.accessScope().canSee(entity) else { throw ParcError.validation(["entity_id": "No such entity."]) }
                try await request.require(.usersManage, in: entity)
            }
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let before = user.auditSnapshot
        if let name = changes.displayName { user.displayName = name.trimmingCharacters(in: .whitespaces) }
        if let email = changes.email { user.email = email.flatMap { $0.isEmpty ? nil : $0 } }
        if let active = changes.isActive { user.isActive = active }
        if let language = changes.language { user.language = language.flatMap { $0.isEmpty ? nil : $0 } }
        if let zone = changes.timeZone { user.timeZone = zone.flatMap { $0.isEmpty ? nil : $0 } }
        if let entity = changes.entityID { user.entityID = entity }
        let changed = FieldChange.between(before, user.auditSnapshot, secrets: ["password"])
        guard !changed.isEmpty else { return }
        let audit = AuditLog(request: request)
        try await request.db.transaction { db in
            try await user.update(on: db)
            if changes.isActive == false {
                try await SessionModel.query(on: db).filter(\.$userID == user.id!).delete()
                try await Self.ensureSuperAdminRemains(on: db)
            }
            try await audit.record("update", objectType: "user", objectID: user.id!, label: user.login,
                                   entityID: user.entityID, changes: changed, on: db)
        }
    }

    /// Grants a profile (or changes the role of an existing one on the same entity).
    func grant(_ role: Role, on entityID: UUID, recursive: Bool, to user: UserModel) async throws -> ProfileModel {
        let scope = try await request.accessScope()
        guard scope.canSee(entityID) else { throw ParcError.validation(["entity_id": "No such entity."]) }
        guard user.id != request.currentUser?.id else {
            throw ParcError(.forbidden, code: "forbidden", "You cannot change your own profiles; ask another administrator.")
        }
        try await requireAuthority(over: user)
        try await request.require(.usersManage, in: entityID)
        // A recursive profile reaches the whole subtree: the granter needs the role on all of it.
        let covered = recursive ? try await request.entityTree().subtree(of: entityID) : [entityID]
        guard covered.allSatisfy({ scope.mayGrant(role, in: $0) }) else {
            throw ParcError(.forbidden, code: "forbidden", recursive
                ? "You cannot grant this role recursively: on some sub-entities it is above your own."
                : "You cannot grant a role above your own on that entity.")
        }
        let existing = try await ProfileModel.query(on: request.db).filter(\.$userID == user.id!)
            .filter(\.$entityID == entityID).first()
        let profile = existing ?? ProfileModel(userID: user.id!, entityID: entityID, role: role, recursive: recursive)
        let before = existing.map { "\($0.role)\($0.recursive ? " (recursive)" : "")" }
        profile.role = role.rawValue
        profile.recursive = recursive
        let label = try await request.entityTree().path(of: entityID)
        let audit = AuditLog(request: request)
        try await request.db.transaction { db in
            try await profile.save(on: db)
            try await Self.ensureSuperAdminRemains(on: db)
            try await audit.record("grant_profile", objectType: "user", objectID: user.id!, label: user.login,
                                   entityID: entityID, changes: [FieldChange(
                                       field: "profile \(label)", before: before,
                                       after: "\(role.rawValue)\(recursive ? " (recursive)" : "")")], on: db)
        }
        return profile
    }

    func revoke(_ profile: ProfileModel, from user: UserModel) async throws {
        guard user.id != request.currentUser?.id else {
            throw ParcError(.forbidden, code: "forbidden", "You cannot change your own profiles; ask another administrator.")
        }
        try await requireAuthority(over: user)
        try await request.require(.usersManage, in: profile.entityID)
        let label = try await request.entityTree().path(of: profile.entityID)
        let audit = AuditLog(request: request)
        try await request.db.transaction { db in
            try await profile.delete(on: db)
            try await Self.ensureSuperAdminRemains(on: db)
            try await audit.record("revoke_profile", objectType: "user", objectID: user.id!, label: user.login,
                                   entityID: profile.entityID, changes: [FieldChange(
                                       field: "profile \(label)", before: profile.role, after: nil)], on: db)
        }
    }
}
