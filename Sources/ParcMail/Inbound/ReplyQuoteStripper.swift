/// Finds the new part of a reply: the text above the quoted message.
///
/// Cuts at the first reply marker outside quotation:
/// - an attribution line, possibly wrapped over up to three lines: `On … wrote:`, `Le … a écrit :`, `Am …
///   schrieb …:`, `El … escribió:`, `Il … ha scritto:`, `Op … schreef …:`, `Em … escreveu:` — when it starts
///   like one, names someone (an `@` or a date) or is followed by a quotation;
/// - Outlook's separator `-----Original Message-----` (and its French, German, Spanish, Italian, Dutch and
///   Portuguese forms);
/// - Outlook's quoted header block, a `From:`/`De :`/`Von:` line followed by at least two of `Sent:`, `To:`,
///   `Subject:`, `Date:`, `Envoyé :`, `À :`, `Objet :` … (and a rule line just above it).
///
/// Then every quoted line (`>` or `<blockquote>`) is dropped, which also removes quotations without attribution.
/// When text follows the quotation of an attribution (a bottom-posted or interleaved reply), only the attribution
/// and the quoted lines go, so the answers between them stay. Forwards are never cut: the forwarded message is the
/// request. When nothing would be left, the whole text is kept.
enum ReplyQuoteStripper {
    /// The lines of the new part of a reply.
    static func newLines(in lines: [BodyLine], isForward: Bool) -> [BodyLine] {
        guard !isForward else {
            return lines
        }
        var kept = lines
        if let marker = firstMarker(in: lines) {
            switch marker {
            case .cut(let index):
                kept = Array(lines[..<index])
            case .attribution(let index, let length):
                if textFollowsQuotation(in: lines, after: index + length) {
                    kept = Array(lines[..<index]) + lines[(index + length)...]
                } else {
                    kept = Array(lines[..<index])
                }
            }
        }
        var result: [BodyLine] = []
        for line in kept where line.depth == 0 {
            if line.isBlank && (result.last?.isBlank ?? true) {
                continue
            }
            result.append(line)
        }
        while result.last?.isBlank == true {
            result.removeLast()
        }
        return result.isEmpty ? lines : result
    }

    private enum Marker {
        /// Everything from `index` on is the quoted message.
        case cut(Int)
        /// An attribution of `length` lines at `index`.
        case attribution(Int, length: Int)
    }

    /// Lines longer than this are never markers; it also bounds the work per line.
    private static let longestMarkerLine = 400

    private static func firstMarker(in lines: [BodyLine]) -> Marker? {
        for index in lines.indices where lines[index].depth == 0 && !lines[index].isBlank {
            let text = normalized(lines[index].plain)
            guard text.utf8.count <= longestMarkerLine else {
                continue
            }
            if isSeparator(text) {
                return .cut(index)
            }
            if isHeaderBlock(lines, at: index) {
                var start = index
                if let previous = previousNonBlank(lines, before: index), isRule(normalized(lines[previous].plain)) {
                    start = previous
                }
                return .cut(start)
            }
            if let length = attributionLength(lines, at: index) {
                return .attribution(index, length: length)
            }
        }
        return nil
    }

    // MARK: - Attribution

    private static let attributionEndings = [
        "wrote:", "a écrit :", "a écrit:", "a ecrit :", "a ecrit:", "schrieb:", "escribió:", "ha scritto:",
        "schreef:", "escreveu:", "napisał:", "skrev:", "kirjoitti:",
    ]
    private static let attributionStarts = ["on ", "le ", "am ", "el ", "il ", "op ", "em ", "den ", "w dniu "]
    /// Languages that put the author after the verb: `Am 02.06.25 um 14:03 schrieb Hans Müller:`.
    private static let verbFirstAttributions = [("am ", " schrieb "), ("op ", " schreef "), ("den ", " skrev ")]

    /// How many lines (1 to 3) form an attribution starting at `index`, or nil.
    private static func attributionLength(_ lines: [BodyLine], at index: Int) -> Int? {
        var joined = ""
        for length in 1...3 {
            let lineIndex = index + length - 1
            guard lineIndex < lines.count, lines[lineIndex].depth == 0, !lines[lineIndex].isBlank else {
                return nil
            }
            joined += (joined.isEmpty ? "" : " ") + normalized(lines[lineIndex].plain)
            guard joined.utf8.count <= longestMarkerLine else {
                return nil
            }
            let verbFirst =
                joined.hasSuffix(":")
                && verbFirstAttributions.contains { joined.hasPrefix($0.0) && joined.contains($0.1) }
            guard verbFirst || attributionEndings.contains(where: { joined.hasSuffix($0) }) else {
                continue
            }
            let startsLikeOne = attributionStarts.contains { joined.hasPrefix($0) }
            // A wrapped attribution must start like one, or a line of the reply would be taken for its start.
            if length > 1 {
                return startsLikeOne ? length : nil
            }
            let namesSomeone = joined.contains("@") || joined.contains(where: \.isNumber)
            let quoteFollows = nextNonBlank(lines, after: lineIndex).map { lines[$0].depth > 0 } ?? false
            return startsLikeOne || namesSomeone || quoteFollows ? length : nil
        }
        return nil
    }

    /// Whether unquoted text comes after the quotation that follows an attribution ending before `start`.
    private static func textFollowsQuotation(in lines: [BodyLine], after start: Int) -> Bool {
        var index = start
        var sawQuote = false
        while index < lines.count {
            let line = lines[index]
            if line.depth > 0 {
                sawQuote = true
            } else if !line.isBlank {
                return sawQuote
            }
            index += 1
        }
        return false
    }

    // MARK: - Outlook

    private static let separatorTitles: Set<String> = [
        "original message", "message d'origine", "message d’origine", "ursprüngliche nachricht", "mensaje original",
        "messaggio originale", "oorspronkelijk bericht", "mensagem original", "originalnachricht",
    ]

    private static func isSeparator(_ text: String) -> Bool {
        guard text.hasPrefix("--") else {
            return false
        }
        let title = text.trimmed(where: { $0 == "-" || $0 == " " })
        return separatorTitles.contains(String(title))
    }

    private static func isRule(_ text: String) -> Bool {
        text.count >= 5 && text.allSatisfy { $0 == "_" || $0 == "-" || $0 == "=" }
    }

    private static let fromLabels = ["from:", "de :", "de:", "von:", "da:", "van:", "från:"]
    private static let headerLabels = [
        "sent:", "date:", "to:", "cc:", "subject:", "envoyé :", "envoyé:", "à :", "à:", "a :", "objet :", "objet:",
        "gesendet:", "an:", "betreff:", "datum:", "enviado:", "para:", "asunto:", "inviato:", "oggetto:",
        "verzonden:", "aan:", "onderwerp:", "date :", "cc :",
    ]
    private static let forwardSubjects = ["fw:", "fwd:", "tr:", "wg:", "rv:", "i:"]

    /// A `From:` line followed within five lines by two or more other header labels — unless its Subject says
    /// it is a forward.
    private static func isHeaderBlock(_ lines: [BodyLine], at index: Int) -> Bool {
        let first = normalized(lines[index].plain)
        guard fromLabels.contains(where: { first.hasPrefix($0) }) else {
            return false
        }
        var labels = 0
        var cursor = index + 1
        while cursor < lines.count && cursor <= index + 6 {
            let text = normalized(lines[cursor].plain)
            if text.utf8.count <= longestMarkerLine, let label = headerLabels.first(where: { text.hasPrefix($0) }) {
                labels += 1
                if label.hasPrefix("subject") || label.hasPrefix("objet") || label.hasPrefix("betreff")
                    || label.hasPrefix("asunto") || label.hasPrefix("oggetto") || label.hasPrefix("onderwerp")
                {
                    let subject = text.dropFirst(label.count).trimmed()
                    if forwardSubjects.contains(where: { subject.hasPrefix($0) }) {
                        return false
                    }
                }
            } else if !text.isEmpty {
                break
            }
            cursor += 1
        }
        return labels >= 2
    }

    // MARK: - Helpers

    /// Lowercased, non-breaking and runs of spaces made single spaces, trimmed, Markdown-style bold stars removed
    /// (`*From:*` in some plain-text alternatives).
    private static func normalized(_ text: String) -> String {
        var output = ""
        var pendingSpace = false
        for character in text.prefix(longestMarkerLine + 1) {
            if character == " " || character == "\t" || character == "\u{A0}" || character == "\u{202F}" {
                pendingSpace = !output.isEmpty
                continue
            }
            if character == "*" {
                continue
            }
            if pendingSpace {
                output.append(" ")
                pendingSpace = false
            }
            output += character.lowercased()
        }
        return output
    }

    private static func previousNonBlank(_ lines: [BodyLine], before index: Int) -> Int? {
        var cursor = index - 1
        while cursor >= 0 {
            if !lines[cursor].isBlank {
                return cursor
            }
            cursor -= 1
        }
        return nil
    }

    private static func nextNonBlank(_ lines: [BodyLine], after index: Int) -> Int? {
        var cursor = index + 1
        while cursor < lines.count {
            if !lines[cursor].isBlank {
                return cursor
            }
            cursor += 1
        }
        return nil
    }
}
