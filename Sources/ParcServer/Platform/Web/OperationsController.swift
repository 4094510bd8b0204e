import Fluent
import FluentKit
import Foundation
import ParcCore
import ParcMail
import Vapor

/// Platform operations for super-admins: scheduled jobs with their run history, and the mail queue.
struct OperationsController {
    func register(_ web: any RoutesBuilder, registry: FeatureRegistry) {
        web.get("admin", "jobs", use: jobsPage)
        web.post("admin", "jobs", ":name", "run", use: runNow)
        web.get("admin", "mail", use: mailPage)
        web.post("admin", "mail", "test", use: sendTest)
        registry.addJob(CleanupJob())
        registry.addSchedule(ScheduleDefinition(name: "platform.cleanup", cron: "17 * * * *", timeZone: "UTC",
                                                kind: "platform.cleanup", payload: "{}"))
        registry.addWidget(OperationsWidget())
    }

    /// Operations are platform-wide: the permission is checked on the root entity.
    private func requirePlatform(_ req: Request) async throws {
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        guard tree.roots.contains(where: { scope.allows(.platformManage, in: $0) }) else {
            throw ParcError.forbidden(Permission.platformManage.name)
        }
    }

    struct ScheduleRow: Encodable {
        let name: String
        let cron: String
        let timeZone: String
        let nextRun: String
        let lastRun: String
        let enabled: Bool
    }

    struct RunRow: Encodable {
        let kind: String
        let schedule: String
        let status: String
        let statusLabel: String
        let tone: String
        let started: String
        let duration: String
        let attempts: Int
        let output: String
        let error: String
        let instance: String
    }

    struct JobsPage: Encodable {
        let schedules: [ScheduleRow]
        let runs: [RunRow]
        let status: String
    }

    static func tone(_ status: String) -> String {
        switch status {
        case "succeeded", "sent": "green"
        case "failed": "red"
        case "running", "sending": "teal"
        default: "blue"
        }
    }

    @Sendable func jobsPage(_ req: Request) async throws -> Response {
        try await requirePlatform(req)
        let status = (try? req.query.get(String.self, at: "status")).flatMap { JobModel.Status(rawValue: $0)?.rawValue }
        let schedules = try await ScheduleModel.query(on: req.db).sort(\.$name).all()
        var runs = JobModel.query(on: req.db).sort(\.$createdAt, .descending).sort(\.$id).limit(200)
        if let status { runs = runs.filter(\.$status == status) }
        return try await req.renderPage("admin/jobs", title: req.t("nav.jobs"), active: "jobs", page: JobsPage(
            schedules: schedules.map {
                ScheduleRow(name: $0.name, cron: $0.cron, timeZone: $0.timeZone, nextRun: req.formatDateTime($0.nextRunAt),
                            lastRun: req.formatDateTime($0.lastRunAt), enabled: $0.enabled)
            },
            runs: try await runs.all().map {
                RunRow(kind: $0.kind, schedule: $0.scheduleName ?? "—", status: $0.status,
                       statusLabel: req.t("jobs.status.\($0.status)"), tone: Self.tone($0.status),
                       started: req.formatDateTime($0.startedAt ?? $0.runAt),
                       duration: $0.durationMs.map { "\($0) ms" } ?? "—", attempts: $0.attempts,
                       output: $0.output ?? "", error: $0.lastError ?? "", instance: $0.lockedBy ?? "")
            },
            status: status ?? ""))
    }

    @Sendable func runNow(_ req: Request) async throws -> Response {
        try await requirePlatform(req)
        let name = req.parameters.get("name") ?? ""
        guard let definition = req.parc.registry.schedules.first(where: { $0.name == name }) else {
            throw ParcError.notFound("schedule")
        }
        try await JobQueue(db: req.db, now: req.now).enqueue(definition.kind, payload: definition.payload, maxAttempts: 1)
        req.flash("success", req.t("jobs.queued", name))
        return req.redirect(to: "/admin/jobs")
    }

    struct MailRow: Encodable {
        let recipients: String
        let subject: String
        let status: String
        let statusLabel: String
        let tone: String
        let created: String
        let nextAttempt: String
        let attempts: Int
        let error: String
    }

    struct MailPage: Encodable {
        let configured: Bool
        let relay: String
        let from: String
        let mails: [MailRow]
        let errors: [String: String]
    }

    private func renderMail(_ req: Request, errors: [String: String] = [:], status: HTTPResponseStatus = .ok)
        async throws -> Response {
        let settings = req.parc.configuration.mail
        let mails = try await MailOutboxModel.query(on: req.db).sort(\.$createdAt, .descending).sort(\.$id).limit(200).all()
        return try await req.renderPage("admin/mail", title: req.t("nav.mail"), active: "mail", page: MailPage(
            configured: settings != nil,
            relay: settings.map { "\($0.smtp.host):\($0.smtp.port) (\($0.smtp.security.rawValue))" } ?? "",
            from: settings?.from.address ?? "",
            mails: mails.map {
                MailRow(recipients: $0.recipients, subject: $0.subject, status: $0.status,
                        statusLabel: req.t("mail.status.\($0.status)"), tone: Self.tone($0.status),
                        created: req.formatDateTime($0.createdAt),
                        nextAttempt: $0.status == "queued" ? req.formatDateTime($0.nextAttemptAt) : "—",
                        attempts: $0.attempts, error: $0.lastError ?? "")
            }, errors: errors), status: status)
    }

    @Sendable func mailPage(_ req: Request) async throws -> Response {
        try await requirePlatform(req)
        return try await renderMail(req)
    }

    struct TestForm: Content { let to: String? }

    @Sendable func sendTest(_ req: Request) async throws -> Response {
        try await requirePlatform(req)
        let to = (try req.content.decode(TestForm.self).to ?? "").trimmingCharacters(in: .whitespaces)
        let user = try req.requireUser()
        do {
            try await Mailer(db: req.db, catalog: req.parc.catalog, now: req.now).enqueue(
                template: "test", language: req.language, to: [to],
                values: ["name": user.displayName, "server": req.parc.configuration.serverURL])
        } catch Mailer.MailError.invalidRecipient, Mailer.MailError.noRecipient {
            return try await renderMail(req, errors: ["to": req.t("mail.invalid_address")], status: .unprocessableEntity)
        }
        req.flash("success", req.t("mail.test_queued", to))
        return req.redirect(to: "/admin/mail")
    }
}

/// Dashboard card for super-admins: failed jobs and mails of the last day.
struct OperationsWidget: DashboardWidget {
    let id = "operations"

    func render(on request: Request) async throws -> WidgetCard? {
        let scope = try await request.accessScope()
        guard scope.allowsAnywhere(.platformManage) else { return nil }
        let since = request.now.addingTimeInterval(-86400)
        let jobs = try await JobModel.query(on: request.db).filter(\.$status == "failed")
            .filter(\.$createdAt >= since).count()
        let mails = try await MailOutboxModel.query(on: request.db).filter(\.$status == "failed")
            .filter(\.$createdAt >= since).count()
        return WidgetCard(title: request.t("widget.failures"), value: ParcFormat.number(jobs + mails, language: request.language),
                          detail: request.t("widget.failures.detail", String(jobs), String(mails)),
                          url: jobs > 0 || mails == 0 ? "/admin/jobs?status=failed" : "/admin/mail",
                          tone: jobs + mails > 0 ? "alert" : nil)
    }
}
