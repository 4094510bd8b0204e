import Fluent
import Foundation
import ParcCore
import Vapor

/// `/api/v1/helpdesk-settings/{entity}/attachments`: the attachment limits of an entity, as inherited, and their
/// change by the entity's helpdesk administrators (decision 0051). `null` gives a value back to inheritance.
struct TicketAttachmentSettingsAPI {
    struct SettingsInput: StrictContent {
        var max_file_size: Int??
        var max_message_size: Int??
        var max_ticket_size: Int??
        var max_files: Int??
        var allowed_extensions: [String]??

        static let acceptedFields: Set<String> = ["max_file_size", "max_message_size", "max_ticket_size", "max_files",
                                                  "allowed_extensions"]
        static let schema = OpenAPISchema.object([
            "max_file_size": .nullable(.integer), "max_message_size": .nullable(.integer),
            "max_ticket_size": .nullable(.integer), "max_files": .nullable(.integer),
            "allowed_extensions": .nullable(.array(.string(description: "An extension without the dot, e.g. pdf"))),
        ], required: [])

        private enum Keys: String, CodingKey {
            case max_file_size, max_message_size, max_ticket_size, max_files, allowed_extensions
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            func value<T: Decodable>(_ key: Keys, _ type: T.Type) throws -> T?? {
                guard c.contains(key) else { return nil }
                return try c.decodeNil(forKey: key) ? .some(nil) : .some(try c.decode(T.self, forKey: key))
            }
            max_file_size = try value(.max_file_size, Int.self)
            max_message_size = try value(.max_message_size, Int.self)
            max_ticket_size = try value(.max_ticket_size, Int.self)
            max_files = try value(.max_files, Int.self)
            allowed_extensions = try value(.allowed_extensions, [String].self)
        }
    }

    struct SettingsDTO: Content {
        let entity_id: UUID
        let max_file_size: Int
        let max_message_size: Int
        let max_ticket_size: Int
        let max_files: Int
        let allowed_extensions: [String]

        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "max_file_size": .integer, "max_message_size": .integer, "max_ticket_size": .integer,
            "max_files": .integer, "allowed_extensions": .array(.string()),
        ], required: ["entity_id", "max_file_size", "max_message_size", "max_ticket_size", "max_files",
                      "allowed_extensions"])

        init(entityID: UUID, _ limits: TicketAttachmentLimits) {
            entity_id = entityID
            max_file_size = limits.maximumFileSize
            max_message_size = limits.maximumMessageSize
            max_ticket_size = limits.maximumTicketSize
            max_files = limits.maximumFilesPerMessage
            allowed_extensions = limits.allowedExtensions
        }
    }

    func register(_ api: APIRoutes) {
        api.on(.GET, "helpdesk-settings/:entity/attachments", summary: "An entity's attachment limits, as inherited",
               tag: "Helpdesk", response: .ref("TicketAttachmentSettings"), use: settings)
        api.on(.PATCH, "helpdesk-settings/:entity/attachments", summary: "Change an entity's attachment limits "
               + "(null inherits)", tag: "Helpdesk", body: SettingsInput.schema,
               response: .ref("TicketAttachmentSettings"), use: update)
    }

    @Sendable func settings(_ req: Request) async throws -> SettingsDTO {
        guard let entityID = req.parameters.get("entity", as: UUID.self) else { throw ParcError.notFound("entity") }
        try await req.require(.ticketsRead, in: entityID)
        return SettingsDTO(entityID: entityID, try await TicketAttachmentStore.limits(
            for: entityID, tree: try await req.entityTree(), on: req.db))
    }

    @Sendable func update(_ req: Request) async throws -> SettingsDTO {
        guard let entityID = req.parameters.get("entity", as: UUID.self) else { throw ParcError.notFound("entity") }
        try await req.require(.helpdeskAdmin, in: entityID)
        let input = try req.decodeStrict(SettingsInput.self)
        var errors: [String: String] = [:]
        func size(_ value: Int??, _ field: String, ceiling: Int) -> Int64?? {
            guard case .some(.some(let bytes)) = value else { return value.map { $0.map(Int64.init) } }
            guard (1...ceiling).contains(bytes) else {
                errors[field] = "Give 1 to \(ceiling) bytes (\(TicketAttachmentRefusal.size(ceiling)))."
                return nil
            }
            return .some(Int64(bytes))
        }
        let file = size(input.max_file_size, "max_file_size", ceiling: TicketAttachmentLimits.ceilingFileSize)
        let message = size(input.max_message_size, "max_message_size", ceiling: TicketAttachmentLimits.ceilingMessageSize)
        let ticket = size(input.max_ticket_size, "max_ticket_size", ceiling: TicketAttachmentLimits.ceilingTicketSize)
        if case .some(.some(let count)) = input.max_files, !(1...TicketAttachmentLimits.ceilingFilesPerMessage).contains(count) {
            errors["max_files"] = "Give 1 to \(TicketAttachmentLimits.ceilingFilesPerMessage) files."
        }
        var extensions: String??
        if case .some(.some(let list)) = input.allowed_extensions {
            let normalized = list.compactMap(TicketAttachmentLimits.normalizedExtension)
            if normalized.count != list.count {
                let bad = list.first { TicketAttachmentLimits.normalizedExtension($0) == nil } ?? ""
                errors["allowed_extensions"] = "\"\(bad.prefix(40))\" is not an extension: give 1 to 16 letters or "
                    + "digits, such as pdf."
            } else if normalized.isEmpty || normalized.count > TicketAttachmentLimits.ceilingExtensions {
                errors["allowed_extensions"] = "Give 1 to \(TicketAttachmentLimits.ceilingExtensions) extensions."
            } else {
                extensions = .some(Array(Set(normalized)).sorted().joined(separator: ","))
            }
        } else if case .some(.none) = input.allowed_extensions {
            extensions = .some(nil)
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let newExtensions = extensions
        let audit = AuditLog(request: req)
        let now = req.now
        try await req.parc.writeTransaction(on: req.db) { db in
            let row = try await TicketAttachmentSettingsModel.find(entityID, on: db) ?? {
                let row = TicketAttachmentSettingsModel()
                row.id = entityID
                return row
            }()
            let before = row.auditSnapshot
            if let file { row.maximumFileSize = file }
            if let message { row.maximumMessageSize = message }
            if let ticket { row.maximumTicketSize = ticket }
            if let files = input.max_files { row.maximumFiles = files }
            if let newExtensions { row.allowedExtensions = newExtensions }
            row.updatedAt = now
            try await row.save(on: db)
            try await audit.record("ticket_attachment_settings.updated", objectType: "helpdesk_settings",
                                   objectID: entityID, label: "attachment limits", entityID: entityID,
                                   changes: FieldChange.between(before, row.auditSnapshot), on: db)
        }
        return try await settings(req)
    }
}

extension TicketAttachmentSettingsModel {
    var auditSnapshot: [String: String?] {
        ["max_file_size": maximumFileSize.map(String.init), "max_message_size": maximumMessageSize.map(String.init),
         "max_ticket_size": maximumTicketSize.map(String.init), "max_files": maximumFiles.map(String.init),
         "allowed_extensions": allowedExtensions]
    }
}
