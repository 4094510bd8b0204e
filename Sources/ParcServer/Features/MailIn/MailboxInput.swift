import Foundation
import ParcMail

/// A mailbox as `POST` and `PATCH /api/v1/mailboxes` take it. A field left out keeps its value; `trusted_ca_file`
/// and `processed_folder` are cleared with `null`. `password` is write-only: it is stored sealed and never returned.
struct MailboxInput: StrictContent {
    var entity_id: UUID?
    var name: String?
    var host: String?
    var port: Int?
    var security: String?
    var trusted_ca_file: String??
    var allow_password_without_tls: Bool?
    var login: String?
    var password: String?
    var authentication: String?
    var folder: String?
    var processed_action: String?
    var processed_folder: String??
    var enabled: Bool?
    var poll_interval_seconds: Int?
    var max_message_bytes: Int?

    static let acceptedFields: Set<String> = [
        "entity_id", "name", "host", "port", "security", "trusted_ca_file", "allow_password_without_tls", "login",
        "password", "authentication", "folder", "processed_action", "processed_folder", "enabled",
        "poll_interval_seconds", "max_message_bytes",
    ]

    static let pollIntervals = 60...86_400
    static let messageSizes = 1024...(100 * 1024 * 1024)

    static let schema = OpenAPISchema.object([
        "entity_id": .uuid, "name": .string(), "host": .string(), "port": .integer,
        "security": .string(enumValues: IMAPConfiguration.Security.allCases.map(\.rawValue)),
        "trusted_ca_file": .nullable(.string(description: "Absolute path of a PEM file of extra CAs, on the server")),
        "allow_password_without_tls": .boolean, "login": .string(),
        "password": .string(description: "Write-only: stored encrypted, never returned"),
        "authentication": .string(enumValues: IMAPConfiguration.Authentication.allCases.map(\.rawValue)),
        "folder": .string(description: "Folder to collect, default INBOX"),
        "processed_action": .string(enumValues: MailboxModel.ProcessedAction.allCases.map(\.rawValue)),
        "processed_folder": .nullable(.string(description: "Where processed messages go, for processed_action move")),
        "enabled": .boolean, "poll_interval_seconds": .integer, "max_message_bytes": .integer,
    ], required: [])

    private enum Keys: String, CodingKey {
        case entity_id, name, host, port, security, trusted_ca_file, allow_password_without_tls, login, password,
             authentication, folder, processed_action, processed_folder, enabled, poll_interval_seconds,
             max_message_bytes
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        func nullable(_ key: Keys) throws -> String?? {
            guard container.contains(key) else { return nil }
            if try container.decodeNil(forKey: key) { return .some(nil) }
            return .some(try container.decode(String.self, forKey: key))
        }
        entity_id = try container.decodeIfPresent(UUID.self, forKey: .entity_id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        host = try container.decodeIfPresent(String.self, forKey: .host)
        port = try container.decodeIfPresent(Int.self, forKey: .port)
        security = try container.decodeIfPresent(String.self, forKey: .security)
        trusted_ca_file = try nullable(.trusted_ca_file)
        allow_password_without_tls = try container.decodeIfPresent(Bool.self, forKey: .allow_password_without_tls)
        login = try container.decodeIfPresent(String.self, forKey: .login)
        password = try container.decodeIfPresent(String.self, forKey: .password)
        authentication = try container.decodeIfPresent(String.self, forKey: .authentication)
        folder = try container.decodeIfPresent(String.self, forKey: .folder)
        processed_action = try container.decodeIfPresent(String.self, forKey: .processed_action)
        processed_folder = try nullable(.processed_folder)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
        poll_interval_seconds = try container.decodeIfPresent(Int.self, forKey: .poll_interval_seconds)
        max_message_bytes = try container.decodeIfPresent(Int.self, forKey: .max_message_bytes)
    }
}
