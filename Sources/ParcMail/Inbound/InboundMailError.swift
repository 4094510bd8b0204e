/// Why an inbound message was refused.
///
/// Only input that is not a message at all, or that exceeds an ``InboundMailLimits`` bound, is refused; everything
/// else is parsed leniently and what had to be repaired is listed in ``InboundMessage/notes``. Each limit case names
/// the limit (``violatedLimit``) and its configured value, so the ingest can tell the sender what to change.
public enum InboundMailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is empty.
    case empty
    /// The input does not start with a header field (`Name: value`), so it is not an RFC 5322 message.
    case noHeaderFields
    /// The message is larger than ``InboundMailLimits/maximumMessageSize``.
    case messageTooLarge(size: Int, limit: Int)
    /// A header block has more fields than ``InboundMailLimits/maximumHeaderFields``; `part` is the MIME part
    /// ("" for the message's own header).
    case tooManyHeaderFields(part: String, limit: Int)
    /// A header field is longer than ``InboundMailLimits/maximumHeaderFieldLength``; `name` is its (possibly
    /// truncated) name.
    case headerFieldTooLong(part: String, name: String, limit: Int)
    /// The message has more MIME parts than ``InboundMailLimits/maximumParts``.
    case tooManyParts(limit: Int)
    /// Multiparts are nested deeper than ``InboundMailLimits/maximumNestingDepth``; `part` is the first part too deep.
    case nestingTooDeep(part: String, limit: Int)
    /// An attachment is larger than ``InboundMailLimits/maximumAttachmentSize`` once decoded.
    case attachmentTooLarge(filename: String, size: Int, limit: Int)

    /// The limit this error reports, or nil when the input is simply not a message.
    public var violatedLimit: InboundMailLimit? {
        switch self {
        case .empty, .noHeaderFields: nil
        case .messageTooLarge: .messageSize
        case .tooManyHeaderFields: .headerFields
        case .headerFieldTooLong: .headerFieldLength
        case .tooManyParts: .parts
        case .nestingTooDeep: .nestingDepth
        case .attachmentTooLarge: .attachmentSize
        }
    }

    public var description: String {
        switch self {
        case .empty:
            return "the message is empty: expected an RFC 5322 message (header fields, a blank line, the body)"
        case .noHeaderFields:
            return "the input is not a mail message: it does not start with a header field such as 'From: …'"
        case .messageTooLarge(let size, let limit):
            return "the message is \(Self.bytes(size)), over the \(InboundMailLimit.messageSize) of "
                + "\(Self.bytes(limit)); send large files another way or raise the limit"
        case .tooManyHeaderFields(let part, let limit):
            return "\(Self.where(part)) has more than \(limit) header fields (\(InboundMailLimit.headerFields))"
        case .headerFieldTooLong(let part, let name, let limit):
            return "the header field \(MailMessageError.quoted(name)) in \(Self.where(part)) is longer than "
                + "\(Self.bytes(limit)) (\(InboundMailLimit.headerFieldLength))"
        case .tooManyParts(let limit):
            return "the message has more than \(limit) MIME parts (\(InboundMailLimit.parts))"
        case .nestingTooDeep(let part, let limit):
            return "MIME part \(part) is nested more than \(limit) multiparts deep (\(InboundMailLimit.nestingDepth))"
        case .attachmentTooLarge(let filename, let size, let limit):
            return "the attachment \(MailMessageError.quoted(filename)) is \(Self.bytes(size)), over the "
                + "\(InboundMailLimit.attachmentSize) of \(Self.bytes(limit)); share it another way"
        }
    }

    private static func `where`(_ part: String) -> String {
        part.isEmpty ? "the message header" : "MIME part \(part)"
    }

    /// A size as people read it: bytes below 1 KiB, else KiB or MiB with one decimal.
    static func bytes(_ count: Int) -> String {
        if count < 1024 {
            return "\(count) bytes"
        }
        let kib = Double(count) / 1024
        if kib < 1024 {
            return "\(oneDecimal(kib)) KiB"
        }
        return "\(oneDecimal(kib / 1024)) MiB"
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
