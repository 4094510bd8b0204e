/// The characters a ticket reference may contain wherever mail carries it (subject tags and Message-IDs): 1 to 32
/// ASCII letters, digits and inner `-`, which covers the helpdesk's human references such as `2026-00042`.
public enum TicketReferenceSyntax {
    /// The longest reference.
    public static let maximumLength = 32

    /// Whether `reference` has the reference syntax.
    public static func isValid(_ reference: some StringProtocol) -> Bool {
        !reference.isEmpty && reference.utf8.count <= maximumLength && reference.first != "-" && reference.last != "-"
            && reference.unicodeScalars.allSatisfy { isReferenceCharacter($0) }
    }

    static func isReferenceCharacter(_ scalar: Unicode.Scalar) -> Bool {
        MailAddress.isLetterOrDigit(scalar) || scalar == "-"
    }
}
