/// What kind of mail an inbound message is, so the ingest can drop what no person wrote.
public enum InboundMailClassification: Sendable, Hashable, CustomStringConvertible {
    /// Written by a person: make a ticket or a followup.
    case personal
    /// Parc's own mail come back, or machine-to-machine mail going round: drop silently, never answer.
    case loop(InboundMailSignal)
    /// A non-delivery report; `report` holds what could be read of it (which recipients failed, which message).
    case bounce(InboundMailSignal, report: InboundBounceReport?)
    /// An out-of-office or other automatic answer: drop, never answer (RFC 3834).
    case autoReply(InboundMailSignal)
    /// A newsletter or mailing-list message: drop.
    case bulk(InboundMailSignal)

    /// Whether the ingest should drop the message rather than make a ticket of it.
    public var shouldDrop: Bool {
        self != .personal
    }

    /// The evidence, or nil for personal mail.
    public var signal: InboundMailSignal? {
        switch self {
        case .personal: nil
        case .loop(let signal), .bounce(let signal, _), .autoReply(let signal), .bulk(let signal): signal
        }
    }

    public var description: String {
        switch self {
        case .personal: "personal mail"
        case .loop(let signal): "mail loop: \(signal)"
        case .bounce(let signal, _): "bounce: \(signal)"
        case .autoReply(let signal): "automatic reply: \(signal)"
        case .bulk(let signal): "bulk mail: \(signal)"
        }
    }
}
