/// One element of an address list (RFC 5322 section 3.4): a mailbox, or a named group of mailboxes such as
/// `undisclosed-recipients:;`.
public enum InboundAddressEntry: Sendable, Hashable {
    /// A single mailbox.
    case mailbox(MailAddress)
    /// A group: its display name and its members (possibly none).
    case group(name: String, members: [MailAddress])

    /// The mailboxes this entry stands for: itself, or the group's members.
    public var mailboxes: [MailAddress] {
        switch self {
        case .mailbox(let mailbox): [mailbox]
        case .group(_, let members): members
        }
    }
}
