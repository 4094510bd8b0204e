/// Picks the body text and the attachments out of a MIME tree.
///
/// - A leaf is body text when it is `text/plain` or `text/html`, not marked `attachment`, and has no filename;
///   every other leaf (images, files, forwarded messages, delivery reports, calendar invitations …) is an
///   attachment.
/// - `multipart/alternative`: the `text/plain` alternative when there is one with text, else the last (richest)
///   alternative. The other alternatives' text is dropped, but their files are kept — an Apple Mail screenshot
///   lives in the HTML alternative's `multipart/related`.
/// - `multipart/related`: its root (the `start` part, else the first).
/// - `multipart/signed`: the signed content; `multipart/encrypted`: nothing readable.
/// - Any other multipart (`mixed`, `report`, unknown): the text of every child, in order.
struct InboundBodyExtractor {
    let limits: InboundMailLimits
    let isForward: Bool
    private(set) var notes: [InboundParseNote] = []
    private(set) var attachments: [InboundAttachment] = []
    private(set) var omitted: [InboundOmittedAttachment] = []

    init(limits: InboundMailLimits, isForward: Bool) {
        self.limits = limits
        self.isForward = isForward
    }

    private enum Piece {
        case plain(String)
        case html(String)
    }

    mutating func extract(from root: InboundMIMEPart) throws(InboundMailError) -> InboundBody {
        let pieces = pieces(of: root)
        try collectAttachments(root)
        guard !pieces.isEmpty else {
            return .empty
        }
        var lines: [BodyLine] = []
        var hasHTML = false
        for piece in pieces {
            let pieceLines: [BodyLine]
            switch piece {
            case .plain(let text):
                // Runs of blank lines (where an inline image sat, or sloppy typing) become one.
                pieceLines = Self.collapsingBlankRuns(BodyLine.lines(fromPlainText: text))
            case .html(let html):
                hasHTML = true
                pieceLines = HTMLTextConverter.lines(fromHTML: html)
            }
            if !lines.isEmpty && !pieceLines.isEmpty {
                lines.append(BodyLine(depth: 0, plain: "", markdown: "", raw: ""))
            }
            lines += pieceLines
        }
        lines = Self.trimmedBlankEnds(lines)
        guard !lines.isEmpty else {
            return .empty
        }
        let newLines = ReplyQuoteStripper.newLines(in: lines, isForward: isForward)
        return InboundBody(
            source: hasHTML ? .html : .plainText,
            text: BodyLine.plainText(lines),
            markdown: BodyLine.markdown(lines),
            newText: BodyLine.plainText(newLines),
            newMarkdown: BodyLine.markdown(newLines))
    }

    private static func collapsingBlankRuns(_ lines: [BodyLine]) -> [BodyLine] {
        var result: [BodyLine] = []
        result.reserveCapacity(lines.count)
        for line in lines {
            if line.isBlank, let previous = result.last, previous.isBlank, previous.depth == line.depth {
                continue
            }
            result.append(line)
        }
        return result
    }

    private static func trimmedBlankEnds(_ lines: [BodyLine]) -> [BodyLine] {
        guard let first = lines.firstIndex(where: { !$0.isBlank }), let last = lines.lastIndex(where: { !$0.isBlank })
        else {
            return []
        }
        return Array(lines[first...last])
    }

    // MARK: - Text

    static func isBodyText(_ part: InboundMIMEPart) -> Bool {
        guard part.children.isEmpty, part.contentType.type == "text",
            part.contentType.subtype == "plain" || part.contentType.subtype == "html"
        else {
            return false
        }
        return !(part.disposition?.isAttachment ?? false) && part.suggestedFilename == nil
    }

    private mutating func pieces(of part: InboundMIMEPart) -> [Piece] {
        guard part.contentType.isMultipart else {
            guard Self.isBodyText(part) else {
                return []
            }
            let text = decodeText(part)
            if part.contentType.subtype == "html" {
                return [.html(text)]
            }
            if part.contentType.parameters["format"]?.asciiLowercased == "flowed" {
                let deleteSpace = part.contentType.parameters["delsp"]?.asciiLowercased == "yes"
                return [.plain(FormatFlowed.unflow(text, deleteSpace: deleteSpace))]
            }
            return [.plain(text)]
        }
        switch part.contentType.subtype {
        case "alternative":
            var options: [[Piece]] = []
            for child in part.children {
                let childPieces = pieces(of: child)
                if childPieces.contains(where: Self.hasText) {
                    options.append(childPieces)
                }
            }
            let plainOnly = options.first { option in
                option.allSatisfy { if case .plain = $0 { true } else { false } }
            }
            return plainOnly ?? options.last ?? []
        case "related":
            let start = part.contentType.parameters["start"].flatMap { InboundMessageIDParser.parse($0).first }
            let root = part.children.first { start != nil && $0.contentID == start } ?? part.children.first
            return root.map { pieces(of: $0) } ?? []
        case "signed":
            return part.children.first.map { pieces(of: $0) } ?? []
        case "encrypted":
            return []
        default:
            return part.children.flatMap { pieces(of: $0) }
        }
    }

    private static func hasText(_ piece: Piece) -> Bool {
        switch piece {
        case .plain(let text), .html(let text):
            !text.allSatisfy { $0 == " " || $0 == "\n" || $0 == "\t" }
        }
    }

    private mutating func decodeText(_ part: InboundMIMEPart) -> String {
        let charset = part.contentType.charset
        let decoded = MailCharset.decode(part.content, charset: charset)
        switch decoded.problem {
        case .unknownCharset:
            notes.append(.unknownCharset(part: part.number, charset: String((charset ?? "").prefix(100))))
        case .invalidBytes:
            notes.append(.invalidCharacters(part: part.number, charset: String((charset ?? "UTF-8").prefix(100))))
        case nil:
            break
        }
        return InboundText.normalizedBody(decoded.text)
    }

    // MARK: - Attachments

    private mutating func collectAttachments(_ root: InboundMIMEPart) throws(InboundMailError) {
        for leaf in root.leaves where !Self.isBodyText(leaf) && !(leaf.number.isEmpty && leaf.content.isEmpty) {
            if leaf.contentType.isMultipart {
                continue
            }
            let filename = AttachmentFilename.sanitize(
                leaf.suggestedFilename ?? Self.fallbackName(leaf, limits: limits), contentType: leaf.contentType)
            if leaf.content.count > limits.maximumAttachmentSize {
                let error = InboundMailError.attachmentTooLarge(
                    filename: filename, size: leaf.content.count, limit: limits.maximumAttachmentSize)
                switch limits.oversizedAttachments {
                case .refuseMessage:
                    throw error
                case .omitAttachment:
                    omitted.append(
                        InboundOmittedAttachment(
                            filename: filename, contentType: leaf.contentType.mimeType, size: leaf.content.count,
                            partNumber: leaf.number, reason: error))
                    continue
                }
            }
            let contentID = leaf.contentID
            attachments.append(
                InboundAttachment(
                    filename: filename,
                    originalFilename: leaf.suggestedFilename.map(InboundText.singleLine),
                    contentType: leaf.contentType.mimeType,
                    bytes: leaf.content,
                    contentID: contentID,
                    isInline: leaf.disposition.map(\.isInline) ?? (contentID != nil),
                    partNumber: leaf.number))
        }
    }

    /// A name for a part the sender did not name: a forwarded message is named after its subject.
    private static func fallbackName(_ part: InboundMIMEPart, limits: InboundMailLimits) -> String? {
        guard part.contentType.is("message", "rfc822") || part.contentType.is("message", "global") else {
            return nil
        }
        var notes: [InboundParseNote] = []
        guard
            let block = try? InboundHeaderBlockParser(limits: limits).parse(
                part.content, in: 0..<part.content.count, part: part.number, notes: &notes),
            let subject = InboundHeaderFields(block.fields).first(named: "Subject")?.text, !subject.isEmpty
        else {
            return "message.eml"
        }
        let safeSubject = String(subject.prefix(150).map { $0 == "/" || $0 == "\\" ? "-" : $0 })
        return safeSubject + ".eml"
    }
}
