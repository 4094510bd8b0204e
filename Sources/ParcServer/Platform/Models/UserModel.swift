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
