/// A file that came with an inbound message: an attachment, or an inline part such as a pasted screenshot.
public struct InboundAttachment: Sendable, Hashable {
    /// A safe filename (see ``AttachmentFilename``): no path, no control or bidirectional-override characters, no
    /// characters Windows refuses, at most 200 bytes, never empty.
    public var filename: String
    /// The filename as the sender wrote it (decoded), if they gave one; for display in a history only.
    public var originalFilename: String?
    /// The media type, lowercased, without parameters, e.g. `image/png`. What the sender claims: check the content
    /// before trusting it.
    public var contentType: String
    /// The decoded content.
    public var bytes: [UInt8]
    /// The Content-ID without angle brackets, which the HTML body references as `cid:…`.
    public var contentID: String?
    /// Whether the sender meant it to be shown in the body (Content-Disposition `inline`, or a Content-ID without
    /// disposition) rather than offered as an attachment.
    public var isInline: Bool
    /// The MIME part number it came from.
    public var partNumber: String

    /// Creates an attachment.
    public init(
        filename: String,
        originalFilename: String?,
        contentType: String,
        bytes: [UInt8],
        contentID: String?,
        isInline: Bool,
        partNumber: String
    ) {
        self.filename = filename
        self.originalFilename = originalFilename
        self.contentType = contentType
        self.bytes = bytes
        self.contentID = contentID
        self.isInline = isInline
        self.partNumber = partNumber
    }

    /// The size in bytes.
    public var size: Int { bytes.count }
}
