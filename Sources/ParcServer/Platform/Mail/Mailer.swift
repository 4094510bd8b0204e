import Fluent
import FluentKit
import Foundation
import ParcCore
import ParcMail
import SQLKit
import Vapor

/// Puts mails in the persistent queue. Callers enqueue inside their own transaction, so a mail
/// exists exactly when the change that caused it was saved; the sender delivers it later.
struct Mailer {
    let db: any Database
    let catalog: Catalog
    let now: Date

    enum MailError: Error, Equatable {
        case noRecipient
        case invalidRecipient(String)
        case template(String)
    }

    /// Renders a template (`mail.<name>.subject` and `mail.<name>.body` in the catalogues, with
    /// `{{placeholders}}`) in the recipient's language and queues it.
    @discardableResult
    func enqueue(template name: String, language: Language, to recipients: [String], values: [String: String],
                 entityID: UUID? = nil) async throws -> MailOutboxModel {
        let subjectKey = "mail.\(name).subject"
        let bodyKey = "mail.\(name).body"
        guard catalog.texts[language]?[subjectKey] != nil, catalog.texts[language]?[bodyKey] != nil else {
            throw MailError.template("No mail template '\(name)' in the catalogues.")
        }
        do {
            let subject = try TextTemplate(catalog.text(subjectKey, language)).render(values)
            let body = try TextTemplate(catalog.text(bodyKey, language)).render(values)
            return try await enqueue(to: recipients, subject: subject, text: body, template: name, entityID: entityID)
        } catch let error as TextTemplate.RenderError {
            throw MailError.template("Template '\(name)' cannot be rendered: \(error).")
        }
    }

    @discardableResult
    func enqueue(to recipients: [String], subject: String, text: String, html: String? = nil, template: String? = nil,
                 entityID: UUID? = nil, messageID: String? = nil) async throws -> MailOutboxModel {
        let cleaned = recipients.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !cleaned.isEmpty else { throw MailError.noRecipient }
        for address in cleaned {
            do { try MailAddress(address).validate() } catch { throw MailError.invalidRecipient(address) }
        }
        let mail = MailOutboxModel()
        mail.createdAt = now
        mail.entityID = entityID
        mail.recipients = cleaned.joined(separator: ",")
        // Subjects are one line: a line break in a value must not start a new header.
        mail.subject = String(subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .prefix(250))
        mail.textBody = text
        mail.htmlBody = html
        mail.template = template
        mail.messageID = messageID
        mail.status = MailOutboxModel.Status.queued.rawValue
        mail.attempts = 0
        mail.nextAttemptAt = now
        try await mail.create(on: db)
        return mail
    }
}

/// Delivers queued mails through the configured relay, with retries and back-off for passing
/// failures (relay down, 4xx) and a final failure for permanent ones (5xx, bad address).
struct MailSender {
    let application: Application
    let instance: String
    let retry = RetrySchedule(maxAttempts: 8, firstDelay: 60, maxDelay: 6 * 3600)

    /// Sends what is due; returns how many were handled. Does nothing without SMTP settings.
    @discardableResult
    func deliverDue(limit: Int = 20) async throws -> Int {
        guard let settings = application.parc.configuration.mail else { return 0 }
        var handled = 0
        while handled < limit, let mail = try await claim() {
            await deliver(mail, settings)
            handled += 1
        }
        return handled
    }

    private func claim() async throws -> MailOutboxModel? {
        let now = application.parc.clock.now()
        let sql = application.db as! any SQLDatabase
        let lock = application.db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        // While sending, next_attempt_at holds the end of the lease: a mail stuck in 'sending' past it
        // (its instance died mid-send) is taken over by another instance.
        let lease = now.addingTimeInterval(15 * 60)
        let rows = try await sql.raw("""
            UPDATE mail_outbox SET status = 'sending', locked_by = \(bind: instance), attempts = attempts + 1,
                next_attempt_at = \(bind: lease)
            WHERE id = (SELECT id FROM mail_outbox
                        WHERE status IN ('queued', 'sending') AND next_attempt_at <= \(bind: now)
                        ORDER BY next_attempt_at, created_at LIMIT 1\(unsafeRaw: lock))
              AND status IN ('queued', 'sending') AND next_attempt_at <= \(bind: now)
            RETURNING id
            """).all()
        guard let row = rows.first, let id = try? row.decode(column: "id", as: UUID.self) else { return nil }
        return try await MailOutboxModel.find(id, on: application.db)
    }

    private func deliver(_ mail: MailOutboxModel, _ settings: MailSettings) async {
        let now = application.parc.clock.now()
        var message = MailMessage(
            from: settings.from, to: mail.recipients.split(separator: ",").map { MailAddress(String($0)) },
            subject: mail.subject, textBody: mail.textBody, htmlBody: mail.htmlBody,
            headers: [MailHeader("Auto-Submitted", "auto-generated")], date: now,
            messageIDDomain: settings.smtp.heloName)
        if let id = mail.messageID { message.messageID = id }
        do {
            let result = try await SMTPClient(configuration: settings.smtp).send(message)
            mail.status = MailOutboxModel.Status.sent.rawValue
            mail.sentAt = application.parc.clock.now()
            mail.lastError = result.rejectedRecipients.isEmpty ? nil
                : "Refused: " + result.rejectedRecipients.map { "\($0)" }.joined(separator: "; ")
        } catch {
            mail.lastError = String(error.message.prefix(1000))
            if error.isTransient, let next = retry.nextAttempt(afterFailures: mail.attempts, now: now) {
                mail.status = MailOutboxModel.Status.queued.rawValue
                mail.nextAttemptAt = next
            } else {
                mail.status = MailOutboxModel.Status.failed.rawValue
            }
            application.logger.warning("mail not sent", metadata: ["mail_id": .string(mail.id!.uuidString),
                                                                   "error": .string(mail.lastError ?? "")])
        }
        do { try await mail.update(on: application.db) } catch {
            application.logger.error("could not record mail outcome", metadata: ["error": "\(error)"])
        }
    }
}
