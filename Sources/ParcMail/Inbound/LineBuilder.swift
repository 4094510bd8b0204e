/// Collects the text the HTML converter finds into ``BodyLine``s: collapses whitespace as a browser does (outside
/// `pre`), writes list markers and headings, tracks quotation depth, and keeps at most one blank line in a row.
struct LineBuilder {
    private(set) var lines: [BodyLine] = []
    /// The current line so far.
    var plain = ""
    var markdown = ""
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
        for scalar in text.unicodeScalars {
            if preformatted > 0 {
                if scalar == "\n" {
                    breakLine()
                    continue
                }
                if scalar == "\r" {
                    continue
                }
            } else if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
                || scalar == "\u{A0}"
            {
                pendingSpace = true
                continue
            }
            // Controls and soft hyphens are invisible; zero-width and bidi characters are kept (they are text).
            if (InboundText.isControl(scalar) && scalar != "\t") || scalar == "\u{AD}" {
                continue
            }
            openInline()
            if preformatted > 0 && (scalar == " " || scalar == "\t" || scalar == "\u{A0}") {
                plain.unicodeScalars.append(" ")
                markdown.unicodeScalars.append(" ")
                continue
            }
            plain.unicodeScalars.append(scalar)
            escaper.append(scalar, to: &markdown)
            lineHasText = true
        }
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
                plain += marker.plain
                markdown += marker.markdown
                escaper.continueLine()
                pendingMarker = nil
            }
        }
        if pendingSpace && lineHasText {
            plain += " "
            markdown += " "
        }
        pendingSpace = false
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
        plain += "----------"
        markdown += "* * *"
        finishLine()
        blankRequested = true
    }

    private mutating func finishLine() {
        var plainLine = preformatted > 0 ? plain : Self.withoutTrailingSpaces(plain)
        var markdownLine = Self.withoutTrailingSpaces(markdown)
        if plainLine.allSatisfy({ $0 == " " || $0 == "\t" }) {
            plainLine = ""
            markdownLine = ""
        }
        lines.append(BodyLine(depth: lineDepth, plain: plainLine, markdown: markdownLine))
        plain = ""
        markdown = ""
        lineIsOpen = false
        lineHasText = false
        pendingSpace = false
    }

    private static func withoutTrailingSpaces(_ text: String) -> String {
        guard text.last == " " || text.last == "\t" else {
            return text
        }
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)] == " " || text[text.index(before: end)] == "\t" {
            end = text.index(before: end)
        }
        return String(text[..<end])
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
