import Crypto
import FluentKit
import Foundation
import ParcMail

/// Hands one raw message to the sink exactly once per channel, whoever calls (the collector, `parc mail ingest`):
/// a message already recorded is a duplicate and never reaches the sink again; otherwise the sink's work and the
/// record of the message commit in one transaction.
struct InboundMailDelivery {
    /// How a message is known: its channel and dedupe key, and its place in the mailbox.
    struct Identity: Sendable {
        var channel: String
        var dedupeKey: String
        var messageID: String?
        var uidValidity: Int64?
        var uid: Int64?
    }

    /// What was done with a message.
    enum Result: Sendable, Equatable {
        /// The sink handled it (or it was refused before reaching the sink) and it is now recorded.
        case recorded(InboundMailOutcome)
        /// It had been recorded before: nothing happened.
        case duplicate
    }

    let db: any Database
    let sink: any InboundMailSink
    let now: Date
    /// On SQLite, the instance's write queue: the delivery's transaction waits its turn with the other writers
    /// (decision 0038) instead of in SQLite's busy handler.
    var writes: SQLiteWriteQueue? = nil

    static func channel(for source: InboundMailSource) -> String {
        switch source {
        case .pipe(let entityID): "pipe:\(entityID.uuidString.lowercased())"
        case .imap(let mailboxID, _): "imap:\(mailboxID.uuidString.lowercased())"
        }
    }

    /// Parses the message as the sink will, to refuse what it could not read before bothering it, and to know its
    /// Message-ID. Returns the identity and, for a message that must be refused, why.
    static func examine(_ raw: [UInt8], source: InboundMailSource, maximumSize: Int, uidValidity: Int64? = nil,
                        uid: Int64? = nil) -> (Identity, refusal: InboundMailOutcome?) {
        let parser = InboundMessageParser(limits: InboundMailLimits(maximumMessageSize: maximumSize,
                                                                    maximumAttachmentSize: maximumSize))
        var identity = Identity(channel: channel(for: source), dedupeKey: "", messageID: nil, uidValidity: uidValidity,
                                uid: uid)
        var refusal: InboundMailOutcome?
        do {
            identity.messageID = try parser.parse(raw).messageID
        } catch {
            let reason: InboundMailOutcome.DropReason =
                error.violatedLimit == .messageSize || error.violatedLimit == .attachmentSize ? .tooLarge : .unreadable
            refusal = .dropped(reason, detail: error.description)
        }
        if let messageID = identity.messageID, !messageID.isEmpty, messageID.utf8.count <= 500 {
            identity.dedupeKey = "message-id:" + messageID
        } else {
            identity.dedupeKey = "sha256:" + Secrets.hex(SHA256.hash(data: raw))
        }
        return (identity, refusal)
    }

    /// The record of a message with this UID in this mailbox state, if any.
    static func recorded(channel: String, uidValidity: Int64, uid: Int64, on db: any Database) async throws
        -> CollectedMailModel?
    {
        try await CollectedMailModel.query(on: db).filter(\.$channel == channel)
            .filter(\.$uidValidity == uidValidity).filter(\.$uid == uid).first()
    }

    /// Delivers `raw` to the sink unless it was recorded before, or records `refusal` without calling the sink.
    func deliver(_ raw: [UInt8], from source: InboundMailSource, identity: Identity,
                 refusal: InboundMailOutcome? = nil) async throws -> Result {
        if try await isRecorded(identity) {
            return .duplicate
        }
        do {
            let database = db
            let run: @Sendable (@escaping @Sendable (any Database) async throws -> InboundMailOutcome) async throws
                -> InboundMailOutcome = { body in
                    guard let writes = self.writes, !database.isPostgres else { return try await database.transaction(body) }
                    return try await writes.run { try await database.transaction(body) }
                }
            let outcome = try await run { transaction in
                let outcome: InboundMailOutcome
                if let refusal {
                    outcome = refusal
                } else {
                    outcome = try await sink.accept(raw, from: source, on: transaction)
                }
                try await record(outcome, identity: identity, source: source, size: raw.count, on: transaction)
                return outcome
            }
            return .recorded(outcome)
        } catch {
            // Another instance recorded it in the meantime: the unique key refused ours, the rollback undid the
            // sink's work. Anything else is the sink's (transient) failure.
            if try await isRecorded(identity) {
                return .duplicate
            }
            throw error
        }
    }

    /// Records a message refused before it was read (too large by its size in the mailbox).
    func recordUnread(_ outcome: InboundMailOutcome, source: InboundMailSource, uidValidity: Int64, uid: Int64,
                      size: Int) async throws {
        let identity = Identity(channel: Self.channel(for: source), dedupeKey: "uid:\(uidValidity):\(uid)",
                                messageID: nil, uidValidity: uidValidity, uid: uid)
        guard try await !isRecorded(identity) else { return }
        try await record(outcome, identity: identity, source: source, size: size, on: db)
    }

    private func isRecorded(_ identity: Identity) async throws -> Bool {
        try await CollectedMailModel.query(on: db).filter(\.$channel == identity.channel)
            .filter(\.$dedupeKey == identity.dedupeKey).count() > 0
    }

    private func record(_ outcome: InboundMailOutcome, identity: Identity, source: InboundMailSource, size: Int,
                        on db: any Database) async throws {
        let row = CollectedMailModel()
        row.entityID = source.entityID
        if case .imap(let mailboxID, _) = source {
            row.mailboxID = mailboxID
        }
        row.channel = identity.channel
        row.dedupeKey = identity.dedupeKey
        row.messageID = identity.messageID.map { String($0.prefix(998)) }
        row.uidValidity = identity.uidValidity
        row.uid = identity.uid
        row.size = size
        row.outcome = outcome.kind
        row.ticketID = outcome.ticketID
        if case .dropped(let reason, let detail) = outcome {
            row.reason = reason.rawValue
            row.detail = String(detail.prefix(2000))
        }
        row.collectedAt = now
        try await row.create(on: db)
    }
}
