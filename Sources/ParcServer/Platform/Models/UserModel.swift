import FluentKit
import FluentSQL
import SQLKit
import Foundation

/// An account: a technician, an administrator or a requester.
final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // references
    /// The entity the account belongs to: who may see and manage it.
    @Field(key: "entity_id") var entityID: UUID

    // data
    @Field(key: "login") var login: String
    @Field(key: "display_name") var displayName: String
    @OptionalField(key: "email") var email: String?
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "is_active") var isActive: Bool
    @OptionalField(key: "language") var language: String?
    @OptionalField(key: "time_zone") var timeZone: String?
    @Field(key: "theme") var theme: String
    @OptionalField(key: "totp_secret") var totpSecret: String?
    @Field(key: "totp_enabled") var totpEnabled: Bool
    /// The last TOTP time step accepted; a code of that step or earlier is refused (no replay).
    @OptionalField(key: "totp_last_counter") var totpLastCounter: Int?
    @Field(key: "must_change_password") var mustChangePassword: Bool
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?

    init() {}

    init(id: UUID? = nil, entityID: UUID, login: String, displayName: String, email: String?,
         passwordHash: String, language: String? = nil, timeZone: String? = nil) {
        self.id = id
        self.entityID = entityID
        self.login = login
        self.displayName = displayName
        self.email = email
        self.passwordHash = passwordHash
        self.isActive = true
        self.language = language
        self.timeZone = timeZone
        self.theme = "auto"
        self.totpEnabled = false
        self.mustChangePassword = false
    }

    /// Field values as the audit log records them (the password hash is recorded as "changed" only).
    var auditSnapshot: [String: String?] {
        [
            "login": login, "display_name": displayName, "email": email, "is_active": String(isActive),
            "language": language, "time_zone": timeZone, "entity_id": entityID.uuidString,
            "totp_enabled": String(totpEnabled), "password": passwordHash,
        ]
    }
}

extension UserModel {
    /// The account with this login, ignoring case ("Admin" and "admin" are one login).
    static func find(login: String, on db: any Database) async throws -> UserModel? {
        let lowered = login.lowercased()
        // Logins are ASCII (validated), so Swift's and SQL's lower() agree.
        return try await query(on: db).filter(.sql(unsafeRaw: "lower(login)"), .equal, .bind(lowered)).first()
    }
}

extension UserModel {
    /// The columns a request needs to sign a user in, for plain-SQL loading on hot paths.
    static let loginColumns = [
        "id", "entity_id", "login", "display_name", "email", "password_hash", "is_active", "language", "time_zone",
        "theme", "totp_secret", "totp_enabled", "totp_last_counter", "must_change_password", "password_changed_at",
        "last_login_at", "created_at", "updated_at",
    ]

    /// A model filled from a plain-SQL row holding `loginColumns` (each behind `prefix`), marked as
    /// loaded from the database so that a later `update` works as usual.
    convenience init(loginRow row: any SQLRow, prefix: String) throws {
        self.init()
        func column(_ name: String) -> String { prefix + name }
        id = try row.decode(column: column("id"), as: UUID.self)
        entityID = try row.decode(column: column("entity_id"), as: UUID.self)
        login = try row.decode(column: column("login"), as: String.self)
        displayName = try row.decode(column: column("display_name"), as: String.self)
        email = try row.decode(column: column("email"), as: String?.self)
        passwordHash = try row.decode(column: column("password_hash"), as: String.self)
        isActive = try row.decode(column: column("is_active"), as: Bool.self)
        language = try row.decode(column: column("language"), as: String?.self)
        timeZone = try row.decode(column: column("time_zone"), as: String?.self)
        theme = try row.decode(column: column("theme"), as: String.self)
        totpSecret = try row.decode(column: column("totp_secret"), as: String?.self)
        totpEnabled = try row.decode(column: column("totp_enabled"), as: Bool.self)
        totpLastCounter = try row.decode(column: column("totp_last_counter"), as: Int?.self)
        mustChangePassword = try row.decode(column: column("must_change_password"), as: Bool.self)
        passwordChangedAt = try row.decode(column: column("password_changed_at"), as: Date?.self)
        lastLoginAt = try row.decode(column: column("last_login_at"), as: Date?.self)
        createdAt = try row.decode(column: column("created_at"), as: Date?.self)
        updatedAt = try row.decode(column: column("updated_at"), as: Date?.self)
        $id.exists = true
    }
}
