import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// Accounts and their profiles: admin pages and `/api/v1/users`.
struct UsersController {
    struct UserDTO: Content {
        let id: UUID
        let login: String
        let display_name: String
        let email: String?
        let entity_id: UUID
        let is_active: Bool
        let language: String?
        let time_zone: String?
        let totp_enabled: Bool
        let last_login_at: Date?
        let created_at: Date?
        let updated_at: Date?

        init(_ user: UserModel) {
            id = user.id!
            login = user.login
            display_name = user.displayName
            email = user.email
            entity_id = user.entityID
            is_active = user.isActive
            language = user.language
            time_zone = user.timeZone
            totp_enabled = user.totpEnabled
            last_login_at = user.lastLoginAt
            created_at = user.createdAt
            updated_at = user.updatedAt
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "login": .string(), "display_name": .string(), "email": .nullable(.string()),
            "entity_id": .uuid, "is_active": .boolean, "language": .nullable(.string(enumValues: ["fr", "en"])),
            "time_zone": .nullable(.string()), "totp_enabled": .boolean, "last_login_at": .nullable(.dateTime),
            "created_at": .dateTime, "updated_at": .dateTime,
        ], required: ["id", "login", "display_name", "entity_id", "is_active"])
    }

    struct UserCreate: StrictContent, Content {
        let login: String?
        let display_name: String?
        let email: String?
        let password: String?
        let entity_id: UUID?
        let role: Role?
        let recursive: Bool?
        let language: String?
        let time_zone: String?
        static let acceptedFields: Set<String> = ["login", "display_name", "email", "password", "entity_id", "role",
                                                  "recursive", "language", "time_zone"]
        static let schema = OpenAPISchema.object([
            "login": .string(), "display_name": .string(), "email": .string(), "password": .string(format: "password"),
            "entity_id": .uuid, "role": .string(enumValues: Role.allCases.map(\.rawValue)), "recursive": .boolean,
            "language": .string(enumValues: ["fr", "en"]), "time_zone": .string(),
        ], required: ["login", "display_name", "password", "entity_id"])
    }

    struct UserPatch: StrictContent, Content {
        let display_name: String?
        let email: String?
        let is_active: Bool?
        let language: String?
        let time_zone: String?
        let entity_id: UUID?
        let password: String?
        static let acceptedFields: Set<String> = ["display_name", "email", "is_active", "language", "time_zone",
                                                  "entity_id", "password"]
        static let schema = OpenAPISchema.object([
            "display_name": .string(), "email": .nullable(.string()), "is_active": .boolean,
            "language": .nullable(.string(enumValues: ["fr", "en"])), "time_zone": .nullable(.string()),
            "entity_id": .uuid, "password": .string(format: "password", description: "Sets a new password; the user must change it at next login."),
        ], required: [])
    }

    struct ProfileDTO: Content {
        let id: UUID
        let entity_id: UUID
        let entity_path: String
        let role: String
        let recursive: Bool

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "entity_path": .string(),
            "role": .string(enumValues: Role.allCases.map(\.rawValue)), "recursive": .boolean,
        ], required: ["id", "entity_id", "role", "recursive"])
    }

    struct ProfileInput: StrictContent, Content {
        let entity_id: UUID?
        let role: Role?
        let recursive: Bool?
        static let acceptedFields: Set<String> = ["entity_id", "role", "recursive"]
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "role": .string(enumValues: Role.allCases.map(\.rawValue)), "recursive": .boolean,
        ], required: ["entity_id", "role"])
    }

    static let listSpec = ListQuerySpec(sortable: ["login", "display_name", "created_at", "last_login_at"],
                                        filterable: ["entity_id", "active"], defaultSort: [.init("login")],
                                        passthrough: ["format"])

    func register(_ web: any RoutesBuilder, api: APIRoutes, registry: FeatureRegistry) {
        let pages = web.grouped("admin", "users")
        pages.get(use: listPage)
        pages.get("new", use: newPage)
        pages.post(use: createFromForm)
        pages.get(":id", use: showPage)
        pages.post(":id", use: updateFromForm)
        pages.post(":id", "password", use: resetPasswordFromForm)
        pages.post(":id", "profiles", use: grantFromForm)
        pages.post(":id", "profiles", ":profileID", "delete", use: revokeFromForm)

        api.schema("User", UserDTO.schema)
        api.schema("UserCreate", UserCreate.schema)
        api.schema("UserPatch", UserPatch.schema)
        api.schema("Profile", ProfileDTO.schema)
        api.schema("ProfileInput", ProfileInput.schema)
        let list = OpenAPISchema.object(["items": .array(.ref("User")), "total": .integer, "next": .nullable(.string())],
                                        required: ["items", "total", "next"])
        api.on(.GET, "me", summary: "The account of the token's owner", tag: "Users", response: .ref("User"), use: apiMe)
        api.on(.GET, "users", summary: "List the accounts you can see", tag: "Users",
               query: APIRoutes.listParameters(sortable: Self.listSpec.sortable.sorted(), filters: [
                   ("entity_id", "Only accounts of this entity."), ("active", "true or false."),
               ]), response: list, use: apiList)
        api.on(.POST, "users", summary: "Create an account", tag: "Users", body: .ref("UserCreate"),
               response: .ref("User"), status: 201, use: apiCreate)
        api.on(.GET, "users/:id", summary: "Get an account", tag: "Users", response: .ref("User"), use: apiGet)
        api.on(.PATCH, "users/:id", summary: "Change an account", tag: "Users", body: .ref("UserPatch"),
               response: .ref("User"), use: apiUpdate)
        api.on(.DELETE, "users/:id", summary: "Deactivate an account (history is kept)", tag: "Users",
               response: nil, status: 204, use: apiDeactivate)
        api.on(.GET, "users/:id/profiles", summary: "List an account's profiles", tag: "Users",
               response: .object(["items": .array(.ref("Profile")), "total": .integer, "next": .nullable(.string())],
                                 required: ["items", "total", "next"]), use: apiProfiles)
        api.on(.POST, "users/:id/profiles", summary: "Grant a profile on an entity", tag: "Users",
               body: .ref("ProfileInput"), response: .ref("Profile"), status: 201, use: apiGrant)
        api.on(.DELETE, "users/:id/profiles/:profileID", summary: "Revoke a profile", tag: "Users",
               response: nil, status: 204, use: apiRevoke)

        registry.addSearchProvider(UserSearch())
        registry.addWidget(UsersWidget())
    }

    // MARK: API

    @Sendable func apiMe(_ req: Request) async throws -> UserDTO {
        UserDTO(try await UserDirectory(request: req).find(try req.requireUser().id))
    }

    @Sendable func apiList(_ req: Request) async throws -> ListResponse<UserDTO> {
        let query = try req.listQuery(Self.listSpec)
        let builder = try await UserDirectory(request: req).query(query)
        let total = try await builder.count()
        let rows = try await UserDirectory.sort(builder, query.sort).range(query.offset..<(query.offset + query.perPage)).all()
        return ListResponse(items: rows.map(UserDTO.init), total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func apiGet(_ req: Request) async throws -> UserDTO {
        UserDTO(try await UserDirectory(request: req).find(req.parameters.get("id", as: UUID.self)))
    }

    @Sendable func apiCreate(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(UserCreate.self)
        var missing: [String: String] = [:]
        for (field, value) in [("login", input.login), ("display_name", input.display_name), ("password", input.password)]
            where value == nil { missing[field] = "is required" }
        if input.entity_id == nil { missing["entity_id"] = "is required" }
        guard missing.isEmpty, let entityID = input.entity_id else { throw ParcError.validation(missing) }
        let user = try await create(req, .init(
            login: input.login!, displayName: input.display_name!, email: input.email, password: input.password!,
            entityID: entityID, role: input.role, recursive: input.recursive ?? true,
            language: input.language.flatMap(Language.init(rawValue:)), timeZone: input.time_zone))
        let response = Response(status: .created)
        try response.content.encode(UserDTO(user), using: JSONEncoder.parc)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/users/\(user.id!)")
        return response
    }

    /// Creation with its permission checks, shared by the page and the API.
    private func create(_ req: Request, _ new: AccountService.NewUser) async throws -> UserModel {
        let scope = try await req.accessScope()
        guard scope.canSee(new.entityID) else { throw ParcError.validation(["entity_id": "No such entity."]) }
        try await req.require(.usersManage, in: new.entityID)
        if let role = new.role {
            let covered = new.recursive ? try await req.entityTree().subtree(of: new.entityID) : [new.entityID]
            guard covered.allSatisfy({ scope.mayGrant(role, in: $0) }) else {
                throw ParcError(.forbidden, code: "forbidden", "You cannot grant a role above your own on that entity.")
            }
        }
        var new = new
        new.welcome = .init(catalog: req.parc.catalog, serverURL: req.serverURL,
                            createdBy: req.currentUser?.displayName ?? "Parc")
        return try await AccountService(request: req).create(new, audit: AuditLog(request: req))
    }

    @Sendable func apiUpdate(_ req: Request) async throws -> UserDTO {
        let directory = UserDirectory(request: req)
        let user = try await directory.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(UserPatch.self)
        if let password = input.password {
            // Checked before anything is saved, so a refused password changes nothing.
            try await directory.requireAuthority(over: user)
            if let problem = req.parc.passwordPolicy.check(password, login: user.login) {
                throw ParcError.validation(["password": problem.message])
            }
        }
        try await directory.update(user, .init(displayName: input.display_name, email: input.email.map { .some($0) },
                                               isActive: input.is_active, language: input.language.map { .some($0) },
                                               timeZone: input.time_zone.map { .some($0) }, entityID: input.entity_id))
        if let password = input.password {
            try await AccountService(request: req).setPassword(user, to: password, mustChange: true, audit: AuditLog(request: req),
                                                               revokeTokens: true)
        }
        return UserDTO(user)
    }

    @Sendable func apiDeactivate(_ req: Request) async throws -> HTTPStatus {
        let directory = UserDirectory(request: req)
        let user = try await directory.find(req.parameters.get("id", as: UUID.self))
        try await directory.update(user, .init(isActive: false))
        return .noContent
    }

    private func profiles(of user: UserModel, _ req: Request) async throws -> [ProfileDTO] {
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        // Profiles on entities the viewer cannot see stay hidden (they would name other customers).
        return try await ProfileModel.query(on: req.db).filter(\.$userID == user.id!).all()
            .filter { scope.canSee($0.entityID) }.map {
            ProfileDTO(id: $0.id!, entity_id: $0.entityID, entity_path: tree.path(of: $0.entityID), role: $0.role,
                       recursive: $0.recursive)
        }.sorted { $0.entity_path < $1.entity_path }
    }

    @Sendable func apiProfiles(_ req: Request) async throws -> ListResponse<ProfileDTO> {
        let user = try await UserDirectory(request: req).find(req.parameters.get("id", as: UUID.self))
        let items = try await profiles(of: user, req)
        return ListResponse(items: items, total: items.count, next: nil)
    }

    @Sendable func apiGrant(_ req: Request) async throws -> Response {
        let directory = UserDirectory(request: req)
        let user = try await directory.find(req.parameters.get("id", as: UUID.self))
        let input = try req.decodeStrict(ProfileInput.self)
        guard let entity = input.entity_id, let role = input.role else {
            throw ParcError.validation(["entity_id": "is required", "role": "is required"].filter {
                ($0.key == "entity_id" && input.entity_id == nil) || ($0.key == "role" && input.role == nil) })
        }
        let profile = try await directory.grant(role, on: entity, recursive: input.recursive ?? false, to: user)
        let response = Response(status: .created)
        try response.content.encode(ProfileDTO(id: profile.id!, entity_id: entity,
                                               entity_path: try await req.entityTree().path(of: entity),
                                               role: role.rawValue, recursive: profile.recursive), using: JSONEncoder.parc)
        return response
    }

    @Sendable func apiRevoke(_ req: Request) async throws -> HTTPStatus {
        let directory = UserDirectory(request: req)
        let user = try await directory.find(req.parameters.get("id", as: UUID.self))
        guard let profileID = req.parameters.get("profileID", as: UUID.self),
              let profile = try await ProfileModel.find(profileID, on: req.db), profile.userID == user.id
        else { throw ParcError.notFound("profile") }
        try await directory.revoke(profile, from: user)
        return .noContent
    }

    // MARK: pages

    struct ListRow: Encodable {
        let id: UUID
        let login: String
        let displayName: String
        let email: String
        let entity: String
        let active: Bool
        let lastLogin: String
    }

    struct SortLink: Encodable {
        let field: String
        let label: String
        let href: String
        let ariaSort: String
    }

    struct ListPage: Encodable {
        let rows: [ListRow]
        let total: Int
        let rangeText: String
        let previous: String?
        let next: String?
        let headers: [SortLink]
        let query: String
        let active: String
        let csv: String
        let canCreate: Bool
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.usersRead)
        let query = try req.listQuery(Self.listSpec)
        let builder = try await UserDirectory(request: req).query(query)
        let tree = try await req.entityTree()
        if (try? req.query.get(String.self, at: "format")) == "csv" {
            let rows = try await UserDirectory.sort(builder, query.sort).limit(100_000).all()
            return csvResponse(rows, tree: tree, req: req)
        }
        let total = try await builder.count()
        let rows = try await UserDirectory.sort(builder, query.sort).range(query.offset..<(query.offset + query.perPage)).all()
        let base = req.url.path
        func link(_ page: Int) -> String { base + "?" + encode(query.queryItems(page: page)) }
        let headers = [("login", "users.login"), ("display_name", "users.display_name"), ("last_login_at", "users.last_login")]
            .map { field, key -> SortLink in
                let current = query.sort.first
                let ascending = current?.field == field && !(current?.descending ?? false)
                var next = query
                next.sort = [.init(field, descending: ascending)]
                next.page = 1
                return SortLink(field: field, label: req.t(key), href: base + "?" + encode(next.queryItems()),
                                ariaSort: current?.field == field ? (ascending ? "ascending" : "descending") : "none")
            }
        var csvQuery = query.queryItems(page: 1)
        csvQuery.append(("format", "csv"))
        let first = total == 0 ? 0 : query.offset + 1
        let last = min(query.offset + query.perPage, total)
        return try await req.renderPage("admin/users", title: req.t("nav.users"), active: "users", page: ListPage(
            rows: rows.map {
                ListRow(id: $0.id!, login: $0.login, displayName: $0.displayName, email: $0.email ?? "",
                        entity: tree.path(of: $0.entityID), active: $0.isActive,
                        lastLogin: req.formatDateTime($0.lastLoginAt))
            },
            total: total,
            rangeText: req.t("list.range", ParcFormat.number(first, language: req.language),
                             ParcFormat.number(last, language: req.language),
                             ParcFormat.number(total, language: req.language)),
            previous: query.page > 1 ? link(query.page - 1) : nil,
            next: query.hasNextPage(total: total) ? link(query.page + 1) : nil,
            headers: headers, query: query.search ?? "", active: query.filters["active"] ?? "",
            csv: base + "?" + encode(csvQuery),
            canCreate: !(try await req.entities(for: .usersManage)).isEmpty))
    }

    private func encode(_ items: [(String, String)]) -> String {
        var components = URLComponents()
        components.queryItems = items.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.percentEncodedQuery ?? ""
    }

    private func csvResponse(_ rows: [UserModel], tree: EntityTree, req: Request) -> Response {
        var lines = [CSV.row(["login", "display_name", "email", "entity", "active", "last_login_at"])]
        let iso = ISO8601DateFormatter()
        for user in rows {
            lines.append(CSV.row([user.login, user.displayName, user.email ?? "", tree.path(of: user.entityID),
                                  String(user.isActive), user.lastLoginAt.map(iso.string(from:)) ?? ""]))
        }
        let response = Response(status: .ok, body: .init(string: lines.joined()))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "users.csv")
        return response
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct FormPage: Encodable {
        let values: [String: String]
        let errors: [String: String]
        let entities: [Option]
        let roles: [Option]
    }

    private func entityOptions(_ req: Request, selected: UUID?) async throws -> [Option] {
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        return tree.ordered.filter { scope.allows(.usersManage, in: $0) }.map {
            Option(value: $0.uuidString, label: tree.path(of: $0), selected: $0 == selected)
        }
    }

    private func roleOptions(_ req: Request, selected: String?) -> [Option] {
        Role.allCases.map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == selected) }
    }

    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.usersManage)
        return try await req.renderPage("admin/user-new", title: req.t("users.new"), active: "users", page: FormPage(
            values: ["role": Role.technician.rawValue], errors: [:],
            entities: try await entityOptions(req, selected: nil),
            roles: roleOptions(req, selected: Role.technician.rawValue)))
    }

    struct CreateForm: Content {
        let login: String?
        let display_name: String?
        let email: String?
        let password: String?
        let entity_id: String?
        let role: String?
        let recursive: String?
        let must_change: String?
    }

    @Sendable func createFromForm(_ req: Request) async throws -> Response {
        let form = try req.content.decode(CreateForm.self)
        let entity = form.entity_id.flatMap(UUID.init(uuidString:))
        do {
            guard let entity else { throw ParcError.validation(["entity_id": req.t("form.required")]) }
            let user = try await create(req, .init(
                login: form.login ?? "", displayName: form.display_name ?? "", email: form.email,
                password: form.password ?? "", entityID: entity, role: form.role.flatMap(Role.init(rawValue:)),
                recursive: form.recursive != nil, mustChangePassword: form.must_change != nil))
            req.flash("success", req.t("users.created", user.login))
            return req.redirect(to: "/admin/users/\(user.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity || error.status == .conflict {
            var errors = req.localized(error.fields)
            if error.status == .conflict { errors["login"] = error.message }
            return try await req.renderPage("admin/user-new", title: req.t("users.new"), active: "users", page: FormPage(
                values: ["login": form.login ?? "", "display_name": form.display_name ?? "", "email": form.email ?? "",
                         "role": form.role ?? ""],
                errors: errors, entities: try await entityOptions(req, selected: entity),
                roles: roleOptions(req, selected: form.role)), status: .unprocessableEntity)
        }
    }

    struct ShowPage: Encodable {
        let user: UserDTO
        let entityPath: String
        let lastLogin: String
        let created: String
        let tab: String
        let profiles: [ProfileDTO]
        let history: [AuditEntryView]
        let canManage: Bool
        let isSelf: Bool
        let entities: [Option]
        let roles: [Option]
        let errors: [String: String]
    }

    @Sendable func showPage(_ req: Request) async throws -> Response {
        let user = try await UserDirectory(request: req).find(req.parameters.get("id", as: UUID.self))
        return try await renderShow(user, req, errors: [:])
    }

    private func renderShow(_ user: UserModel, _ req: Request, errors: [String: String],
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        let tab = (try? req.query.get(String.self, at: "tab")) ?? "details"
        let history = tab == "history" && scope.allows(.auditRead, in: user.entityID)
            ? try await AuditEntryModel.history(objectType: "user", objectID: user.id!,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        let canManage = scope.allows(.usersManage, in: user.entityID)
        return try await req.renderPage("admin/user", title: user.displayName, active: "users", page: ShowPage(
            user: UserDTO(user), entityPath: tree.path(of: user.entityID),
            lastLogin: req.formatDateTime(user.lastLoginAt), created: req.formatDateTime(user.createdAt),
            tab: ["details", "profiles", "history"].contains(tab) ? tab : "details",
            profiles: try await profiles(of: user, req), history: history, canManage: canManage,
            isSelf: user.id == req.currentUser?.id,
            entities: canManage ? try await entityOptions(req, selected: nil) : [],
            roles: roleOptions(req, selected: Role.technician.rawValue), errors: errors), status: status)
    }

    struct UpdateForm: Content {
        let display_name: String?
        let email: String?
        let is_active: String?
        let entity_id: String?
    }

    @Sendable func updateFromForm(_ req: Request) async throws -> Response {
        let directory = UserDirectory(request: req)
        let user = try await directory.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(UpdateForm.self)
        do {
            try await directory.update(user, .init(displayName: form.display_name, email: .some(form.email),
                                                   isActive: form.is_active != nil,
                                                   entityID: form.entity_id.flatMap(UUID.init(uuidString:))))
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/admin/users/\(user.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderShow(user, req, errors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    struct PasswordForm: Content {
        let password: String?
        let must_change: String?
    }

    @Sendable func resetPasswordFromForm(_ req: Request) async throws -> Response {
        let directory = UserDirectory(request: req)
        let user = try await directory.find(req.parameters.get("id", as: UUID.self))
        try await directory.requireAuthority(over: user)
        let form = try req.content.decode(PasswordForm.self)
        do {
            try await AccountService(request: req).setPassword(user, to: form.password ?? "",
                                                               mustChange: form.must_change != nil,
                                                               audit: AuditLog(request: req), revokeTokens: true)
            req.flash("success", req.t("users.password_reset", user.login))
            return req.redirect(to: "/admin/users/\(user.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderShow(user, req, errors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    struct GrantForm: Content {
        let entity_id: String?
        let role: String?
        let recursive: String?
    }

    @Sendable func grantFromForm(_ req: Request) async throws -> Response {
        let directory = UserDirectory(request: req)
        let user = try await directory.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(GrantForm.self)
        guard let entity = form.entity_id.flatMap(UUID.init(uuidString:)), let role = form.role.flatMap(Role.init(rawValue:))
        else { throw ParcError.badRequest("invalid_form", "Choose an entity and a role.") }
        _ = try await directory.grant(role, on: entity, recursive: form.recursive != nil, to: user)
        req.flash("success", req.t("users.profile_granted"))
        return req.redirect(to: "/admin/users/\(user.id!)?tab=profiles")
    }

    @Sendable func revokeFromForm(_ req: Request) async throws -> Response {
        let directory = UserDirectory(request: req)
        let user = try await directory.find(req.parameters.get("id", as: UUID.self))
        guard let profileID = req.parameters.get("profileID", as: UUID.self),
              let profile = try await ProfileModel.find(profileID, on: req.db), profile.userID == user.id
        else { throw ParcError.notFound("profile") }
        do {
            try await directory.revoke(profile, from: user)
            req.flash("success", req.t("users.profile_revoked"))
        } catch let error as ParcError where error.status == .conflict {
            req.flash("error", req.localized(error.message))
        }
        return req.redirect(to: "/admin/users/\(user.id!)?tab=profiles")
    }
}

/// Global search over the accounts the user can see.
struct UserSearch: SearchProvider {
    let id = "users"
    let titleKey = "nav.users"

    func search(_ text: String, limit: Int, on request: Request) async throws -> [SearchHit] {
        let builder = try await UserDirectory(request: request).query(ListQuery(search: text))
        return try await builder.sort(\.$login).limit(limit).all().map {
            SearchHit(title: $0.displayName, detail: $0.login, url: "/admin/users/\($0.id!)")
        }
    }
}

/// Dashboard card: active accounts the user manages.
struct UsersWidget: DashboardWidget {
    let id = "users"

    func render(on request: Request) async throws -> WidgetCard? {
        let visible = try await request.entities(for: .usersManage)
        guard !visible.isEmpty else { return nil }
        let count = try await UserModel.query(on: request.db).scoped(to: visible, \.$entityID)
            .filter(\.$isActive == true).count()
        return WidgetCard(title: request.t("widget.users"), value: ParcFormat.number(count, language: request.language),
                          detail: request.t("widget.users.detail"), url: "/admin/users?active=true", tone: nil)
    }
}
