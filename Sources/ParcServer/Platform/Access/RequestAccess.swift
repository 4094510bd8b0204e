import FluentKit
import Foundation
import ParcCore
import Fluent
import SQLKit
import Vapor

/// The signed-in user of a request, as the rest of the request needs it.
struct CurrentUser: Sendable {
    let id: UUID
    let entityID: UUID
    let login: String
    let displayName: String
    let language: Language?
    let timeZone: TimeZone
    let theme: String
    let totpEnabled: Bool
    let mustChangePassword: Bool
    /// How the request was authenticated.
    let via: AuthenticationMethod

    enum AuthenticationMethod: Sendable { case session, apiToken }

    init(_ model: UserModel, via: AuthenticationMethod) {
        self.id = model.id!
        self.entityID = model.entityID
        self.login = model.login
        self.displayName = model.displayName
        self.language = model.language.flatMap(Language.init(rawValue:))
        self.timeZone = model.timeZone.flatMap(TimeZone.init(identifier:)) ?? .current
        self.theme = model.theme
        self.totpEnabled = model.totpEnabled
        self.mustChangePassword = model.mustChangePassword
        self.via = via
    }
}

extension Request {
    private struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }
    private struct ScopeKey: StorageKey { typealias Value = AccessScope }
    private struct TreeKey: StorageKey { typealias Value = EntityTree }

    /// The authenticated user, if any (set by the authentication middleware).
    var currentUser: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    private struct CurrentUserModelKey: StorageKey { typealias Value = UserModel }

    /// The authenticated user's row as loaded by the authentication middleware (saves a query when
    /// a request reads its own account).
    var currentUserModel: UserModel? {
        get { storage[CurrentUserModelKey.self] }
        set { storage[CurrentUserModelKey.self] = newValue }
    }

    /// The authenticated user, or a 401.
    func requireUser() throws -> CurrentUser {
        guard let user = currentUser else { throw ParcError.unauthorized }
        return user
    }

    /// The entity tree, loaded once per request.
    func entityTree() async throws -> EntityTree {
        if let tree = storage[TreeKey.self] { return tree }
        if let tree = parc.accessCache.tree(now: now) {
            storage[TreeKey.self] = tree
            return tree
        }
        // Plain SQL rather than Fluent models: this runs on most requests, and model decoding costs
        // more than the query itself.
        let rows = try await (db as! any SQLDatabase).select().column("id").column("parent_id").column("name")
            .from(EntityModel.schema).all()
        let nodes = try rows.map {
            EntityTree.Node(id: try $0.decode(column: "id", as: UUID.self),
                            parentID: try $0.decodeNil(column: "parent_id") ? nil : $0.decode(column: "parent_id", as: UUID.self),
                            name: try $0.decode(column: "name", as: String.self))
        }
        let tree = EntityTree(nodes)
        storage[TreeKey.self] = tree
        parc.accessCache.store(tree, now: now)
        return tree
    }

    /// What the current user may do where; `.none` for anonymous requests. Loaded once per request.
    func accessScope() async throws -> AccessScope {
        if let scope = storage[ScopeKey.self] { return scope }
        guard let user = currentUser else { return .none }
        if let profiles = parc.accessCache.profiles(of: user.id, now: now) {
            let scope = AccessScope(profiles: profiles, tree: try await entityTree())
            storage[ScopeKey.self] = scope
            return scope
        }
        let rows = try await (db as! any SQLDatabase).select().column("entity_id").column("role").column("recursive")
            .from(ProfileModel.schema).where("user_id", .equal, user.id).all()
        // An unknown stored role grants nothing.
        let profiles = try rows.compactMap { row -> Profile? in
            guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
            return Profile(entityID: try row.decode(column: "entity_id", as: UUID.self), role: role,
                           recursive: try row.decode(column: "recursive", as: Bool.self))
        }
        parc.accessCache.store(profiles, of: user.id, now: now)
        let scope = AccessScope(profiles: profiles, tree: try await entityTree())
        storage[ScopeKey.self] = scope
        return scope
    }

    /// The one permission check. An object in an entity the user cannot see at all answers 404
    /// (its existence is not revealed); one they can see but not act on answers 403.
    func require(_ permission: Permission, in entity: UUID) async throws {
        let scope = try await accessScope()
        guard scope.canSee(entity) else { throw ParcError.notFound() }
        guard scope.allows(permission, in: entity) else { throw ParcError.forbidden(permission.name) }
    }

    /// The one query scope: the entities whose objects this user may see for the permission.
    func entities(for permission: Permission) async throws -> Set<UUID> {
        try await accessScope().entities(for: permission)
    }

    /// Refuses unless the user holds the permission on at least one entity (for list pages).
    func requireAnywhere(_ permission: Permission) async throws {
        guard try await accessScope().allowsAnywhere(permission) else { throw ParcError.forbidden(permission.name) }
    }
}

extension QueryBuilder {
    /// Restricts a query to the objects whose entity the user may see for the permission.
    /// Every list and lookup of entity-owned objects goes through this.
    func scoped(to entities: Set<UUID>, _ field: KeyPath<Model, FieldProperty<Model, UUID>>) -> Self {
        // An empty IN list is invalid SQL on some engines; filter on an impossible value instead.
        if entities.isEmpty { return filter(field == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))) }
        return filter(field ~~ Array(entities))
    }
}
