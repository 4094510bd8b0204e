import FluentKit
import Foundation

/// One line of the append-only audit log.
final class AuditEntryModel: Model, @unchecked Sendable {
    static let schema = "audit_log"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date

    // references
    @OptionalField(key: "entity_id") var entityID: UUID?
    @OptionalField(key: "actor_id") var actorID: UUID?

    // data
    @Field(key: "actor_name") var actorName: String
    @Field(key: "object_type") var objectType: String
    @Field(key: "object_id") var objectID: String
    @Field(key: "object_label") var objectLabel: String
    @Field(key: "action") var action: String
    /// JSON array of `FieldChange`.
    @Field(key: "changes") var changes: String
    @OptionalField(key: "request_id") var requestID: String?
    @OptionalField(key: "ip") var ip: String?

    init() {}
}
