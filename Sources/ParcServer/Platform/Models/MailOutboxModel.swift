import Fluent
import FluentKit
import Foundation

/// One outgoing mail in the persistent queue.
final class MailOutboxModel: Model, @unchecked Sendable {
    static let schema = "mail_outbox"

    enum Status: String, Codable, Sendable, CaseIterable { case queued, sending, sent, failed }

    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "entity_id") var entityID: UUID?
    /// Comma-separated addresses.
    @Field(key: "recipients") var recipients: String
    @Field(key: "subject") var subject: String
    @Field(key: "text_body") var textBody: String
    @OptionalField(key: "html_body") var htmlBody: String?
    @OptionalField(key: "template") var template: String?
    /// The Message-ID to send with (without angle brackets); nil: a fresh one at delivery.
    @OptionalField(key: "message_id") var messageID: String?
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "locked_by") var lockedBy: String?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}
}
