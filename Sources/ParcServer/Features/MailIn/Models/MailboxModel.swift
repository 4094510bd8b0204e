import FluentKit
import Foundation
import ParcMail

/// An IMAP mailbox the collector polls for an entity: where it is, how to log in, what to do with a collected
/// message, and where the collector got to.
final class MailboxModel: Model, @unchecked Sendable {
    static let schema = "mail_in_mailboxes"

    /// What happens to a message in the mailbox once Parc has it.
    enum ProcessedAction: String, Sendable, Codable, CaseIterable {
        /// Add \Seen and leave it in the folder.
        case markSeen = "mark_seen"
        /// Move it to the processed folder (created if missing).
        case move
    }

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // references
    @Field(key: "entity_id") var entityID: UUID

    // data
    @Field(key: "name") var name: String
    @Field(key: "host") var host: String
    @Field(key: "port") var port: Int
    /// An ``IMAPConfiguration/Security`` raw value.
    @Field(key: "security") var security: String
    /// Path of a PEM file of extra CAs to trust, on the Parc server.
    @OptionalField(key: "trusted_ca_file") var trustedCAFile: String?
    /// Allows a password over plain text to a server that is not on loopback.
    @Field(key: "allow_password_without_tls") var allowsPasswordWithoutTLS: Bool
    @Field(key: "login") var login: String
    /// The password sealed by ``SecretBox`` for `mailbox:<id>`; never returned by the API.
    @Field(key: "password_sealed") var passwordSealed: String
    /// An ``IMAPConfiguration/Authentication`` raw value.
    @Field(key: "authentication") var authentication: String
    @Field(key: "folder") var folder: String
    /// A ``ProcessedAction`` raw value.
    @Field(key: "processed_action") var processedAction: String
    @OptionalField(key: "processed_folder") var processedFolder: String?
    @Field(key: "enabled") var enabled: Bool
    @Field(key: "poll_interval_seconds") var pollIntervalSeconds: Int
    @Field(key: "max_message_bytes") var maxMessageBytes: Int

    // collector state
    /// The folder's UIDVALIDITY when ``lastUID`` was recorded; nil before the first collection.
    @OptionalField(key: "uid_validity") var uidValidity: Int64?
    /// The highest UID handled (or refused) under ``uidValidity``; the next poll asks for the ones above.
    @Field(key: "last_uid") var lastUID: Int64
    @OptionalField(key: "next_poll_at") var nextPollAt: Date?
    @OptionalField(key: "last_polled_at") var lastPolledAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "last_error_at") var lastErrorAt: Date?
    /// Until when an instance holds the mailbox for a collection (so two never poll it at once).
    @OptionalField(key: "claimed_until") var claimedUntil: Date?

    init() {}

    var processed: ProcessedAction { ProcessedAction(rawValue: processedAction) ?? .markSeen }

    /// The context the password is sealed for: a sealed password copied to another row does not open.
    static func secretContext(_ id: UUID) -> String { "mail_in_mailbox:\(id.uuidString.lowercased())" }

    /// The client settings, with the opened password.
    func imapConfiguration(password: String) -> IMAPConfiguration {
        IMAPConfiguration(
            host: host,
            port: port,
            security: IMAPConfiguration.Security(rawValue: security) ?? .tls,
            tls: .init(trustedCAFile: trustedCAFile),
            credentials: .init(username: login, password: password),
            authentication: IMAPConfiguration.Authentication(rawValue: authentication) ?? .plain,
            allowsPasswordWithoutTLS: allowsPasswordWithoutTLS,
            maximumMessageSize: maxMessageBytes
        )
    }

    /// The fields the history compares; the password is recorded as changed, never its value.
    var auditSnapshot: [String: String?] {
        ["name": name, "host": host, "port": String(port), "security": security, "trusted_ca_file": trustedCAFile,
         "allow_password_without_tls": String(allowsPasswordWithoutTLS), "login": login, "password": passwordSealed,
         "authentication": authentication, "folder": folder, "processed_action": processedAction,
         "processed_folder": processedFolder, "enabled": String(enabled),
         "poll_interval_seconds": String(pollIntervalSeconds), "max_message_bytes": String(maxMessageBytes)]
    }
}
