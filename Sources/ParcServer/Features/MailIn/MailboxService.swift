import Fluent
import Foundation
import ParcCore
import ParcMail
import Vapor

/// Collected mailboxes as admins manage them through `/api/v1/mailboxes`: create, change, delete, test. Every
/// change goes to the mailbox's history, the password only as "changed".
struct MailboxService {
    let request: Request

    var db: any Database { request.db }

    static let objectType = "mail_in_mailbox"

    /// The mailbox, if the user may manage its entity's mailboxes (404 otherwise, as for an unknown id).
    func find(_ id: UUID?) async throws -> MailboxModel {
        guard let id, let mailbox = try await MailboxModel.query(on: db).filter(\.$id == id)
            .scoped(to: request.entities(for: .mailInManage), \.$entityID).first()
        else { throw ParcError.notFound("mailbox") }
        return mailbox
    }

    func create(_ input: MailboxInput) async throws -> MailboxModel {
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await request.require(.mailInManage, in: entityID)
        let mailbox = MailboxModel()
        mailbox.id = UUID()
        mailbox.entityID = entityID
        mailbox.security = IMAPConfiguration.Security.tls.rawValue
        mailbox.port = 0
        mailbox.allowsPasswordWithoutTLS = false
        mailbox.authentication = IMAPConfiguration.Authentication.plain.rawValue
        mailbox.folder = "INBOX"
        mailbox.processedAction = MailboxModel.ProcessedAction.markSeen.rawValue
        mailbox.enabled = true
        mailbox.pollIntervalSeconds = 300
        mailbox.maxMessageBytes = 25 * 1024 * 1024
        mailbox.lastUID = 0
        mailbox.passwordSealed = ""
        try apply(input, to: mailbox, isNew: true)
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await mailbox.create(on: db)
            try await audit.record("mailbox.created", objectType: Self.objectType, objectID: mailbox.id!,
                                   label: mailbox.name, entityID: entityID,
                                   changes: FieldChange.between([:], mailbox.auditSnapshot, secrets: ["password"]),
                                   on: db)
        }
        return mailbox
    }

    func update(_ mailbox: MailboxModel, _ input: MailboxInput) async throws -> MailboxModel {
        try await request.require(.mailInManage, in: mailbox.entityID)
        if let target = input.entity_id, target != mailbox.entityID {
            try await request.require(.mailInManage, in: target)
        }
        let before = mailbox.auditSnapshot
        let serverBefore = [mailbox.host, String(mailbox.port), mailbox.login, mailbox.folder]
        try apply(input, to: mailbox, isNew: false)
        if let target = input.entity_id { mailbox.entityID = target }
        if serverBefore != [mailbox.host, String(mailbox.port), mailbox.login, mailbox.folder] {
            // Another folder's UIDs mean nothing here: start from its UIDVALIDITY afresh (deduplication by
            // Message-ID still applies).
            mailbox.uidValidity = nil
            mailbox.lastUID = 0
        }
        let changes = FieldChange.between(before, mailbox.auditSnapshot, secrets: ["password"])
        guard !changes.isEmpty else { return mailbox }
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await mailbox.update(on: db)
            try await audit.record("mailbox.updated", objectType: Self.objectType, objectID: mailbox.id!,
                                   label: mailbox.name, entityID: mailbox.entityID, changes: changes, on: db)
        }
        return mailbox
    }

    func delete(_ mailbox: MailboxModel) async throws {
        try await request.require(.mailInManage, in: mailbox.entityID)
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await audit.record("mailbox.deleted", objectType: Self.objectType, objectID: mailbox.id!,
                                   label: mailbox.name, entityID: mailbox.entityID,
                                   changes: FieldChange.between(mailbox.auditSnapshot, [:], secrets: ["password"]),
                                   on: db)
            try await mailbox.delete(on: db)
        }
    }

    /// Connects, logs in and opens the folder with the stored settings; the outcome, not an HTTP error.
    func test(_ mailbox: MailboxModel) async throws -> MailboxTestDTO {
        try await request.require(.mailInManage, in: mailbox.entityID)
        let password: String
        do {
            password = try request.parc.secrets.open(mailbox.passwordSealed,
                                                     context: MailboxModel.secretContext(mailbox.id!))
        } catch {
            return MailboxTestDTO(ok: false, message_count: nil, uid_validity: nil, error_kind: "secret",
                                  error: "\(error)", transient: false)
        }
        let client = IMAPClient(configuration: mailbox.imapConfiguration(password: password))
        do {
            let status = try await client.check(mailbox: mailbox.folder)
            return MailboxTestDTO(ok: true, message_count: status.messageCount, uid_validity: Int64(status.uidValidity),
                                  error_kind: nil, error: nil, transient: nil)
        } catch {
            return MailboxTestDTO(ok: false, message_count: nil, uid_validity: nil, error_kind: error.kind.rawValue,
                                  error: error.message, transient: error.isTransient)
        }
    }

    /// Checks `input` field by field and applies it; a 422 names every invalid field.
    private func apply(_ input: MailboxInput, to mailbox: MailboxModel, isNew: Bool) throws {
        var errors: [String: String] = [:]
        func text(_ field: String, _ value: String?, limit: Int, required: Bool, asciiOnly: Bool = false) -> String? {
            guard let value else {
                if required { errors[field] = "is required" }
                return nil
            }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                errors[field] = "must not be empty"
            } else if trimmed.count > limit {
                errors[field] = "must be at most \(limit) characters"
            } else if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                errors[field] = "must not contain control characters"
            } else if asciiOnly && !trimmed.unicodeScalars.allSatisfy({ $0.isASCII }) {
                errors[field] = "must be plain ASCII (e.g. INBOX or Parc/Processed)"
            } else {
                return trimmed
            }
            return nil
        }
        if let name = text("name", input.name, limit: 200, required: isNew) { mailbox.name = name }
        if let host = text("host", input.host, limit: 255, required: isNew) {
            if host.contains(" ") { errors["host"] = "must be a host name or IP address" } else { mailbox.host = host }
        }
        if let login = text("login", input.login, limit: 320, required: isNew) { mailbox.login = login }
        if let folder = text("folder", input.folder, limit: 200, required: false, asciiOnly: true) {
            mailbox.folder = folder
        }
        if let security = input.security {
            if IMAPConfiguration.Security(rawValue: security) == nil {
                errors["security"] = "must be one of " + IMAPConfiguration.Security.allCases.map(\.rawValue)
                    .joined(separator: ", ")
            } else {
                mailbox.security = security
            }
        }
        if let authentication = input.authentication {
            if IMAPConfiguration.Authentication(rawValue: authentication) == nil {
                errors["authentication"] = "must be one of " + IMAPConfiguration.Authentication.allCases
                    .map(\.rawValue).joined(separator: ", ")
            } else {
                mailbox.authentication = authentication
            }
        }
        if let port = input.port {
            if (1...65535).contains(port) { mailbox.port = port } else { errors["port"] = "must be from 1 to 65535" }
        } else if isNew {
            mailbox.port = IMAPConfiguration.defaultPort(
                for: IMAPConfiguration.Security(rawValue: mailbox.security) ?? .tls)
        }
        if let path = input.trusted_ca_file {
            if let path {
                if let clean = text("trusted_ca_file", path, limit: 1024, required: false) {
                    if clean.hasPrefix("/") { mailbox.trustedCAFile = clean }
                    else { errors["trusted_ca_file"] = "must be an absolute path on the Parc server" }
                }
            } else {
                mailbox.trustedCAFile = nil
            }
        }
        if let allow = input.allow_password_without_tls { mailbox.allowsPasswordWithoutTLS = allow }
        if let action = input.processed_action {
            if MailboxModel.ProcessedAction(rawValue: action) == nil {
                errors["processed_action"] = "must be one of " + MailboxModel.ProcessedAction.allCases.map(\.rawValue)
                    .joined(separator: ", ")
            } else {
                mailbox.processedAction = action
            }
        }
        if let folder = input.processed_folder {
            if let folder {
                if let clean = text("processed_folder", folder, limit: 200, required: false, asciiOnly: true) {
                    mailbox.processedFolder = clean
                }
            } else {
                mailbox.processedFolder = nil
            }
        }
        if mailbox.processed == .move && mailbox.processedFolder == nil && errors["processed_folder"] == nil {
            errors["processed_folder"] = "is required when processed_action is move"
        }
        if mailbox.processed == .move, let target = mailbox.processedFolder, target == mailbox.folder {
            errors["processed_folder"] = "must differ from the collected folder"
        }
        if let enabled = input.enabled { mailbox.enabled = enabled }
        if let interval = input.poll_interval_seconds {
            if MailboxInput.pollIntervals.contains(interval) { mailbox.pollIntervalSeconds = interval }
            else { errors["poll_interval_seconds"] = "must be from 60 to 86400" }
        }
        if let size = input.max_message_bytes {
            if MailboxInput.messageSizes.contains(size) { mailbox.maxMessageBytes = size }
            else { errors["max_message_bytes"] = "must be from 1024 to \(MailboxInput.messageSizes.upperBound)" }
        }
        if let password = input.password {
            if password.isEmpty || password.count > 1024 {
                errors["password"] = "must be 1 to 1024 characters"
            } else if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                errors["password"] = "must not contain control characters"
            } else {
                do {
                    mailbox.passwordSealed = try request.parc.secrets.seal(
                        password, context: MailboxModel.secretContext(mailbox.id!))
                } catch {
                    throw ParcError(.internalServerError, code: "secret_key_unavailable", "\(error)")
                }
            }
        } else if isNew {
            errors["password"] = "is required"
        }
        if errors.isEmpty {
            // The client's own rules, e.g. no password in clear to a remote server.
            let configuration = mailbox.imapConfiguration(password: "x")
            if configuration.security == .none && !configuration.isLoopback && !configuration.allowsPasswordWithoutTLS {
                errors["security"] = "none would send the password in clear to \(mailbox.host); use tls or startTLS, "
                    + "or set allow_password_without_tls"
            }
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        // A new poll schedule takes effect at once.
        mailbox.nextPollAt = nil
    }
}
