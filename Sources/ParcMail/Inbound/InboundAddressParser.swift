/// Reads address fields (From, To, Cc, Reply-To, Sender …) of inbound mail, RFC 5322 section 3.4 with its obsolete
/// syntax and the common deviations.
///
/// Handles display names (quoted, unquoted, RFC 2047 encoded — also inside quotes, as everyone writes them),
/// groups, quoted local parts (`"john doe"@example.org`, kept quoted; quotes around a plain local part dropped),
/// comments, an old-style `user@example.org (Display Name)`, obsolete routes (`<@relay:user@example.org>`), and an
/// unquoted comma in a display name (`Doe, John <john@example.org>` is one mailbox, as every client reads it).
/// Addresses are returned as written (case kept); a lone word without `@` (e.g. `MAILER-DAEMON`) is kept as an
/// address so classification can see it. Never fails: what cannot be read is skipped.
public enum InboundAddressParser {
    /// Every entry of an address list.
    public static func parse(_ value: String) -> [InboundAddressEntry] {
        let tokens = tokenize(value)
        var entries: [InboundAddressEntry] = []
        var chunk: [Token] = []
        var chunks: [[Token]] = []
        var groupName: String?
        var insideAngle = false

        func finishChunk() {
            if !chunk.isEmpty {
                chunks.append(chunk)
            }
            chunk = []
        }
        func flushChunks() {
            let mailboxes = Self.mailboxes(from: chunks)
            chunks = []
            if let name = groupName {
                entries.append(.group(name: name, members: mailboxes))
            } else {
                entries += mailboxes.map(InboundAddressEntry.mailbox)
            }
        }

        for token in tokens {
            switch token.kind {
            case .special("<"):
                insideAngle = true
                chunk.append(token)
            case .special(">"):
                insideAngle = false
                chunk.append(token)
            case .special(",") where !insideAngle:
                finishChunk()
            case .special(";") where groupName != nil:
                finishChunk()
                flushChunks()
                groupName = nil
            case .special(":")
            where !insideAngle && groupName == nil
                && !chunk.contains(where: { $0.kind == .special("@") || $0.kind == .special("<") }):
                let name = Self.phrase(chunk)
                chunk = []
                flushChunks()
                groupName = name
            default:
                chunk.append(token)
            }
        }
        finishChunk()
        if groupName != nil || !chunks.isEmpty {
            flushChunks()
        }
        return entries
    }

    /// Every mailbox of an address list, groups flattened.
    public static func mailboxes(_ value: String) -> [MailAddress] {
        parse(value).flatMap(\.mailboxes)
    }

    // MARK: - Mailboxes

    private static func mailboxes(from chunks: [[Token]]) -> [MailAddress] {
        var result: [MailAddress] = []
        var pendingName: String?
        for (index, chunk) in chunks.enumerated() {
            let hasAngle = chunk.contains { $0.kind == .special("<") }
            if !hasAngle && !chunk.contains(where: { $0.kind == .special("@") }),
                index + 1 < chunks.count, chunks[index + 1].contains(where: { $0.kind == .special("<") })
            {
                // `Doe, John <john@example.org>`: the word before the comma belongs to the next display name.
                let name = phrase(chunk)
                pendingName = [pendingName, name].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
                continue
            }
            guard var mailbox = mailbox(from: chunk) else {
                pendingName = nil
                continue
            }
            if let prefix = pendingName, !prefix.isEmpty {
                mailbox.displayName = [prefix, mailbox.displayName].compactMap { $0 }.joined(separator: ", ")
            }
            pendingName = nil
            result.append(mailbox)
        }
        return result
    }

    private static func mailbox(from chunk: [Token]) -> MailAddress? {
        if let open = chunk.firstIndex(where: { $0.kind == .special("<") }) {
            var inner = Array(chunk[(open + 1)...])
            if let close = inner.firstIndex(where: { $0.kind == .special(">") }) {
                inner = Array(inner[..<close])
            }
            // Obsolete route: everything up to the last ':' inside the angle brackets.
            if let colon = inner.lastIndex(where: { $0.kind == .special(":") }) {
                inner = Array(inner[(colon + 1)...])
            }
            guard let address = addressText(inner) else {
                return nil
            }
            let name = phrase(Array(chunk[..<open]))
            return MailAddress(address, displayName: name.isEmpty ? nil : name)
        }
        let words = chunk.filter { if case .comment = $0.kind { false } else { true } }
        // Without '@', only a single word is an address (`MAILER-DAEMON`); anything else is a stray phrase.
        guard words.contains(where: { $0.kind == .special("@") }) || words.count == 1,
            let address = addressText(chunk)
        else {
            return nil
        }
        let comment = chunk.compactMap { token -> String? in
            if case .comment(let text) = token.kind {
                return EncodedWordDecoder.decode(text)
            }
            return nil
        }.last { !$0.isEmpty }
        return MailAddress(address, displayName: comment)
    }

    /// The address written by the tokens, without comments and whitespace; a quoted local part stays quoted
    /// only when it needs to be. Nil when the tokens hold something no address contains (`<`, `,`, `;` …) or
    /// nothing at all.
    private static func addressText(_ tokens: [Token]) -> String? {
        var text = ""
        for token in tokens {
            switch token.kind {
            case .atom(let atom): text += atom
            case .quoted(let quoted): text += quoteIfNeeded(quoted)
            case .domainLiteral(let literal): text += "[" + literal + "]"
            case .special(let special):
                guard special == "." || special == "@" else {
                    return nil
                }
                text.unicodeScalars.append(special)
            case .comment: continue
            }
        }
        return text.isEmpty ? nil : text
    }

    private static func quoteIfNeeded(_ local: String) -> String {
        let isDotAtom =
            !local.isEmpty && !local.hasPrefix(".") && !local.hasSuffix(".") && !local.contains("..")
            && local.unicodeScalars.allSatisfy { $0 == "." || MailAddress.isAtext($0) || $0.value > 0x7F }
        if isDotAtom {
            return local
        }
        var quoted = "\""
        for character in local {
            if character == "\"" || character == "\\" {
                quoted.append("\\")
            }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// A display name: the words as written (spaces kept where there were some), encoded-words decoded, one line.
    private static func phrase(_ tokens: [Token]) -> String {
        var text = ""
        for token in tokens {
            let piece: String
            switch token.kind {
            case .atom(let atom): piece = atom
            case .quoted(let quoted): piece = quoted
            case .domainLiteral(let literal): piece = "[" + literal + "]"
            case .special(let special): piece = String(special)
            case .comment: continue
            }
            if token.spaceBefore && !text.isEmpty {
                text += " "
            }
            text += piece
        }
        return EncodedWordDecoder.decode(text)
    }

    // MARK: - Tokens

    struct Token: Equatable {
        enum Kind: Equatable {
            case atom(String)
            case quoted(String)
            case comment(String)
            case domainLiteral(String)
            case special(Unicode.Scalar)
        }

        var kind: Kind
        var spaceBefore: Bool
    }

    static func tokenize(_ value: String) -> [Token] {
        var scanner = HeaderValueScanner(value)
        var tokens: [Token] = []
        var spaceBefore = false
        while let scalar = scanner.current {
            switch scalar {
            case " ", "\t", "\r", "\n":
                scanner.advance()
                spaceBefore = true
                continue
            case "(":
                tokens.append(Token(kind: .comment(scanner.readComment()), spaceBefore: spaceBefore))
                spaceBefore = true
                continue
            case "\"":
                tokens.append(Token(kind: .quoted(scanner.readQuotedString()), spaceBefore: spaceBefore))
            case "[":
                scanner.advance()
                let literal = scanner.read { $0 != "]" }
                scanner.advance()
                tokens.append(Token(kind: .domainLiteral(literal), spaceBefore: spaceBefore))
            case "<", ">", "@", ",", ";", ":", ".", "]", "\\", ")":
                scanner.advance()
                tokens.append(Token(kind: .special(scalar), spaceBefore: spaceBefore))
            default:
                let atom = scanner.read { !isSpecialOrSpace($0) }
                tokens.append(Token(kind: .atom(atom), spaceBefore: spaceBefore))
            }
            spaceBefore = false
        }
        return tokens
    }

    private static func isSpecialOrSpace(_ scalar: Unicode.Scalar) -> Bool {
        "()<>[]:;@\\,.\" \t\r\n".unicodeScalars.contains(scalar)
    }
}
