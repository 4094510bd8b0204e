import FluentKit
import SQLKit
import Foundation

/// A machine enrolled with parc-agent. Its credential is shown to the agent once, at enrollment;
/// only its SHA-256 is stored.
final class AgentModel: Model, @unchecked Sendable {
    static let schema = "agents"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "hostname") var hostname: String
    /// The agent's stable machine identifier (e.g. /etc/machine-id); one agent row per machine and entity.
    @Field(key: "machine_id") var machineID: String
    @Field(key: "os") var os: String
    @Field(key: "agent_version") var agentVersion: String
    @Field(key: "credential_hash") var credentialHash: String
    /// The first characters of the credential, to recognise it.
    @Field(key: "credential_prefix") var credentialPrefix: String
    @OptionalField(key: "enrollment_token_id") var enrollmentTokenID: UUID?
    @Field(key: "enrolled_at") var enrolledAt: Date
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// The inventory's asset for this machine, once inventory links them (issue 3).
    @OptionalField(key: "asset_id") var assetID: UUID?

    init() {}

    var auditSnapshot: [String: String?] {
        ["hostname": hostname, "machine_id": machineID, "os": os, "agent_version": agentVersion,
         "entity_id": entityID.uuidString, "credential": credentialPrefix + "…",
         "revoked_at": revokedAt.map { ISO8601DateFormatter().string(from: $0) }]
    }
}

/// A secret that lets machines enroll into one entity, a limited number of times, until it expires.
final class AgentEnrollmentTokenModel: Model, @unchecked Sendable {
    static let schema = "agent_enrollment_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "prefix") var prefix: String
    @OptionalField(key: "expires_at") var expiresAt: Date?
    /// nil = unlimited.
    @OptionalField(key: "max_uses") var maxUses: Int?
    @Field(key: "uses") var uses: Int
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Why the token cannot enroll a machine now, or nil when it can.
    func unusableReason(now: Date) -> String? {
        if revokedAt != nil { return "revoked" }
        if let expiresAt, expiresAt <= now { return "expired" }
        if let maxUses, uses >= maxUses { return "used_up" }
        return nil
    }
}

struct CreateAgents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("agent_enrollment_tokens")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("prefix", .string, .required)
            .field("expires_at", .datetime)
            .field("max_uses", .int)
            .field("uses", .int, .required)
            .field("revoked_at", .datetime)
            .field("created_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        try await database.schema("agents")
            .id()
            .field("entity_id", .uuid, .required, .references("entities", "id", onDelete: .restrict))
            .field("hostname", .string, .required)
            .field("machine_id", .string, .required)
            .field("os", .string, .required)
            .field("agent_version", .string, .required)
            .field("credential_hash", .string, .required)
            .field("credential_prefix", .string, .required)
            .field("enrollment_token_id", .uuid,
                   .references("agent_enrollment_tokens", "id", onDelete: .setNull))
            .field("enrolled_at", .datetime, .required)
            .field("last_seen_at", .datetime)
            .field("revoked_at", .datetime)
            .field("asset_id", .uuid)
            .unique(on: "credential_hash")
            .unique(on: "entity_id", "machine_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "agent_enrollment_tokens_entity_idx").on("agent_enrollment_tokens")
            .column("entity_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("agents").delete()
        try await database.schema("agent_enrollment_tokens").delete()
    }
}
