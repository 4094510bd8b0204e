/// Something in an inbound message that was malformed and repaired, rather than refused.
///
/// Notes are for logs and the ticket history ("the attachment list may be incomplete"); they never stop a message.
/// `part` is the MIME part number as IMAP counts them ("1", "1.2"), "" for the message itself.
public enum InboundParseNote: Sendable, Hashable, CustomStringConvertible {
    /// A leading mbox `From ` separator line (as some MTA pipes add) was skipped.
    case mboxSeparatorSkipped
    /// A header line had no colon; the header was taken to end before it and the line starts the body.
    case headerLineWithoutColon(part: String)
    /// An indented header line came before any field and was ignored.
    case continuationWithoutField(part: String)
    /// A multipart without a `boundary` parameter; its body was read as plain text.
    case missingBoundary(part: String)
    /// A multipart whose boundary never occurs; its body was read as plain text.
    case boundaryNotFound(part: String)
    /// A multipart without its closing boundary; the last part runs to the end of the data.
    case missingFinalBoundary(part: String)
    /// A Content-Type that cannot be read; the part was taken as `text/plain`.
    case invalidContentType(part: String, value: String)
    /// A Content-Transfer-Encoding this parser does not know; the content was kept as it was.
    case unknownTransferEncoding(part: String, value: String)
    /// Base64 content with characters outside the alphabet, or an incomplete final group.
    case malformedBase64(part: String)
    /// Quoted-printable content with an `=` that starts no valid escape.
    case malformedQuotedPrintable(part: String)
    /// Text in a charset this parser cannot decode; non-ASCII characters became U+FFFD unless the bytes were UTF-8.
    case unknownCharset(part: String, charset: String)
    /// Bytes that are invalid in the declared charset became U+FFFD.
    case invalidCharacters(part: String, charset: String)
    /// A Date field that matches no known form; ``InboundMessage/date`` is nil.
    case unreadableDate(String)

    public var description: String {
        switch self {
        case .mboxSeparatorSkipped:
            "a leading mbox 'From ' line was skipped"
        case .headerLineWithoutColon(let part):
            "a line in the header of \(Self.name(part)) is not a field; the header ends there"
        case .continuationWithoutField(let part):
            "an indented line before the first header field of \(Self.name(part)) was ignored"
        case .missingBoundary(let part):
            "\(Self.name(part)) is multipart without a boundary parameter; read as plain text"
        case .boundaryNotFound(let part):
            "the boundary of \(Self.name(part)) never occurs; read as plain text"
        case .missingFinalBoundary(let part):
            "\(Self.name(part)) has no closing boundary; its last part runs to the end"
        case .invalidContentType(let part, let value):
            "unreadable Content-Type \(MailMessageError.quoted(value)) in \(Self.name(part)); read as text/plain"
        case .unknownTransferEncoding(let part, let value):
            "unknown Content-Transfer-Encoding \(MailMessageError.quoted(value)) in \(Self.name(part)); kept as is"
        case .malformedBase64(let part):
            "malformed base64 in \(Self.name(part)); decoded what could be"
        case .malformedQuotedPrintable(let part):
            "malformed quoted-printable in \(Self.name(part)); invalid escapes kept literally"
        case .unknownCharset(let part, let charset):
            "unknown charset \(MailMessageError.quoted(charset)) in \(Self.name(part)); "
                + "characters that could not be read were replaced"
        case .invalidCharacters(let part, let charset):
            "bytes invalid in \(charset) in \(Self.name(part)) were replaced"
        case .unreadableDate(let value):
            "unreadable Date \(MailMessageError.quoted(value))"
        }
    }

    static func name(_ part: String) -> String {
        part.isEmpty ? "the message" : "part \(part)"
    }
}
