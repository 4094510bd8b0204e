import FluentKit
import Foundation

/// A browser session. The cookie holds a random key; only its SHA-256 is stored.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    // references
    @OptionalField(key: "user_id") var userID: UUID?

    // data
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "data") var data: String
    @OptionalField(key: "ip") var ip: String?
    @OptionalField(key: "user_agent") var userAgent: String?

    init() {}
}
