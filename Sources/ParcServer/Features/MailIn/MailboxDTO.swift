import Foundation
import ParcCore
import Vapor

/// A mailbox as the API shows it: everything but the password, of which only its presence shows.
struct MailboxDTO: Content {
    let id: UUID
    let entity_id: UUID
    let entity: String
    let name: String
    let host: String
    let port: Int
    let security: String
    let trusted_ca_file: String?
    let allow_password_without_tls: Bool
    let login: String
    let has_password: Bool
    let authentication: String
    let folder: String
    let processed_action: String
    let processed_folder: String?
    let enabled: Bool
    let poll_interval_seconds: Int
    let max_message_bytes: Int
    let last_polled_at: Date?
    let next_poll_at: Date?
    let last_error: String?
    let last_error_at: Date?
    let created_at: Date?
    let updated_at: Date?

    init(_ mailbox: MailboxModel, tree: EntityTree) {
        id = mailbox.id!
        entity_id = mailbox.entityID
        entity = tree.path(of: mailbox.entityID)
        name = mailbox.name
        host = mailbox.host
        port = mailbox.port
        security = mailbox.security
        trusted_ca_file = mailbox.trustedCAFile
        allow_password_without_tls = mailbox.allowsPasswordWithoutTLS
        login = mailbox.login
        has_password = !mailbox.passwordSealed.isEmpty
        authentication = mailbox.authentication
        folder = mailbox.folder
        processed_action = mailbox.processedAction
        processed_folder = mailbox.processedFolder
        enabled = mailbox.enabled
        poll_interval_seconds = mailbox.pollIntervalSeconds
        max_message_bytes = mailbox.maxMessageBytes
        last_polled_at = mailbox.lastPolledAt
        next_poll_at = mailbox.nextPollAt
        last_error = mailbox.lastError
        last_error_at = mailbox.lastErrorAt
        created_at = mailbox.createdAt
        updated_at = mailbox.updatedAt
    }

    static let schema = OpenAPISchema.object([
        "id": .uuid, "entity_id": .uuid, "entity": .string(), "name": .string(), "host": .string(), "port": .integer,
        "security": .string(), "trusted_ca_file": .nullable(.string()), "allow_password_without_tls": .boolean,
        "login": .string(), "has_password": .boolean, "authentication": .string(), "folder": .string(),
        "processed_action": .string(), "processed_folder": .nullable(.string()), "enabled": .boolean,
        "poll_interval_seconds": .integer, "max_message_bytes": .integer, "last_polled_at": .nullable(.dateTime),
        "next_poll_at": .nullable(.dateTime), "last_error": .nullable(.string()),
        "last_error_at": .nullable(.dateTime), "created_at": .dateTime, "updated_at": .dateTime,
    ], required: ["id", "entity_id", "name", "host", "port", "security", "login", "has_password", "enabled"])
}

/// A collected message as `GET /api/v1/mailboxes/{id}/messages` lists it.
struct CollectedMailDTO: Content {
    let id: UUID
    let message_id: String?
    let uid: Int64?
    let size: Int
    let outcome: String
    let reason: String?
    let detail: String?
    let ticket_id: UUID?
    let collected_at: Date

    init(_ row: CollectedMailModel) {
        id = row.id!
        message_id = row.messageID
        uid = row.uid
        size = row.size
        outcome = row.outcome
        reason = row.reason
        detail = row.detail
        ticket_id = row.ticketID
        collected_at = row.collectedAt
    }

    static let schema = OpenAPISchema.object([
        "id": .uuid, "message_id": .nullable(.string()), "uid": .nullable(.integer), "size": .integer,
        "outcome": .string(enumValues: ["created_ticket", "added_followup", "dropped"]),
        "reason": .nullable(.string(enumValues: InboundMailOutcome.DropReason.allCases.map(\.rawValue))),
        "detail": .nullable(.string()), "ticket_id": .nullable(.uuid), "collected_at": .dateTime,
    ], required: ["id", "size", "outcome", "collected_at"])
}

/// The answer of `POST /api/v1/mailboxes/{id}/test`.
struct MailboxTestDTO: Content {
    let ok: Bool
    let message_count: Int?
    let uid_validity: Int64?
    let error_kind: String?
    let error: String?
    let transient: Bool?

    static let schema = OpenAPISchema.object([
        "ok": .boolean, "message_count": .nullable(.integer), "uid_validity": .nullable(.integer),
        "error_kind": .nullable(.string()), "error": .nullable(.string()), "transient": .nullable(.boolean),
    ], required: ["ok"])
}
