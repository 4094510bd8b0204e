import FluentKit
import Foundation

/// Where a raw message came from.
enum InboundMailSource: Sendable, Hashable {
    /// `parc mail ingest`: one message piped by the MTA, for the entity the command names.
    case pipe(entityID: UUID)
    /// The collector, from a configured mailbox of an entity.
    case imap(mailboxID: UUID, entityID: UUID)

    /// The entity the message is for.
    var entityID: UUID {
        switch self {
        case .pipe(let entityID), .imap(_, let entityID): entityID
        }
    }

    /// The stored form: `pipe` or `imap`.
    var kind: String {
        switch self {
        case .pipe: "pipe"
        case .imap: "imap"
        }
    }
}

/// What became of a message.
enum InboundMailOutcome: Sendable, Hashable {
    /// Why a message was dropped on purpose (it is not retried).
    enum DropReason: String, Sendable, Hashable, Codable, CaseIterable {
        /// An out-of-office or other automatic reply (RFC 3834).
        case autoReply = "auto_reply"
        /// A delivery status notification.
        case bounce
        /// A message Parc sent itself, coming back.
        case loop
        /// The sender is not known and the entity does not accept mail from strangers.
        case unknownSender = "unknown_sender"
        /// Larger than the size limit.
        case tooLarge = "too_large"
        /// Not a readable RFC 5322 message.
        case unreadable
        /// Refused by a rule of the ticket service; the detail says which.
        case refused
    }

    /// A new ticket.
    case createdTicket(id: UUID)
    /// A followup on an existing ticket.
    case addedFollowup(ticketID: UUID)
    /// Dropped for good, with a reason and a detail for the log.
    case dropped(DropReason, detail: String)

    /// The stored outcome: `created_ticket`, `added_followup` or `dropped`.
    var kind: String {
        switch self {
        case .createdTicket: "created_ticket"
        case .addedFollowup: "added_followup"
        case .dropped: "dropped"
        }
    }

    var ticketID: UUID? {
        switch self {
        case .createdTicket(let id), .addedFollowup(let id): id
        case .dropped: nil
        }
    }
}

/// Turns one raw message into a ticket or a followup: the helpdesk implements it, the collector and
/// `parc mail ingest` call it (docs/mail-in.md).
protocol InboundMailSink: Sendable {
    /// Handles one raw RFC 5322 message. Throws only for transient failures (the message stays in the mailbox, or the
    /// MTA gets EX_TEMPFAIL, and it is retried); a message refused for good returns an outcome saying why.
    ///
    /// `db` is a transaction that also records the message as collected: everything the sink writes through it is
    /// committed with that record or not at all, so a message never becomes two tickets.
    func accept(_ raw: [UInt8], from source: InboundMailSource, on db: any Database) async throws
        -> InboundMailOutcome
}
