/// Why a ticket reference setting or value cannot be used.
public enum TicketReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The subject tag template is unusable; `reason` says why.
    case invalidTemplate(String, reason: String)
    /// A ticket reference contains characters that cannot go in a subject tag or a Message-ID.
    case invalidReference(String)
    /// A Message-ID part (followup identifier, token or domain) is unusable.
    case invalidMessageIDPart(String, reason: String)

    public var description: String {
        switch self {
        case .invalidTemplate(let template, let reason):
            "invalid subject tag template \(MailMessageError.quoted(template)): \(reason); "
                + "write it like \"[Parc #{reference}]\""
        case .invalidReference(let reference):
            "invalid ticket reference \(MailMessageError.quoted(reference)): use 1 to 32 letters, digits and '-' "
                + "(e.g. 2026-00042)"
        case .invalidMessageIDPart(let value, let reason):
            "invalid Message-ID part \(MailMessageError.quoted(value)): \(reason)"
        }
    }
}
