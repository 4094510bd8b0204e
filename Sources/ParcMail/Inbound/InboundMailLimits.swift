/// The bounds an inbound message must stay within; exceeding one refuses the message with an ``InboundMailError``
/// that names it.
///
/// The defaults admit any message a mainstream client sends (25 MiB is the common provider limit) while keeping the
/// work on hostile input linear and bounded: every limit is checked while parsing, before the data it guards is
/// copied or decoded.
public struct InboundMailLimits: Sendable, Hashable {
    /// What to do with an attachment larger than ``maximumAttachmentSize``.
    public enum OversizedAttachmentPolicy: Sendable, Hashable {
        /// Refuse the whole message with ``InboundMailError/attachmentTooLarge(filename:size:limit:)``, so the sender
        /// is told nothing was recorded.
        case refuseMessage
        /// Keep the message without the attachment; it is listed in ``InboundMessage/omittedAttachments`` so the
        /// ticket can say what was left out.
        case omitAttachment
    }

    /// The largest message accepted, in bytes as received (default 25 MiB).
    public var maximumMessageSize: Int
    /// The most header fields in one header block, the message's or a part's (default 1,000).
    public var maximumHeaderFields: Int
    /// The longest header field, in bytes once unfolded, name included (default 64 KiB).
    public var maximumHeaderFieldLength: Int
    /// The most MIME parts in the message, multipart containers included (default 500).
    public var maximumParts: Int
    /// The deepest nesting of multiparts (default 20; a top-level multipart is depth 1).
    public var maximumNestingDepth: Int
    /// The largest attachment, in bytes once decoded (default 20 MiB).
    public var maximumAttachmentSize: Int
    /// What happens to an attachment over ``maximumAttachmentSize`` (default: refuse the message).
    public var oversizedAttachments: OversizedAttachmentPolicy

    /// The default limits.
    public static let `default` = InboundMailLimits()

    /// Creates limits; every argument has the documented default.
    public init(
        maximumMessageSize: Int = 25 * 1024 * 1024,
        maximumHeaderFields: Int = 1_000,
        maximumHeaderFieldLength: Int = 64 * 1024,
        maximumParts: Int = 500,
        maximumNestingDepth: Int = 20,
        maximumAttachmentSize: Int = 20 * 1024 * 1024,
        oversizedAttachments: OversizedAttachmentPolicy = .refuseMessage
    ) {
        self.maximumMessageSize = maximumMessageSize
        self.maximumHeaderFields = maximumHeaderFields
        self.maximumHeaderFieldLength = maximumHeaderFieldLength
        self.maximumParts = maximumParts
        // The parser recurses once per multipart level; a bound keeps a careless setting from exhausting the stack.
        self.maximumNestingDepth = min(maximumNestingDepth, Self.nestingDepthCeiling)
        self.maximumAttachmentSize = maximumAttachmentSize
        self.oversizedAttachments = oversizedAttachments
    }

    /// The highest nesting depth that may be configured.
    public static let nestingDepthCeiling = 100
}
