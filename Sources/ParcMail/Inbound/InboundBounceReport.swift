/// What a delivery status notification (RFC 3464) says: which recipients failed, and which message it was about.
///
/// Read from the `message/delivery-status` part, the returned message or headers (`message/rfc822`,
/// `text/rfc822-headers`), and an `X-Failed-Recipients` field; any of them may be missing.
public struct InboundBounceReport: Sendable, Hashable {
    /// One recipient's delivery status.
    public struct Recipient: Sendable, Hashable {
        /// The recipient's address (`Final-Recipient`, else `Original-Recipient`), without the `rfc822;` type.
        public var address: String
        /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`, lowercased.
        public var action: String?
        /// The status code, e.g. `5.1.1`.
        public var status: String?
        /// The remote server's explanation (`Diagnostic-Code`), e.g. `smtp; 550 5.1.1 User unknown`.
        public var diagnostic: String?

        /// Creates a recipient status.
        public init(address: String, action: String?, status: String?, diagnostic: String?) {
            self.address = address
            self.action = action
            self.status = status
            self.diagnostic = diagnostic
        }

        /// Whether delivery failed for good (action `failed` or a 5.x.x status).
        public var isPermanentFailure: Bool {
            action == "failed" || status?.hasPrefix("5") == true
        }
    }

    /// The recipients reported on.
    public var recipients: [Recipient]
    /// The Message-ID (without brackets) of the message that bounced, when the report returns its headers; for a
    /// Parc notification it is a ``ParcMessageID``.
    public var originalMessageID: String?

    /// Creates a report.
    public init(recipients: [Recipient], originalMessageID: String?) {
        self.recipients = recipients
        self.originalMessageID = originalMessageID
    }

    /// What `message` reports, or nil when it holds no delivery status, no returned headers and no
    /// `X-Failed-Recipients`.
    public static func read(from message: InboundMessage) -> InboundBounceReport? {
        var recipients: [Recipient] = []
        var originalMessageID: String?
        let limits = InboundMailLimits.default
        for leaf in message.structure.leaves {
            switch leaf.contentType.mimeType {
            case "message/delivery-status", "message/global-delivery-status":
                recipients += readStatus(leaf.content, limits: limits)
            case "message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers":
                if originalMessageID == nil {
                    originalMessageID = headerBlocks(leaf.content, limits: limits).first?["Message-ID"]
                        .flatMap { InboundMessageIDParser.parse($0).first }
                }
            default:
                continue
            }
        }
        if recipients.isEmpty, let failed = message.headers["X-Failed-Recipients"] {
            recipients = failed.split(separator: ",").map {
                Recipient(address: String($0.trimmed()), action: "failed", status: nil, diagnostic: nil)
            }
        }
        guard !recipients.isEmpty || originalMessageID != nil else {
            return nil
        }
        return InboundBounceReport(recipients: recipients, originalMessageID: originalMessageID)
    }

    /// The per-recipient blocks of a `message/delivery-status` body (the first block is about the message).
    private static func readStatus(_ content: [UInt8], limits: InboundMailLimits) -> [Recipient] {
        headerBlocks(content, limits: limits).dropFirst().compactMap { block in
            guard let address = (block["Final-Recipient"] ?? block["Original-Recipient"]).map(typedValue) else {
                return nil
            }
            return Recipient(
                address: address,
                action: block["Action"].map { String($0.trimmed()).asciiLowercased },
                status: block["Status"].map { String($0.split(separator: " ").first ?? "") },
                diagnostic: block["Diagnostic-Code"].map(InboundText.singleLine))
        }
    }

    /// `rfc822; user@example.org` → `user@example.org`.
    private static func typedValue(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else {
            return String(value.trimmed())
        }
        return String(value[value.index(after: semicolon)...].trimmed())
    }

    /// Consecutive header blocks separated by blank lines (at most 1,000, each within the header limits).
    private static func headerBlocks(_ content: [UInt8], limits: InboundMailLimits) -> [InboundHeaderFields] {
        var blocks: [InboundHeaderFields] = []
        var start = 0
        var notes: [InboundParseNote] = []
        while start < content.count && blocks.count < 1_000 {
            // Blank lines between blocks.
            while start < content.count && (content[start] == 0x0D || content[start] == 0x0A) {
                start += 1
            }
            guard start < content.count,
                let block = try? InboundHeaderBlockParser(limits: limits).parse(
                    content, in: start..<content.count, part: "", notes: &notes),
                !block.fields.isEmpty
            else {
                break
            }
            blocks.append(InboundHeaderFields(block.fields))
            start = block.bodyStart
        }
        return blocks
    }
}
