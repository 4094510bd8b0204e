/// A ticket reference found in an inbound message, and where it was found.
public struct TicketReferenceMatch: Sendable, Hashable {
    /// Where the reference was found.
    public enum Source: String, Sendable, Hashable {
        /// A Parc Message-ID in In-Reply-To.
        case inReplyTo
        /// A Parc Message-ID in References.
        case references
        /// A subject tag.
        case subject
    }

    /// The ticket's reference, as written.
    public var reference: String
    /// Where it was found.
    public var source: Source
    /// The Parc Message-ID it came from, for the in-reply-to and references sources (check its token if the
    /// server signs them).
    public var messageID: ParcMessageID?

    /// Creates a match.
    public init(reference: String, source: Source, messageID: ParcMessageID? = nil) {
        self.reference = reference
        self.source = source
        self.messageID = messageID
    }
}
