/// A mailbox: an address such as `helpdesk@example.org` and an optional display name such as `Parc Helpdesk`.
///
/// Addresses are ASCII RFC 5321 mailboxes with a dot-atom local part and a host name or address literal domain.
/// Quoted local parts and internationalized (SMTPUTF8) addresses are rejected with a clear error rather than sent
/// in a form some relays would mangle; use the punycode form of an internationalized domain.
public struct MailAddress: Sendable, Hashable, Codable {
    /// The address, e.g. `helpdesk@example.org`.
    public var address: String
    /// The display name, e.g. `Parc Helpdesk`; any Unicode text without line breaks.
    public var displayName: String?

    /// Creates a mailbox. Nothing is checked here; ``validate()`` or rendering does.
    public init(_ address: String, displayName: String? = nil) {
        self.address = address
        self.displayName = displayName
    }

    /// Checks the address and display name, throwing an error that names the bad value.
    public func validate() throws(MailMessageError) {
        if let reason = Self.problem(with: address) {
            throw .invalidAddress(address, reason: reason)
        }
        if let displayName, let reason = HeaderText.problem(with: displayName) {
            throw .invalidHeaderValue(field: "display name of \(address)", reason: reason)
        }
    }

    /// What is wrong with `address`, or nil when it is a valid mailbox.
    static func problem(with address: String) -> String? {
        if address.isEmpty {
            return "the address is empty"
        }
        if address.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "it contains a line break or control character"
        }
        if !address.unicodeScalars.allSatisfy(\.isASCII) {
            return "non-ASCII addresses (SMTPUTF8) are not supported; use the ASCII (punycode) form of the domain"
        }
        if address.utf8.count > 254 {
            return "it is longer than 254 characters"
        }
        guard let at = address.lastIndex(of: "@") else {
            return "it has no '@'"
        }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        if let reason = localPartProblem(local) {
            return reason
        }
        return domainProblem(domain)
    }

    private static func localPartProblem(_ local: Substring) -> String? {
        if local.isEmpty {
            return "the part before '@' is empty"
        }
        if local.utf8.count > 64 {
            return "the part before '@' is longer than 64 characters"
        }
        if local.first == "." || local.last == "." || local.contains("..") {
            return "the part before '@' starts or ends with a dot or has two dots in a row"
        }
        if let bad = local.unicodeScalars.first(where: { $0 != "." && !isAtext($0) }) {
            return "the part before '@' contains \(MailMessageError.quoted(String(bad))), which needs quoting; "
                + "quoted local parts are not supported"
        }
        return nil
    }

    private static func domainProblem(_ domain: Substring) -> String? {
        if domain.isEmpty {
            return "the domain after '@' is empty"
        }
        if domain.first == "[" {
            return addressLiteralProblem(domain)
        }
        if domain.utf8.count > 253 {
            return "the domain is longer than 253 characters"
        }
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            if label.isEmpty {
                return "the domain has an empty label (a leading, trailing or doubled dot)"
            }
            if label.utf8.count > 63 {
                return "the domain label \(MailMessageError.quoted(String(label))) is longer than 63 characters"
            }
            if label.first == "-" || label.last == "-" {
                return "the domain label \(MailMessageError.quoted(String(label))) starts or ends with '-'"
            }
            if !label.unicodeScalars.allSatisfy({ isLetterOrDigit($0) || $0 == "-" }) {
                return "the domain \(MailMessageError.quoted(String(domain))) may only contain letters, digits, "
                    + "'-' and '.'"
            }
        }
        return nil
    }

    private static func addressLiteralProblem(_ domain: Substring) -> String? {
        guard domain.last == "]", domain.count > 2 else {
            return "the address literal \(MailMessageError.quoted(String(domain))) is not closed by ']'"
        }
        let inner = domain.dropFirst().dropLast()
        if inner.lowercased().hasPrefix("ipv6:") {
            let hex = inner.dropFirst(5)
            let valid =
                !hex.isEmpty
                && hex.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }
            return valid ? nil : "the IPv6 address literal \(MailMessageError.quoted(String(domain))) is malformed"
        }
        let octets = inner.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            octets.count == 4
            && octets.allSatisfy { octet in
                !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && (UInt8(octet) != nil)
            }
        return valid ? nil : "the address literal \(MailMessageError.quoted(String(domain))) is not an IPv4 address"
    }

    /// RFC 5322 `atext`: the characters allowed unquoted in a dot-atom.
    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        isLetterOrDigit(scalar) || "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
    }

    static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: false
        }
    }
}
