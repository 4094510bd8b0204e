/// Why a ``MailMessage`` cannot be turned into wire bytes.
///
/// Every case names the offending value (with line breaks and control characters escaped, so the error itself
/// cannot inject anything into a log line) and says what to change.
public enum MailMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An address is not a valid RFC 5321 mailbox (or uses a form this library does not send).
    case invalidAddress(String, reason: String)
    /// A header value or display name contains something that would break the header block, such as CR or LF.
    case invalidHeaderValue(field: String, reason: String)
    /// An extra header's name is not a valid RFC 5322 field name.
    case invalidHeaderName(String)
    /// An extra header tries to set a field the renderer owns (From, To, Subject, Content-Type, …).
    case reservedHeaderName(String)
    /// The message has no To, Cc or Bcc recipient.
    case noRecipients
    /// The Message-ID is not of the form `local@domain`.
    case invalidMessageID(String)

    public var description: String {
        switch self {
        case .invalidAddress(let address, let reason):
            "invalid mail address \(Self.quoted(address)): \(reason); correct the address in the sender setting "
                + "or recipient list"
        case .invalidHeaderValue(let field, let reason):
            "invalid value for \(field): \(reason); header values must be a single line"
        case .invalidHeaderName(let name):
            "invalid header name \(Self.quoted(name)): use printable ASCII without spaces or ':' (e.g. X-Parc-Ticket)"
        case .reservedHeaderName(let name):
            "header \(Self.quoted(name)) is set by the message renderer; use the MailMessage property instead "
                + "of an extra header"
        case .noRecipients:
            "the message has no recipient: add at least one To, Cc or Bcc address"
        case .invalidMessageID(let id):
            "invalid Message-ID \(Self.quoted(id)): expected local@domain with a valid domain, "
                + "e.g. from MailMessage.makeMessageID(domain:)"
        }
    }

    /// Quotes a value with control characters escaped, so a hostile value stays on one log line.
    static func quoted(_ value: String) -> String {
        String(reflecting: value)
    }
}
