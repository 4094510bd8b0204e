/// Collects the text the HTML converter finds into ``BodyLine``s: collapses whitespace as a browser does (outside
/// `pre`), writes list markers and headings, tracks quotation depth, and keeps at most one blank line in a row.
///
/// Works on UTF-8 bytes: every character it treats specially is ASCII or a two-byte Latin-1 supplement character
/// (no-break space, soft hyphen, C1 controls), so other characters pass through untouched.
struct LineBuilder {
    private(set) var lines: [BodyLine] = []
    /// The current line so far, as UTF-8.
    private(set) var plain: [UInt8] = []
    private(set) var markdown: [UInt8] = []
    /// The current blockquote depth.
    var depth = 0
    /// How many `pre` elements are open.
    var preformatted = 0
    /// Whether whitespace was seen since the last text, to be written as one space before the next text.
    var pendingSpace = false
    /// A list marker or heading prefix to write before the next text.
    var pendingMarker: (plain: String, markdown: String)?
    /// Open lists, innermost last.
    var lists: [(ordered: Bool, counter: Int)] = []

    private var lineIsOpen = false
    private var lineHasText = false
    private var lineDepth = 0
    private var blankRequested = false
    private var escaper = MarkdownEscaper()

    /// How many lines are finished; a link is only made when it opens and closes on the same line.
    var lineCount: Int { lines.count }

    /// Appends text as HTML shows it.
    mutating func appendText(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ appendText(bytes: $0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { appendText(bytes: $0) }
        }
    }

    private mutating func appendText(bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isOrdinary[Int(byte)] {
                // A run of ordinary characters: appended at once.
                var end = index + 1
                while end < bytes.count && Self.isOrdinary[Int(bytes[end])] {
                    end += 1
                }
                openInline()
                let run = UnsafeBufferPointer(rebasing: bytes[index..<end])
                plain.append(contentsOf: run)
                escaper.append(contentsOf: run, to: &markdown)
                lineHasText = true
                index = end
                continue
            }
            index += 1
            switch byte {
            case 0xC2 where index < bytes.count:
                let next = bytes[index]
                index += 1
                switch next {
                case 0xA0:
                    appendSpace()
                case 0xAD, 0x80..<0xA0:
                    // Soft hyphen and C1 controls are invisible.
                    continue
                default:
                    appendVisible(0xC2)
                    appendVisible(next)
                }
            case 0x0A where preformatted > 0:
                breakLine()
            case 0x0D where preformatted > 0:
                continue
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                appendSpace()
            case 0x00..<0x20, 0x7F:
                continue
            default:
                appendVisible(byte)
            }
        }
    }

    /// Bytes appended as they are: everything but whitespace, controls and 0xC2 (which starts the no-break space,
    /// the soft hyphen and the C1 controls). Continuation bytes are ordinary, so a run never splits a character.
    private static let isOrdinary: [Bool] = (0...255).map { byte in
        byte > 0x20 && byte != 0x7F && byte != 0xC2
    }

    private mutating func appendSpace() {
        guard preformatted > 0 else {
            pendingSpace = true
            return
        }
        openInline()
        plain.append(0x20)
        markdown.append(0x20)
    }

    private mutating func appendVisible(_ byte: UInt8) {
        // A continuation byte belongs to the character already started.
        if byte & 0xC0 != 0x80 {
            openInline()
        }
        plain.append(byte)
        escaper.append(byte, to: &markdown)
        lineHasText = true
    }

    /// Opens the line for inline content: writes the requested blank line, the pending marker and the pending
    /// space.
    mutating func openInline() {
        if !lineIsOpen {
            if blankRequested, let last = lines.last, !last.isBlank {
                lines.append(BodyLine(depth: min(last.depth, depth), plain: "", markdown: ""))
            }
            blankRequested = false
            lineIsOpen = true
            lineDepth = depth
            escaper.startLine()
            pendingSpace = false
            if let marker = pendingMarker {
                plain += marker.plain.utf8
                markdown += marker.markdown.utf8
                escaper.continueLine()
                pendingMarker = nil
            }
        }
        if pendingSpace && lineHasText {
            plain.append(0x20)
            markdown.append(0x20)
        }
        pendingSpace = false
    }

    /// Wraps the Markdown written since `markdownOffset` in a link to `url` (already safe), and adds the address
    /// to the plain text unless the text already is it. Returns false (changing nothing) when no text was written.
    mutating func wrapLink(markdownOffset: Int, plainOffset: Int, url: String) -> Bool {
        guard markdown.count > markdownOffset, markdownOffset >= 0, plainOffset <= plain.count else {
            return false
        }
        markdown.insert(UInt8(ascii: "["), at: markdownOffset)
        markdown += Array("](\(url))".utf8)
        let linkText = String(decoding: plain[plainOffset...], as: UTF8.self)
        if !url.hasPrefix("mailto:") && String(linkText.trimmed()) != url.removingPercentEncodingForDisplay
            && String(linkText.trimmed()) != url
        {
            plain += Array(" (\(url))".utf8)
        }
        return true
    }

    /// A `<br>`: ends the line, or adds an empty one.
    mutating func breakLine() {
        if !lineIsOpen {
            openInline()
        }
        finishLine()
    }

    /// The end or start of a block: ends the open line; with `blankLine`, the next text comes after a blank line.
    mutating func endBlock(blankLine: Bool) {
        if lineIsOpen {
            finishLine()
        }
        pendingMarker = nil
        blankRequested = blankRequested || blankLine
    }

    /// Starts a list item: its marker is written before its first text.
    mutating func startListItem() {
        let level = min(lists.count, 10)
        let indent = String(repeating: "    ", count: max(0, level - 1))
        var marker = "- "
        if !lists.isEmpty && lists[lists.count - 1].ordered {
            lists[lists.count - 1].counter += 1
            marker = "\(lists[lists.count - 1].counter). "
        }
        pendingMarker = (indent + marker, indent + marker)
    }

    /// A horizontal rule, as its own block.
    mutating func appendRule() {
        openInline()
        plain += Array("----------".utf8)
        markdown += Array("* * *".utf8)
        finishLine()
        blankRequested = true
    }

    private mutating func finishLine() {
        var plainEnd = plain.count
        if preformatted == 0 {
            while plainEnd > 0 && (plain[plainEnd - 1] == 0x20 || plain[plainEnd - 1] == 0x09) {
                plainEnd -= 1
            }
        }
        var markdownEnd = markdown.count
        while markdownEnd > 0 && (markdown[markdownEnd - 1] == 0x20 || markdown[markdownEnd - 1] == 0x09) {
            markdownEnd -= 1
        }
        let isBlank = plain.allSatisfy { $0 == 0x20 || $0 == 0x09 }
        lines.append(
            BodyLine(
                depth: lineDepth,
                plain: isBlank ? "" : String(decoding: plain[..<plainEnd], as: UTF8.self),
                markdown: isBlank ? "" : String(decoding: markdown[..<markdownEnd], as: UTF8.self)))
        plain.removeAll(keepingCapacity: true)
        markdown.removeAll(keepingCapacity: true)
        lineIsOpen = false
        lineHasText = false
        pendingSpace = false
    }

    /// The lines, with runs of blank lines reduced to one and none at either end.
    mutating func finish() -> [BodyLine] {
        if lineIsOpen {
            finishLine()
        }
        var result: [BodyLine] = []
        for line in lines {
            if line.isBlank && (result.last?.isBlank ?? true) {
                continue
            }
            result.append(line)
        }
        while result.last?.isBlank == true {
            result.removeLast()
        }
        return result
    }
}
