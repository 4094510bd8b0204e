import FluentKit
import Foundation

/// One message Parc took in, by pipe or from a mailbox, and what became of it. Its unique (channel, dedupe key)
/// pair is what keeps a message from becoming two tickets: it is written in the transaction of the ticket service's
/// work, so both happen or neither.
final class CollectedMailModel: Model, @unchecked Sendable {
    static let schema = "mail_in_messages"

    // managed
    @ID(key: .id) var id: UUID?

    // references
    @Field(key: "entity_id") var entityID: UUID
    @OptionalField(key: "mailbox_id") var mailboxID: UUID?

    // data
    /// `imap:<mailbox id>` or `pipe:<entity id>`: the scope of deduplication.
    @Field(key: "channel") var channel: String
    /// The Message-ID when there is one, else `sha256:<hex of the message>`, else `uid:<validity>:<uid>` for a
    /// message refused before it was read.
    @Field(key: "dedupe_key") var dedupeKey: String
    @OptionalField(key: "message_id") var messageID: String?
    @OptionalField(key: "uid_validity") var uidValidity: Int64?
    @OptionalField(key: "uid") var uid: Int64?
    @Field(key: "size") var size: Int
    /// ``InboundMailOutcome/kind``.
    @Field(key: "outcome") var outcome: String
    /// ``InboundMailOutcome/DropReason`` raw value for a dropped message.
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "detail") var detail: String?
    @OptionalField(key: "ticket_id") var ticketID: UUID?
    @Field(key: "collected_at") var collectedAt: Date

    init() {}
}
