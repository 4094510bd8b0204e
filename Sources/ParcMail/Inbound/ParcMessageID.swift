/// The Message-IDs Parc gives the mail it sends about a ticket, so a reply's In-Reply-To or References leads back
/// to the ticket even when the subject lost its tag.
///
/// Form: `ticket-<reference>[.followup-<followup>].<token>@<domain>`, e.g.
/// `ticket-2026-00042.followup-7.k2v9q4xz8m1p@parc.example.org`. The token makes each message's identifier
/// unique; the server may derive it from a secret (an HMAC of the reference and followup) and check it when a
/// reply matches, so a forged References field cannot attach mail to another ticket. Parsing only accepts the
/// domains given, so another system's look-alike identifiers never match. The parts are checked once, when the
/// identifier is made, and cannot change after.
public struct ParcMessageID: Sendable, Hashable, CustomStringConvertible {
    /// The ticket's reference (``TicketReferenceSyntax``).
    public let ticketReference: String
    /// The followup the message was about (1 to 32 letters, digits and `-`), if any.
    public let followupID: String?
    /// The unique part: 1 to 64 ASCII letters and digits.
    public let token: String
    /// The domain, normally the Parc server's host name.
    public let domain: String

    /// Creates an identifier, checking every part so ``value`` is a valid Message-ID.
    public init(
        ticketReference: String,
        followupID: String? = nil,
        token: String,
        domain: String
    ) throws(TicketReferenceError) {
        guard TicketReferenceSyntax.isValid(ticketReference) else {
            throw .invalidReference(ticketReference)
        }
        if let followupID, !TicketReferenceSyntax.isValid(followupID) {
            throw .invalidMessageIDPart(followupID, reason: "a followup identifier is 1 to 32 letters, digits and '-'")
        }
        guard !token.isEmpty, token.utf8.count <= 64, token.unicodeScalars.allSatisfy(MailAddress.isLetterOrDigit)
        else {
            throw .invalidMessageIDPart(token, reason: "the token is 1 to 64 ASCII letters and digits")
        }
        guard MailAddress.problem(with: "x@" + domain) == nil, !domain.hasPrefix("[") else {
            throw .invalidMessageIDPart(domain, reason: "the domain must be a host name such as parc.example.org")
        }
        self.ticketReference = ticketReference
        self.followupID = followupID
        self.token = token
        self.domain = domain
    }

    /// A new identifier with a random token.
    public static func make(
        ticketReference: String,
        followupID: String? = nil,
        domain: String
    ) throws(TicketReferenceError) -> ParcMessageID {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let token = String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        return try ParcMessageID(ticketReference: ticketReference, followupID: followupID, token: token, domain: domain)
    }

    /// Reads `identifier` (with or without angle brackets) if it is a Parc ticket Message-ID in one of `domains`
    /// (compared without case).
    public init?(parsing identifier: String, domains: Set<String>) {
        var text = Substring(identifier.trimmed())
        if text.hasPrefix("<") && text.hasSuffix(">") {
            text = text.dropFirst().dropLast()
        }
        guard text.utf8.count <= 300, let at = text.lastIndex(of: "@") else {
            return nil
        }
        let domain = String(text[text.index(after: at)...])
        guard domains.contains(where: { $0.asciiLowercased == domain.asciiLowercased }) else {
            return nil
        }
        let components = text[..<at].split(separator: ".", omittingEmptySubsequences: false)
        guard components.count == 2 || components.count == 3, components[0].asciiLowercased.hasPrefix("ticket-")
        else {
            return nil
        }
        let reference = String(components[0].dropFirst(7))
        var followup: String?
        if components.count == 3 {
            guard components[1].asciiLowercased.hasPrefix("followup-") else {
                return nil
            }
            followup = String(components[1].dropFirst(9))
        }
        guard
            let parsed = try? ParcMessageID(
                ticketReference: reference, followupID: followup, token: String(components[components.count - 1]),
                domain: domain)
        else {
            return nil
        }
        self = parsed
    }

    /// The identifier without angle brackets, as ``MailMessage/messageID`` holds it.
    public var value: String {
        var local = "ticket-" + ticketReference
        if let followupID {
            local += ".followup-" + followupID
        }
        return local + "." + token + "@" + domain
    }

    public var description: String { value }
}
