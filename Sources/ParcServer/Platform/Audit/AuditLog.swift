import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// Writes the append-only audit log. Call it inside the same transaction as the change it records,
/// so that a change is never saved without its history line (nor the reverse).
struct AuditLog {
    let actorID: UUID?
    let actorName: String
    let requestID: String?
    let ip: String?
    let now: Date

    /// The actor and context of a request (an anonymous request is recorded as "anonymous").
    init(request: Request) {
        self.actorID = request.currentUser?.id
        self.actorName = request.currentUser.map { "\($0.displayName) (\($0.login))" } ?? "anonymous"
        self.requestID = request.requestID
        self.ip = request.clientIP
        self.now = request.now
    }

    /// A request whose actor is not a signed-in user (an agent enrolling or reporting).
    init(request: Request, actorName: String) {
        self.actorID = nil
        self.actorName = String(actorName.prefix(200))
        self.requestID = request.requestID
        self.ip = request.clientIP
        self.now = request.now
    }

    /// An actor outside HTTP: the CLI or a job.
    init(system name: String, now: Date) {
        self.actorID = nil
        self.actorName = name
        self.requestID = nil
        self.ip = nil
        self.now = now
    }

    /// Records an action on an object with the fields it changed.
    func record(_ action: String, objectType: String, objectID: UUID, label: String, entityID: UUID?,
                changes: [FieldChange] = [], on db: any Database) async throws {
        let entry = AuditEntryModel()
        entry.createdAt = now
        entry.entityID = entityID
        entry.actorID = actorID
        entry.actorName = actorName
        entry.objectType = objectType
        entry.objectID = objectID.uuidString
        entry.objectLabel = String(label.prefix(200))
        entry.action = action
        entry.changes = String(decoding: try JSONEncoder.parc.encode(changes), as: UTF8.self)
        entry.requestID = requestID
        entry.ip = ip
        try await entry.create(on: db)
    }
}

/// One audit entry as pages and the API show it.
struct AuditEntryView: Content {
    let id: UUID
    let at: Date
    let atText: String
    let actor: String
    let objectType: String
    let objectID: String
    let objectLabel: String
    let action: String
    let actionLabel: String
    private(set) var changes: [FieldChange]

    /// The entry as a page shows it: the action and field names in the user's language, entity ids
    /// as their names where the viewer can see them, booleans as yes/no.
    init(_ model: AuditEntryModel, request: Request, tree: EntityTree, scope: AccessScope) {
        self.init(model, formattedAt: request.formatDateTime(model.createdAt),
                  actionLabel: request.t("audit.action.\(model.action)"))
        func display(_ field: String, _ value: String?) -> String? {
            guard let value else { return nil }
            if field.hasSuffix("_id"), let id = UUID(uuidString: value) {
                return scope.canSee(id) ? tree.path(of: id) : "—"
            }
            switch value {
            case "true": return request.t("common.yes")
            case "false": return request.t("common.no")
            default: return value
            }
        }
        changes = changes.map { change in
            let key = "audit.field.\(change.field)"
            let label = request.t(key)
            return FieldChange(field: label == key ? change.field : label, before: display(change.field, change.before),
                               after: display(change.field, change.after))
        }
    }

    init(_ model: AuditEntryModel, formattedAt: String, actionLabel: String) {
        self.id = model.id!
        self.at = model.createdAt
        self.atText = formattedAt
        self.actor = model.actorName
        self.objectType = model.objectType
        self.objectID = model.objectID
        self.objectLabel = model.objectLabel
        self.action = model.action
        self.actionLabel = actionLabel
        self.changes = (try? JSONDecoder().decode([FieldChange].self, from: Data(model.changes.utf8))) ?? []
    }
}

extension AuditEntryModel {
    /// The history of one object, newest first (the History tab), limited to the entries whose
    /// entity the viewer may audit (a profile granted on another customer stays out of sight).
    static func history(objectType: String, objectID: UUID, visibleTo entities: Set<UUID>, on db: any Database,
                        limit: Int = 200) async throws -> [AuditEntryModel] {
        guard !entities.isEmpty else { return [] }
        return try await query(on: db)
            .filter(\.$objectType == objectType)
            .filter(\.$objectID == objectID.uuidString)
            .filter(\.$entityID ~~ Array(entities))
            .sort(\.$createdAt, .descending)
            .limit(limit)
            .all()
    }
}

extension Request {
    /// The id of this request, from `X-Request-ID` when a proxy set a sane one, else generated.
    var requestID: String {
        if let id = storage[RequestIDKey.self] { return id }
        let id = UUID().uuidString.lowercased()
        storage[RequestIDKey.self] = id
        return id
    }
}

struct RequestIDKey: StorageKey { typealias Value = String }
