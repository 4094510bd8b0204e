import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/api/v1/account/ticket-notifications`: which ticket mails the signed-in user receives.
/// `/api/v1/ticket-mail-templates`: an entity's own wording of the ticket mails, per event and language.
struct TicketMailSettingsAPI {
    struct Preferences: Content {
        var events: [String: Bool]
        static let schema = OpenAPISchema.object(["events": .map(.boolean)], required: ["events"])
    }

    struct PreferencesInput: StrictContent {
        var events: [String: Bool]?
        static let acceptedFields: Set<String> = ["events"]
    }

    struct TemplateInput: StrictContent {
        var subject: String?
        var body: String?
        static let acceptedFields: Set<String> = ["subject", "body"]
        static let schema = OpenAPISchema.object([
            "subject": .string(description: "One line; {{reference}}, {{title}}, {{status}}, {{priority}}, {{entity}}, {{url}}, {{text}}, {{due}}"),
            "body": .string(),
        ], required: ["subject", "body"])
    }

    struct TemplateDTO: Content {
        let entity_id: UUID
        let event: String
        let language: String
        let subject: String
        let body: String
        static let schema = OpenAPISchema.object([
            "entity_id": .uuid, "event": .string(enumValues: TicketMailEvent.allCases.map(\.rawValue)),
            "language": .string(enumValues: Language.allCases.map(\.rawValue)), "subject": .string(), "body": .string(),
        ], required: ["entity_id", "event", "language", "subject", "body"])
    }

    func register(_ api: APIRoutes) {
        api.schema("TicketNotificationPreferences", Preferences.schema)
        api.schema("TicketMailTemplate", TemplateDTO.schema)
        api.on(.GET, "account/ticket-notifications", summary: "Which ticket mails you receive", tag: "Helpdesk",
               response: .ref("TicketNotificationPreferences"), use: preferences)
        api.on(.PATCH, "account/ticket-notifications", summary: "Turn ticket mails on or off", tag: "Helpdesk",
               body: Preferences.schema, response: .ref("TicketNotificationPreferences"), use: updatePreferences)
        api.on(.GET, "ticket-mail-templates", summary: "Entities' own wording of the ticket mails", tag: "Helpdesk",
               query: [.init(name: "entity_id", schema: .uuid, description: "An entity and its sub-entities")],
               response: .array(.ref("TicketMailTemplate")), use: templates)
        api.on(.PUT, "ticket-mail-templates/:entity/:event/:language", summary: "Set an entity's wording of a ticket mail",
               tag: "Helpdesk", body: TemplateInput.schema, response: .ref("TicketMailTemplate"), use: setTemplate)
        api.on(.DELETE, "ticket-mail-templates/:entity/:event/:language",
               summary: "Go back to the inherited wording", tag: "Helpdesk", response: nil, status: 204, use: deleteTemplate)
    }

    @Sendable func preferences(_ req: Request) async throws -> Preferences {
        let user = try req.requireUser()
        let off = Set(try await NotificationOptOutModel.query(on: req.db).filter(\.$userID == user.id).all().map(\.event))
        return Preferences(events: Dictionary(uniqueKeysWithValues: TicketMailEvent.allCases.map {
            ($0.rawValue, !off.contains($0.rawValue))
        }))
    }

    @Sendable func updatePreferences(_ req: Request) async throws -> Preferences {
        let user = try req.requireUser()
        let input = try req.decodeStrict(PreferencesInput.self)
        let events = input.events ?? [:]
        if let unknown = events.keys.first(where: { TicketMailEvent(rawValue: $0) == nil }) {
            throw ParcError.validation(["events": "Unknown event \(unknown.prefix(40)); use \(TicketMailEvent.allCases.map(\.rawValue).joined(separator: ", "))."])
        }
        let audit = AuditLog(request: req)
        try await req.parc.writeTransaction(on: req.db) { db in
            for (event, enabled) in events {
                try await NotificationOptOutModel.query(on: db).filter(\.$userID == user.id).filter(\.$event == event).delete()
                if !enabled {
                    let row = NotificationOptOutModel()
                    row.userID = user.id
                    row.event = event
                    try await row.create(on: db)
                }
            }
            try await audit.record("user.ticket_notifications", objectType: "user", objectID: user.id, label: user.login,
                                   entityID: user.entityID,
                                   changes: events.sorted { $0.key < $1.key }.map {
                                       FieldChange(field: "notify_\($0.key)", before: nil, after: String($0.value))
                                   }, on: db)
        }
        return try await preferences(req)
    }

    @Sendable func templates(_ req: Request) async throws -> [TemplateDTO] {
        try await req.requireAnywhere(.helpdeskAdmin)
        let entities = try await req.listEntities(for: .helpdeskAdmin, entityFilter: req.query[String.self, at: "entity_id"])
        return try await TicketMailTemplateModel.query(on: req.db).scoped(to: entities, \.$entityID).all()
            .sorted { ($0.event, $0.language) < ($1.event, $1.language) }
            .map { TemplateDTO(entity_id: $0.entityID, event: $0.event, language: $0.language, subject: $0.subject, body: $0.body) }
    }

    private static func key(_ req: Request) throws -> (UUID, TicketMailEvent, Language) {
        guard let entity = req.parameters.get("entity", as: UUID.self) else { throw ParcError.notFound("entity") }
        guard let event = req.parameters.get("event").flatMap(TicketMailEvent.init(rawValue:)) else {
            throw ParcError.notFound("mail event")
        }
        guard let language = req.parameters.get("language").flatMap(Language.init(rawValue:)) else {
            throw ParcError.notFound("language")
        }
        return (entity, event, language)
    }

    @Sendable func setTemplate(_ req: Request) async throws -> TemplateDTO {
        let (entity, event, language) = try Self.key(req)
        try await req.require(.helpdeskAdmin, in: entity)
        let input = try req.decodeStrict(TemplateInput.self)
        var errors: [String: String] = [:]
        let subject = TicketService.checkedText(input.subject, "subject", limit: 250, singleLine: true, required: true, &errors)
        let body = TicketService.checkedText(input.body, "body", limit: 20_000, singleLine: false, required: true, &errors)
        for (field, text) in [("subject", subject), ("body", body)] {
            guard let text else { continue }
            let unknown = TextTemplate(text).placeholders.filter { !TicketNotifier.placeholders.contains($0) }
            if let first = unknown.first {
                errors[field] = "Unknown placeholder {{\(first.prefix(40))}}; use \(TicketNotifier.placeholders.sorted().map { "{{\($0)}}" }.joined(separator: ", "))."
            } else if (try? TextTemplate(text).render(Dictionary(uniqueKeysWithValues: TicketNotifier.placeholders.map { ($0, "") }))) == nil {
                errors[field] = "A placeholder is not closed with }}."
            }
        }
        guard errors.isEmpty, let subject, let body else { throw ParcError.validation(errors) }
        let audit = AuditLog(request: req)
        let now = req.now
        try await req.parc.writeTransaction(on: req.db) { db in
            let row = try await TicketMailTemplateModel.query(on: db).filter(\.$entityID == entity)
                .filter(\.$event == event.rawValue).filter(\.$language == language.rawValue).first() ?? TicketMailTemplateModel()
            let before: [String: String?] = ["subject": row.id == nil ? nil : row.subject, "body": row.id == nil ? nil : row.body]
            row.entityID = entity
            row.event = event.rawValue
            row.language = language.rawValue
            row.subject = subject
            row.body = body
            row.updatedAt = now
            try await row.save(on: db)
            try await audit.record("ticket_mail_template.saved", objectType: "ticket_mail_template", objectID: row.id!,
                                   label: "\(event.rawValue) (\(language.rawValue))", entityID: entity,
                                   changes: FieldChange.between(before, ["subject": subject, "body": body]), on: db)
        }
        return TemplateDTO(entity_id: entity, event: event.rawValue, language: language.rawValue, subject: subject, body: body)
    }

    @Sendable func deleteTemplate(_ req: Request) async throws -> HTTPStatus {
        let (entity, event, language) = try Self.key(req)
        try await req.require(.helpdeskAdmin, in: entity)
        try await TicketMailTemplateModel.query(on: req.db).filter(\.$entityID == entity).filter(\.$event == event.rawValue)
            .filter(\.$language == language.rawValue).delete()
        return .noContent
    }
}
