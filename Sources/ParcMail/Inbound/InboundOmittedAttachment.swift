/// An attachment left out of an ``InboundMessage`` because it exceeded
/// ``InboundMailLimits/maximumAttachmentSize`` under the ``InboundMailLimits/OversizedAttachmentPolicy/omitAttachment``
/// policy.
public struct InboundOmittedAttachment: Sendable, Hashable {
    /// The safe filename it would have had.
    public var filename: String
    /// The media type, e.g. `application/zip`.
    public var contentType: String
    /// Its decoded size in bytes.
    public var size: Int
    /// The MIME part number.
    public var partNumber: String
    /// Why it was left out, for the ticket history and the reply to the sender.
    public var reason: InboundMailError

    /// Creates a record of an omitted attachment.
    public init(filename: String, contentType: String, size: Int, partNumber: String, reason: InboundMailError) {
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.partNumber = partNumber
        self.reason = reason
    }
}
