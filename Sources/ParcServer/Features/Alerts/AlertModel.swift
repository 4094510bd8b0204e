import FluentKit
import Foundation
import SQLKit

/// Something a technician must look at: raised by a feature (`source`, e.g. `backup.drill`),
/// acknowledged and resolved by people (or resolved by the source itself when the cause is gone).
///
/// An open alert with the same `dedup_key` is raised again rather than duplicated: its
/// `occurrences` grows and `last_raised_at` moves, so a machine failing every hour makes one line.
final class AlertModel: Model, @unchecked Sendable {
    static let schema = "alerts"

    enum Severity: String, Codable, Sendable, CaseIterable { case info, warning, critical }
    enum State: String, Codable, Sendable, CaseIterable { case open, acknowledged, resolved }

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "source") var source: String
    @Field(key: "severity") var severity: String
    /// Catalogue key of the title, rendered with `title_args` in the reader's language.
    @Field(key: "title_key") var titleKey: String
    /// JSON array of strings.
    @Field(key: "title_args") var titleArgsJSON: String
    @Field(key: "detail") var detail: String
    @OptionalField(key: "object_type") var objectType: String?
    @OptionalField(key: "object_id") var objectID: String?
    /// Page of the object the alert is about (a path on this server).
    @OptionalField(key: "object_url") var objectURL: String?
    @Field(key: "dedup_key") var dedupKey: String
    @Field(key: "occurrences") var occurrences: Int
    @Field(key: "raised_at") var raisedAt: Date
    @Field(key: "last_raised_at") var lastRaisedAt: Date
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "acknowledged_by") var acknowledgedBy: String?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "resolved_by") var resolvedBy: String?

    init() {}

    var titleArgs: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(titleArgsJSON.utf8))) ?? []
    }

    var state: State {
        if resolvedAt != nil { return .resolved }
        if acknowledgedAt != nil { return .acknowledged }
        return .open
    }
}

struct CreateAlerts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("alerts")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .cascade))
            .field("source", .string, .required)
            .field("severity", .string, .required)
            .field("title_key", .string, .required)
            .field("title_args", .string, .required)
            .field("detail", .string, .required)
            .field("object_type", .string)
            .field("object_id", .string)
            .field("object_url", .string)
            .field("dedup_key", .string, .required)
            .field("occurrences", .int, .required)
            .field("raised_at", .datetime, .required)
            .field("last_raised_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .string)
            .field("resolved_at", .datetime)
            .field("resolved_by", .string)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "alerts_entity_idx").on("alerts").column("entity_id").column("resolved_at").run()
        try await sql.create(index: "alerts_dedup_idx").on("alerts").column("dedup_key").column("resolved_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("alerts").delete()
    }
}
