/// Turns a ``MailMessage`` into RFC 5322 / MIME wire bytes.
///
/// Output is 7-bit ASCII with CRLF line endings: non-ASCII header text becomes RFC 2047 encoded-words, text bodies
/// that are not short-lined ASCII become quoted-printable UTF-8. Header lines are folded to 78 characters where
/// the content allows. Rendering is deterministic for a given message (the MIME boundary derives from the
/// Message-ID), so a retried delivery sends identical bytes. Dot-stuffing is left to the SMTP client.
public struct MailMessageRenderer: Sendable {
    /// Header fields the renderer writes itself; an extra header may not override them.
    static let reservedHeaderNames: Set<String> = [
        "date", "from", "sender", "to", "cc", "bcc", "reply-to", "subject", "message-id", "mime-version",
        "content-type", "content-transfer-encoding",
    ]

    /// Creates a renderer.
    public init() {}

    /// Validates `message` and returns its wire bytes.
    public func render(_ message: MailMessage) throws(MailMessageError) -> [UInt8] {
        try validate(message)

        var header = HeaderFieldWriter()
        header.appendStructured("Date", MailDateFormatter.string(from: message.date))
        header.appendAddresses("From", [message.from])
        if !message.to.isEmpty {
            header.appendAddresses("To", message.to)
        }
        if !message.cc.isEmpty {
            header.appendAddresses("Cc", message.cc)
        }
        if !message.replyTo.isEmpty {
            header.appendAddresses("Reply-To", message.replyTo)
        }
        header.appendUnstructured("Subject", message.subject)
        header.appendStructured("Message-ID", "<\(message.messageID)>")
        for field in message.headers {
            header.appendUnstructured(field.name, field.value)
        }
        header.appendStructured("MIME-Version", "1.0")

        let textPart = Self.textPart(message.textBody, subtype: "plain")
        var body: String
        if let html = message.htmlBody {
            let htmlPart = Self.textPart(html, subtype: "html")
            let boundary = Self.boundary(for: message.messageID, avoiding: [textPart.content, htmlPart.content])
            header.appendStructured("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
            body = ""
            for part in [textPart, htmlPart] {
                body += "--\(boundary)\r\n"
                body += "Content-Type: \(part.contentType)\r\n"
                body += "Content-Transfer-Encoding: \(part.transferEncoding)\r\n\r\n"
                // RFC 2046: the CRLF before a delimiter belongs to the delimiter, so one more keeps the part's
                // final line break.
                body += part.content + "\r\n"
            }
            body += "--\(boundary)--\r\n"
        } else {
            header.appendStructured("Content-Type", textPart.contentType)
            header.appendStructured("Content-Transfer-Encoding", textPart.transferEncoding)
            body = textPart.content
        }
        return Array((header.text + "\r\n" + body).utf8)
    }

    private func validate(_ message: MailMessage) throws(MailMessageError) {
        try message.from.validate()
        for mailbox in message.to + message.cc + message.bcc + message.replyTo {
            try mailbox.validate()
        }
        if message.envelopeRecipients.isEmpty {
            throw .noRecipients
        }
        if let reason = HeaderText.problem(with: message.subject) {
            throw .invalidHeaderValue(field: "Subject", reason: reason)
        }
        // A Message-ID has the same dot-atom@domain shape as an address.
        if MailAddress.problem(with: message.messageID) != nil {
            throw .invalidMessageID(message.messageID)
        }
        for field in message.headers {
            let validName =
                !field.name.isEmpty && field.name.utf8.count <= 76
                && field.name.utf8.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }
            guard validName else {
                throw .invalidHeaderName(field.name)
            }
            if Self.reservedHeaderNames.contains(field.name.lowercased()) {
                throw .reservedHeaderName(field.name)
            }
            if let reason = HeaderText.problem(with: field.value) {
                throw .invalidHeaderValue(field: field.name, reason: reason)
            }
        }
    }

    private struct Part {
        var contentType: String
        var transferEncoding: String
        /// CRLF-terminated lines.
        var content: String
    }

    /// Encodes a text body: 7bit when it is ASCII within the 998-octet line limit, quoted-printable otherwise.
    private static func textPart(_ text: String, subtype: String) -> Part {
        let lines = normalizedLines(text)
        let isSevenBit = lines.allSatisfy { line in
            line.count <= 998 && line.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
        }
        let contentType = "text/\(subtype); charset=utf-8"
        if isSevenBit {
            let content = lines.map { String(decoding: $0, as: UTF8.self) + "\r\n" }.joined()
            return Part(contentType: contentType, transferEncoding: "7bit", content: content)
        }
        return Part(
            contentType: contentType,
            transferEncoding: "quoted-printable",
            content: QuotedPrintableEncoder.encode(lines: lines)
        )
    }

    /// Splits text into lines at CRLF, CR or LF, so a body typed on any platform ends up with CRLF only and no bare
    /// CR or LF reaches the wire. A final line break does not start an extra empty line.
    static func normalizedLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0A && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == 0x0D
            if byte == 0x0D || byte == 0x0A {
                lines.append(current)
                current = []
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty || lines.isEmpty {
            lines.append(current)
        }
        return lines
    }

    /// A boundary derived from the Message-ID; "=_" cannot occur in quoted-printable output, and the loop guards the
    /// 7bit case.
    private static func boundary(for messageID: String, avoiding contents: [String]) -> String {
        let seed = String(messageID.unicodeScalars.filter(MailAddress.isLetterOrDigit).prefix(40).map(Character.init))
        var candidate = "=_parc_alt_" + seed
        var counter = 0
        while contents.contains(where: { $0.contains(candidate) }) {
            counter += 1
            candidate = "=_parc_alt_\(counter)_" + seed
        }
        return candidate
    }
}
