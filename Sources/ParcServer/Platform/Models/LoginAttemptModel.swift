import FluentKit
import Foundation

/// One login attempt, kept for throttling (shared by every instance through the database).
final class LoginAttemptModel: Model, @unchecked Sendable {
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "login") var login: String
    @Field(key: "ip") var ip: String
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "attempted_at") var attemptedAt: Date

    init() {}

    init(login: String, ip: String, succeeded: Bool, at date: Date) {
        self.login = login
        self.ip = ip
        self.succeeded = succeeded
        self.attemptedAt = date
    }
}
