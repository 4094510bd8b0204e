import FluentKit
import Foundation
import Logging
import ParcMail

/// Collects the new messages of one mailbox (docs/mail-in.md, decision 0049).
///
/// New means a UID above the mailbox's high-water mark under the folder's current UIDVALIDITY; when UIDVALIDITY
/// changes, the mark starts again at 0 and the record of collected messages (by Message-ID) keeps what was already
/// collected from being collected twice. Messages are handled in UID order; the mark moves past a message once it
/// is recorded (delivered, dropped, duplicate or too large). A transient failure of the sink stops the run at that
/// message, which stays in the mailbox for the next poll.
struct MailboxCollector {
    /// What one run did, for the job's output and the tests.
    struct Report: Sendable, Equatable {
        var delivered = 0
        var dropped = 0
        var duplicates = 0
        var tooLarge = 0
        /// Why the run stopped early, if it did.
        var stoppedBy: String?
    }

    /// The most messages one run handles; the rest wait for the next poll, so one run never holds a mailbox long.
    static let batchSize = 200

    let db: any Database
    let sink: any InboundMailSink
    let secrets: SecretBox
    let logger: Logger
    let now: @Sendable () -> Date
    /// The instance's SQLite write queue (``InboundMailDelivery/writes``).
    var writes: SQLiteWriteQueue? = nil

    /// Polls `mailbox`; failures end up in the mailbox's last error (and the report), never thrown.
    func collect(_ mailbox: MailboxModel) async -> Report {
        var report = Report()
        let source = InboundMailSource.imap(mailboxID: mailbox.id!, entityID: mailbox.entityID)
        let password: String
        do {
            password = try secrets.open(mailbox.passwordSealed, context: MailboxModel.secretContext(mailbox.id!))
        } catch {
            report.stoppedBy = "\(error)"
            await finish(mailbox, report: report)
            return report
        }
        let configuration = mailbox.imapConfiguration(password: password)
        let session: IMAPSession
        do {
            session = try await IMAPClient(configuration: configuration).connect()
        } catch {
            report.stoppedBy = error.message
            await finish(mailbox, report: report)
            return report
        }
        do {
            try await run(session, mailbox: mailbox, source: source, report: &report)
            await session.logout()
        } catch {
            report.stoppedBy = (error as? IMAPError)?.message ?? "\(error)"
            await session.close()
        }
        await finish(mailbox, report: report)
        return report
    }

    private func run(_ session: IMAPSession, mailbox: MailboxModel, source: InboundMailSource,
                     report: inout Report) async throws {
        let status = try await session.select(mailbox.folder)
        let validity = Int64(status.uidValidity)
        if mailbox.uidValidity != validity {
            if mailbox.uidValidity != nil {
                logger.notice("mailbox UIDVALIDITY changed; collecting the folder again, deduplicated by Message-ID",
                              metadata: ["mailbox": "\(mailbox.id!)"])
            }
            mailbox.uidValidity = validity
            mailbox.lastUID = 0
            try await mailbox.save(on: db)
        }
        let uids = Array(try await session.uids(from: UInt32(clamping: mailbox.lastUID + 1)).prefix(Self.batchSize))
        guard !uids.isEmpty else { return }
        let sizes = Dictionary(try await session.sizes(of: uids).map { ($0.uid, $0.size) },
                               uniquingKeysWith: { first, _ in first })
        let delivery = InboundMailDelivery(db: db, sink: sink, now: now(), writes: writes)
        let channel = InboundMailDelivery.channel(for: source)
        for uid in uids {
            let uid64 = Int64(uid)
            if try await InboundMailDelivery.recorded(channel: channel, uidValidity: validity, uid: uid64, on: db)
                != nil
            {
                // Recorded by an earlier run whose marking failed: only the marking is left to do.
                report.duplicates += 1
                try await markProcessed(uid, in: session, mailbox: mailbox)
                try await advance(mailbox, to: uid64)
                continue
            }
            guard let size = sizes[uid] else {
                // Expunged since the search.
                try await advance(mailbox, to: uid64)
                continue
            }
            if size > mailbox.maxMessageBytes {
                try await delivery.recordUnread(
                    .dropped(.tooLarge, detail: "\(size) bytes, over the mailbox's limit of \(mailbox.maxMessageBytes)"),
                    source: source, uidValidity: validity, uid: uid64, size: size)
                report.tooLarge += 1
                // Left unread and in place, for a person to deal with.
                try await advance(mailbox, to: uid64)
                continue
            }
            guard let raw = try await session.fetch(uid: uid) else {
                try await advance(mailbox, to: uid64)
                continue
            }
            let (identity, refusal) = InboundMailDelivery.examine(raw, source: source,
                                                                  maximumSize: mailbox.maxMessageBytes,
                                                                  uidValidity: validity, uid: uid64)
            let result: InboundMailDelivery.Result
            do {
                result = try await delivery.deliver(raw, from: source, identity: identity, refusal: refusal)
            } catch {
                report.stoppedBy = "the ticket service could not take message \(uid) and will get it again at the "
                    + "next poll: \(error)"
                return
            }
            switch result {
            case .duplicate:
                report.duplicates += 1
            case .recorded(.dropped):
                report.dropped += 1
            case .recorded:
                report.delivered += 1
            }
            try await markProcessed(uid, in: session, mailbox: mailbox)
            try await advance(mailbox, to: uid64)
        }
    }

    private func markProcessed(_ uid: UInt32, in session: IMAPSession, mailbox: MailboxModel) async throws {
        switch mailbox.processed {
        case .markSeen:
            try await session.markSeen(uid: uid)
        case .move:
            // Read in the processed folder too: MOVE and COPY keep the flags.
            try await session.markSeen(uid: uid)
            try await session.move(uid: uid, to: mailbox.processedFolder ?? "Processed")
        }
    }

    private func advance(_ mailbox: MailboxModel, to uid: Int64) async throws {
        mailbox.lastUID = max(mailbox.lastUID, uid)
        try await mailbox.save(on: db)
    }

    /// Records the run on the mailbox: when, the error if any, the next poll, and releases the claim.
    private func finish(_ mailbox: MailboxModel, report: Report) async {
        let finished = now()
        mailbox.lastPolledAt = finished
        mailbox.nextPollAt = finished.addingTimeInterval(TimeInterval(mailbox.pollIntervalSeconds))
        mailbox.claimedUntil = nil
        if let error = report.stoppedBy {
            mailbox.lastError = String(error.prefix(2000))
            mailbox.lastErrorAt = finished
            logger.warning("mailbox collection stopped", metadata: ["mailbox": "\(mailbox.id!)", "error": "\(error)"])
        } else {
            mailbox.lastError = nil
        }
        do {
            try await mailbox.save(on: db)
        } catch {
            logger.error("could not record the mailbox's collection", metadata: ["error": "\(error)"])
        }
    }
}
