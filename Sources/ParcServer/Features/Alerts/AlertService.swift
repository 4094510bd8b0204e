import FluentKit
import Foundation
import ParcCore
import Fluent
import SQLKit
import Vapor

/// Raises, acknowledges and resolves alerts; mails the entity's administrators about new ones
/// when outgoing mail is configured.
struct AlertService {
    let application: Application
    let now: Date

    init(request: Request) {
        application = request.application
        now = request.now
    }

    init(application: Application) {
        self.application = application
        now = application.parc.clock.now()
    }

    struct NewAlert {
        var entityID: UUID
        var source: String
        var severity: AlertModel.Severity
        var titleKey: String
        var titleArgs: [String]
        var detail: String
        var objectType: String?
        var objectID: String?
        var objectURL: String?
        var dedupKey: String
    }

    /// Raises an alert, or raises an open one with the same `dedupKey` again. Returns the alert and
    /// whether it is new. Call it inside the transaction of the change that caused it.
    @discardableResult
    func raise(_ new: NewAlert, on db: any Database) async throws -> (AlertModel, Bool) {
        if let open = try await AlertModel.query(on: db).filter(\.$dedupKey == new.dedupKey)
            .filter(\.$entityID == new.entityID).filter(\.$resolvedAt == nil).first() {
            open.occurrences += 1
            open.lastRaisedAt = now
            open.detail = String(new.detail.prefix(10_000))
            open.titleArgsJSON = BackupPlanModel.json(new.titleArgs)
            try await open.update(on: db)
            return (open, false)
        }
        let alert = AlertModel()
        alert.entityID = new.entityID
        alert.source = new.source
        alert.severity = new.severity.rawValue
        alert.titleKey = new.titleKey
        alert.titleArgsJSON = BackupPlanModel.json(new.titleArgs)
        alert.detail = String(new.detail.prefix(10_000))
        alert.objectType = new.objectType
        alert.objectID = new.objectID
        alert.objectURL = new.objectURL
        alert.dedupKey = new.dedupKey
        alert.occurrences = 1
        alert.raisedAt = now
        alert.lastRaisedAt = now
        try await alert.create(on: db)
        if application.parc.configuration.mail != nil {
            try await mailAdministrators(about: alert, on: db)
        }
        return (alert, true)
    }

    /// Resolves the open alerts with this key: the source saw the cause go away.
    func resolveOpen(dedupKey: String, entityID: UUID, by name: String, on db: any Database) async throws {
        for alert in try await AlertModel.query(on: db).filter(\.$dedupKey == dedupKey)
            .filter(\.$entityID == entityID).filter(\.$resolvedAt == nil).all() {
            alert.resolvedAt = now
            alert.resolvedBy = name
            try await alert.update(on: db)
        }
    }

    /// The alert's title in a language.
    static func title(_ alert: AlertModel, catalog: Catalog, language: Language) -> String {
        catalog.text(alert.titleKey, language, alert.titleArgs)
    }

    /// Administrators of the entity (admin or super-admin profiles covering it) with an address.
    private func mailAdministrators(about alert: AlertModel, on db: any Database) async throws {
        let tree = EntityTree(try await EntityModel.query(on: db).all().map(\.node))
        let covering = Set([alert.entityID] + tree.ancestors(of: alert.entityID))
        let profiles = try await ProfileModel.query(on: db)
            .filter(\.$role ~~ [Role.superAdmin.rawValue, Role.admin.rawValue])
            .filter(\.$entityID ~~ Array(covering)).all()
            .filter { $0.entityID == alert.entityID || $0.recursive }
        let userIDs = Set(profiles.map(\.userID))
        guard !userIDs.isEmpty else { return }
        let users = try await UserModel.query(on: db).filter(\.$id ~~ Array(userIDs)).filter(\.$isActive == true).all()
        let catalog = application.parc.catalog
        let server = application.parc.configuration.serverURL
        let mailer = Mailer(db: db, catalog: catalog, now: now)
        for user in users.sorted(by: { $0.login < $1.login }) {
            guard let email = user.email, !email.isEmpty else { continue }
            let language = user.language.flatMap(Language.init(rawValue:)) ?? .en
            let timeZone = user.timeZone.flatMap(TimeZone.init(identifier:)) ?? .current
            do {
                try await mailer.enqueue(template: "alert", language: language, to: [email], values: [
                    "title": Self.title(alert, catalog: catalog, language: language),
                    "severity": catalog.text("alerts.severity.\(alert.severity)", language),
                    "entity": tree.path(of: alert.entityID),
                    "detail": alert.detail,
                    "raised_at": ParcFormat.dateTime(alert.raisedAt, language: language, timeZone: timeZone),
                    "url": server + (alert.objectURL ?? "/alerts"),
                ], entityID: alert.entityID)
            } catch let error as Mailer.MailError {
                // A bad address on one account must not lose the alert nor the others' mails.
                application.logger.warning("alert mail not queued", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: people

    func acknowledge(_ alert: AlertModel, request: Request) async throws {
        try await request.require(.alertsManage, in: alert.entityID)
        guard alert.acknowledgedAt == nil, alert.resolvedAt == nil else { return }
        let user = try request.requireUser()
        alert.acknowledgedAt = now
        alert.acknowledgedBy = user.displayName
        let audit = AuditLog(request: request)
        try await request.db.transaction { db in
            try await alert.update(on: db)
            try await audit.record("acknowledge", objectType: "alert", objectID: alert.id!,
                                   label: Self.title(alert, catalog: request.parc.catalog, language: .en),
                                   entityID: alert.entityID, changes: [
                                       FieldChange(field: "state", before: "open", after: "acknowledged"),
                                   ], on: db)
        }
    }

    func resolve(_ alert: AlertModel, request: Request) async throws {
        try await request.require(.alertsManage, in: alert.entityID)
        guard alert.resolvedAt == nil else { return }
        let user = try request.requireUser()
        let before = alert.state.rawValue
        alert.resolvedAt = now
        alert.resolvedBy = user.displayName
        let audit = AuditLog(request: request)
        try await request.db.transaction { db in
            try await alert.update(on: db)
            try await audit.record("resolve", objectType: "alert", objectID: alert.id!,
                                   label: Self.title(alert, catalog: request.parc.catalog, language: .en),
                                   entityID: alert.entityID, changes: [
                                       FieldChange(field: "state", before: before, after: "resolved"),
                                   ], on: db)
        }
    }

    /// The alert if the user may see alerts of its entity; 404 otherwise.
    static func find(_ id: UUID?, request: Request) async throws -> AlertModel {
        guard let id, let alert = try await AlertModel.query(on: request.db).filter(\.$id == id)
            .scoped(to: request.entities(for: .alertsRead), \.$entityID).first()
        else { throw ParcError.notFound("alert") }
        return alert
    }
}
