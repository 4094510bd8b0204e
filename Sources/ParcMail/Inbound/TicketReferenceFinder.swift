/// Finds which ticket an inbound message answers.
///
/// Looks, in this order, at In-Reply-To, then References from the newest identifier back, for a ``ParcMessageID``
/// in one of ``messageIDDomains``; then at the subject for a ``subjectTag``. Message-IDs come first because a
/// client sets them on every reply, while people edit subjects (and forward one ticket's mail into another
/// conversation). Finding a reference is not permission: the server still checks that the sender may add to that
/// ticket, and applies the unknown-sender policy otherwise.
public struct TicketReferenceFinder: Sendable {
    /// The subject tag the installation uses.
    public var subjectTag: TicketSubjectTag
    /// The domains of Parc's Message-IDs.
    public var messageIDDomains: Set<String>

    /// Creates a finder.
    public init(subjectTag: TicketSubjectTag = .default, messageIDDomains: Set<String>) {
        self.subjectTag = subjectTag
        self.messageIDDomains = messageIDDomains
    }

    /// The ticket `message` refers to, or nil when it is a new request.
    public func find(in message: InboundMessage) -> TicketReferenceMatch? {
        find(subject: message.subject, inReplyTo: message.inReplyTo, references: message.references)
    }

    /// The ticket referred to by these fields (identifiers without angle brackets), or nil.
    public func find(subject: String, inReplyTo: [String], references: [String]) -> TicketReferenceMatch? {
        for identifier in inReplyTo {
            if let parsed = ParcMessageID(parsing: identifier, domains: messageIDDomains) {
                return TicketReferenceMatch(reference: parsed.ticketReference, source: .inReplyTo, messageID: parsed)
            }
        }
        for identifier in references.reversed() {
            if let parsed = ParcMessageID(parsing: identifier, domains: messageIDDomains) {
                return TicketReferenceMatch(reference: parsed.ticketReference, source: .references, messageID: parsed)
            }
        }
        if let reference = subjectTag.references(in: subject).first {
            return TicketReferenceMatch(reference: reference, source: .subject)
        }
        return nil
    }
}
