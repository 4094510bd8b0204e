import FluentKit
import Foundation
import SQLKit

/// Category templates with predefined and mandatory fields, and canned responses (docs/helpdesk.md, decision 0061).
struct CreateTicketTemplatesAndResponses: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("ticket_categories").field("template_fields", .string).update()
        try await database.schema("ticket_canned_responses")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("body", .string, .required)
            .field("recursive", .bool, .required)
            .field("created_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "entity_id", "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("ticket_canned_responses").delete()
        try await database.schema("ticket_categories").deleteField("template_fields").update()
    }
}

/// A reply technicians reuse ("Réponse type"): Markdown with placeholders, offered on the tickets of its entity and,
/// when recursive, of the entities below it.
final class TicketCannedResponseModel: Model, @unchecked Sendable {
    static let schema = "ticket_canned_responses"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "name") var name: String
    @Field(key: "body") var body: String
    @Field(key: "recursive") var recursive: Bool
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
