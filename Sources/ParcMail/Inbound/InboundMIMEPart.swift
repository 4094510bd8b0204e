/// One MIME entity of an inbound message: the message itself, a multipart container or a leaf part.
///
/// The tree is kept for diagnostics and for callers that need more than ``InboundMessage`` extracts (an IMAP
/// collector comparing structures, a bounce handler reading the returned headers).
public struct InboundMIMEPart: Sendable, Hashable {
    /// The part number as IMAP counts them ("1", "2.1"); "" for the message itself.
    public var number: String
    /// The part's own header fields (for the message itself, the message header).
    public var headers: InboundHeaderFields
    /// The content type; `text/plain; charset=us-ascii` when the part has none or an unreadable one.
    public var contentType: MIMEContentType
    /// The Content-Disposition, when the part has one.
    public var disposition: MIMEContentDisposition?
    /// The Content-Transfer-Encoding, lowercased; `7bit` when absent.
    public var transferEncoding: String
    /// The content once the transfer encoding is undone (not yet charset-decoded); empty for a multipart.
    public var content: [UInt8]
    /// The parts of a multipart, in order; empty for a leaf.
    public var children: [InboundMIMEPart]

    /// Creates a part.
    public init(
        number: String,
        headers: InboundHeaderFields,
        contentType: MIMEContentType,
        disposition: MIMEContentDisposition?,
        transferEncoding: String,
        content: [UInt8],
        children: [InboundMIMEPart]
    ) {
        self.number = number
        self.headers = headers
        self.contentType = contentType
        self.disposition = disposition
        self.transferEncoding = transferEncoding
        self.content = content
        self.children = children
    }

    /// The Content-ID without angle brackets, e.g. `image001.png@01D9A1B2.C3D4E5F0`, which an HTML body
    /// references as `cid:…`.
    public var contentID: String? {
        guard let value = headers["Content-ID"] else {
            return nil
        }
        // Some writers leave out the brackets and the '@' (`Content-ID: part1`).
        let bare = String(value.trimmed(where: { $0 == " " || $0 == "<" || $0 == ">" }))
        return InboundMessageIDParser.parse(value).first ?? (bare.isEmpty || bare.contains(" ") ? nil : bare)
    }

    /// The filename the sender gave: the disposition's `filename`, else the content type's `name` (not sanitised;
    /// see ``InboundAttachment/filename``).
    public var suggestedFilename: String? {
        let name = disposition?.filename ?? contentType.parameters["name"]
        return name.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every leaf below this part (itself when it is a leaf), depth first.
    public var leaves: [InboundMIMEPart] {
        children.isEmpty ? [self] : children.flatMap(\.leaves)
    }
}
