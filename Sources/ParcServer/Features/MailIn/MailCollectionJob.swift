import FluentKit
import Foundation
import SQLKit

/// Every minute: collects the enabled mailboxes whose poll is due. The scheduler runs each occurrence once across
/// instances (decision 0004); each mailbox is also claimed with a compare-and-set lease, so a run that outlasts a
/// minute never overlaps the next one on the same mailbox.
struct MailCollectionJob: JobHandler {
    let kind = "mail_in.collect"

    static let schedule = ScheduleDefinition(name: "mail_in.collect", cron: "* * * * *", timeZone: "UTC",
                                             kind: "mail_in.collect", payload: "{}")

    /// How long a claim holds before another instance may assume the collecting one died.
    static let lease: TimeInterval = 15 * 60

    func run(payload: String, context: JobContext) async throws -> String {
        guard let sink = context.application.parc.mailIn.sink else {
            return "Mail collection is off: no inbound mail handler is configured, so the mailboxes were left "
                + "untouched."
        }
        let due = try await MailboxModel.query(on: context.db).filter(\.$enabled == true).all()
            .filter { ($0.nextPollAt ?? .distantPast) <= context.now }
        var lines: [String] = []
        for mailbox in due {
            guard try await Self.claim(mailbox, now: context.now, on: context.db) else { continue }
            let collector = MailboxCollector(db: context.db, sink: sink, secrets: context.application.parc.secrets,
                                             logger: context.logger, now: { context.application.parc.clock.now() },
                                             writes: context.application.parc.sqliteWrites)
            let report = await collector.collect(mailbox)
            lines.append("\(mailbox.name): \(report.delivered) delivered, \(report.dropped) dropped, "
                + "\(report.duplicates) duplicates, \(report.tooLarge) too large"
                + (report.stoppedBy.map { "; stopped: \($0)" } ?? ""))
        }
        return lines.isEmpty ? "No mailbox was due." : lines.joined(separator: "\n")
    }

    /// Takes the mailbox for this run unless another instance holds it; reloads its state under the claim.
    static func claim(_ mailbox: MailboxModel, now: Date, on db: any Database) async throws -> Bool {
        let until = now.addingTimeInterval(lease)
        let sql = db as! any SQLDatabase
        let rows = try await sql.raw("""
            UPDATE mail_in_mailboxes SET claimed_until = \(bind: until)
            WHERE id = \(bind: mailbox.id!) AND (claimed_until IS NULL OR claimed_until < \(bind: now))
            RETURNING id
            """).all()
        guard !rows.isEmpty else { return false }
        // What another instance's run changed (the high-water mark) must be seen before continuing from it.
        guard let fresh = try await MailboxModel.find(mailbox.id, on: db) else { return false }
        mailbox.uidValidity = fresh.uidValidity
        mailbox.lastUID = fresh.lastUID
        mailbox.claimedUntil = until
        return true
    }
}
