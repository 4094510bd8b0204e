/// Turns the HTML body of a mail into text lines (plain and inert Markdown) for a ticket.
///
/// A forgiving single-pass tokenizer, not a browser: it keeps what a reader sees as text and the structure that
/// matters in a support request (paragraphs, line breaks, lists, headings, quotations, links), and drops everything
/// that could act: `script`, `style`, `head`, `template`, `iframe`, `object`, `svg` … with their content, every
/// attribute (so every event handler), images (inline ones are attachments), and links whose target is not
/// `http`, `https` or `mailto` (their text is kept). Comments, Outlook's conditional comments and declarations
/// are skipped. Runs in time linear in the input, whatever its nesting or malformation.
enum HTMLTextConverter {
    /// The lines of the text an HTML document shows.
    static func lines(fromHTML html: String) -> [BodyLine] {
        var converter = Conversion(Array(html.utf8))
        converter.run()
        return converter.builder.finish()
    }

    /// Plain text of an HTML fragment.
    static func plainText(fromHTML html: String) -> String {
        BodyLine.plainText(lines(fromHTML: html))
    }

    /// Inert Markdown of an HTML fragment.
    static func markdown(fromHTML html: String) -> String {
        BodyLine.markdown(lines(fromHTML: html))
    }

    /// Elements dropped with their content, read as raw text up to their end tag (HTML's raw-text and RCDATA
    /// elements, plus the embedding ones whose fallback content is not the message).
    static let rawTextElements: Set<String> = [
        "script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
    ]

    /// Elements dropped with their content, parsed as HTML (their end tag closes them; written self-closing, as
    /// `<svg/>`, they have no content). Void elements such as `embed` have no content to drop.
    static let droppedElements: Set<String> = [
        "head", "template", "object", "applet", "svg", "math", "select", "audio", "video", "canvas",
        "frameset", "map", "datalist", "xml",
    ]

    static let blockElements: Set<String> = [
        "address", "article", "aside", "center", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "header", "main", "nav", "section", "summary", "table", "tbody",
        "thead", "tfoot", "tr", "caption", "body", "html", "legend", "hgroup", "menu", "output",
    ]

    private struct Conversion {
        let bytes: [UInt8]
        var index = 0
        var builder = LineBuilder()
        /// Names of the dropped elements open around the current position.
        var dropped: [String] = []
        var link: (url: String, line: Int, markdownOffset: Int, plainOffset: Int)?

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func run() {
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "<") {
                    readMarkup()
                } else {
                    var end = index
                    while end < bytes.count && bytes[end] != UInt8(ascii: "<") {
                        end += 1
                    }
                    if dropped.isEmpty {
                        builder.appendText(HTMLTextConverter.decodeEntities(bytes[index..<end]))
                    }
                    index = end
                }
            }
        }

        /// At a `<`: a tag, a comment, a declaration, or a literal `<`.
        private mutating func readMarkup() {
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            if next == UInt8(ascii: "!") {
                if matches("<!--", at: index) {
                    index = endOfSequence("-->", from: index + 4)
                } else if matches("<![CDATA[", at: index) {
                    let end = find("]]>", from: index + 9) ?? bytes.count
                    if dropped.isEmpty {
                        builder.appendText(String(decoding: bytes[(index + 9)..<end], as: UTF8.self))
                    }
                    index = min(end + 3, bytes.count)
                } else {
                    index = endOfSequence(">", from: index + 2)
                }
                return
            }
            if next == UInt8(ascii: "?") {
                index = endOfSequence(">", from: index + 2)
                return
            }
            let isEnd = next == UInt8(ascii: "/")
            let nameStart = index + (isEnd ? 2 : 1)
            guard nameStart < bytes.count, isASCIILetter(bytes[nameStart]) else {
                if dropped.isEmpty {
                    builder.appendText("<")
                }
                index += 1
                return
            }
            var nameEnd = nameStart
            while nameEnd < bytes.count && isNameByte(bytes[nameEnd]) {
                nameEnd += 1
            }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self).asciiLowercased
            var attributes: [String: String] = [:]
            guard let tagEnd = readAttributes(from: nameEnd, into: &attributes, keep: !isEnd && name == "a") else {
                // A tag cut off by the end of the document shows nothing.
                index = bytes.count
                return
            }
            index = tagEnd
            if isEnd {
                endTag(name)
            } else if tagEnd >= 2 && bytes[tagEnd - 2] == UInt8(ascii: "/")
                && HTMLTextConverter.droppedElements.contains(name)
            {
                // `<svg/>`: an element without content, nothing to drop.
                return
            } else {
                startTag(name, attributes: attributes)
            }
        }

        private mutating func startTag(_ name: String, attributes: [String: String]) {
            if HTMLTextConverter.rawTextElements.contains(name) {
                index = endOfRawText(name)
                return
            }
            if name == "body" && dropped.last == "head" {
                dropped.removeLast()
            }
            if HTMLTextConverter.droppedElements.contains(name) {
                dropped.append(name)
                return
            }
            guard dropped.isEmpty else {
                return
            }
            switch name {
            case "br":
                builder.breakLine()
            case "p":
                builder.endBlock(blankLine: true)
            case "h1", "h2", "h3", "h4", "h5", "h6":
                builder.endBlock(blankLine: true)
                let level = Int(String(name.last!)) ?? 1
                builder.pendingMarker = (plain: "", markdown: String(repeating: "#", count: level) + " ")
            case "blockquote":
                builder.endBlock(blankLine: true)
                builder.depth += 1
            case "pre", "listing":
                builder.endBlock(blankLine: true)
                builder.preformatted += 1
            case "ul", "ol":
                builder.endBlock(blankLine: builder.lists.isEmpty)
                builder.lists.append((ordered: name == "ol", counter: 0))
            case "li":
                builder.endBlock(blankLine: false)
                builder.startListItem()
            case "hr":
                builder.endBlock(blankLine: true)
                builder.appendRule()
            case "td", "th":
                builder.pendingSpace = true
            case "a":
                closeLink()
                if let href = attributes["href"], let url = HTMLTextConverter.safeURL(href) {
                    builder.openInline()
                    link = (url, builder.lineCount, builder.markdown.count, builder.plain.count)
                }
            default:
                if HTMLTextConverter.blockElements.contains(name) {
                    builder.endBlock(blankLine: false)
                }
            }
        }

        private mutating func endTag(_ name: String) {
            if let open = dropped.lastIndex(of: name) {
                dropped.removeSubrange(open...)
                return
            }
            guard dropped.isEmpty else {
                return
            }
            switch name {
            case "p", "h1", "h2", "h3", "h4", "h5", "h6", "table":
                builder.endBlock(blankLine: true)
            case "blockquote":
                builder.endBlock(blankLine: true)
                builder.depth = max(0, builder.depth - 1)
            case "pre", "listing":
                builder.endBlock(blankLine: true)
                builder.preformatted = max(0, builder.preformatted - 1)
            case "ul", "ol":
                builder.endBlock(blankLine: false)
                if !builder.lists.isEmpty {
                    builder.lists.removeLast()
                }
                if builder.lists.isEmpty {
                    builder.endBlock(blankLine: true)
                }
            case "li":
                builder.endBlock(blankLine: false)
            case "a":
                closeLink()
            default:
                if HTMLTextConverter.blockElements.contains(name) {
                    builder.endBlock(blankLine: false)
                }
            }
        }

        /// Wraps the text written since the link opened in `[…](url)`, when it is all on one line and not empty.
        private mutating func closeLink() {
            guard let open = link else {
                return
            }
            link = nil
            guard open.line == builder.lineCount else {
                return
            }
            _ = builder.wrapLink(markdownOffset: open.markdownOffset, plainOffset: open.plainOffset, url: open.url)
        }

        /// Reads attributes up to the `>` closing the tag and returns the index after it, or nil at the end of the
        /// document. Values are only decoded when `keep` is set (the only attribute used is a link's href).
        private func readAttributes(from start: Int, into attributes: inout [String: String], keep: Bool) -> Int? {
            var cursor = start
            while cursor < bytes.count {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: ">") {
                    return cursor + 1
                }
                if isSpace(byte) || byte == UInt8(ascii: "/") {
                    cursor += 1
                    continue
                }
                let nameStart = cursor
                while cursor < bytes.count && !isSpace(bytes[cursor]) && bytes[cursor] != UInt8(ascii: ">")
                    && bytes[cursor] != UInt8(ascii: "=") && !(bytes[cursor] == UInt8(ascii: "/") && cursor > nameStart)
                {
                    cursor += 1
                }
                let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self).asciiLowercased
                while cursor < bytes.count && isSpace(bytes[cursor]) {
                    cursor += 1
                }
                guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else {
                    continue
                }
                cursor += 1
                while cursor < bytes.count && isSpace(bytes[cursor]) {
                    cursor += 1
                }
                guard cursor < bytes.count else {
                    return nil
                }
                var valueRange: Range<Int>
                let quote = bytes[cursor]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    let valueStart = cursor + 1
                    var valueEnd = valueStart
                    while valueEnd < bytes.count && bytes[valueEnd] != quote {
                        valueEnd += 1
                    }
                    guard valueEnd < bytes.count else {
                        return nil
                    }
                    valueRange = valueStart..<valueEnd
                    cursor = valueEnd + 1
                } else {
                    let valueStart = cursor
                    while cursor < bytes.count && !isSpace(bytes[cursor]) && bytes[cursor] != UInt8(ascii: ">") {
                        cursor += 1
                    }
                    valueRange = valueStart..<cursor
                }
                if keep && attributes[name] == nil {
                    attributes[name] = HTMLTextConverter.decodeEntities(bytes[valueRange])
                }
            }
            return nil
        }

        /// The index after the end tag of raw-text element `name` (or the end of the document).
        private func endOfRawText(_ name: String) -> Int {
            let nameBytes = Array(name.utf8)
            var cursor = index
            while let open = find("</", from: cursor) {
                var matched = true
                for (offset, byte) in nameBytes.enumerated() {
                    let position = open + 2 + offset
                    if position >= bytes.count || bytes[position] | 0x20 != byte {
                        matched = false
                        break
                    }
                }
                let after = open + 2 + nameBytes.count
                if matched
                    && (after >= bytes.count || isSpace(bytes[after]) || bytes[after] == UInt8(ascii: ">")
                        || bytes[after] == UInt8(ascii: "/"))
                {
                    return endOfSequence(">", from: after)
                }
                cursor = open + 2
            }
            return bytes.count
        }

        private func matches(_ literal: String, at position: Int) -> Bool {
            let literalBytes = Array(literal.utf8)
            guard position + literalBytes.count <= bytes.count else {
                return false
            }
            for (offset, byte) in literalBytes.enumerated() where bytes[position + offset] | 0x20 != byte | 0x20 {
                return false
            }
            return true
        }

        private func find(_ literal: String, from start: Int) -> Int? {
            let literalBytes = Array(literal.utf8)
            var cursor = start
            while cursor + literalBytes.count <= bytes.count {
                if bytes[cursor] == literalBytes[0] && matches(literal, at: cursor) {
                    return cursor
                }
                cursor += 1
            }
            return nil
        }

        /// The index just after the next `literal` from `start`, or the end of the document.
        private func endOfSequence(_ literal: String, from start: Int) -> Int {
            guard let found = find(literal, from: min(start, bytes.count)) else {
                return bytes.count
            }
            return found + literal.utf8.count
        }

        private func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
        }

        private func isASCIILetter(_ byte: UInt8) -> Bool {
            (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
        }

        private func isNameByte(_ byte: UInt8) -> Bool {
            isASCIILetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ":")
        }
    }

    // MARK: - Text

    /// Decodes character references (`&amp;`, `&#233;`, `&#x1F600;`, and the legacy forms without `;` for the
    /// names in the table). Invalid code points become U+FFFD; references to 0x80–0x9F mean Windows-1252, as in
    /// browsers.
    static func decodeEntities(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var output = String.UnicodeScalarView()
        var runStart = bytes.startIndex
        var cursor = bytes.startIndex
        func flush(to end: Int) {
            if runStart < end {
                output += String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars
            }
        }
        while cursor < bytes.endIndex {
            guard bytes[cursor] == UInt8(ascii: "&") else {
                cursor += 1
                continue
            }
            if let (scalar, length) = reference(in: bytes, at: cursor) {
                flush(to: cursor)
                output.append(scalar)
                cursor += length
                runStart = cursor
            } else {
                cursor += 1
            }
        }
        flush(to: bytes.endIndex)
        return String(output)
    }

    private static func reference(in bytes: ArraySlice<UInt8>, at start: Int) -> (Unicode.Scalar, Int)? {
        var cursor = start + 1
        guard cursor < bytes.endIndex else {
            return nil
        }
        if bytes[cursor] == UInt8(ascii: "#") {
            cursor += 1
            var hex = false
            if cursor < bytes.endIndex && (bytes[cursor] | 0x20) == UInt8(ascii: "x") {
                hex = true
                cursor += 1
            }
            var value: UInt32 = 0
            var digits = 0
            while cursor < bytes.endIndex, digits < 8 {
                let byte = bytes[cursor]
                let digit: UInt32?
                if hex {
                    digit = TransferDecoding.hexValue(byte).map(UInt32.init)
                } else {
                    digit = byte >= 48 && byte <= 57 ? UInt32(byte - 48) : nil
                }
                guard let digit else {
                    break
                }
                value = value * (hex ? 16 : 10) + digit
                digits += 1
                cursor += 1
            }
            guard digits > 0 else {
                return nil
            }
            if cursor < bytes.endIndex && bytes[cursor] == UInt8(ascii: ";") {
                cursor += 1
            }
            return (numericScalar(value), cursor - start)
        }
        let nameStart = cursor
        while cursor < bytes.endIndex, cursor - nameStart < HTMLEntities.longestName,
            (bytes[cursor] | 0x20) >= UInt8(ascii: "a") && (bytes[cursor] | 0x20) <= UInt8(ascii: "z")
                || (bytes[cursor] >= 48 && bytes[cursor] <= 57)
        {
            cursor += 1
        }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
        guard let value = HTMLEntities.named[name], let scalar = Unicode.Scalar(value) else {
            return nil
        }
        if cursor < bytes.endIndex && bytes[cursor] == UInt8(ascii: ";") {
            cursor += 1
        }
        return (scalar, cursor - start)
    }

    private static func numericScalar(_ value: UInt32) -> Unicode.Scalar {
        if (0x80...0x9F).contains(value) {
            return MailCharset.decode([UInt8(value)], charset: "windows-1252").text.unicodeScalars.first ?? "\u{FFFD}"
        }
        guard value != 0, let scalar = Unicode.Scalar(value) else {
            return "\u{FFFD}"
        }
        return scalar
    }

    // MARK: - Links

    /// The link target if it is safe to keep as a link: `http`, `https` or `mailto`, written so it cannot break out
    /// of a Markdown link destination. Everything else (`javascript:`, `data:`, `vbscript:`, relative, `cid:`) is
    /// nil. Tabs, line breaks and control characters are removed first, as browsers remove them, so
    /// `java&#9;script:` cannot pass for something else.
    static func safeURL(_ href: String) -> String? {
        let cleaned = String(
            String.UnicodeScalarView(href.unicodeScalars.filter { !InboundText.isControl($0) })
        ).trimmed()
        let lower = cleaned.asciiLowercased
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") else {
            return nil
        }
        guard cleaned.utf8.count <= 2_048 else {
            return nil
        }
        var output = ""
        for byte in cleaned.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"),
                UInt8(ascii: "@"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "+"),
                UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "%"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += "%" + EncodedWordEncoder.hex(byte)
            }
        }
        return output
    }
}
