/// Writes header fields folded to at most 78 characters a line where the content allows (RFC 5322 section 2.1.1),
/// each line ending in CRLF.
///
/// Values reach it already validated: it never sees CR or LF inside a value.
struct HeaderFieldWriter {
    static let preferredLineLength = 78

    /// The header block written so far, one CRLF-terminated line per physical line.
    private(set) var text = ""

    /// Appends a field whose value is ASCII by construction (Date, Message-ID, MIME fields).
    mutating func appendStructured(_ name: String, _ value: String) {
        append(name, tokens: value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
    }

    /// Appends free text, as RFC 2047 encoded-words when it is not plain ASCII.
    mutating func appendUnstructured(_ name: String, _ value: String) {
        if HeaderText.needsEncoding(value) {
            let firstLimit = Self.preferredLineLength - name.utf8.count - 2
            append(name, tokens: EncodedWordEncoder.encode(value, firstWordLimit: firstLimit))
        } else {
            append(name, tokens: value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// Appends an address list such as `To: Ana <ana@example.org>, bob@example.org`.
    mutating func appendAddresses(_ name: String, _ addresses: [MailAddress]) {
        var tokens: [String] = []
        for (index, mailbox) in addresses.enumerated() {
            var mailboxTokens = Self.mailboxTokens(mailbox)
            if index < addresses.count - 1 {
                mailboxTokens[mailboxTokens.count - 1] += ","
            }
            tokens += mailboxTokens
        }
        append(name, tokens: tokens)
    }

    /// Splits a mailbox into the pieces between which the line may be folded.
    static func mailboxTokens(_ mailbox: MailAddress) -> [String] {
        guard let name = mailbox.displayName, !name.isEmpty else {
            return [mailbox.address]
        }
        let angle = "<" + mailbox.address + ">"
        if HeaderText.needsEncoding(name) {
            return EncodedWordEncoder.encode(name) + [angle]
        }
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        let isPlainPhrase = words.allSatisfy { word in
            !word.isEmpty && word.unicodeScalars.allSatisfy(MailAddress.isAtext)
        }
        if isPlainPhrase {
            return words.map(String.init) + [angle]
        }
        // A quoted-string keeps specials such as ',' or '.' from being read as address syntax.
        var quoted = "\""
        for character in name {
            if character == "\"" || character == "\\" {
                quoted.append("\\")
            }
            quoted.append(character)
        }
        quoted.append("\"")
        return [quoted, angle]
    }

    /// Writes `name:` followed by the tokens separated by single spaces, breaking the line before a token that would
    /// overflow. A fold is a CRLF inserted before an existing space, so unfolding restores the value exactly.
    private mutating func append(_ name: String, tokens: [String]) {
        var line = name + ":"
        var lineHasToken = false
        for token in tokens {
            let fitsOnFreshLine = token.utf8.count + 1 <= Self.preferredLineLength
            let overflows = line.utf8.count + 1 + token.utf8.count > Self.preferredLineLength
            // An empty token stands for a run of spaces; breaking there could leave a whitespace-only line.
            if !token.isEmpty && overflows && (lineHasToken || fitsOnFreshLine) {
                text += line + "\r\n"
                line = ""
            }
            line += " " + token
            lineHasToken = lineHasToken || !token.isEmpty
        }
        text += line + "\r\n"
    }
}
