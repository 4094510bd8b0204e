import FluentKit
import Foundation

/// A one-time code that replaces the TOTP code when the phone is lost. Stored hashed.
final class RecoveryCodeModel: Model, @unchecked Sendable {
    static let schema = "recovery_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(userID: UUID, codeHash: String) {
        self.userID = userID
        self.codeHash = codeHash
    }
}
